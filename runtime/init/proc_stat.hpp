// Reading single fields of /proc/<pid>/stat.
#pragma once

#include <ocrt/base/result.hpp>

#include <sys/types.h>

#include <optional>
#include <string_view>

namespace ocrt::init {

// Pure: the numeric field (1-based, as in proc(5), field >= 3) of one stat line.
std::optional<unsigned long long> parse_stat_field(std::string_view line, int field);

// Field 4: the parent's pid as seen from our pid namespace.
Result<pid_t> process_parent_pid(pid_t pid);

}  // namespace ocrt::init
