// One config.mounts entry, mounted below the rootfs. The destination is resolved
// and created inside the rootfs by fd (never following a symlink out of it) and
// the mount acts on "/proc/self/fd/N" of that fd.
#pragma once

#include <ocrt/base/kernel.hpp>
#include <ocrt/spec/config.hpp>

#include <string>
#include <utility>
#include <vector>

namespace ocrt::os {

// What a "cgroup" mount shows: the container's own cgroups, not the host's tree.
// Filled by the init from the host layout and the container's cgroup placement.
struct CgroupHierarchyView {
    std::string name;     // directory below the destination ("cpu,cpuacct", "unified"); empty: the destination itself
    std::string own_dir;  // host directory of the container's cgroup in this hierarchy (bind source); may be empty
    std::string fs_type;  // "cgroup" or "cgroup2"
    std::string data;     // options of a fresh mount: "cpu,cpuacct", "name=systemd", "" for cgroup2
};

struct CgroupView {
    bool pure_v2 = false;
    // In a cgroup namespace a fresh mount shows the container's cgroup as its root.
    bool own_namespace = false;
    std::vector<CgroupHierarchyView> hierarchies;
    std::vector<std::pair<std::string, std::string>> symlinks;  // "cpu" -> "cpu,cpuacct", as on the host
};

// root: an O_PATH fd of the rootfs (already bind-mounted onto itself).
// bundle: base for relative bind sources (empty: the current directory).
// cgroups: the view for "cgroup"/"cgroup2" mounts; null keeps the host's /sys/fs/cgroup (bound).
Result<void> mount_entry(const spec::Mount &mount, borrowed_fd root, const std::string &bundle, Kernel &kernel,
                         const CgroupView *cgroups = nullptr);

// Refuses destinations that would let a mount shadow procfs: anything but a proc
// mount on "/proc", and anything below "/proc" outside a short allowlist (the
// files lxcfs-style tools bind over). dest must be clean (fs::clean_path).
Result<void> check_proc_destination(const std::string &dest, const std::string &type);

}  // namespace ocrt::os
