// The last part of the init: waiting for `ocrt start` and the execve.
#include "child.hpp"
#include "hook_state.hpp"

#include <ocrt/hooks/runner.hpp>

#include <ocrt/init/start_socket.hpp>
#include <ocrt/linux/process_setup.hpp>

#include <fcntl.h>
#include <signal.h>

#include <cerrno>

extern "C" void __gcov_dump(void) __attribute__((weak));

namespace ocrt::init {
namespace {

constexpr int kWaitSignals[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};

extern "C" void exit_on_signal(int sig) { _exit(128 + sig); }

}  // namespace

// Preserved fds must reach the user process whatever flags the caller gave them (also exec_child.cpp).
Result<void> clear_cloexec_on_preserved(int preserve_fds) {
    for (int fd = 3; fd < 3 + preserve_fds; ++fd) {
        if (::fcntl(fd, F_SETFD, 0) == 0 || errno == EBADF) continue;
        int err = errno;
        return Error(err, "clear close-on-exec on preserved fd " + std::to_string(fd));
    }
    return ok();
}

namespace {

Result<void> exec_user_process(ChildContext &ctx, const std::string &executable) {
    ctx.stage = Stage::Exec;
    OCRT_TRY(clear_cloexec_on_preserved(ctx.options.preserve_fds));
    // Returns only on failure; on success the CLOEXEC connection closes with no bytes.
    return os::exec_process(ctx.process(), executable, ctx.options.preserve_fds, ctx.kernel);
}

}  // namespace

[[noreturn]] void child_exit(int code) {
    if (__gcov_dump != nullptr) __gcov_dump();
    _exit(code);
}

Result<void> install_wait_signal_handlers() {
    struct sigaction action {};
    action.sa_handler = exit_on_signal;
    sigemptyset(&action.sa_mask);
    sigset_t unblock;
    sigemptyset(&unblock);
    for (int sig : kWaitSignals) {
        if (::sigaction(sig, &action, nullptr) != 0) {
            int err = errno;
            return Error(err, "install handler for signal " + std::to_string(sig));
        }
        sigaddset(&unblock, sig);
    }
    if (::sigprocmask(SIG_UNBLOCK, &unblock, nullptr) != 0) {
        int err = errno;
        return Error(err, "unblock termination signals");
    }
    return ok();
}

[[noreturn]] void wait_and_exec(ChildContext &ctx, const std::string &executable) {
    ctx.stage = Stage::WaitStart;
    auto connection = accept_start(ctx.start_listener, ctx.first_private_fd());
    if (!connection) child_exit(1);  // nobody is listening for this error
    ctx.start_listener.reset();
    // config.md: startContainer hooks run in the container after start was called and
    // before the user program; a failure fails start and the init exits (stopped).
    ctx.stage = Stage::StartHooks;
    auto hooked = hooks::run_phase(ctx.config.hooks, hooks::HookPhase::StartContainer,
                                   hook_state(ctx.config, ctx.options, ctx.host_pid));
    if (!hooked) {
        report_start_failure(*connection, hooked.error());
        child_exit(1);
    }
    auto failed = exec_user_process(ctx, executable);
    report_start_failure(*connection, failed ? Error("exec returned without an error") : failed.error());
    child_exit(1);
}

}  // namespace ocrt::init
