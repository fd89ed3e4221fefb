// linux.sysctl: written by the init into /proc/sys of its own namespaces, after
// the container's /proc is mounted and before /proc/sys is made read-only. Which
// keys are allowed (only namespaced ones) is decided from the config alone in
// spec/validate_linux.cpp; here they are only written.
#pragma once

#include <ocrt/base/kernel.hpp>
#include <ocrt/spec/config.hpp>

#include <map>
#include <string>

namespace ocrt::os {

// "net.ipv4.ip_forward" -> "/proc/sys/net/ipv4/ip_forward". A key holding "/" is
// already a path ("net/ipv4/conf/eth0.1/rp_filter"). Empty, "." and ".."
// components are refused.
Result<std::string> sysctl_path(const std::string &key);

// Host side, before the clone: a sysctl whose namespace linux.namespaces joins by
// path must not land in the namespace ocrt itself runs in (as runc refuses net.*
// in the host's network namespace). The spec check only sees that a namespace is
// listed; telling which one it is needs the filesystem.
Result<void> check_sysctl_namespaces(const spec::Config &config);

// Writes each value (kernel.write_file, i.e. through the verified procfs).
Result<void> apply_sysctls(const std::map<std::string, std::string> &sysctls, Kernel &kernel);

}  // namespace ocrt::os
