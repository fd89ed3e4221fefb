// linux.sysctl: written by the init into /proc/sys of its own namespaces, after
// the container's /proc is mounted and before /proc/sys is made read-only. Which
// keys are allowed (only namespaced ones) is decided from the config alone in
// spec/validate_linux.cpp; here they are only written.
#pragma once

#include <ocrt/base/kernel.hpp>

#include <map>
#include <string>

namespace ocrt::os {

// "net.ipv4.ip_forward" -> "/proc/sys/net/ipv4/ip_forward". A key holding "/" is
// already a path ("net/ipv4/conf/eth0.1/rp_filter"). Empty, "." and ".."
// components are refused.
Result<std::string> sysctl_path(const std::string &key);

// Writes each value (kernel.write_file, i.e. through the verified procfs).
Result<void> apply_sysctls(const std::map<std::string, std::string> &sysctls, Kernel &kernel);

}  // namespace ocrt::os
