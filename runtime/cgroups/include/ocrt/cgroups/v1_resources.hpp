// linux.resources -> the cgroup v1 file writes that apply them, in the order they
// must happen. Pure: what the host has is asked through ResourceProbe, so tables
// can be tested without a kernel. The writer (manager) only performs the list.
#pragma once

#include <ocrt/base/result.hpp>
#include <ocrt/spec/config.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace ocrt::cgroups {

struct FileWrite {
    std::string controller;  // the hierarchy to write in: "memory", "cpu", "hugetlb", ...
    std::string file;        // "memory.limit_in_bytes"
    std::string value;       // what is written, e.g. "1048576"
    // The config field it comes from ("/memory/limit", below /linux/resources), so a
    // value the kernel refuses is reported against it; empty for ocrt's own writes.
    std::string pointer;
    // The write itself; where it came from does not make two writes different.
    bool operator==(const FileWrite &other) const {
        return controller == other.controller && file == other.file && value == other.value;
    }
};

struct ResourceProbe {
    // The container has a cgroup for this controller.
    std::function<bool(const std::string &controller)> has_controller;
    // The controller's cgroup has this file (e.g. "cpu.cfs_burst_us" on newer kernels).
    std::function<bool(const std::string &controller, const std::string &file)> has_file;
    // The controller is served by the cgroup2 hierarchy (hybrid: hugetlb).
    std::function<bool(const std::string &controller)> on_v2;
    // The value a numeric file holds now (update ordering of memory and memory+swap).
    std::function<std::optional<int64_t>(const std::string &controller, const std::string &file)> current;
};

// Every write, or a config error naming the field (a controller that is not mounted,
// a file this kernel lacks, an out-of-range value, linux.resources.unified on v1).
Result<std::vector<FileWrite>> plan_v1_writes(const spec::Resources &resources, const ResourceProbe &probe);

// v1 devices: "a" to devices.deny, then each rule in order to devices.allow/deny
// ("c 1:3 rwm", "*" for an absent major/minor). Nothing when rules is empty.
std::vector<FileWrite> device_writes(const std::vector<spec::DeviceRule> &rules);

// The device rules a new container gets (runc's semantics): the configured rules,
// then the devices every container may use (null, zero, full, random, urandom, tty,
// console, ptmx, pts, mknod of anything), then each linux.devices entry.
std::vector<spec::DeviceRule> create_device_rules(const spec::Config &config);

// The resources applied at create: linux.resources with create_device_rules.
spec::Resources create_resources(const spec::Config &config);

}  // namespace ocrt::cgroups
