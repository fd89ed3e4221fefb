// The seccomp listener hand-off (config-linux.md "The Container Process State").
#include "seccomp_setup.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

using namespace ocrt::init;

TEST_CASE("the container process state names the fd, pid, metadata and a creating state", "[init][seccomp]") {
    ListenerState state{"1.2.0", "c1", "/b", 4242, "MKNOD=/dev/null", {{"a", "b"}}};
    auto j = nlohmann::json::parse(seccomp_process_state_json(state));
    CHECK(j["ociVersion"] == "1.2.0");
    CHECK(j["fds"] == nlohmann::json::array({"seccompFd"}));
    CHECK(j["pid"] == 4242);
    CHECK(j["metadata"] == "MKNOD=/dev/null");
    CHECK(j["state"]["ociVersion"] == "1.2.0");
    CHECK(j["state"]["id"] == "c1");
    CHECK(j["state"]["status"] == "creating");
    CHECK(j["state"]["pid"] == 4242);
    CHECK(j["state"]["bundle"] == "/b");
    CHECK(j["state"]["annotations"]["a"] == "b");
}

TEST_CASE("for an exec'd process the state names it and a running container", "[init][seccomp]") {
    ListenerState state{"1.2.0", "c1", "/b", 4242, "", {}, "running", 5151};
    auto j = nlohmann::json::parse(seccomp_process_state_json(state));
    CHECK(j["pid"] == 5151);
    CHECK(j["state"]["pid"] == 4242);
    CHECK(j["state"]["status"] == "running");
    CHECK(j["state"].count("annotations") == 0);
}

TEST_CASE("send_to_seccomp_listener sends the state with the fd once and closes", "[init][seccomp]") {
    char dir_template[] = "/tmp/ocrt-seccomp-unit-XXXXXX";
    REQUIRE(::mkdtemp(dir_template) != nullptr);
    std::string path = std::string(dir_template) + "/l.sock";
    int listener = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strcpy(addr.sun_path, path.c_str());
    REQUIRE(::bind(listener, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0);
    REQUIRE(::listen(listener, 1) == 0);

    int pipe_fds[2];
    REQUIRE(::pipe(pipe_fds) == 0);
    ListenerState state{"1.2.0", "c1", "/b", 7, "", {}};
    auto sent = send_to_seccomp_listener(path, state, pipe_fds[1]);
    REQUIRE(sent);

    int conn = ::accept(listener, nullptr, nullptr);
    REQUIRE(conn >= 0);
    char buf[4096];
    iovec part{buf, sizeof buf};
    msghdr header{};
    header.msg_iov = &part;
    header.msg_iovlen = 1;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
    header.msg_control = control;
    header.msg_controllen = sizeof control;
    ssize_t n = ::recvmsg(conn, &header, 0);
    REQUIRE(n > 0);
    cmsghdr *c = CMSG_FIRSTHDR(&header);
    REQUIRE(c != nullptr);
    CHECK(c->cmsg_type == SCM_RIGHTS);
    int received;
    std::memcpy(&received, CMSG_DATA(c), sizeof received);
    // The received fd is the pipe's write end: bytes written to it come out of the read end.
    REQUIRE(::write(received, "x", 1) == 1);
    char got = 0;
    REQUIRE(::read(pipe_fds[0], &got, 1) == 1);
    CHECK(got == 'x');
    CHECK(nlohmann::json::parse(std::string(buf, static_cast<size_t>(n)))["pid"] == 7);
    CHECK(::recv(conn, buf, sizeof buf, 0) == 0);  // the runtime closed the connection

    auto refused = send_to_seccomp_listener(std::string(dir_template) + "/missing.sock", state, pipe_fds[1]);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().render().find("send seccomp fd to listener") == 0);

    ::close(received);
    ::close(conn);
    ::close(listener);
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    ::unlink(path.c_str());
    ::rmdir(dir_template);
}

// Where the filter goes in: the hooks the init and `ocrt exec` load it from, against
// a FakeKernel (the load itself is libseccomp's syscall, so a hook stands for it).
#include "fake_kernel.hpp"
#include "identity.hpp"

#include <ocrt/linux/process_setup.hpp>

#include <sys/prctl.h>
#include <sys/resource.h>

#include <variant>

