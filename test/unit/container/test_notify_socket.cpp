// sd_notify passthrough (cli-contract.md section 16): what create adds to the config,
// and start's relay of READY to the host socket.
#include <ocrt/container/notify_socket.hpp>
#include <ocrt/container/process.hpp>

#include "child_process.hpp"
#include "proc_start_time.hpp"

#include <temp_dir.hpp>

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>

using namespace ocrt;
using namespace ocrt::container;
using ocrt::testing::spawn;
using ocrt::testing::TempDir;
using ocrt::testing::start_time_of;
using ocrt::testing::wait_for;

namespace {


sockaddr_un address_of(const std::string &path) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    REQUIRE(path.size() < sizeof address.sun_path);
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    return address;
}

unique_fd bound_dgram(const std::string &path) {
    unique_fd sock(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    sockaddr_un address = address_of(path);
    REQUIRE(::bind(sock.get(), reinterpret_cast<sockaddr *>(&address), sizeof address) == 0);
    return sock;
}

void send_to(const std::string &path, const std::string &text) {
    unique_fd sock(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    sockaddr_un address = address_of(path);
    REQUIRE(::sendto(sock.get(), text.data(), text.size(), 0, reinterpret_cast<sockaddr *>(&address),
                     sizeof address) == static_cast<ssize_t>(text.size()));
}

spec::Config config_with_env(std::vector<std::string> env) {
    spec::Config config;
    config.process.emplace();
    config.process->env = std::move(env);
    return config;
}

}  // namespace

TEST_CASE("ready_line finds the READY= line of a datagram", "[notify]") {
    CHECK(ready_line("READY=1") == "READY=1");
    CHECK(ready_line("STATUS=up\nREADY=1\nMAINPID=7\n") == "READY=1");
    CHECK_FALSE(ready_line("STATUS=READY=1"));
    CHECK_FALSE(ready_line("STATUS=starting\n"));
    CHECK_FALSE(ready_line(""));
    CHECK(host_notify_message("READY=1", 4242) == "READY=1\nMAINPID=4242\n");
}

TEST_CASE("prepare_notify sets NOTIFY_SOCKET and detaches a read-only bind of the directory", "[notify]") {
    if (::geteuid() != 0) {
        WARN("open_tree needs root: skipped");
        return;
    }
    TempDir state;
    spec::Config config = config_with_env({"PATH=/bin", "NOTIFY_SOCKET=/elsewhere"});
    REQUIRE_FALSE(notify_prepared(state.path()));
    auto tree = prepare_notify(state.path(), config);
    REQUIRE(tree);
    CHECK(notify_prepared(state.path()));
    struct stat info {};
    REQUIRE(::stat((state.path() + "/notify").c_str(), &info) == 0);
    CHECK((info.st_mode & 07777) == 0755);
    CHECK(config.mounts.empty());
    CHECK(config.process->env == std::vector<std::string>{"PATH=/bin", "NOTIFY_SOCKET=/run/notify/notify.sock"});
    // The detached tree is that directory, already read-only, nosuid, nodev, noexec.
    struct stat by_fd {};
    REQUIRE(::fstat(tree->get(), &by_fd) == 0);
    CHECK(by_fd.st_ino == info.st_ino);
    struct statvfs flags {};
    REQUIRE(::fstatvfs(tree->get(), &flags) == 0);
    CHECK((flags.f_flag & (ST_RDONLY | ST_NOSUID | ST_NODEV | ST_NOEXEC)) ==
          (ST_RDONLY | ST_NOSUID | ST_NODEV | ST_NOEXEC));
    CHECK((::fcntl(tree->get(), F_GETFD) & FD_CLOEXEC) != 0);
}

TEST_CASE("relay_ready forwards READY with MAINPID and a barrier to the host", "[notify]") {
    TempDir state;
    REQUIRE(::mkdir((state.path() + "/notify").c_str(), 0755) == 0);
    auto sock = bind_notify_socket(state.path());
    REQUIRE(sock);
    std::string socket_path = state.path() + "/notify/notify.sock";
    struct stat info {};
    REQUIRE(::stat(socket_path.c_str(), &info) == 0);
    CHECK(S_ISSOCK(info.st_mode));
    CHECK((info.st_mode & 0777) == 0777);

    unique_fd host = bound_dgram(state / "host.sock");
    send_to(socket_path, "STATUS=starting");
    send_to(socket_path, "STATUS=up\nREADY=1");
    // We play the init: alive for the whole call.
    auto relayed = relay_ready(*sock, state / "host.sock", ::getpid(), start_time_of(::getpid()), 4242,
                               std::chrono::milliseconds(50));
    REQUIRE(relayed);
    char buffer[256];
    ssize_t got = ::recv(host.get(), buffer, sizeof buffer, MSG_DONTWAIT);
    REQUIRE(got > 0);
    CHECK(std::string(buffer, static_cast<size_t>(got)) == "READY=1\nMAINPID=4242\n");
    got = ::recv(host.get(), buffer, sizeof buffer, MSG_DONTWAIT);
    REQUIRE(got > 0);
    CHECK(std::string(buffer, static_cast<size_t>(got)) == "BARRIER=1");

    // Bound again at a later start: the stale socket file is replaced.
    CHECK(bind_notify_socket(state.path()));
}

TEST_CASE("relay_ready returns without relaying once the init has exited", "[notify]") {
    TempDir state;
    REQUIRE(::mkdir((state.path() + "/notify").c_str(), 0755) == 0);
    auto sock = bind_notify_socket(state.path());
    REQUIRE(sock);
    unique_fd host = bound_dgram(state / "host.sock");
    pid_t child = spawn([] { return 0; });
    REQUIRE(wait_for(child) == 0);
    REQUIRE(relay_ready(*sock, state / "host.sock", child, 1, child));
    char byte;
    CHECK(::recv(host.get(), &byte, 1, MSG_DONTWAIT) < 0);
}

TEST_CASE("relay_ready reports a host socket it cannot reach", "[notify]") {
    TempDir state;
    REQUIRE(::mkdir((state.path() + "/notify").c_str(), 0755) == 0);
    auto sock = bind_notify_socket(state.path());
    REQUIRE(sock);
    send_to(state.path() + "/notify/notify.sock", "READY=1");
    auto relayed = relay_ready(*sock, state / "missing.sock", ::getpid(), start_time_of(::getpid()), ::getpid());
    REQUIRE_FALSE(relayed);
    CHECK_THAT(relayed.error().render(), Catch::Contains("relay READY to the notify socket"));
}
