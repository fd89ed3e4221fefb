// Device nodes and /dev symlinks inside the rootfs (when /dev is not a bind
// mount from the host). Nodes are created relative to directory fds resolved
// inside the rootfs; without permission to mknod (user namespace) the host's
// node is bind-mounted onto an empty file instead.
#pragma once

#include <ocrt/base/kernel.hpp>
#include <ocrt/spec/config.hpp>

#include <sys/types.h>

#include <string>
#include <vector>

namespace ocrt::os {

struct DeviceNode {
    std::string path;  // absolute, inside the container ("/dev/null"); also the host node to bind
    mode_t type = 0;   // S_IFCHR, S_IFBLK or S_IFIFO
    unsigned int major = 0, minor = 0;
    mode_t mode = 0666;  // permission bits
    uid_t uid = 0;
    gid_t gid = 0;
};

// null, zero, full, random, urandom, tty.
const std::vector<DeviceNode> &default_devices();

// A linux.devices entry as a node.
Result<DeviceNode> device_node(const spec::Device &device);

// False when config.mounts bind-mounts something onto /dev: then it is left alone.
bool needs_dev_setup(const spec::Config &config);

// Creates one node (mknod + chown). A file already at the path is kept only if it is
// this very device (config-linux.md); anything else there, such as a planted
// /dev/null symlink or file (CVE-2025-31133), fails. The caller sets umask 0.
Result<void> create_device(const DeviceNode &node, borrowed_fd root, Kernel &kernel);

// /dev/fd, /dev/stdin, /dev/stdout, /dev/stderr and, with with_ptmx, /dev/ptmx -> pts/ptmx.
Result<void> create_dev_symlinks(borrowed_fd root, bool with_ptmx, Kernel &kernel);

}  // namespace ocrt::os
