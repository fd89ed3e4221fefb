// One hook process: fork, execve with exactly the configured argv and environment,
// feed the state on stdin, collect its output, wait with an optional deadline.
// Waiting is on a pidfd, not on the output pipe: a hook that leaves a background
// child holding the pipe open must not make us hang.
#include <ocrt/hooks/runner.hpp>

#include <ocrt/base/unique_fd.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace ocrt::hooks {
namespace {

constexpr std::size_t kKeptOutput = 4096;  // bytes of output remembered for the error
constexpr std::size_t kOutputTail = 512;   // bytes of it that go into the error

struct Pipe {
    unique_fd read_end;
    unique_fd write_end;
};

Result<Pipe> make_pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        int err = errno;
        return Error(err, "create pipe");
    }
    return Pipe{unique_fd(fds[0]), unique_fd(fds[1])};
}

Result<void> set_nonblocking(int fd) {
    int flags = ::fcntl(fd, F_GETFL);
    if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) {
        int err = errno;
        return Error(err, "make pipe non-blocking");
    }
    return ok();
}

std::vector<char *> c_strings(std::vector<std::string> &strings) {
    std::vector<char *> pointers;
    pointers.reserve(strings.size() + 1);
    for (std::string &s : strings) pointers.push_back(s.data());
    pointers.push_back(nullptr);
    return pointers;
}

// In the forked child: only async-signal-safe calls from here to execve.
[[noreturn]] void exec_hook(const char *path, char *const argv[], char *const envp[], int stdin_fd, int output_fd) {
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    // Ignored signals stay ignored across execve (SIGPIPE is, while we feed stdin).
    for (int sig = 1; sig < NSIG; ++sig) {
        if (sig != SIGKILL && sig != SIGSTOP) ::signal(sig, SIG_DFL);
    }
    if (::dup2(stdin_fd, 0) < 0 || ::dup2(output_fd, 1) < 0 || ::dup2(output_fd, 2) < 0) _exit(127);
    // Nothing of ours (sync socket, start socket, state dir fds) reaches the hook.
    ::syscall(SYS_close_range, 3U, ~0U, 0U);
    ::execve(path, argv, envp);
    int err = errno;
    const char *prefix = "exec failed: ";
    const char *reason = ::strerror(err);
    (void)!::write(2, prefix, ::strlen(prefix));
    (void)!::write(2, reason, ::strlen(reason));
    _exit(127);
}

long long now_ms() {
    timespec now{};
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    return static_cast<long long>(now.tv_sec) * 1000 + now.tv_nsec / 1000000;
}

// The last bytes the hook wrote, on one line.
std::string output_tail(const std::string &output) {
    std::string tail = output.size() > kOutputTail ? output.substr(output.size() - kOutputTail) : output;
    while (!tail.empty() && (tail.back() == '\n' || tail.back() == ' ' || tail.back() == '\r')) tail.pop_back();
    std::string line;
    for (char c : tail) {
        if (c == '\n') {
            line += "; ";
        } else if (c != '\r') {
            line += c;
        }
    }
    return line;
}

// SIGPIPE ignored while we write a hook's stdin: a hook that never reads it is fine.
class IgnoreSigpipe {
public:
    IgnoreSigpipe() {
        struct sigaction ignore {};
        ignore.sa_handler = SIG_IGN;
        sigemptyset(&ignore.sa_mask);
        active_ = ::sigaction(SIGPIPE, &ignore, &previous_) == 0;
    }
    IgnoreSigpipe(const IgnoreSigpipe &) = delete;
    IgnoreSigpipe &operator=(const IgnoreSigpipe &) = delete;
    ~IgnoreSigpipe() {
        if (active_) ::sigaction(SIGPIPE, &previous_, nullptr);
    }

private:
    struct sigaction previous_ {};
    bool active_ = false;
};

// The running hook seen from our side.
class HookProcess {
public:
    HookProcess(pid_t pid, unique_fd pidfd, unique_fd stdin_fd, unique_fd output_fd, std::string_view input)
        : pid_(pid), pidfd_(std::move(pidfd)), stdin_(std::move(stdin_fd)), output_fd_(std::move(output_fd)),
          input_(input) {}
    HookProcess(const HookProcess &) = delete;
    HookProcess &operator=(const HookProcess &) = delete;
    ~HookProcess() {
        if (pid_ > 0) kill_and_reap();
    }

