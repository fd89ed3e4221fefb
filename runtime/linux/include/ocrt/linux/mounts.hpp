// One config.mounts entry, mounted below the rootfs. The destination is resolved
// and created inside the rootfs by fd (never following a symlink out of it) and
// the mount acts on "/proc/self/fd/N" of that fd.
#pragma once

#include <ocrt/base/kernel.hpp>
#include <ocrt/spec/config.hpp>

#include <string>

namespace ocrt::os {

// root: an O_PATH fd of the rootfs (already bind-mounted onto itself).
// bundle: base for relative bind sources (empty: the current directory).
Result<void> mount_entry(const spec::Mount &mount, borrowed_fd root, const std::string &bundle, Kernel &kernel);

// Refuses destinations that would let a mount shadow procfs: anything but a proc
// mount on "/proc", and anything below "/proc" outside a short allowlist (the
// files lxcfs-style tools bind over). dest must be clean (fs::clean_path).
Result<void> check_proc_destination(const std::string &dest, const std::string &type);

}  // namespace ocrt::os
