// ocrt run: create + start, then (in the foreground) wait for the init, passing on
// the signals ocrt receives, and delete the container afterwards.
//
// ocrt is the init's parent (launch_init clones it; across a second fork it is
// subreaper), so waitpid sees its exit. Signals are blocked before create and read
// from a signalfd, so none that arrives while the container is set up is lost;
// the init's own mask is reset before its execve.
#include "lifecycle_internal.hpp"

#include <ocrt/base/log.hpp>
#include <ocrt/container/inherited_fds.hpp>

#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

namespace ocrt::container {
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

// Blocks the forwarded signals and SIGCHLD for its lifetime and reads them from a signalfd.
class SignalRouting {
public:
    static Result<SignalRouting> install() {
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

    SignalRouting(SignalRouting &&other) noexcept
        : fd_(std::move(other.fd_)), previous_(other.previous_), restore_(std::exchange(other.restore_, false)) {}
    SignalRouting &operator=(SignalRouting &&) = delete;
    ~SignalRouting() {
        fd_.reset();
        if (restore_) ::sigprocmask(SIG_SETMASK, &previous_, nullptr);
    }

    // The next signal that arrived (blocking).
    Result<int> next() const {
        signalfd_siginfo info{};
        for (;;) {
            ssize_t got = ::read(fd_.get(), &info, sizeof info);
            if (got == static_cast<ssize_t>(sizeof info)) return static_cast<int>(info.ssi_signo);
            if (got < 0 && errno == EINTR) continue;
            int err = got < 0 ? errno : EIO;
            return Error(err, "read signalfd");
        }
    }

private:
    SignalRouting() { sigemptyset(&previous_); }

    unique_fd fd_;
    sigset_t previous_;
    bool restore_ = false;
};

int exit_code(int wait_status) {
    if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
    return WEXITSTATUS(wait_status);
}

// Reaps every exited child (orphans reparented to us included); the init's status once it is among them.
std::optional<int> reap_children(pid_t init) {
    std::optional<int> init_code;
    for (;;) {
        int status = 0;
        pid_t reaped = ::waitpid(-1, &status, WNOHANG);
        if (reaped <= 0) return init_code;
        if (reaped == init) init_code = exit_code(status);
    }
}

Result<int> forward_until_exit(const SignalRouting &routing, pid_t init) {
    for (;;) {
        int sig = OCRT_TRY(routing.next());
        if (sig == SIGCHLD) {
            if (auto code = reap_children(init)) return *code;
            continue;
        }
        // ESRCH: it is exiting; its SIGCHLD follows.
        ::kill(init, sig);
    }
}

// start, or on failure the container goes again (the init is killed and reaped).
// notify_main_pid: the MAINPID relayed with READY (0: the init's).
Result<void> start_or_discard(const CreateOptions &options, pid_t init, pid_t notify_main_pid) {
    auto started = start(options.root, options.id, options.notify_socket, notify_main_pid);
    if (started) return ok();
    Error failure = std::move(started).error();
    if (auto removed = remove(options.root, options.id, /*force=*/true); !removed)
        failure = detail::with_cleanup_failure(std::move(failure), removed.error());
    while (::waitpid(init, nullptr, 0) < 0 && errno == EINTR) {
    }
    return failure;
}

}  // namespace

Result<int> run(const RunOptions &options) {
    const CreateOptions &create = options.create;
    // First, before the signalfd or anything else could take a missing fd's number.
    OCRT_TRY(check_inherited_fds(create.listen_fds, create.preserve_fds));
    if (options.detach) {
        detail::CreatedInit init = OCRT_TRY(detail::create_container(create));
        OCRT_TRY(start_or_discard(create, init.pid, 0));
        return 0;
    }
    SignalRouting routing = OCRT_TRY(SignalRouting::install());
    // Orphans of a container sharing our pid namespace come back to us to be reaped.
    ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    detail::CreatedInit init = OCRT_TRY(detail::create_container(create));
    // In the foreground we are the unit's main process (runc does the same): the
    // container's init may live in a cgroup systemd would not accept as MAINPID.
    OCRT_TRY(start_or_discard(create, init.pid, ::getpid()));
    int code = OCRT_TRY(forward_until_exit(routing, init.pid));
    if (!options.keep) {
        // The exit code is the result that matters; a failed delete is only reported.
        if (auto removed = remove(create.root, create.id, /*force=*/false); !removed)
            log::error("delete container \"" + create.id + "\": " + removed.error().render());
    }
    return code;
}

}  // namespace ocrt::container
