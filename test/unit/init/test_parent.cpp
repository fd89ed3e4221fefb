// drive_init against a scripted child process speaking the protocol by hand.
#include "parent.hpp"

#include <temp_dir.hpp>
#include "fake_kernel.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>

using namespace ocrt;
using namespace ocrt::init;

namespace {

struct Scripted {
    pid_t pid;
    ParentChannel parent;
};

// Forks a child that runs script on its channel end and then _exits with its result.
Scripted fork_scripted(const std::function<int(ChildChannel &)> &script) {
    auto pair = make_channel_pair();
    REQUIRE(pair.has_value());
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        pair->parent.close();
        _exit(script(pair->child));
    }
    pair->child.close();
    return {pid, std::move(pair->parent)};
}

bool reaped(pid_t pid) { return ::waitpid(pid, nullptr, WNOHANG) == -1 && errno == ECHILD; }

// Waits until pid has exited, leaving it to be reaped by the code under test.
void wait_exited(pid_t pid) {
    siginfo_t info{};
    REQUIRE(::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT) == 0);
}

const spec::Config kConfig{};
LinuxKernel kernel;

}  // namespace

TEST_CASE("drive_init returns the init after Ready, with its start time", "[init][parent]") {
    Scripted child = fork_scripted([](ChildChannel &channel) {
        if (!channel.expect(MsgType::Continue)) return 1;
        if (!channel.send(MsgType::Ready)) return 1;
        ::pause();
        return 0;
    });
    os::NamespacePlan plan;
    auto launched = drive_init(child.pid, child.parent, kConfig, plan, kernel);
    REQUIRE(launched.has_value());
    CHECK(launched->pid == child.pid);
    auto start = process_start_time(child.pid);
    REQUIRE(start.has_value());
    CHECK(launched->start_time == *start);
    CHECK(::kill(child.pid, 0) == 0);  // handed off alive
    ::kill(child.pid, SIGKILL);
    REQUIRE(::waitpid(child.pid, nullptr, 0) == child.pid);
}

TEST_CASE("drive_init returns the child's Error and reaps it", "[init][parent]") {
    Scripted child = fork_scripted([](ChildChannel &channel) {
        (void)channel.expect(MsgType::Continue);
        (void)channel.send_error(Stage::Mounts, Error(EPERM, "mount \"proc\""));
        return 1;
    });
    os::NamespacePlan plan;
    auto launched = drive_init(child.pid, child.parent, kConfig, plan, kernel);
    REQUIRE_FALSE(launched.has_value());
    CHECK(launched.error().code() == EPERM);
    CHECK(launched.error().render() == "stage mounts: mount \"proc\": " + std::string(ocrt::errno_text(EPERM)));
    CHECK(reaped(child.pid));
}

TEST_CASE("the child's error wins over the parent's knock-on send failure", "[init][parent]") {
    Scripted child = fork_scripted([](ChildChannel &channel) {
        (void)channel.send_error(Stage::Spawn, Error(EINVAL, "early failure"));
        return 1;
    });
    wait_exited(child.pid);  // our Continue now fails with EPIPE
    os::NamespacePlan plan;
    auto launched = drive_init(child.pid, child.parent, kConfig, plan, kernel);
    REQUIRE_FALSE(launched.has_value());
    CHECK(launched.error().code() == EINVAL);
    CHECK(launched.error().message() == "stage spawn: early failure");
    CHECK(reaped(child.pid));
}

TEST_CASE("a child that dies silently is 'init exited unexpectedly' with its status", "[init][parent]") {
    Scripted child = fork_scripted([](ChildChannel &channel) {
        (void)channel.expect(MsgType::Continue);
        return 5;
    });
    os::NamespacePlan plan;
    auto launched = drive_init(child.pid, child.parent, kConfig, plan, kernel);
    REQUIRE_FALSE(launched.has_value());
    CHECK(launched.error().render() == "init exited unexpectedly (exit status 5)");
    CHECK(reaped(child.pid));
}

TEST_CASE("an out-of-order message kills the child with a protocol violation", "[init][parent]") {
    Scripted child = fork_scripted([](ChildChannel &channel) {
        (void)channel.expect(MsgType::Continue);
        (void)channel.send(MsgType::Ready);  // skips IdMapRequest
        ::pause();
        return 0;
    });
    os::NamespacePlan plan;
    plan.new_user = true;
    auto launched = drive_init(child.pid, child.parent, kConfig, plan, kernel);
    REQUIRE_FALSE(launched.has_value());
    CHECK(launched.error().render() == "protocol violation: got Ready while expecting IdMapRequest");
    CHECK(reaped(child.pid));  // killed although it was still alive
}

