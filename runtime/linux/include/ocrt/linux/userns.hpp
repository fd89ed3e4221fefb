// User namespace id maps and time namespace offsets.
#pragma once

#include <ocrt/base/kernel.hpp>
#include <ocrt/spec/config.hpp>

#include <sys/types.h>

#include <string>
#include <vector>

namespace ocrt::os {

// "containerID hostID size\n" per mapping.
std::string render_id_map(const std::vector<spec::IdMapping> &mappings);

// Parent side: writes /proc/<pid>/uid_map, gid_map (and setgroups "deny" when
// the gid map is not privileged) for a child that created a user namespace.
Result<void> write_id_maps(pid_t pid, const spec::LinuxConfig &linux_config, Kernel &kernel);

// "monotonic 3 0\nboottime 0 500\n": the content of /proc/<pid>/timens_offsets.
std::string render_time_offsets(const std::map<std::string, spec::TimeOffset> &offsets);

}  // namespace ocrt::os
