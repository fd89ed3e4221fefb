// linux.maskedPaths and linux.readonlyPaths, applied after pivot_root and before
// the user process runs. Every path is resolved inside the container root without
// following a symlink out of it, and mounted by fd (/proc/self/fd/N), so nothing
// the container planted can redirect a mount.
#pragma once

#include <ocrt/base/kernel.hpp>

#include <string>
#include <vector>

namespace ocrt::os {

// A masked file gets the root's /dev/null bound over it, refused unless that is
// the real null device (char 1:3); a masked directory gets an empty read-only
// tmpfs. A path that does not exist is skipped; a path whose last component is a
// symlink is refused (ELOOP) rather than followed. root: the container's "/".
Result<void> mask_paths(borrowed_fd root, const std::vector<std::string> &paths, Kernel &kernel);

// Each path is bound onto itself (recursively) and the bind remounted read-only,
// keeping the nosuid/nodev/noexec/atime flags it had (a user namespace may not
// clear them). Missing paths are skipped, symlinks refused as above.
Result<void> make_paths_readonly(borrowed_fd root, const std::vector<std::string> &paths, Kernel &kernel);

// The same with root = "/" of the calling process (after pivot_root: the container's).
Result<void> mask_paths(const std::vector<std::string> &paths, Kernel &kernel);
Result<void> make_paths_readonly(const std::vector<std::string> &paths, Kernel &kernel);

}  // namespace ocrt::os