TEST_CASE("a ChildPid naming a stranger is refused and the stranger lives", "[init][parent]") {
    // The stranger is a grandchild whose parent stays alive: never reparented to us.
    int report[2];
    REQUIRE(::pipe(report) == 0);
    pid_t holder = ::fork();
    REQUIRE(holder >= 0);
    if (holder == 0) {
        pid_t inner = ::fork();
        if (inner == 0) {
            ::pause();
            _exit(0);
        }
        (void)!::write(report[1], &inner, sizeof inner);
        ::pause();
        _exit(0);
    }
    pid_t stranger = 0;
    REQUIRE(::read(report[0], &stranger, sizeof stranger) == sizeof stranger);
    ::close(report[0]);
    ::close(report[1]);

    Scripted child = fork_scripted([stranger](ChildChannel &channel) {
        (void)channel.expect(MsgType::Continue);
        (void)channel.send(MsgType::ChildPid, stranger);
        return 0;
    });
    os::NamespacePlan plan;
    plan.needs_second_fork = true;
    auto launched = drive_init(child.pid, child.parent, kConfig, plan, kernel);
    REQUIRE_FALSE(launched.has_value());
    CHECK(launched.error().render().find("is not a child of ocrt") != std::string::npos);
    CHECK(::kill(stranger, 0) == 0);
    ::kill(stranger, SIGKILL);
    ::kill(holder, SIGKILL);
    REQUIRE(::waitpid(holder, nullptr, 0) == holder);
}

TEST_CASE("commit_init sends Committed and returns once the init let go of the sync socket", "[init][parent]") {
    Scripted child = fork_scripted([](ChildChannel &channel) {
        if (!channel.expect(MsgType::Continue)) return 1;
        if (!channel.send(MsgType::Ready)) return 1;
        if (!channel.expect(MsgType::Committed)) return 2;
        channel.close();
        ::pause();
        return 0;
    });
    os::NamespacePlan plan;
    auto launched = drive_init(child.pid, child.parent, kConfig, plan, kernel);
    REQUIRE(launched.has_value());
    REQUIRE(launched->sync.valid());
    CHECK((::fcntl(launched->sync.get(), F_GETFD) & FD_CLOEXEC) != 0);
    REQUIRE(commit_init(*launched));
    CHECK(::kill(child.pid, 0) == 0);  // still waiting for start
    ::kill(child.pid, SIGKILL);
    REQUIRE(::waitpid(child.pid, nullptr, 0) == child.pid);
}

namespace {

spec::Hook recording_hook(const std::string &name, const std::string &dir, int exit_code = 0) {
    // Appends its name to the order file and keeps its stdin.
    return {"/bin/sh",
            {"sh", "-c",
             "echo " + name + " >> " + dir + "/order; cat > " + dir + "/" + name + ".json; exit " +
                 std::to_string(exit_code)},
            {},
            {}};
}

std::string slurp(const std::string &path) {
    std::ifstream in(path);
    std::stringstream content;
    content << in.rdbuf();
    return content.str();
}

// A child that asks for the runtime hooks, checks the pid it is told, then is Ready.
Scripted fork_hook_asking_child() {
    return fork_scripted([](ChildChannel &channel) {
        if (!channel.expect(MsgType::Continue)) return 1;
        if (!channel.send(MsgType::RuntimeHooks)) return 1;
        auto done = channel.expect(MsgType::RuntimeHooksDone);
        if (!done || done->value != ::getpid()) return 2;
        if (!channel.send(MsgType::Ready)) return 1;
        ::pause();
        return 0;
    });
}

}  // namespace

