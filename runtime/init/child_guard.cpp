#include "child_guard.hpp"

#include "proc_stat.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

namespace ocrt::init {
namespace {

// waitpid retried on EINTR; false when the process is not ours to reap.
bool reap(pid_t pid, int &status) {
    for (;;) {
        if (::waitpid(pid, &status, 0) == pid) return true;
        if (errno != EINTR) return false;
    }
}

}  // namespace

std::string describe_wait_status(int status) {
    if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
    return "wait status " + std::to_string(status);
}

Result<void> ChildGuard::switch_to_grandchild(pid_t grandchild) {
    pid_t intermediate = std::exchange(pid_, -1);
    int status = 0;
    if (!reap(intermediate, status)) {
        int err = errno;
        return Error(err, "reap intermediate init process " + std::to_string(intermediate));
    }
    // Only a pid that was reparented to us is ours to guard: never kill a stranger.
    auto parent = process_parent_pid(grandchild);
    if (!parent) return std::move(parent).error().wrap("check reported init pid " + std::to_string(grandchild));
    if (*parent != ::getpid())
        return Error("protocol violation: reported init pid " + std::to_string(grandchild) + " is not a child of ocrt");
    pid_ = grandchild;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return Error("intermediate init process ended with " + describe_wait_status(status));
    return ok();
}

std::string ChildGuard::kill_and_reap() {
    if (pid_ <= 0) return "";
    pid_t pid = std::exchange(pid_, -1);
    ::kill(pid, SIGKILL);
    int status = 0;
    if (!reap(pid, status)) return "";
    return describe_wait_status(status);
}

pid_t ChildGuard::release() { return std::exchange(pid_, -1); }

}  // namespace ocrt::init
