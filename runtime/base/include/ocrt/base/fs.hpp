// File helpers. The *_in_root functions resolve a path inside a directory fd
// (the container rootfs, a state dir, a cgroup dir) the way a chroot would:
// "..", absolute and relative symlinks are all resolved inside that root, so an
// untrusted tree can never redirect the runtime to a host path.
#pragma once

#include <ocrt/base/result.hpp>
#include <ocrt/base/unique_fd.hpp>

#include <sys/types.h>

#include <string>
#include <vector>

namespace ocrt::fs {

// "/proc/self/fd/N": mounting onto this path acts on the inode the fd holds.
std::string fd_path(borrowed_fd fd);

// Lexical clean-up of an absolute path: "//a/./b/../c/" -> "/a/c"; ".." never
// climbs above "/"; a relative path is taken as relative to "/".
std::string clean_path(const std::string &path);

// The non-empty components of path, without "." ("/a//b/./c" -> a, b, c); ".." is kept.
std::vector<std::string> path_components(const std::string &path);

// Opens path resolved inside root (openat2 RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
// a userspace walk with O_NOFOLLOW on kernels without openat2). O_CLOEXEC is
// always added. With O_NOFOLLOW the last component itself is not followed (with
// O_PATH this returns the symlink). mode is used only with O_CREAT.
Result<unique_fd> open_in_root(borrowed_fd root, const std::string &path, int flags, mode_t mode = 0);

// Creates each missing directory of path (mode, before umask) relative to its
// parent fd; a symlink component, dangling or not, is resolved inside root, so
// what gets created is always below root. Returns an O_PATH fd of the directory.
Result<unique_fd> mkdir_all_in_root(borrowed_fd root, const std::string &path, mode_t mode);

// Like mkdir_all_in_root for the parents (0755), then creates an empty file
// (mode) unless something already exists there. Returns an O_PATH fd of it.
Result<unique_fd> create_file_in_root(borrowed_fd root, const std::string &path, mode_t mode);

// Opens a host path (O_CLOEXEC added): for trusted paths only.
Result<unique_fd> open_path(const std::string &path, int flags, mode_t mode = 0);

// The whole content of a file (works for /proc files that report size 0).
Result<std::string> read_file(const std::string &path);

// Writes content to an existing kernel file (sysfs, cgroupfs) in one write(2): no
// O_CREAT, and files like cgroup.procs or uid_map take their value only whole. A
// short one-line value is named in the error ("write \"max\" to \"/sys/...\"").
Result<void> write_kernel_file(const std::string &path, const std::string &content);

// Replaces dir/name atomically: a temporary file in dir, renamed over name, so a
// crash of ocrt at any point leaves the old or the new content, never a mix. No
// fsync: state lives on tmpfs (/run) and does not outlive the machine anyway,
// and fsync was most of the time of a create on disk-backed roots.
Result<void> write_file_atomic(borrowed_fd dir, const std::string &name, const std::string &content, mode_t mode);

namespace detail {
// The openat2-free resolver behind open_in_root; exposed so tests can run it
// on a kernel that has openat2.
Result<unique_fd> open_in_root_by_walk(borrowed_fd root, const std::string &path, int flags, mode_t mode = 0);
}  // namespace detail

}  // namespace ocrt::fs
