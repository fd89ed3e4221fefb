#include <ocrt/linux/personality.hpp>

#include <ocrt/spec/vocabulary.hpp>

#include <cerrno>

namespace ocrt::os {

Result<unsigned long> personality_value(const spec::Personality &personality) {
    auto domain = spec::lookup(spec::personality_domain_words(), personality.domain);
    if (!domain) return Error(EINVAL, "unknown personality domain \"" + personality.domain + "\"");
    return static_cast<unsigned long>(*domain);
}

Result<void> apply_personality(const spec::Config &config, Kernel &kernel) {
    if (!config.linux_ || !config.linux_->personality) return ok();
    unsigned long persona = OCRT_TRY(personality_value(*config.linux_->personality));
    if (auto set = kernel.personality(persona); !set)
        return std::move(set).error().wrap("set personality " + config.linux_->personality->domain);
    return ok();
}

}  // namespace ocrt::os
