// Private to runtime/container: waiting in the foreground for a process ocrt
// started (run's init, exec's process), passing on the signals ocrt receives.
// Signals are blocked before the process is started and read from a signalfd, so
// none that arrives meanwhile is lost; the process resets its own mask before execve.
#pragma once

#include <ocrt/base/result.hpp>
#include <ocrt/base/terminal.hpp>
#include <ocrt/base/unique_fd.hpp>

#include <signal.h>
#include <sys/types.h>

#include <optional>

namespace ocrt::container::detail {

// Blocks the forwarded signals and SIGCHLD for its lifetime and reads them from a signalfd.
class SignalRouting {
public:
    static Result<SignalRouting> install();

    SignalRouting(SignalRouting &&other) noexcept;
    SignalRouting &operator=(SignalRouting &&) = delete;
    ~SignalRouting();

    // The next signal that arrived (blocking).
    Result<int> next() const;
    // The signalfd, to poll beside other fds (readable: next() will not block).
    int fd() const { return fd_.get(); }

private:
    SignalRouting();

    unique_fd fd_;
    sigset_t previous_;
    bool restore_ = false;
};

// The exit code for a waitpid status: the exit status, or 128+N when killed by signal N.
int exit_code(int wait_status);

// Reaps every exited child (orphans reparented to us included); pid's code once it is among them.
std::optional<int> reap_children(pid_t pid);

// Forwards every signal but SIGCHLD to pid and reaps our children until pid has
// exited; returns its exit code. The caller is pid's parent or its subreaper.
Result<int> forward_until_exit(const SignalRouting &routing, pid_t pid);

// The same while proxying pid's terminal (terminal_wait.cpp): copies between the pty
// master and our stdin/stdout, follows SIGWINCH with the pty's size instead of
// forwarding it, and copies the last output once pid has exited.
Result<int> forward_until_exit(const SignalRouting &routing, pid_t pid, tty::TerminalProxy &terminal);

}  // namespace ocrt::container::detail
