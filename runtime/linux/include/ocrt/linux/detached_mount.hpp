// Mounts that ocrt prepares on the host as detached trees (open_tree with
// OPEN_TREE_CLONE) and the init attaches inside the rootfs. By fd, the init never
// walks a host path: it could not, in a user namespace, through 0700 state dirs.
#pragma once

#include <ocrt/base/kernel.hpp>

#include <string>

namespace ocrt::os {

// Attaches the detached tree mount_fd at dest (created inside root if missing,
// never following a symlink out of it). root: an O_PATH fd of the rootfs.
Result<void> attach_detached_mount(borrowed_fd root, const std::string &dest, borrowed_fd mount_fd, Kernel &kernel);

}  // namespace ocrt::os
