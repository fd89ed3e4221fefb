// Moved from run.cpp so `run` and `exec` share one foreground wait.
#include "foreground.hpp"

#include <signal.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

namespace ocrt::container::detail {
namespace {

// What the user may want the container to get. Not the synchronous faults (SEGV,
// BUS, FPE, ILL, TRAP, SYS: those are ours), not SIGPIPE (about our own writes).
// SIGCHLD is added to the blocked set separately: it is how we learn of the exit.
sigset_t forwarded_signals() {
    sigset_t set;
    sigemptyset(&set);
    for (int sig : {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH, SIGALRM, SIGCONT, SIGTSTP,
                    SIGTTIN, SIGTTOU, SIGURG, SIGVTALRM, SIGPROF, SIGIO, SIGPWR, SIGXCPU, SIGXFSZ})
        sigaddset(&set, sig);
    for (int sig = SIGRTMIN; sig <= SIGRTMAX; ++sig) sigaddset(&set, sig);
    return set;
}

}  // namespace

// Reaps every exited child (orphans reparented to us included); pid's code once it is among them.
std::optional<int> reap_children(pid_t pid) {
    std::optional<int> code;
    for (;;) {
        int status = 0;
        pid_t reaped = ::waitpid(-1, &status, WNOHANG);
        if (reaped <= 0) return code;
        if (reaped == pid) code = exit_code(status);
    }
}

SignalRouting::SignalRouting() { sigemptyset(&previous_); }

SignalRouting::SignalRouting(SignalRouting &&other) noexcept
    : fd_(std::move(other.fd_)), previous_(other.previous_), restore_(std::exchange(other.restore_, false)) {}

SignalRouting::~SignalRouting() {
    fd_.reset();
    if (restore_) ::sigprocmask(SIG_SETMASK, &previous_, nullptr);
}

Result<SignalRouting> SignalRouting::install() {
    sigset_t blocked = forwarded_signals();
    sigaddset(&blocked, SIGCHLD);
    SignalRouting routing;
    if (::sigprocmask(SIG_BLOCK, &blocked, &routing.previous_) != 0) {
        int err = errno;
        return Error(err, "block signals");
    }
    routing.restore_ = true;
    int fd = ::signalfd(-1, &blocked, SFD_CLOEXEC);
    if (fd < 0) {
        int err = errno;
        return Error(err, "create signalfd");
    }
    routing.fd_.reset(fd);
    return routing;
}

Result<int> SignalRouting::next() const {
    signalfd_siginfo info{};
    for (;;) {
        ssize_t got = ::read(fd_.get(), &info, sizeof info);
        if (got == static_cast<ssize_t>(sizeof info)) return static_cast<int>(info.ssi_signo);
        if (got < 0 && errno == EINTR) continue;
        int err = got < 0 ? errno : EIO;
        return Error(err, "read signalfd");
    }
}

int exit_code(int wait_status) {
    if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
    return WEXITSTATUS(wait_status);
}

Result<int> forward_until_exit(const SignalRouting &routing, pid_t pid) {
    // It may have exited before we started listening (its SIGCHLD is queued then, but check anyway).
    if (auto code = reap_children(pid)) return *code;
    for (;;) {
        int sig = OCRT_TRY(routing.next());
        if (sig == SIGCHLD) {
            if (auto code = reap_children(pid)) return *code;
            continue;
        }
        // ESRCH: it is exiting; its SIGCHLD follows.
        ::kill(pid, sig);
    }
}

}  // namespace ocrt::container::detail
