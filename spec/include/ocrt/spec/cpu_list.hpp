// CPU lists as config.json writes them (process.execCPUAffinity, "0-3,7"):
// comma-separated CPU numbers and inclusive ranges. Pure, no system calls.
#pragma once

#include <ocrt/base/result.hpp>

#include <string_view>
#include <vector>

namespace ocrt::spec {

// No kernel is built for more CPUs than this (CONFIG_NR_CPUS tops out at 8192);
// it also bounds the mask a list can make us allocate.
inline constexpr unsigned kMaxCpuNumber = 8191;

// The CPUs of `list`, ascending and without duplicates. Spaces around numbers
// are allowed (the schema's "^[0-9, -]*$"); an empty or blank list is empty.
// Refused: empty entries ("1,,2", "1,"), a range whose end is below its start,
// a number above kMaxCpuNumber, anything but digits, ',', '-' and spaces.
Result<std::vector<unsigned>> parse_cpu_list(std::string_view list);

}  // namespace ocrt::spec
