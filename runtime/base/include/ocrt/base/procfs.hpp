// A procfs the container cannot fake. Every write ocrt makes below /proc (id maps,
// setgroups, timens_offsets, sysctls, oom_score_adj, LSM attributes) goes through
// here (LinuxKernel::write_file routes them), so a rootfs that puts a tmpfs, a
// plain directory or a bind mount at /proc can never receive or redirect them
// (CVE-2019-16884, CVE-2019-19921).
//
// The root is a private procfs instance (fsopen/fsmount, never attached to any
// mount tree). Where the kernel refuses one (no fsopen, or a user namespace that
// may not mount proc), "/proc" is used only after checking that it is the root of
// a procfs (PROC_SUPER_MAGIC, inode 1); otherwise the write fails.
// Files are opened below that root with openat2 RESOLVE_BENEATH |
// RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV and checked to be on procfs.
#pragma once

#include <ocrt/base/result.hpp>
#include <ocrt/base/unique_fd.hpp>

#include <optional>
#include <string>

namespace ocrt::procfs {

// The root of a procfs for the caller's pid namespace (see above).
Result<unique_fd> open_root();

// Ok when fd is the root directory of a procfs; what names it in the error.
Result<void> verify_root(borrowed_fd fd, const std::string &what);

// Opens relative ("self/oom_score_adj") below root without leaving it, without
// magic links and without crossing a mount; the result must be on procfs.
Result<unique_fd> open_beneath(borrowed_fd root, const std::string &relative, int flags);

// "/proc/sys/kernel/shmmax" -> "sys/kernel/shmmax"; nullopt for paths outside /proc.
std::optional<std::string> relative_to_proc(const std::string &path);

// Writes content with one write(2) to a file of a verified procfs; path starts with "/proc/".
Result<void> write(const std::string &path, const std::string &content);

namespace detail {
// The openat2-free resolver behind open_beneath (kernels before 5.6): one
// component at a time with O_NOFOLLOW, only procfs's own "self"/"thread-self"
// links expanded, every step on root's device. Exposed for tests.
Result<unique_fd> open_beneath_by_walk(borrowed_fd root, const std::string &relative, int flags);
}  // namespace detail

}  // namespace ocrt::procfs
