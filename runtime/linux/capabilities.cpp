#include <ocrt/linux/capabilities.hpp>

#include <ocrt/base/fs.hpp>
#include <ocrt/linux/process_setup.hpp>
#include <ocrt/spec/vocabulary.hpp>

#include <sys/capability.h>
#include <sys/prctl.h>

#include <cerrno>
#include <memory>
#include <string>
#include <type_traits>

namespace ocrt::os {

namespace {

constexpr int kMaskBits = 64;

bool has(uint64_t bits, int cap) { return cap >= 0 && cap < kMaskBits && ((bits >> cap) & 1U) != 0; }

Result<uint64_t> to_bits(const std::optional<std::vector<std::string>> &names, const char *set) {
    uint64_t bits = 0;
    if (!names) return bits;
    for (const auto &name : *names) {
        auto number = spec::capability_number(name);
        if (!number || *number < 0 || *number >= kMaskBits)
            return Error("process.capabilities." + std::string(set) + ": unknown capability \"" + name + "\"");
        bits |= uint64_t{1} << *number;
    }
    return bits;
}

using CapState = std::unique_ptr<std::remove_pointer_t<cap_t>, int (*)(void *)>;

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

int kernel_last_capability() {
    if (auto text = fs::read_file("/proc/sys/kernel/cap_last_cap")) {
        try {
            int last = std::stoi(*text);
            if (last >= 0 && last < kMaskBits) return last;
        } catch (...) {
            // Unparsable: fall through to libcap's answer.
        }
    }
    return static_cast<int>(cap_max_bits()) - 1;
}

uint64_t grantable_capabilities(int last_cap) {
    CapState own(cap_get_proc(), cap_free);
    uint64_t bits = 0;
    for (int cap = 0; cap <= last_cap && cap < kMaskBits; ++cap) {
        cap_flag_value_t permitted = CAP_CLEAR;
        if (own && cap_get_flag(own.get(), static_cast<cap_value_t>(cap), CAP_PERMITTED, &permitted) != 0) continue;
        if (cap_get_bound(static_cast<cap_value_t>(cap)) == 1 && (!own || permitted == CAP_SET))
            bits |= uint64_t{1} << cap;
    }
    return bits;
}

std::vector<std::string> remove_ungrantable(CapabilitySets &sets, uint64_t grantable) {
    uint64_t requested = sets.bounding | sets.effective | sets.permitted | sets.inheritable | sets.ambient;
    std::vector<std::string> removed;
    for (int cap = 0; cap < kMaskBits; ++cap)
        if (has(requested, cap) && !has(grantable, cap)) removed.push_back(capability_name(cap));
    for (uint64_t *set : {&sets.bounding, &sets.effective, &sets.permitted, &sets.inheritable, &sets.ambient})
        *set &= grantable;
    return removed;
}

std::string capability_name(int cap) {
    for (const auto &word : spec::capability_words())
        if (word.value == cap) return std::string(word.name);
    return std::to_string(cap);
}

Result<void> switch_user(const spec::User &user, const CapabilitySets *sets, int last_cap, Kernel &kernel) {
    if (sets == nullptr) return apply_user(user, kernel);
    // Without keep-caps, setresuid away from uid 0 empties the permitted set.
    if (auto kept = kernel.prctl(PR_SET_KEEPCAPS, 1); !kept) return std::move(kept).error().wrap("set keep-caps");
    for (int cap = 0; cap <= last_cap && cap < kMaskBits; ++cap) {
        if (has(sets->bounding, cap)) continue;
        if (auto dropped = kernel.prctl(PR_CAPBSET_DROP, static_cast<unsigned long>(cap)); !dropped)
            return std::move(dropped).error().wrap("drop " + capability_name(cap) + " from the bounding set");
    }
    OCRT_TRY(apply_user(user, kernel));
    // keep-caps has done its work; a later uid change by the process must not inherit it.
    if (auto cleared = kernel.prctl(PR_SET_KEEPCAPS, 0); !cleared)
        return std::move(cleared).error().wrap("clear keep-caps");
    return ok();
}

Result<void> set_capability_sets(const CapabilitySets &sets, int last_cap) {
    CapState state(cap_init(), cap_free);
    if (!state) return errno_error("allocate capability state");
    for (int cap = 0; cap <= last_cap && cap < kMaskBits; ++cap) {
        cap_value_t value = cap;
        if (has(sets.effective, cap)) cap_set_flag(state.get(), CAP_EFFECTIVE, 1, &value, CAP_SET);
        if (has(sets.permitted, cap)) cap_set_flag(state.get(), CAP_PERMITTED, 1, &value, CAP_SET);
        if (has(sets.inheritable, cap)) cap_set_flag(state.get(), CAP_INHERITABLE, 1, &value, CAP_SET);
    }
    if (cap_set_proc(state.get()) != 0) {
        int err = errno;
        return Error(err, "set the effective, permitted and inheritable capabilities");
    }
    // A kernel without ambient capabilities (before 4.3) has nothing to clear.
    if (cap_reset_ambient() != 0 && (errno != EINVAL || sets.ambient != 0))
        return errno_error("clear the ambient capabilities");
    for (int cap = 0; cap <= last_cap && cap < kMaskBits; ++cap) {
        if (!has(sets.ambient, cap)) continue;
        if (cap_set_ambient(static_cast<cap_value_t>(cap), CAP_SET) != 0) {
            int err = errno;
            return Error(err, "raise ambient capability " + capability_name(cap) +
                                  " (an ambient capability must also be permitted and inheritable)");
        }
    }
    return ok();
}

}  // namespace ocrt::os
