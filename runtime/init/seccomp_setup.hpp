// linux.seccomp in the create protocol: where each piece runs.
//  - `ocrt create`, before the clone: plan the filter and compile it to BPF (a bad
//    profile fails before anything exists; unknown syscall names are warned about
//    here). The init inherits the program with its copy of our memory and loads it
//    with one seccomp(2) call through the Kernel seam.
//  - The init loads it (load_seccomp):
//      noNewPrivileges false: in the identity stage, before the capability drop and
//        the user switch, because the kernel then requires CAP_SYS_ADMIN, which the
//        process may be about to lose. Trade-off (as with runc): the rest of the init
//        (setgroups, setresuid, capset, prctl, chdir, the executable lookup, the
//        Ready message, accept, fcntl, close_range, rt_sigaction, execve) already
//        runs under the filter, so a profile must allow those.
//      noNewPrivileges true: right before execve, so the init's own work is never
//        filtered, unless SCMP_ACT_NOTIFY is used (below).
//      SCMP_ACT_NOTIFY: the listener at listenerPath is a host path the init cannot
//        reach after pivot_root, and `ocrt create` exits at Ready. So the init loads
//        the filter before Ready (after the user switch when noNewPrivileges is true)
//        and sends the notify fd to `ocrt create` (SeccompNotifyFd, sync.hpp), which
//        connects to listenerPath and sends the fd with the container process state
//        (config-linux.md "The Container Process State"). Calls the profile notifies
//        that the init still makes wait for the listener's answer.
//  - `ocrt exec` builds the container's filter the same way and its process loads
//    it at the same places; a notify fd goes over the exec channel, still open until
//    execve, and `ocrt exec` sends it with a "running" state (exec.hpp).
#pragma once

#include "child.hpp"

#include <ocrt/base/result.hpp>
#include <ocrt/linux/seccomp.hpp>
#include <ocrt/spec/config.hpp>

#include <linux/filter.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ocrt::init {

struct SeccompSetup {
    os::SeccompPlan plan;
    std::vector<sock_filter> program;  // compiled by libseccomp before the clone/fork
    unsigned int flags = 0;            // seccomp(2) flags (os::seccomp_load_flags)
};

// Parent, before the clone: nullopt without linux.seccomp.
Result<std::optional<SeccompSetup>> prepare_seccomp(const spec::Config &config);

// Loads setup's filter; with notify rules the listener fd goes to the parent over
// channel as SeccompNotifyFd (the init's and `ocrt exec`'s child both do this).
Result<void> load_seccomp_and_send_fd(const SeccompSetup &setup, ChildChannel &channel, Kernel &kernel);

// Loads ctx.seccomp once (later calls do nothing), the stage showing Security
// meanwhile. The init's ChildContext and ocrt exec's ExecChild both fit.
template <typename Context>
Result<void> load_seccomp_once(Context &ctx) {
    if (ctx.seccomp == nullptr || ctx.seccomp_loaded) return ok();
    Stage previous = ctx.stage;
    ctx.stage = Stage::Security;
    ctx.seccomp_loaded = true;
    OCRT_TRY(load_seccomp_and_send_fd(*ctx.seccomp, ctx.channel, ctx.kernel));
    ctx.stage = previous;
    return ok();
}

// Child: loads ctx.seccomp once (later calls do nothing).
Result<void> load_seccomp(ChildContext &ctx);

// Child: whether the filter is still to be loaded.
bool seccomp_pending(const ChildContext &ctx);

struct ListenerState {
    std::string oci_version, id, bundle;
    int pid = 0;  // the init's host pid
    std::string metadata;
    std::map<std::string, std::string> annotations;
    std::string status = "creating";
    int process_pid = 0;  // the filtered process (exec); 0: the init
};

// Pure: the container process state JSON (config-linux.md), fds ["seccompFd"],
// with the container state in `status` ("creating" for create, "running" for exec).
std::string seccomp_process_state_json(const ListenerState &state);

// Parent: connects to listener_path (SOCK_STREAM), sends the state with notify_fd
// in one sendmsg (SCM_RIGHTS), closes the connection.
Result<void> send_to_seccomp_listener(const std::string &listener_path, const ListenerState &state, int notify_fd);

}  // namespace ocrt::init
