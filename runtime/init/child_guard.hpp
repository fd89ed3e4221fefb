// ChildGuard: the init being created is killed and reaped unless it was handed off,
// so no failure path of `create` leaves a process behind.
#pragma once

#include <ocrt/base/result.hpp>

#include <sys/types.h>

#include <string>

namespace ocrt::init {

class ChildGuard {
public:
    explicit ChildGuard(pid_t pid) : pid_(pid) {}
    ChildGuard(const ChildGuard &) = delete;
    ChildGuard &operator=(const ChildGuard &) = delete;
    ~ChildGuard() { kill_and_reap(); }

    pid_t pid() const { return pid_; }

    // The guarded child forked the real init and exits: reap it and guard the grandchild,
    // which must have been reparented to us (launch makes us a child subreaper).
    Result<void> switch_to_grandchild(pid_t grandchild);

    // SIGKILL and waitpid; describes how the process ended ("exit status 1",
    // "killed by signal 9"), or "" when there was nothing to reap.
    std::string kill_and_reap();

    // Hands the process off: the guard no longer kills it.
    pid_t release();

private:
    pid_t pid_ = -1;
};

// "exit status N" | "killed by signal N" for a waitpid status.
std::string describe_wait_status(int status);

}  // namespace ocrt::init