TEST_CASE("drive_init runs prestart then createRuntime when the child asks, with the init's state",
          "[init][parent][hooks]") {
    ocrt::testing::TempDir dir;
    spec::Config config;
    config.oci_version = "1.3.0";
    config.annotations = {{"a", "b"}};
    config.hooks.create_runtime = {recording_hook("createRuntime", dir.path())};
    config.hooks.prestart = {recording_hook("prestart", dir.path())};
    LaunchOptions options;
    options.id = "hooked";
    options.bundle = "/the/bundle";
    Scripted child = fork_hook_asking_child();
    os::NamespacePlan plan;
    auto launched = drive_init(child.pid, child.parent, config, plan, kernel, &options);
    REQUIRE(launched.has_value());
    CHECK(slurp(dir / "order") == "prestart\ncreateRuntime\n");
    auto prestart = nlohmann::json::parse(slurp(dir / "prestart.json"));
    auto runtime = nlohmann::json::parse(slurp(dir / "createRuntime.json"));
    CHECK(prestart.at("status") == "created");
    CHECK(runtime.at("status") == "creating");
    for (const auto &state : {prestart, runtime}) {
        CHECK(state.at("pid") == child.pid);
        CHECK(state.at("id") == "hooked");
        CHECK(state.at("bundle") == "/the/bundle");
        CHECK(state.at("ociVersion") == "1.3.0");
        CHECK(state.at("annotations").at("a") == "b");
    }
    ::kill(child.pid, SIGKILL);
    REQUIRE(::waitpid(child.pid, nullptr, 0) == child.pid);
}

TEST_CASE("an init that errs instead of letting go fails commit_init with its error", "[init][parent]") {
    Scripted child = fork_scripted([](ChildChannel &channel) {
        if (!channel.expect(MsgType::Continue)) return 1;
        if (!channel.send(MsgType::Ready)) return 1;
        if (!channel.expect(MsgType::Committed)) return 2;
        (void)channel.send_error(Stage::WaitStart, Error(EPERM, "clear parent-death signal"));
        return 1;
    });
    os::NamespacePlan plan;
    auto launched = drive_init(child.pid, child.parent, kConfig, plan, kernel);
    REQUIRE(launched.has_value());
    auto committed = commit_init(*launched);
    REQUIRE_FALSE(committed);
    CHECK(committed.error().render().find("clear parent-death signal") != std::string::npos);
    REQUIRE(::waitpid(child.pid, nullptr, 0) == child.pid);
}

TEST_CASE("a killed ocrt create takes a not yet committed init along (EOF on the sync socket)", "[init][parent]") {
    Scripted child = fork_scripted([](ChildChannel &channel) {
        if (!channel.expect(MsgType::Continue)) return 1;
        if (!channel.send(MsgType::Ready)) return 1;
        // The parent's end closes without Committed: expect() reports the parent gone.
        return channel.expect(MsgType::Committed) ? 0 : 3;
    });
    os::NamespacePlan plan;
    auto launched = drive_init(child.pid, child.parent, kConfig, plan, kernel);
    REQUIRE(launched.has_value());
    launched->sync.reset();  // what the kernel does when create dies
    int status = 0;
    REQUIRE(::waitpid(child.pid, &status, 0) == child.pid);
    CHECK(WEXITSTATUS(status) == 3);
}

TEST_CASE("a failing createRuntime hook fails drive_init and the child is reaped", "[init][parent][hooks]") {
    ocrt::testing::TempDir dir;
    spec::Config config;
    config.hooks.prestart = {recording_hook("prestart", dir.path(), 4)};
    config.hooks.create_runtime = {recording_hook("createRuntime", dir.path())};
    LaunchOptions options;
    options.id = "failing";
    Scripted child = fork_hook_asking_child();
    os::NamespacePlan plan;
    auto launched = drive_init(child.pid, child.parent, config, plan, kernel, &options);
    REQUIRE_FALSE(launched.has_value());
    CHECK(launched.error().render() == "prestart hook \"/bin/sh\" exited with status 4");
    CHECK(slurp(dir / "order") == "prestart\n");  // createRuntime never ran
    CHECK(reaped(child.pid));
}

TEST_CASE("process.oomScoreAdj is in place before the init is told to continue", "[init][parent]") {
    // Raising our own value is always allowed, so the real kernel can be used.
    auto read_score = [] {
        char buf[16] = {};
        FILE *file = std::fopen("/proc/self/oom_score_adj", "r");
        if (file == nullptr) return -2000;
        size_t n = std::fread(buf, 1, sizeof buf - 1, file);
        std::fclose(file);
        return n > 0 ? std::atoi(buf) : -2000;
    };
    int wanted = std::min(read_score() + 7, 1000);
    spec::Config config;
    config.process.emplace();
    config.process->oom_score_adj = wanted;
    Scripted child = fork_scripted([&](ChildChannel &channel) {
        if (!channel.expect(MsgType::Continue)) return 1;
        if (read_score() != wanted) return 2;  // Continue came before the write
        if (!channel.send(MsgType::Ready)) return 1;
        ::pause();
        return 0;
    });
    os::NamespacePlan plan;
    auto launched = drive_init(child.pid, child.parent, config, plan, kernel);
    REQUIRE(launched.has_value());
    ::kill(child.pid, SIGKILL);
    REQUIRE(::waitpid(child.pid, nullptr, 0) == child.pid);
}

