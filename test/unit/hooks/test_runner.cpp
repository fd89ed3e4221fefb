// run_hook / run_phase with real hooks (/bin/sh scripts): what a hook gets (stdin,
// argv, environment exactly as configured) and how failures are reported
// (config.md "POSIX-platform Hooks": path, args, env, timeout).
#include <ocrt/hooks/runner.hpp>

#include <temp_dir.hpp>

#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>

using namespace ocrt;
using namespace ocrt::hooks;
using ocrt::testing::TempDir;

namespace {

std::string slurp(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    return content.str();
}

// A /bin/sh hook running script, with argv[0] "sh" and no environment.
spec::Hook shell_hook(const std::string &script, std::vector<std::string> env = {}) {
    spec::Hook hook;
    hook.path = "/bin/sh";
    hook.args = {"sh", "-c", script};
    hook.env = std::move(env);
    return hook;
}

bool process_gone(pid_t pid) { return ::kill(pid, 0) != 0 && errno == ESRCH; }

}  // namespace

TEST_CASE("run_hook passes the state on stdin, byte for byte") {
    TempDir dir;
    std::string state = R"({"ociVersion":"1.3.0","id":"c1","status":"creating","pid":7,"bundle":"/b"})";
    REQUIRE(run_hook(shell_hook("cat > " + dir / "stdin"), HookPhase::CreateRuntime, state));
    CHECK(slurp(dir / "stdin") == state);
}

TEST_CASE("run_hook gives argv exactly as configured, args[0] included") {
    TempDir dir;
    spec::Hook hook;
    hook.path = "/bin/sh";
    // The shell's own /proc cmdline is the argv it was executed with.
    hook.args = {"not-the-path", "-c", "cat /proc/$$/cmdline > " + dir / "argv", "zero", "with space", ""};
    REQUIRE(run_hook(hook, HookPhase::Prestart, "{}"));
    std::string expected;
    for (const std::string &arg : hook.args) expected += arg + '\0';
    CHECK(slurp(dir / "argv") == expected);
}

TEST_CASE("run_hook without args runs path as argv[0]") {
    TempDir dir;
    dir.write("hook.sh", "#!/bin/sh\nprintf '%s' \"$0\" > " + dir / "argv0" + "\n");
    REQUIRE(::chmod((dir / "hook.sh").c_str(), 0755) == 0);
    spec::Hook hook;
    hook.path = dir / "hook.sh";
    REQUIRE(run_hook(hook, HookPhase::Poststop, "{}"));
    CHECK(slurp(dir / "argv0") == hook.path);
}

TEST_CASE("run_hook gives exactly the configured environment, nothing of ours") {
    TempDir dir;
    ::setenv("OCRT_HOOK_TEST_LEAK", "1", 1);
    SECTION("configured entries only") {
        auto hook = shell_hook("cat /proc/$$/environ > " + dir / "env", {"A=1", "B=two words", "EMPTY="});
        REQUIRE(run_hook(hook, HookPhase::Poststart, "{}"));
        CHECK(slurp(dir / "env") == std::string("A=1\0B=two words\0EMPTY=\0", 23));
    }
    SECTION("no env: an empty environment") {
        REQUIRE(run_hook(shell_hook("cat /proc/$$/environ > " + dir / "env"), HookPhase::Poststart, "{}"));
        CHECK(slurp(dir / "env").empty());
    }
    ::unsetenv("OCRT_HOOK_TEST_LEAK");
}

TEST_CASE("run_hook closes our file descriptors in the hook") {
    TempDir dir;
    // An inheritable fd at a number the shell itself never uses.
    REQUIRE(::dup2(1, 77) == 77);
    auto ran = run_hook(shell_hook("ls /proc/$$/fd > " + dir / "fds"), HookPhase::CreateRuntime, "{}");
    ::close(77);
    REQUIRE(ran);
    std::string fds = "\n" + slurp(dir / "fds");
    CHECK(fds.find("\n0\n") != std::string::npos);
    CHECK(fds.find("\n77\n") == std::string::npos);
}