namespace {

using ocrt::testing::FakeKernel;

unsigned int os_flags_for_notify() {
    ocrt::os::SeccompPlan plan;
    plan.uses_notify = true;
    return ocrt::os::seccomp_load_flags(plan);
}

template <typename T>
long first_index(const FakeKernel &kernel) {
    const auto &calls = kernel.calls();
    for (size_t i = 0; i < calls.size(); ++i)
        if (std::holds_alternative<T>(calls[i])) return static_cast<long>(i);
    return -1;
}

}  // namespace

TEST_CASE("without noNewPrivileges the filter hook runs after the rlimits, before the user switch", "[init][seccomp]") {
    FakeKernel kernel;
    ocrt::spec::Process process;
    process.user.uid = 1000;
    process.user.gid = 1000;
    process.cwd = "/";
    process.rlimits.push_back({"RLIMIT_NOFILE", 512, 512});
    long hook_at = -1;
    (void)apply_process_identity(process, kernel, [](const std::string &) {}, [&]() -> ocrt::Result<void> {
        hook_at = static_cast<long>(kernel.calls().size());
        return ocrt::ok();
    });
    REQUIRE(hook_at >= 0);
    long rlimit = first_index<FakeKernel::SetrlimitCall>(kernel);
    long setresuid = first_index<FakeKernel::SetresuidCall>(kernel);
    long setgroups = first_index<FakeKernel::SetgroupsCall>(kernel);
    REQUIRE(rlimit >= 0);
    REQUIRE(setresuid >= 0);
    CHECK(rlimit < hook_at);
    CHECK(hook_at <= setresuid);
    if (setgroups >= 0) CHECK(hook_at <= setgroups);
}

TEST_CASE("a failing filter hook stops before the user switch", "[init][seccomp]") {
    FakeKernel kernel;
    ocrt::spec::Process process;
    process.user.uid = 1000;
    process.cwd = "/";
    auto refuse = []() -> ocrt::Result<void> { return ocrt::Error(EACCES, "load seccomp filter"); };
    auto applied = apply_process_identity(process, kernel, [](const std::string &) {}, refuse);
    REQUIRE_FALSE(applied);
    CHECK(applied.error().code() == EACCES);
    CHECK(first_index<FakeKernel::SetresuidCall>(kernel) == -1);
}

TEST_CASE("with noNewPrivileges the filter hook runs last before execve", "[init][seccomp]") {
    FakeKernel kernel;
    ocrt::spec::Process process;
    process.args = {"/bin/true"};
    long hook_at = -1;
    (void)ocrt::os::exec_process(process, "/bin/true", 0, kernel, [&]() -> ocrt::Result<void> {
        hook_at = static_cast<long>(kernel.calls().size());
        return ocrt::ok();
    });
    long reset = first_index<FakeKernel::ResetSignalsCall>(kernel);
    long close_range = first_index<FakeKernel::CloseRangeCall>(kernel);
    long execve = first_index<FakeKernel::ExecveCall>(kernel);
    REQUIRE(execve >= 0);
    CHECK(close_range < hook_at);
    CHECK(reset < hook_at);
    CHECK(hook_at == execve);  // nothing between the load and the execve
}

TEST_CASE("loading a notifying filter sends its listener fd to the parent", "[init][seccomp]") {
    auto pair = make_channel_pair();
    REQUIRE(pair);
    FakeKernel kernel;
    SeccompSetup setup;
    setup.plan.uses_notify = true;
    setup.program = {sock_filter{0x06, 0, 0, 0x7fff0000}};  // ret ALLOW
    setup.flags = os_flags_for_notify();
    REQUIRE(load_seccomp_and_send_fd(setup, pair->child, kernel));
    auto msg = pair->parent.receive();
    REQUIRE(msg);
    CHECK(msg->type == MsgType::SeccompNotifyFd);
    CHECK(msg->fd.valid());
    REQUIRE(kernel.calls_of<FakeKernel::SeccompCall>().size() == 1);
    CHECK(kernel.calls_of<FakeKernel::SeccompCall>()[0].instructions == 1);

    // Without notify rules nothing travels.
    setup.plan.uses_notify = false;
    setup.flags = 0;
    REQUIRE(load_seccomp_and_send_fd(setup, pair->child, kernel));
    pair->child.close();
    auto nothing = pair->parent.receive();
    REQUIRE_FALSE(nothing);  // EOF: "init exited unexpectedly"
}
