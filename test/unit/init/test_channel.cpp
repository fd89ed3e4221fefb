#include <ocrt/init/channel.hpp>

#include <catch2/catch.hpp>

#include <dirent.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

using namespace ocrt;
using namespace ocrt::init;

namespace {

bool is_cloexec(int fd) { return (::fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0; }

int open_fd_count() {
    int count = 0;
    DIR *dir = ::opendir("/proc/self/fd");
    while (dirent *entry = ::readdir(dir)) count += entry->d_name[0] != '.';
    ::closedir(dir);
    return count;
}

// A parent end plus the raw other end, for writing datagrams by hand.
struct RawPair {
    ParentChannel parent;
    unique_fd peer;
};

RawPair raw_pair() {
    int fds[2];
    REQUIRE(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) == 0);
    return {ParentChannel(unique_fd(fds[0])), unique_fd(fds[1])};
}

void raw_send(int fd, const std::vector<char> &bytes, int pass_fd = -1) {
    iovec part{const_cast<char *>(bytes.data()), bytes.size()};
    msghdr header{};
    header.msg_iov = &part;
    header.msg_iovlen = 1;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    if (pass_fd >= 0) {
        header.msg_control = control;
        header.msg_controllen = sizeof control;
        cmsghdr *c = CMSG_FIRSTHDR(&header);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        std::memcpy(CMSG_DATA(c), &pass_fd, sizeof(int));
    }
    REQUIRE(::sendmsg(fd, &header, 0) == static_cast<ssize_t>(bytes.size()));
}

std::vector<char> datagram(WireHeader wire, size_t payload) {
    std::vector<char> bytes(sizeof wire + payload, 'x');
    std::memcpy(bytes.data(), &wire, sizeof wire);
    return bytes;
}

ChannelPair new_pair(int min_fd = 3) {
    auto pair = make_channel_pair(min_fd);
    REQUIRE(pair.has_value());
    return std::move(pair).value();
}

}  // namespace

TEST_CASE("make_channel_pair places both ends at or above min_fd, close-on-exec", "[init][channel]") {
    ChannelPair pair = new_pair(40);
    CHECK(pair.parent.fd() >= 40);
    CHECK(pair.child.fd() >= 40);
    CHECK(is_cloexec(pair.parent.fd()));
    CHECK(is_cloexec(pair.child.fd()));
}

TEST_CASE("messages round-trip in both directions", "[init][channel]") {
    ChannelPair pair = new_pair();
    REQUIRE(pair.parent.send(MsgType::Continue).has_value());
    CHECK(pair.child.expect(MsgType::Continue).has_value());

    REQUIRE(pair.child.send(MsgType::IdMapRequest).has_value());
    auto request = pair.parent.expect(MsgType::IdMapRequest);
    REQUIRE(request.has_value());
    CHECK(request->stage == Stage::None);
    CHECK_FALSE(request->fd.valid());

    REQUIRE(pair.child.send(MsgType::ChildPid, 4242).has_value());
    auto child_pid = pair.parent.receive();
    REQUIRE(child_pid.has_value());
    CHECK(child_pid->type == MsgType::ChildPid);
    CHECK(child_pid->value == 4242);
}

TEST_CASE("an fd travels with a message and arrives close-on-exec", "[init][channel]") {
    ChannelPair pair = new_pair();
    int pipe_fds[2];
    REQUIRE(::pipe(pipe_fds) == 0);
    unique_fd read_end(pipe_fds[0]), write_end(pipe_fds[1]);

    Message msg;
    msg.type = MsgType::Ready;
    msg.text = "with fd";
    REQUIRE(pair.child.Endpoint::send(msg, write_end.get()).has_value());
    write_end.reset();

    auto got = pair.parent.receive();
    REQUIRE(got.has_value());
    CHECK(got->text == "with fd");
    REQUIRE(got->fd.valid());
    CHECK(is_cloexec(got->fd.get()));
    REQUIRE(::write(got->fd.get(), "ok", 2) == 2);
    char buffer[2];
    REQUIRE(::read(read_end.get(), buffer, 2) == 2);
    CHECK(std::string(buffer, 2) == "ok");
}

