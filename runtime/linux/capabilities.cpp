#include <ocrt/linux/capabilities.hpp>

#include <ocrt/spec/vocabulary.hpp>

#include <sys/capability.h>
#include <sys/prctl.h>

#include <cerrno>
#include <memory>
#include <string>

namespace ocrt::os {

namespace {

Result<uint64_t> to_bits(const std::optional<std::vector<std::string>> &names, const char *set) {
    uint64_t bits = 0;
    if (!names) return bits;
    for (const auto &name : *names) {
        auto number = spec::capability_number(name);
        if (!number) return Error("process.capabilities." + std::string(set) + ": unknown capability \"" + name + "\"");
        bits |= uint64_t{1} << *number;
    }
    return bits;
}

bool has(uint64_t bits, int cap) { return (bits >> cap) & 1U; }

std::string cap_name(int cap) {
    std::unique_ptr<char, int (*)(void *)> name(cap_to_name(static_cast<cap_value_t>(cap)), cap_free);
    return name ? std::string(name.get()) : std::to_string(cap);
}

}  // namespace

Result<CapabilitySets> capability_sets(const spec::Capabilities &capabilities) {
    CapabilitySets sets;
    sets.bounding = OCRT_TRY(to_bits(capabilities.bounding, "bounding"));
    sets.effective = OCRT_TRY(to_bits(capabilities.effective, "effective"));
    sets.permitted = OCRT_TRY(to_bits(capabilities.permitted, "permitted"));
    sets.inheritable = OCRT_TRY(to_bits(capabilities.inheritable, "inheritable"));
    sets.ambient = OCRT_TRY(to_bits(capabilities.ambient, "ambient"));
    return sets;
}

Result<void> prepare_capabilities(const CapabilitySets &sets) {
    if (::prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0) return errno_error("set keep-caps");
    const int last = static_cast<int>(cap_max_bits()) - 1;  // what the running kernel knows
    for (int cap = 0; cap <= last; ++cap) {
        if (has(sets.bounding, cap)) continue;
        if (::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL) {
            int code = errno;
            return Error(code, "drop " + cap_name(cap) + " from the bounding set");
        }
    }
    return ok();
}

Result<void> apply_capabilities(const CapabilitySets &sets) {
    std::unique_ptr<std::remove_pointer_t<cap_t>, int (*)(void *)> caps(cap_init(), cap_free);
    if (!caps) return errno_error("allocate capability state");
    const int last = static_cast<int>(cap_max_bits()) - 1;
    for (int cap = 0; cap <= last; ++cap) {
        cap_value_t value = cap;
        if (has(sets.effective, cap)) cap_set_flag(caps.get(), CAP_EFFECTIVE, 1, &value, CAP_SET);
        if (has(sets.permitted, cap)) cap_set_flag(caps.get(), CAP_PERMITTED, 1, &value, CAP_SET);
        if (has(sets.inheritable, cap)) cap_set_flag(caps.get(), CAP_INHERITABLE, 1, &value, CAP_SET);
    }
    if (cap_set_proc(caps.get()) != 0) {
        int code = errno;
        return Error(code, "set capabilities (a requested capability may be missing from the bounding or permitted set)");
    }
    if (::prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) != 0) return errno_error("clear keep-caps");
    if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL)
        return errno_error("clear the ambient set");
    for (int cap = 0; cap <= last; ++cap) {
        if (!has(sets.ambient, cap)) continue;
        if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) != 0) {
            int code = errno;
            return Error(code, "raise ambient " + cap_name(cap) + " (it must be permitted and inheritable)");
        }
    }
    return ok();
}

}  // namespace ocrt::os
