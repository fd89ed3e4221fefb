// What cgroup hierarchies this host has, found once from /proc/self/mountinfo and
// statfs("/sys/fs/cgroup"): pure cgroup v1 ("legacy"), v1 controllers plus a cgroup2
// mount beside them ("hybrid"), or cgroup2 alone ("unified").
#pragma once

#include <ocrt/base/result.hpp>

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace ocrt::cgroups {

enum class HostMode { Legacy, Hybrid, Unified };

// "v1", "hybrid", "unified"
std::string_view mode_name(HostMode mode);

struct Hierarchy {
    std::string mount_point;               // "/sys/fs/cgroup/memory"
    std::string root = "/";                // mountinfo field 4: the cgroup shown at mount_point
    std::vector<std::string> controllers;  // v1: {"cpu"}, {"cpu","cpuacct"}, {"name=systemd"}; v2: cgroup.controllers
    bool unified = false;                  // a cgroup2 mount
};

struct HostLayout {
    HostMode mode = HostMode::Legacy;
    std::vector<Hierarchy> hierarchies;

    // The v1 hierarchy with this controller, else the cgroup2 one if it has it; null when absent.
    const Hierarchy *find(std::string_view controller) const;
    const Hierarchy *unified() const;
};

// Pure: the cgroup and cgroup2 mounts of a mountinfo text, one per hierarchy (the
// first mount of each wins). v1 controllers come from the super options; the
// cgroup2 controller list is left empty (it lives in cgroup.controllers).
std::vector<Hierarchy> parse_mountinfo(std::string_view text);

// Pure: the mode from the mounts and whether /sys/fs/cgroup itself is cgroup2.
HostMode classify_mode(const std::vector<Hierarchy> &hierarchies, bool cgroup2_at_sys_fs_cgroup);

// Pure: /proc/<pid>/cgroup as controller -> path; the cgroup2 line ("0::/x") is key "".
// A line with several controllers ("4:cpu,cpuacct:/x") gives one entry per controller.
std::map<std::string, std::string> parse_proc_cgroup(std::string_view text);

// Reads /proc/self/mountinfo, statfs("/sys/fs/cgroup") and the cgroup2 cgroup.controllers.
Result<HostLayout> detect_host();

}  // namespace ocrt::cgroups
