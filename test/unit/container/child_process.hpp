// Helpers for tests that need other processes: a forked child runs a function and
// _exits with its result, so Catch2's state in the child never runs.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcntl.h>

#include <cerrno>
#include <stdexcept>
#include <utility>

namespace ocrt::testing {

template <typename Body>
pid_t spawn(Body &&body) {
    pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        int code = 99;
        try {
            code = std::forward<Body>(body)();
        } catch (...) {
        }
        ::_exit(code);
    }
    return pid;
}

// The child's exit code, or 128+signal.
inline int wait_for(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return -1;
    return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

template <typename Body>
int run_in_child(Body &&body) {
    return wait_for(spawn(std::forward<Body>(body)));
}

// A pipe used as a one-shot "go" signal between processes.
class Gate {
public:
    Gate() {
        if (::pipe2(fds_, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    }
    Gate(const Gate &) = delete;
    Gate &operator=(const Gate &) = delete;
    ~Gate() {
        ::close(fds_[0]);
        ::close(fds_[1]);
    }
    void open() { (void)!::write(fds_[1], "x", 1); }
    // Blocks until open() was called (in any process).
    void wait() {
        char c;
        while (::read(fds_[0], &c, 1) < 0 && errno == EINTR) {
        }
    }

private:
    int fds_[2];
};

}  // namespace ocrt::testing
