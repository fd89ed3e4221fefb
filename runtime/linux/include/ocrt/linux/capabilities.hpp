// process.capabilities: the five sets as bit masks, and applying them around the
// uid switch (bounding dropped and keep-caps set before setresuid, the other sets
// after it, ambient last).
#pragma once

#include <ocrt/base/result.hpp>
#include <ocrt/spec/config.hpp>

#include <cstdint>
#include <optional>

namespace ocrt::os {

struct CapabilitySets {
    uint64_t bounding = 0, effective = 0, permitted = 0, inheritable = 0, ambient = 0;
};

// Pure: names to bits. A set that is absent is empty (config.md); names were
// validated by spec/, so an unknown one here is an error all the same.
Result<CapabilitySets> capability_sets(const spec::Capabilities &capabilities);

// Before the uid switch: keep permitted caps across setresuid and drop every
// bounding capability not asked for (only those the running kernel knows).
Result<void> prepare_capabilities(const CapabilitySets &sets);

// After the uid switch: effective, permitted and inheritable, then ambient.
Result<void> apply_capabilities(const CapabilitySets &sets);

}  // namespace ocrt::os