TEST_CASE("a non-zero exit fails with the phase, the path, the status and the output tail") {
    auto failed = run_hook(shell_hook("echo starting; echo 'no network for you' >&2; exit 3"),
                           HookPhase::CreateContainer, "{}");
    REQUIRE_FALSE(failed);
    CHECK(failed.error().render() ==
          "createContainer hook \"/bin/sh\" exited with status 3: starting; no network for you");
}

TEST_CASE("a hook killed by a signal fails and says so") {
    auto failed = run_hook(shell_hook("kill -TERM $$"), HookPhase::StartContainer, "{}");
    REQUIRE_FALSE(failed);
    CHECK(failed.error().render() == "startContainer hook \"/bin/sh\" was killed by signal 15");
}

TEST_CASE("a hook that cannot be executed fails with the exec error") {
    spec::Hook hook;
    hook.path = "/nonexistent/ocrt-hook";
    auto failed = run_hook(hook, HookPhase::Prestart, "{}");
    REQUIRE_FALSE(failed);
    CHECK(failed.error().render() ==
          "prestart hook \"/nonexistent/ocrt-hook\" exited with status 127: exec failed: No such file or directory");
}

TEST_CASE("a hook past its timeout is SIGKILLed and the error names it") {
    TempDir dir;
    // TERM is trapped: only SIGKILL ends it.
    auto hook = shell_hook("trap '' TERM; echo $$ > " + dir / "pid" + "; echo waiting; while :; do sleep 1; done");
    hook.timeout = 1;
    auto failed = run_hook(hook, HookPhase::CreateRuntime, "{}");
    REQUIRE_FALSE(failed);
    CHECK(failed.error().render() == "createRuntime hook \"/bin/sh\" timed out after 1s and was killed: waiting");
    pid_t pid = std::stoi(slurp(dir / "pid"));
    CHECK(process_gone(pid));
}

TEST_CASE("a hook within its timeout succeeds") {
    auto hook = shell_hook("exit 0");
    hook.timeout = 30;
    CHECK(run_hook(hook, HookPhase::Poststart, "{}"));
}

TEST_CASE("a hook that never reads a large stdin neither blocks nor breaks us") {
    std::string big(256 * 1024, 'x');
    CHECK(run_hook(shell_hook("exit 0"), HookPhase::Poststop, big));
    // Still alive with SIGPIPE restored: we were not killed by writing to the closed pipe.
    struct sigaction current {};
    REQUIRE(::sigaction(SIGPIPE, nullptr, &current) == 0);
    CHECK(current.sa_handler == SIG_DFL);
}

TEST_CASE("a hook's background child holding its output does not make us wait") {
    TempDir dir;
    auto hook = shell_hook("sleep 60 & echo $! > " + dir / "bg" + "; exit 0");
    REQUIRE(run_hook(hook, HookPhase::Poststart, "{}"));
    pid_t background = std::stoi(slurp(dir / "bg"));
    CHECK_FALSE(process_gone(background));
    ::kill(background, SIGKILL);
}

TEST_CASE("run_phase runs the phase's hooks in order with its status and stops at the first failure") {
    TempDir dir;
    std::string log = dir / "log";
    spec::Hooks hooks;
    hooks.create_runtime = {shell_hook("echo one >> " + log), shell_hook("echo two >> " + log + "; exit 1"),
                            shell_hook("echo three >> " + log)};
    hooks.poststart = {shell_hook("echo wrong phase >> " + log)};
    spec::State state;
    state.id = "c";
    state.status = "whatever the caller had";
    auto failed = run_phase(hooks, HookPhase::CreateRuntime, state);
    REQUIRE_FALSE(failed);
    CHECK(failed.error().render() == "createRuntime hook \"/bin/sh\" exited with status 1");
    CHECK(slurp(log) == "one\ntwo\n");
}

TEST_CASE("run_phase sets the phase's status in the state") {
    TempDir dir;
    spec::Hooks hooks;
    hooks.poststop = {shell_hook("cat > " + dir / "stdin")};
    spec::State state;
    state.id = "c";
    state.status = "running";
    REQUIRE(run_phase(hooks, HookPhase::Poststop, state));
    CHECK(slurp(dir / "stdin").find(R"("status":"stopped")") != std::string::npos);
}
