// linux.resources.devices on a pure cgroup v2 host: cgroup v2 has no devices.allow
// file; the kernel asks a BPF_PROG_TYPE_CGROUP_DEVICE program attached to the cgroup
// instead. The program is generated here (no libbpf), with the semantics of the v1
// list: default deny, then the rules in order; for each access bit the last rule that
// matches the device and names the bit decides it.
#pragma once

#include <ocrt/base/result.hpp>
#include <ocrt/spec/config.hpp>

#include <linux/bpf.h>

#include <cstdint>
#include <string>
#include <vector>

namespace ocrt::cgroups {

// The program for these rules. Errors: a type other than a/b/c or an access other than
// r/w/m names the rule as /linux/resources/devices/N. A missing or negative major/minor
// means any; an empty access means "rwm".
Result<std::vector<bpf_insn>> device_filter_program(const std::vector<spec::DeviceRule> &rules);

// Loads the program for rules and attaches it to the cgroup2 directory (multi mode,
// so a parent's programs still apply), then detaches the device programs that were
// attached to it before (an update replaces them; meanwhile both apply, never less).
Result<void> attach_device_filter(const std::string &cgroup_dir, const std::vector<spec::DeviceRule> &rules);

// The ids of the device programs attached directly to the cgroup2 directory.
Result<std::vector<uint32_t>> attached_device_filters(const std::string &cgroup_dir);

}  // namespace ocrt::cgroups
