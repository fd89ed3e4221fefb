// The process's own settings: names, limits, identity, cwd, executable, execve.
#pragma once

#include <functional>

#include <ocrt/base/kernel.hpp>
#include <ocrt/spec/config.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocrt::os {

// hostname / domainname (only when set; needs a UTS namespace).
Result<void> set_uts_names(const spec::Config &config, Kernel &kernel);

// process.rlimits; EPERM on raising a hard limit names the limit and the reason.
Result<void> apply_rlimits(const std::vector<spec::Rlimit> &rlimits, Kernel &kernel);

// RLIMIT_* number for a name ("RLIMIT_NOFILE"); nullopt when unknown.
std::optional<int> rlimit_resource(std::string_view name);

// additionalGids, gid, uid (in that order), then umask when set.
Result<void> apply_user(const spec::User &user, Kernel &kernel);

// chdir(process.cwd) (inside the entered rootfs), then checks with getcwd(2) that
// the result is reachable from our root: a cwd that escaped the container (an
// inherited fd path such as /proc/self/fd/N) is refused (CVE-2024-21626).
Result<void> enter_cwd(const spec::Process &process, Kernel &kernel);

// Resolves args[0] inside the (already entered) rootfs using PATH from process.env,
// with runc's wording on failure: exec: "foo": executable file not found in $PATH.
Result<std::string> find_executable(const spec::Process &process);

// Whether a file with this mode may be executed by euid/egid with these
// supplementary groups (root: any execute bit). find_executable falls back to it
// when faccessat(2) answers EPERM or ENOSYS: that is a seccomp profile that does
// not know faccessat2 (runtime-tools' and older Docker defaults), not the file's
// permissions, which the kernel reports as EACCES.
bool mode_allows_exec(mode_t mode, uid_t owner, gid_t group, uid_t euid, gid_t egid,
                      const std::vector<gid_t> &groups);

// Marks every fd >= 3 + preserve_fds close-on-exec (so execve closes them, yet the
// sync socket still works to report an execve failure), resets signal dispositions
// and mask, then execve. Returns only on failure. before_execve, when given, runs
// last (the seccomp filter is loaded there, so the steps above stay unfiltered).
Result<void> exec_process(const spec::Process &process, const std::string &executable, int preserve_fds,
                          Kernel &kernel, const std::function<Result<void>()> &before_execve = {});

}  // namespace ocrt::os