TEST_CASE("an Error message becomes the child's error with errno and stage", "[init][channel]") {
    ChannelPair pair = new_pair();
    Error failure = Error(EPERM, "mount \"proc\" on \"/proc\"");
    failure.wrap("prepare rootfs");
    REQUIRE(pair.child.send_error(Stage::Mounts, failure).has_value());

    auto got = pair.parent.receive();
    REQUIRE_FALSE(got.has_value());
    CHECK(got.error().code() == EPERM);
    // strerror appears once: the child sends its text without it.
    CHECK(got.error().render() ==
          "stage mounts: prepare rootfs: mount \"proc\" on \"/proc\": " + std::string(ocrt::errno_text(EPERM)));
}

TEST_CASE("expect turns an Error into the child's error, not a type mismatch", "[init][channel]") {
    ChannelPair pair = new_pair();
    REQUIRE(pair.child.send_error(Stage::Exec, Error("exec: \"nope\": executable file not found in $PATH")).has_value());
    auto got = pair.parent.expect(MsgType::Ready);
    REQUIRE_FALSE(got.has_value());
    CHECK(got.error().code() == 0);
    CHECK(got.error().render() == "stage exec: exec: \"nope\": executable file not found in $PATH");
}

TEST_CASE("expect rejects the wrong message type", "[init][channel]") {
    ChannelPair pair = new_pair();
    REQUIRE(pair.parent.send(MsgType::Continue).has_value());
    auto got = pair.child.expect(MsgType::IdMapDone);
    REQUIRE_FALSE(got.has_value());
    CHECK(got.error().render() == "protocol violation: got Continue while expecting IdMapDone");
}

TEST_CASE("Log messages are forwarded and skipped by receive", "[init][channel]") {
    ChannelPair pair = new_pair();
    REQUIRE(pair.child.send_log(log::Level::debug, "keyring skipped").has_value());
    REQUIRE(pair.child.send(MsgType::Ready).has_value());
    auto got = pair.parent.receive();
    REQUIRE(got.has_value());
    CHECK(got->type == MsgType::Ready);
}

TEST_CASE("EOF from the child is 'init exited unexpectedly'", "[init][channel]") {
    ChannelPair pair = new_pair();
    pair.child.close();
    auto got = pair.parent.receive();
    REQUIRE_FALSE(got.has_value());
    CHECK(got.error().render() == "init exited unexpectedly");
}

TEST_CASE("EOF from the parent ends the child's wait", "[init][channel]") {
    ChannelPair pair = new_pair();
    pair.parent.close();
    auto got = pair.child.expect(MsgType::Continue);
    REQUIRE_FALSE(got.has_value());
    CHECK(got.error().render() == "ocrt exited before the container was created");
}

TEST_CASE("sending to a closed peer is EPIPE, not SIGPIPE", "[init][channel]") {
    ChannelPair pair = new_pair();
    pair.parent.close();
    auto sent = pair.child.send(MsgType::Ready);
    REQUIRE_FALSE(sent.has_value());
    CHECK(sent.error().code() == EPIPE);
}

TEST_CASE("a datagram longer than the maximum is a protocol error", "[init][channel]") {
    RawPair pair = raw_pair();
    WireHeader wire{static_cast<uint8_t>(MsgType::Log), 0, 0, 0, 0, 0, static_cast<uint32_t>(kMaxPayload + 1)};
    raw_send(pair.peer.get(), datagram(wire, kMaxPayload + 1));
    auto got = pair.parent.receive();
    REQUIRE_FALSE(got.has_value());
    CHECK(got.error().render().rfind("protocol violation: message longer than", 0) == 0);
}

TEST_CASE("the largest legal payload arrives whole and longer text is cut", "[init][channel]") {
    ChannelPair pair = new_pair();
    Message msg;
    msg.type = MsgType::Ready;
    msg.text = std::string(kMaxPayload + 100, 'a');
    REQUIRE(pair.child.Endpoint::send(msg).has_value());
    auto got = pair.parent.receive();
    REQUIRE(got.has_value());
    CHECK(got->text == std::string(kMaxPayload, 'a'));
}

