// Unix socket fd passing: what the console socket and the seccomp listener rely on.
#include <ocrt/base/unix_socket.hpp>

#include "temp_dir.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <vector>

using namespace ocrt;

namespace {

struct SocketPair {
    unique_fd a, b;
    explicit SocketPair(int type = SOCK_STREAM) {
        int fds[2];
        REQUIRE(::socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, fds) == 0);
        a.reset(fds[0]);
        b.reset(fds[1]);
    }
};

ino_t inode_of(int fd) {
    struct stat info {};
    REQUIRE(::fstat(fd, &info) == 0);
    return info.st_ino;
}

}  // namespace

TEST_CASE("a payload and several fds arrive together, in order, close-on-exec") {
    SocketPair pair;
    int pipe_fds[2];
    REQUIRE(::pipe(pipe_fds) == 0);
    unique_fd read_end(pipe_fds[0]), write_end(pipe_fds[1]);
    int sent[] = {read_end.get(), write_end.get()};
    REQUIRE(send_with_fds(pair.a, "{\"fds\":[\"x\",\"y\"]}", sent));

    std::vector<unique_fd> fds;
    auto payload = receive_with_fds(pair.b, fds);
    REQUIRE(payload);
    CHECK(*payload == "{\"fds\":[\"x\",\"y\"]}");
    REQUIRE(fds.size() == 2);
    CHECK(inode_of(fds[0].get()) == inode_of(read_end.get()));
    CHECK(inode_of(fds[1].get()) == inode_of(write_end.get()));
    CHECK((::fcntl(fds[0].get(), F_GETFD) & FD_CLOEXEC) != 0);
    // The received write end really is the pipe: bytes written there come out of ours.
    REQUIRE(::write(fds[1].get(), "z", 1) == 1);
    char byte = 0;
    REQUIRE(::read(read_end.get(), &byte, 1) == 1);
    CHECK(byte == 'z');
}

TEST_CASE("an empty payload still carries its fd over a stream socket") {
    SocketPair pair;
    unique_fd null(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    int sent[] = {null.get()};
    REQUIRE(send_with_fds(pair.a, "", sent));
    std::vector<unique_fd> fds;
    auto payload = receive_with_fds(pair.b, fds);
    REQUIRE(payload);
    CHECK(*payload == std::string(1, '\0'));
    REQUIRE(fds.size() == 1);
    CHECK(inode_of(fds[0].get()) == inode_of(null.get()));
}

TEST_CASE("a payload larger than the receiver allows is an error and leaks no fd") {
    SocketPair pair(SOCK_SEQPACKET);
    unique_fd null(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    int sent[] = {null.get()};
    REQUIRE(send_with_fds(pair.a, std::string(100, 'x'), sent));
    std::vector<unique_fd> fds;
    auto payload = receive_with_fds(pair.b, fds, 10);
    REQUIRE_FALSE(payload);
    CHECK(payload.error().code() == EMSGSIZE);
    CHECK(fds.empty());
}

TEST_CASE("the peer closing before sending is ECONNRESET") {
    SocketPair pair;
    pair.a.reset();
    std::vector<unique_fd> fds;
    auto payload = receive_with_fds(pair.b, fds);
    REQUIRE_FALSE(payload);
    CHECK(payload.error().code() == ECONNRESET);
}

TEST_CASE("connect_unix reaches a socket whose path is longer than sockaddr_un allows") {
    ocrt::testing::TempDir temp;
    std::string dir = temp.path();
    while (dir.size() < sizeof(sockaddr_un::sun_path) + 10) {
        dir += "/a-long-directory-name";
        REQUIRE(::mkdir(dir.c_str(), 0700) == 0);
    }
    std::string path = dir + "/listener.sock";
    unique_fd listener(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    unique_fd dir_fd(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::string short_path = "/proc/self/fd/" + std::to_string(dir_fd.get()) + "/listener.sock";
    std::snprintf(address.sun_path, sizeof address.sun_path, "%s", short_path.c_str());
    REQUIRE(::bind(listener.get(), reinterpret_cast<sockaddr *>(&address), sizeof address) == 0);
    REQUIRE(::listen(listener.get(), 1) == 0);

    auto connected = connect_unix(path);
    REQUIRE(connected);
    unique_fd accepted(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
    CHECK(accepted);
}

TEST_CASE("connect_unix to a missing socket names the path and keeps errno") {
    auto connected = connect_unix("/nonexistent/ocrt-test.sock");
    REQUIRE_FALSE(connected);
    CHECK(connected.error().code() == ENOENT);
    CHECK(connected.error().render().find("/nonexistent/ocrt-test.sock") != std::string::npos);
}
