#include "child_guard.hpp"

#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

using namespace ocrt::init;

namespace {

pid_t fork_sleeper() {
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        ::pause();
        _exit(0);
    }
    return pid;
}

bool alive(pid_t pid) { return ::kill(pid, 0) == 0; }

// Forks a child that forks a sleeper, reports its pid through a pipe and then either
// exits (intermediate role) or stays alive.
pid_t fork_intermediate(pid_t &grandchild, bool exit_after_fork) {
    int report[2];
    REQUIRE(::pipe(report) == 0);
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        pid_t inner = ::fork();
        if (inner == 0) {
            ::pause();
            _exit(0);
        }
        (void)!::write(report[1], &inner, sizeof inner);
        if (exit_after_fork) _exit(0);
        ::pause();
        _exit(0);
    }
    ::close(report[1]);
    REQUIRE(::read(report[0], &grandchild, sizeof grandchild) == sizeof grandchild);
    ::close(report[0]);
    return pid;
}

}  // namespace

TEST_CASE("describe_wait_status names exits and signals", "[init][guard]") {
    CHECK(describe_wait_status(3 << 8) == "exit status 3");
    CHECK(describe_wait_status(SIGKILL) == "killed by signal 9");
}

TEST_CASE("ChildGuard kills and reaps its child unless released", "[init][guard]") {
    pid_t pid = fork_sleeper();
    {
        ChildGuard guard(pid);
        CHECK(guard.pid() == pid);
    }
    CHECK(::waitpid(pid, nullptr, WNOHANG) == -1);  // already reaped
    CHECK(errno == ECHILD);

    pid_t kept = fork_sleeper();
    {
        ChildGuard guard(kept);
        CHECK(guard.release() == kept);
    }
    CHECK(alive(kept));
    ::kill(kept, SIGKILL);
    int status = 0;
    REQUIRE(::waitpid(kept, &status, 0) == kept);
}

TEST_CASE("kill_and_reap reports how the child ended", "[init][guard]") {
    ChildGuard guard(fork_sleeper());
    CHECK(guard.kill_and_reap() == "killed by signal 9");
    CHECK(guard.kill_and_reap().empty());  // nothing left to reap
}

TEST_CASE("switch_to_grandchild guards the reparented grandchild", "[init][guard]") {
    int previous = 0;
    REQUIRE(::prctl(PR_GET_CHILD_SUBREAPER, &previous, 0, 0, 0) == 0);
    REQUIRE(::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0);
    pid_t grandchild = 0;
    pid_t intermediate = fork_intermediate(grandchild, true);
    ChildGuard guard(intermediate);
    REQUIRE(guard.switch_to_grandchild(grandchild).has_value());
    CHECK(guard.pid() == grandchild);
    CHECK(guard.kill_and_reap() == "killed by signal 9");
    ::prctl(PR_SET_CHILD_SUBREAPER, previous, 0, 0, 0);
}

TEST_CASE("switch_to_grandchild refuses a pid that is not our child", "[init][guard]") {
    pid_t stranger = 0;
    pid_t holder = fork_intermediate(stranger, false);  // stranger's parent is holder, not us
    pid_t exiting = ::fork();
    REQUIRE(exiting >= 0);
    if (exiting == 0) _exit(0);

    ChildGuard guard(exiting);
    auto switched = guard.switch_to_grandchild(stranger);
    REQUIRE_FALSE(switched.has_value());
    CHECK(switched.error().render() ==
          "protocol violation: reported init pid " + std::to_string(stranger) + " is not a child of ocrt");
    CHECK(guard.pid() == -1);
    CHECK(alive(stranger));  // never killed

    ::kill(stranger, SIGKILL);
    ::kill(holder, SIGKILL);
    REQUIRE(::waitpid(holder, nullptr, 0) == holder);
}
