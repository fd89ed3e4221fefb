// The start handshake between two real processes: a forked "init" waits on the
// start socket and either execs or reports an error; release_init sees which.
#include "child.hpp"

#include <ocrt/init/launch.hpp>
#include <ocrt/init/start_socket.hpp>

#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

using namespace ocrt;
using namespace ocrt::init;

namespace {

struct TempDir {
    std::string path;
    TempDir() {
        char pattern[] = "/tmp/ocrt-init-test.XXXXXX";
        REQUIRE(::mkdtemp(pattern) != nullptr);
        path = pattern;
    }
    ~TempDir() { std::system(("rm -rf '" + path + "'").c_str()); }
};

spec::Config config_running(std::vector<std::string> args) {
    spec::Config config;
    config.process.emplace();
    config.process->args = std::move(args);
    config.process->env = {"PATH=/usr/bin:/bin"};
    config.process->cwd = "/";
    return config;
}

// Forks a waiting init: it runs wait_and_exec on the inherited listener, exactly as
// after Ready. The parent closes its copy of the listener, as launch_init does.
pid_t fork_waiting_init(const std::string &state_dir, const std::string &executable,
                        const std::vector<std::string> &args, int preserve_fds = 0) {
    auto listener = listen_start_socket(state_dir, 3 + preserve_fds);
    REQUIRE(listener.has_value());
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        spec::Config config = config_running(args);
        LaunchOptions options;
        options.state_dir = state_dir;
        options.preserve_fds = preserve_fds;
        os::NamespacePlan plan;
        LinuxKernel kernel;
        ChildContext ctx{config, options, plan, kernel, ChildChannel(), std::move(listener).value(), ::getppid()};
        wait_and_exec(ctx, executable);
    }
    return pid;
}

int wait_exit_code(pid_t pid) {
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFEXITED(status));
    return WEXITSTATUS(status);
}

}  // namespace

TEST_CASE("release_init succeeds when the init execs", "[init][start]") {
    TempDir dir;
    pid_t init = fork_waiting_init(dir.path, "/bin/true", {"true"});
    CHECK(init_waiting(dir.path));
    auto released = release_init(dir.path);
    REQUIRE(released.has_value());
    CHECK(wait_exit_code(init) == 0);  // /bin/true ran
    CHECK_FALSE(init_waiting(dir.path));  // the socket is gone after start
}

TEST_CASE("release_init returns the init's error when execve fails", "[init][start]") {
    TempDir dir;
    pid_t init = fork_waiting_init(dir.path, "/nonexistent/program", {"program"});
    auto released = release_init(dir.path);
    REQUIRE_FALSE(released.has_value());
    CHECK(released.error().render().find(ocrt::errno_text(ENOENT)) != std::string::npos);
    CHECK(wait_exit_code(init) == 1);
    CHECK_FALSE(init_waiting(dir.path));
}

TEST_CASE("the started process keeps preserved fds only", "[init][start]") {
    // fd 9, inherited without close-on-exec, must reach the process only when preserved.
    constexpr int kProbeFd = 9;
    const std::string probe = "[ -e /proc/self/fd/9 ]";
    for (int preserve_fds : {7, 0}) {
        TempDir dir;
        int fds[2];
        REQUIRE(::pipe(fds) == 0);
        REQUIRE(::dup2(fds[1], kProbeFd) == kProbeFd);
        std::string script = preserve_fds > 0 ? probe + " || exit 7" : probe + " && exit 7; exit 0";
        pid_t init = fork_waiting_init(dir.path, "/bin/sh", {"sh", "-c", script}, preserve_fds);
        ::close(kProbeFd);
        ::close(fds[0]);
        ::close(fds[1]);
        REQUIRE(release_init(dir.path).has_value());
        CHECK(wait_exit_code(init) == 0);
    }
}

TEST_CASE("release_init fails when no init is waiting", "[init][start]") {
    TempDir dir;
    {
        auto listener = listen_start_socket(dir.path, 3);
        REQUIRE(listener.has_value());
    }  // the init died: nobody holds the listening socket
    auto released = release_init(dir.path);
    REQUIRE_FALSE(released.has_value());
    CHECK(released.error().code() == ECONNREFUSED);

    auto missing = release_init(dir.path + "/absent");
    REQUIRE_FALSE(missing.has_value());
    CHECK(missing.error().code() == ENOENT);
}

TEST_CASE("the start socket works under a state dir longer than sun_path", "[init][start]") {
    TempDir dir;
    std::string deep = dir.path;
    while (deep.size() < 200) {
        deep += "/a-rather-long-directory-name";
        REQUIRE(::mkdir(deep.c_str(), 0700) == 0);
    }
    pid_t init = fork_waiting_init(deep, "/bin/true", {"true"});
    REQUIRE(release_init(deep).has_value());
    CHECK(wait_exit_code(init) == 0);
}

TEST_CASE("a second listener on the same state dir is refused", "[init][start]") {
    TempDir dir;
    auto first = listen_start_socket(dir.path, 3);
    REQUIRE(first.has_value());
    auto second = listen_start_socket(dir.path, 3);
    REQUIRE_FALSE(second.has_value());
    CHECK(second.error().code() == EADDRINUSE);
    remove_start_socket(dir.path);
    CHECK_FALSE(init_waiting(dir.path));
}

TEST_CASE("a waiting init exits 128+signal on termination signals", "[init][start]") {
    for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGUSR1}) {
        TempDir dir;
        int ready[2];
        REQUIRE(::pipe(ready) == 0);
        auto listener = listen_start_socket(dir.path, 3);
        REQUIRE(listener.has_value());
        pid_t pid = ::fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            if (!install_wait_signal_handlers()) _exit(2);
            (void)!::write(ready[1], "r", 1);
            (void)accept_start(*listener, 3);
            _exit(3);
        }
        listener->reset();
        char byte;
        REQUIRE(::read(ready[0], &byte, 1) == 1);
        ::close(ready[0]);
        ::close(ready[1]);
        REQUIRE(::kill(pid, sig) == 0);
        CHECK(wait_exit_code(pid) == 128 + sig);
    }
}
