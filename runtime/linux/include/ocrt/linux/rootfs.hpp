// The container's filesystem: mounts, default devices, pivot_root, readonly root.
#pragma once

#include <ocrt/base/kernel.hpp>
#include <ocrt/linux/mounts.hpp>
#include <ocrt/spec/config.hpp>

#include <string>

namespace ocrt::os {

struct RootfsOptions {
    std::string rootfs;     // absolute host path of root.path
    bool no_pivot = false;  // --no-pivot: MS_MOVE + chroot instead of pivot_root
    std::string bundle;     // absolute; relative bind-mount sources are relative to it (empty: to the cwd)
    const CgroupView *cgroups = nullptr;  // the container's cgroups for "cgroup" mounts (mounts.hpp)
};

// In the new mount namespace, before pivot_root: make / private (or rootfsPropagation),
// bind the rootfs onto itself, do config.mounts in order (targets resolved inside the
// rootfs), create the default devices and /dev symlinks.
Result<void> prepare_rootfs(const spec::Config &config, const RootfsOptions &options, Kernel &kernel);

// pivot_root (or move + chroot) into the rootfs and detach the old root; cwd becomes "/".
Result<void> enter_rootfs(const spec::Config &config, const RootfsOptions &options, Kernel &kernel);

// After pivot: root.readonly remount, rootfsPropagation applied to the new "/".
Result<void> finish_rootfs(const spec::Config &config, Kernel &kernel);

}  // namespace ocrt::os
