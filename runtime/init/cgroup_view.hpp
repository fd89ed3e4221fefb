// What the container's "cgroup" mounts show (os::CgroupView): the host's hierarchies
// (names, alias symlinks) with the container's own directory in each.
#pragma once

#include <ocrt/cgroups/host.hpp>
#include <ocrt/cgroups/manager.hpp>
#include <ocrt/linux/mounts.hpp>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace ocrt::init {

// Pure: one entry per host hierarchy mounted directly below /sys/fs/cgroup, named like
// the host's directory; own_dir from dirs (controller or "unified" -> directory).
os::CgroupView make_cgroup_view(const cgroups::HostLayout &host, const std::map<std::string, std::string> &dirs,
                                bool own_namespace);

// The symlinks directly in /sys/fs/cgroup that name a hierarchy there ("cpu" -> "cpu,cpuacct").
std::vector<std::pair<std::string, std::string>> host_cgroup_symlinks(const std::string &dir = "/sys/fs/cgroup");

}  // namespace ocrt::init
