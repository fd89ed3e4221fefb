// `ocrt update`'s individual flags (runc's names) as a linux.resources object. Pure.
#pragma once

#include <ocrt/base/result.hpp>
#include <ocrt/cli/args.hpp>
#include <ocrt/spec/config.hpp>

#include <cstdint>
#include <string>

namespace ocrt::cli {

// "512M", "1g", "1048576", "-1" (unlimited): binary units as runc (docker/go-units RAMInBytes).
Result<int64_t> parse_memory_size(const std::string &text);

// Only the flags given end up set; the rest stay unset (unchanged by update).
Result<spec::Resources> resources_from_flags(const ParsedFlags &flags);

// What resources_from_flags set, as a linux.resources JSON object (for the config snapshot).
std::string resources_json(const spec::Resources &resources);

}  // namespace ocrt::cli