TEST_CASE("a refused oomScoreAdj fails the launch with the field named, and reaps the init", "[init][parent]") {
    spec::Config config;
    config.process.emplace();
    config.process->oom_score_adj = -1000;
    Scripted child = fork_scripted([](ChildChannel &channel) {
        if (channel.expect(MsgType::Continue)) return 3;  // must never be told to continue
        return 0;
    });
    os::NamespacePlan plan;
    ocrt::testing::FakeKernel refusing;
    refusing.fail_next(ocrt::testing::FakeKernel::Op::WriteFile, EACCES);
    auto launched = drive_init(child.pid, child.parent, config, plan, refusing);
    REQUIRE_FALSE(launched.has_value());
    CHECK(launched.error().code() == EACCES);
    CHECK(launched.error().render().find("config.json: /process/oomScoreAdj: cannot set oom_score_adj to -1000") == 0);
    CHECK(reaped(child.pid));
    auto writes = refusing.calls_of<ocrt::testing::FakeKernel::WriteFileCall>();
    REQUIRE(writes.size() == 1);
    CHECK(writes[0].path == "/proc/" + std::to_string(child.pid) + "/oom_score_adj");
}

namespace {

spec::Config terminal_config() {
    spec::Config config;
    config.process.emplace();
    config.process->terminal = true;
    return config;
}

}  // namespace

TEST_CASE("drive_init keeps the pty master a terminal init sends before Ready", "[init][parent][terminal]") {
    Scripted child = fork_scripted([](ChildChannel &channel) {
        if (!channel.expect(MsgType::Continue)) return 1;
        int fds[2];
        if (::pipe(fds) != 0) return 1;
        Message msg;
        msg.type = MsgType::ConsoleMaster;
        msg.text = "/dev/ptmx";
        Endpoint &endpoint = channel;
        if (!endpoint.send(msg, fds[1])) return 1;
        if (!channel.send(MsgType::Ready)) return 1;
        ::pause();
        return 0;
    });
    spec::Config config = terminal_config();
    os::NamespacePlan plan;
    auto launched = drive_init(child.pid, child.parent, config, plan, kernel);
    REQUIRE(launched.has_value());
    REQUIRE(launched->console_master.valid());
    ::kill(child.pid, SIGKILL);
    REQUIRE(::waitpid(child.pid, nullptr, 0) == child.pid);
}

TEST_CASE("drive_init refuses Ready from a terminal init that sent no pty master", "[init][parent][terminal]") {
    Scripted child = fork_scripted([](ChildChannel &channel) {
        if (!channel.expect(MsgType::Continue)) return 1;
        if (!channel.send(MsgType::Ready)) return 1;
        ::pause();
        return 0;
    });
    spec::Config config = terminal_config();
    os::NamespacePlan plan;
    auto launched = drive_init(child.pid, child.parent, config, plan, kernel);
    REQUIRE_FALSE(launched.has_value());
    CHECK_THAT(launched.error().message(), Catch::Contains("got Ready while expecting ConsoleMaster"));
    CHECK(reaped(child.pid));
}

TEST_CASE("drive_init refuses a ConsoleMaster without a file descriptor", "[init][parent][terminal]") {
    Scripted child = fork_scripted([](ChildChannel &channel) {
        if (!channel.expect(MsgType::Continue)) return 1;
        if (!channel.send(MsgType::ConsoleMaster)) return 1;
        ::pause();
        return 0;
    });
    spec::Config config = terminal_config();
    os::NamespacePlan plan;
    auto launched = drive_init(child.pid, child.parent, config, plan, kernel);
    REQUIRE_FALSE(launched.has_value());
    CHECK_THAT(launched.error().message(), Catch::Contains("ConsoleMaster without a file descriptor"));
    CHECK(reaped(child.pid));
}
