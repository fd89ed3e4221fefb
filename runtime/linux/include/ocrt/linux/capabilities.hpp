// process.capabilities: the five sets as bit masks, and applying them around the
// uid switch. Order (capabilities(7)): keep-caps on and the bounding set cut
// before setresuid, keep-caps off after it, then effective/permitted/inheritable,
// ambient last (the kernel only raises an ambient cap that is permitted and
// inheritable).
#pragma once

#include <ocrt/base/kernel.hpp>
#include <ocrt/base/result.hpp>
#include <ocrt/spec/config.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace ocrt::os {

struct CapabilitySets {
    uint64_t bounding = 0, effective = 0, permitted = 0, inheritable = 0, ambient = 0;
};

// Pure: names to bits. A set that is absent is empty (config.md); names were
// validated by spec/, so an unknown one here is an error all the same.
Result<CapabilitySets> capability_sets(const spec::Capabilities &capabilities);

// Highest capability number the running kernel knows (/proc/sys/kernel/cap_last_cap;
// libcap's idea of it when /proc is not readable).
int kernel_last_capability();

// What this process could hand on: its bounding set intersected with its permitted
// set, as bits 0..last_cap.
uint64_t grantable_capabilities(int last_cap);

// Pure: removes from every set the capabilities outside `grantable` and returns
// their names, once each, in number order. config.md: a capability that cannot be
// granted is logged as a warning, not a failure.
std::vector<std::string> remove_ungrantable(CapabilitySets &sets, uint64_t grantable);

// Name for a capability number ("CAP_KILL"), or the number when the vocabulary
// has no name for it.
std::string capability_name(int cap);

// setgroups/setresgid/setresuid of apply_user, wrapped for capabilities: when
// `sets` is given, keep-caps is set and every bounding capability 0..last_cap not
// in sets->bounding dropped first, and keep-caps cleared after. Through Kernel&.
Result<void> switch_user(const spec::User &user, const CapabilitySets *sets, int last_cap, Kernel &kernel);

// After switch_user: effective, permitted and inheritable (capset), then the
// ambient set cleared and each requested one raised. Real system calls (libcap).
Result<void> set_capability_sets(const CapabilitySets &sets, int last_cap);

}  // namespace ocrt::os