TEST_CASE("malformed headers are protocol errors", "[init][channel]") {
    SECTION("zeroed header: type 0 is reserved") {
        RawPair pair = raw_pair();
        raw_send(pair.peer.get(), datagram(WireHeader{}, 0));
        auto got = pair.parent.receive();
        REQUIRE_FALSE(got.has_value());
        CHECK(got.error().render() == "protocol violation: unknown message type 0");
    }
    SECTION("shorter than the header") {
        RawPair pair = raw_pair();
        raw_send(pair.peer.get(), std::vector<char>(5, 1));
        auto got = pair.parent.receive();
        REQUIRE_FALSE(got.has_value());
        CHECK(got.error().render() == "protocol violation: short message of 5 bytes");
    }
    SECTION("declared length differs from the payload") {
        RawPair pair = raw_pair();
        WireHeader wire{static_cast<uint8_t>(MsgType::Ready), 0, 0, 0, 0, 0, 10};
        raw_send(pair.peer.get(), datagram(wire, 3));
        auto got = pair.parent.receive();
        REQUIRE_FALSE(got.has_value());
        CHECK(got.error().render() == "protocol violation: length 10 does not match 3 payload bytes");
    }
    SECTION("unknown stage") {
        RawPair pair = raw_pair();
        WireHeader wire{static_cast<uint8_t>(MsgType::Error), 99, 0, 0, 0, 0, 0};
        raw_send(pair.peer.get(), datagram(wire, 0));
        auto got = pair.parent.receive();
        REQUIRE_FALSE(got.has_value());
        CHECK(got.error().render() == "protocol violation: unknown stage 99");
    }
}

TEST_CASE("an fd the header did not declare is rejected and closed", "[init][channel]") {
    RawPair pair = raw_pair();
    int before = open_fd_count();
    WireHeader wire{static_cast<uint8_t>(MsgType::Ready), 0, 0, 0, 0, 0, 0};
    raw_send(pair.peer.get(), datagram(wire, 0), STDIN_FILENO);
    auto got = pair.parent.receive();
    REQUIRE_FALSE(got.has_value());
    CHECK(got.error().render() == "protocol violation: 1 fds received with Ready");
    CHECK(open_fd_count() == before);
}

TEST_CASE("pending_child_error finds a queued Error without blocking", "[init][channel]") {
    ChannelPair pair = new_pair();
    CHECK_FALSE(pair.parent.pending_child_error().has_value());

    REQUIRE(pair.child.send_log(log::Level::debug, "noise").has_value());
    REQUIRE(pair.child.send_error(Stage::UserNs, Error(EINVAL, "setresuid 0")).has_value());
    auto pending = pair.parent.pending_child_error();
    REQUIRE(pending.has_value());
    CHECK(pending->code() == EINVAL);
    CHECK(pending->message() == "stage user namespace: setresuid 0");
}

TEST_CASE("render_without_errno keeps the frames and drops strerror", "[init][channel]") {
    Error error(ENOENT, "open \"/x\"");
    error.wrap("outer");
    CHECK(render_without_errno(error) == "outer: open \"/x\"");
    CHECK(render_without_errno(Error("plain")) == "plain");
}

TEST_CASE("child_error with an empty text names only the stage", "[init][channel]") {
    Message msg;
    msg.type = MsgType::Error;
    msg.stage = Stage::Devices;
    msg.err = ENODEV;
    CHECK(child_error(msg).render() == "stage devices: " + std::string(ocrt::errno_text(ENODEV)));
}

TEST_CASE("move_fd_at_least moves low fds and keeps high ones", "[init][channel]") {
    int raw = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    REQUIRE(raw >= 0);
    auto moved = move_fd_at_least(unique_fd(raw), 64);
    REQUIRE(moved.has_value());
    CHECK(moved->get() >= 64);
    CHECK(is_cloexec(moved->get()));
    CHECK(::fcntl(raw, F_GETFD) == -1);  // the old number was closed
    int kept_number = moved->get();
    auto kept = move_fd_at_least(std::move(moved).value(), 3);
    REQUIRE(kept.has_value());
    CHECK(kept->get() == kept_number);
}
