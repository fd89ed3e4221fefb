// Linux security module labels: process.apparmorProfile, process.selinuxLabel and
// linux.mountLabel. A label asked for on a host without that LSM fails create
// (running the container unconfined instead would be a silent downgrade).
//
// The init writes the process labels through the verified procfs before it drops
// privileges; they take effect at its execve of the user process:
//   apparmor: "exec <profile>" to /proc/self/attr/apparmor/exec (attr/exec on
//             kernels without per-LSM attr directories)
//   selinux:  the label to /proc/self/attr/exec, and to attr/keycreate before the
//             session keyring is made, so the keyring carries it too
// The mount label travels as context="<label>" in the data of the mounts whose
// filesystem takes it (not binds, proc, sysfs, mqueue or cgroup).
#pragma once

#include <ocrt/base/kernel.hpp>
#include <ocrt/spec/config.hpp>

#include <string>

namespace ocrt::os {

struct LsmSupport {
    bool apparmor = false;
    bool selinux = false;
};

// What the running kernel has enabled (securityfs / selinuxfs).
LsmSupport detect_lsm_support();

// The first label the config asks for that the host cannot apply, as a config
// error naming the field ("config.json: /process/apparmorProfile: ...").
Result<void> check_lsm_requests(const spec::Config &config, const LsmSupport &support);

// The same for the process of `ocrt exec` (--apparmor, --process-label, --process):
// the message names the label without a config.json pointer.
Result<void> check_exec_lsm_requests(const spec::Process &process, const LsmSupport &support);

Result<void> set_apparmor_exec_profile(const std::string &profile, Kernel &kernel);
Result<void> set_selinux_exec_label(const std::string &label, Kernel &kernel);
Result<void> set_selinux_key_label(const std::string &label, Kernel &kernel);

// apparmorProfile and selinuxLabel of process, each only when set.
Result<void> apply_process_labels(const spec::Process &process, Kernel &kernel);

// context="<label>".
std::string mount_label_option(const std::string &label);

// Whether the filesystem of mount accepts a context= option.
bool takes_mount_label(const spec::Mount &mount);

// mount with the label's option appended when it takes one (label may be empty).
spec::Mount with_mount_label(spec::Mount mount, const std::string &label);

}  // namespace ocrt::os
