// `ocrt exec`: starting one more process inside a running container. The protocol
// reuses the sync socket of sync.hpp with a shorter sequence:
//
//   parent (ocrt exec)                          child (intermediate)
//   ------------------                          --------------------
//   pidfd_open(init), check its start time
//   socketpair, fork -------------------------> pdeathsig, ppid check, not dumpable
//   [sched_setaffinity(execCPUAffinity.initial)]
//   before_continue(child pid)  [cgroup]
//   [sched_setaffinity(execCPUAffinity.final)]
//   Continue ---------------------------------> setns(pidfd, every namespace of the init
//                                                 that differs from ours; user first),
//                                                 root := the init's root; fork
//                 <---------------------------- ChildPid(value = grandchild's host pid), _exit(0)
//   reap the intermediate                       grandchild: [process.terminal] pty from the
//                 <---------------------------- ConsoleMaster(fd)  container's devpts as fds 0-2,
//                                                 session keyring, rlimits, ioPriority, scheduler,
//                                                 [seccomp load if !NNP], user, capabilities,
//                                                 noNewPrivileges, cwd (checked), lookup,
//                                                 [seccomp load if NNP], execve
//                 <---------------------------- [SeccompNotifyFd(fd), right after the load]
//   send it to linux.seccomp.listenerPath
//                 <---------------------------- EOF (the CLOEXEC socket closed by execve)
//
// Any time: Log and Error as in sync.hpp. EOF after ChildPid means the execve
// happened; an Error means nothing runs (the grandchild _exits).
#pragma once

#include <ocrt/base/result.hpp>
#include <ocrt/base/unique_fd.hpp>
#include <ocrt/spec/config.hpp>

#include <sys/types.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace ocrt::init {

struct ExecLaunchOptions {
    pid_t init_pid = 0;                      // the container's init, host pid
    unsigned long long init_start_time = 0;  // guards against a reused pid
    int preserve_fds = 0;                    // fds 3..3+N-1 reach the process (checked by the caller)
    std::string keyring_id;                  // join session keyring "_ses.<id>" (the init's); empty: keep ours
    // Runs in the parent with the intermediate's pid before it enters the container
    // (the grandchild inherits its cgroup). Hook for the container's cgroup.
    std::function<Result<void>(pid_t)> before_continue;
    // For a linux.seccomp listener (the container process state it receives).
    std::string container_id, bundle;
    // process.terminal: receives the pty master the process's terminal belongs to
    // (ConsoleMaster before the execve); must be set when process.terminal is.
    unique_fd *console_master = nullptr;
};

// Starts process inside the namespaces of the init (config is the container's,
// for the confinement hooks). Returns the host pid once the process has called
// execve; on failure nothing is left running and the error is the child's own.
// The caller decides whether it is a child subreaper (foreground: yes, to wait for
// the process; detached: no, so it reparents to the caller's subreaper).
Result<pid_t> launch_exec(const spec::Config &config, const spec::Process &process, const ExecLaunchOptions &options);

// A namespace of /proc/<pid>/ns/ by name ("user", "mnt", ...) and its inode.
struct NamespaceId {
    std::string name;
    unsigned long long inode = 0;  // 0: the kernel has no such namespace type
};

// Pure: the CLONE_NEW* flags of the namespaces in which target differs from own.
// An entry missing on either side (older kernel) is skipped.
int namespaces_to_join(const std::vector<NamespaceId> &target, const std::vector<NamespaceId> &own);

// The namespace names exec compares, in the order setns must see them (user first).
std::vector<std::string_view> joinable_namespace_names();

}  // namespace ocrt::init