    // Feeds stdin and reads output until the process exits or the deadline (ms on
    // the monotonic clock, < 0: none) passes. True when it exited.
    Result<bool> pump_until_exit(long long deadline) {
        if (input_.empty()) stdin_.reset();
        for (;;) {
            pollfd fds[3] = {{pidfd_.get(), POLLIN, 0}, {output_fd_.get(), POLLIN, 0}, {stdin_.get(), POLLOUT, 0}};
            int wait = -1;
            if (deadline >= 0) {
                long long left = deadline - now_ms();
                if (left <= 0) return false;
                wait = static_cast<int>(left);
            }
            // Closed ends are -1, which poll skips.
            int ready = ::poll(fds, 3, wait);
            if (ready < 0) {
                if (errno == EINTR) continue;
                int err = errno;
                return Error(err, "poll hook process");
            }
            if (fds[1].revents != 0) drain_output();
            if (fds[2].revents != 0) feed_stdin();
            if (fds[0].revents != 0) return true;
        }
    }

    // The exit status once pump_until_exit said it exited; the rest of the output is read.
    int reap() {
        int status = 0;
        while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
        }
        pid_ = 0;
        drain_output();
        return status;
    }

    void kill_and_reap() {
        ::kill(pid_, SIGKILL);
        reap();
    }

    const std::string &output() const { return output_; }

private:
    void feed_stdin() {
        ssize_t written = ::write(stdin_.get(), input_.data(), input_.size());
        if (written < 0) {
            if (errno == EAGAIN || errno == EINTR) return;
            stdin_.reset();  // EPIPE: the hook closed its stdin, it does not want the state
            return;
        }
        input_.remove_prefix(static_cast<std::size_t>(written));
        if (input_.empty()) stdin_.reset();  // EOF for the hook
    }

    // Reads what is there now; output is not needed for the hook to finish.
    void drain_output() {
        if (!output_fd_) return;
        char buffer[4096];
        for (;;) {
            ssize_t got = ::read(output_fd_.get(), buffer, sizeof buffer);
            if (got < 0 && errno == EINTR) continue;
            if (got <= 0) {
                if (got == 0 || errno != EAGAIN) output_fd_.reset();
                return;
            }
            output_.append(buffer, static_cast<std::size_t>(got));
            if (output_.size() > kKeptOutput) output_.erase(0, output_.size() - kKeptOutput);
        }
    }

    pid_t pid_;
    unique_fd pidfd_;
    unique_fd stdin_;
    unique_fd output_fd_;
    std::string_view input_;
    std::string output_;
};

std::string describe_exit(int status) {
    if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) return "was killed by signal " + std::to_string(WTERMSIG(status));
    return "ended with wait status " + std::to_string(status);
}

std::string with_output(std::string message, const std::string &output) {
    std::string tail = output_tail(output);
    if (!tail.empty()) message += ": " + tail;
    return message;
}

}  // namespace

Result<void> run_hook(const spec::Hook &hook, HookPhase phase, std::string_view state_json) {
    std::string name = std::string(phase_name(phase)) + " hook \"" + hook.path + "\"";
    // Everything the child needs is built before the fork.
    std::vector<std::string> args = hook.args.empty() ? std::vector<std::string>{hook.path} : hook.args;
    std::vector<std::string> env = hook.env;
    std::vector<char *> argv = c_strings(args);
    std::vector<char *> envp = c_strings(env);
    Pipe input = OCRT_TRY(make_pipe());
    Pipe output = OCRT_TRY(make_pipe());
    OCRT_TRY(set_nonblocking(input.write_end.get()));
    OCRT_TRY(set_nonblocking(output.read_end.get()));

    IgnoreSigpipe no_sigpipe;
    pid_t pid = ::fork();
    if (pid < 0) {
        int err = errno;
        return Error(err, "fork " + name);
    }
    if (pid == 0) exec_hook(hook.path.c_str(), argv.data(), envp.data(), input.read_end.get(), output.write_end.get());
    input.read_end.reset();
    output.write_end.reset();

    int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
    if (pidfd < 0) {
        int err = errno;
        ::kill(pid, SIGKILL);
        while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
        }
        return Error(err, "open pidfd of " + name);
    }
    HookProcess process(pid, unique_fd(pidfd), std::move(input.write_end), std::move(output.read_end), state_json);
    long long deadline = hook.timeout ? now_ms() + 1000LL * *hook.timeout : -1;
    bool exited = OCRT_TRY(process.pump_until_exit(deadline));
    if (!exited) {
        process.kill_and_reap();
        return Error(with_output(name + " timed out after " + std::to_string(*hook.timeout) + "s and was killed",
                                 process.output()));
    }
    int status = process.reap();
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return ok();
    return Error(with_output(name + " " + describe_exit(status), process.output()));
}

Result<void> run_phase(const spec::Hooks &hooks, HookPhase phase, spec::State state) {
    const std::vector<spec::Hook> &list = hooks_of(hooks, phase);
    if (list.empty()) return ok();
    state.status = std::string(phase_status(phase));
    std::string json = hook_state_json(state);
    for (const spec::Hook &hook : list) OCRT_TRY(run_hook(hook, phase, json));
    return ok();
}

}  // namespace ocrt::hooks
