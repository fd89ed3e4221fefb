// linux.cgroupsPath (config-linux.md "Cgroups Path") for the cgroupfs drivers. Pure.
//   "/a/b"  absolute: from the root of every hierarchy
//   "a/b"   relative: below the cgroup ocrt itself runs in, per v1 hierarchy; on cgroup v2
//           below its parent (no internal processes: as runc does)
//   ""      the relative path "<id>"
// A path whose ".." would climb above its base, or that names the base itself, is refused.
#pragma once

#include <ocrt/base/result.hpp>
#include <ocrt/cgroups/host.hpp>

#include <string>

namespace ocrt::cgroups {

struct CgroupPath {
    std::string path;       // cleaned: "/a/b" or "a/b", never empty, no "." or ".."
    bool relative = false;  // below the caller's own cgroup
};

// Errors name the field: `config.json: /linux/cgroupsPath: ...`.
Result<CgroupPath> resolve_cgroups_path(const std::string &configured, const std::string &id);

// The cgroup (absolute inside its hierarchy) for path, given the caller's own cgroup there.
std::string cgroup_in_hierarchy(const CgroupPath &path, const std::string &own_cgroup);

// The directory of cgroup (absolute inside the hierarchy) under the hierarchy's mount,
// allowing for a mount that shows a sub-cgroup as its root (inside a container).
std::string directory_of(const Hierarchy &hierarchy, const std::string &cgroup);

// "/a/b/c" -> "/a/b"; "/a" -> "/"
std::string parent_directory(const std::string &path);

}  // namespace ocrt::cgroups
