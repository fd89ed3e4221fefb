// The process's own confinement, shared by the container's init (child.cpp) and
// processes added with `ocrt exec` (exec_child.cpp): rlimits, scheduling, capabilities around
// the user switch, noNewPrivileges, and the checked cwd.
#pragma once

#include <ocrt/base/kernel.hpp>
#include <ocrt/spec/config.hpp>

#include <functional>
#include <string>

namespace ocrt::init {

// Receives the warnings the caller should log (e.g. a capability that cannot be granted).
using WarningSink = std::function<void(const std::string &)>;

// Joins the session keyring "_ses.<container id>", creating it if needed, so the
// process never keeps the caller's keys. No keyring support, or a user namespace
// that may not create one, is only reported to `note` (debug) and skipped.
Result<void> join_container_keyring(const std::string &container_id, const WarningSink &note);

// rlimits, ioPriority and scheduler (scheduling.hpp), then the capability sets around the uid/gid switch (no capabilities
// object: the sets are left as they are, as runc does), then noNewPrivileges,
// then chdir(process.cwd) checked to stay inside the root (os::enter_cwd, P3).
// before_user_switch, when given, runs while the process still has all its
// capabilities (the seccomp filter without noNewPrivileges, seccomp_setup.hpp).
Result<void> apply_process_identity(const spec::Process &process, Kernel &kernel, const WarningSink &warn,
                                    const std::function<Result<void>()> &before_user_switch = {});

}  // namespace ocrt::init
