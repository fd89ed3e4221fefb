#include <ocrt/init/channel.hpp>

#include <fcntl.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace ocrt::init {
namespace {

Error protocol_error(const std::string &what) { return Error("protocol violation: " + what); }

// The fds of an SCM_RIGHTS control message, owned so that extra ones get closed.
std::vector<unique_fd> take_passed_fds(msghdr &header) {
    std::vector<unique_fd> fds;
    for (cmsghdr *c = CMSG_FIRSTHDR(&header); c != nullptr; c = CMSG_NXTHDR(&header, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
        size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < count; ++i) {
            int fd;
            std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
            fds.emplace_back(fd);
        }
    }
    return fds;
}

Result<Message> decode(const char *buffer, size_t size, std::vector<unique_fd> fds) {
    WireHeader wire;
    if (size < sizeof wire) return protocol_error("short message of " + std::to_string(size) + " bytes");
    std::memcpy(&wire, buffer, sizeof wire);
    if (wire.len != size - sizeof wire)
        return protocol_error("length " + std::to_string(wire.len) + " does not match " +
                              std::to_string(size - sizeof wire) + " payload bytes");
    if (wire.type == 0 || wire.type > kMaxMsgType)
        return protocol_error("unknown message type " + std::to_string(wire.type));
    if (wire.stage > kMaxStage) return protocol_error("unknown stage " + std::to_string(wire.stage));
    bool declared_fd = (wire.flags & kFlagHasFd) != 0;
    if (fds.size() > 1 || declared_fd != (fds.size() == 1))
        return protocol_error(std::to_string(fds.size()) + " fds received with " +
                              msg_type_name(static_cast<MsgType>(wire.type)));
    Message msg;
    msg.type = static_cast<MsgType>(wire.type);
    msg.stage = static_cast<Stage>(wire.stage);
    msg.flags = wire.flags;
    msg.err = wire.err;
    msg.value = wire.value;
    msg.text.assign(buffer + sizeof wire, wire.len);
    if (declared_fd) msg.fd = std::move(fds.front());
    return msg;
}

}  // namespace

Result<void> Endpoint::send(const Message &msg, int fd_to_pass) {
    size_t len = std::min(msg.text.size(), kMaxPayload);
    WireHeader wire{static_cast<std::uint8_t>(msg.type), static_cast<std::uint8_t>(msg.stage), msg.flags, 0,
                    msg.err, msg.value, static_cast<std::uint32_t>(len)};
    if (fd_to_pass >= 0) wire.flags |= kFlagHasFd;
    iovec parts[2] = {{&wire, sizeof wire}, {const_cast<char *>(msg.text.data()), len}};
    msghdr header{};
    header.msg_iov = parts;
    header.msg_iovlen = 2;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    if (fd_to_pass >= 0) {
        header.msg_control = control;
        header.msg_controllen = sizeof control;
        cmsghdr *c = CMSG_FIRSTHDR(&header);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        std::memcpy(CMSG_DATA(c), &fd_to_pass, sizeof(int));
    }
    ssize_t sent;
    do sent = ::sendmsg(fd_.get(), &header, MSG_NOSIGNAL);
    while (sent < 0 && errno == EINTR);
    if (sent < 0) {
        int err = errno;
        return Error(err, "send " + msg_type_name(msg.type));
    }
    return ok();
}

Result<std::optional<Message>> Endpoint::receive_raw(bool nonblocking) {
    std::vector<char> buffer(kMaxDatagram);
    iovec part{buffer.data(), buffer.size()};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    msghdr header{};
    header.msg_iov = &part;
    header.msg_iovlen = 1;
    header.msg_control = control;
    header.msg_controllen = sizeof control;
    int flags = MSG_CMSG_CLOEXEC | (nonblocking ? MSG_DONTWAIT : 0);
    ssize_t got;
    do got = ::recvmsg(fd_.get(), &header, flags);
    while (got < 0 && errno == EINTR);
    if (got < 0) {
        int err = errno;
        if (nonblocking && (err == EAGAIN || err == EWOULDBLOCK)) return std::optional<Message>();
        return Error(err, "receive from sync socket");
    }
    std::vector<unique_fd> fds = take_passed_fds(header);
    if (header.msg_flags & MSG_TRUNC) return protocol_error("message longer than " + std::to_string(kMaxDatagram) + " bytes");
    if (header.msg_flags & MSG_CTRUNC) return protocol_error("control data truncated");
    if (got == 0 && fds.empty()) return std::optional<Message>();
    auto msg = decode(buffer.data(), static_cast<size_t>(got), std::move(fds));
    if (!msg) return std::move(msg).error();
    return std::optional<Message>(std::move(msg).value());
}

Result<void> ParentChannel::send(MsgType type, std::int32_t value) {
    Message msg;
    msg.type = type;
    msg.value = value;
    return Endpoint::send(msg);
}

Result<Message> ParentChannel::receive() {
    for (;;) {
        auto raw = receive_raw();
        if (!raw) return std::move(raw).error();
        if (!raw->has_value()) return Error(std::string(kInitExitedMessage));
        Message msg = std::move(**raw);
        if (msg.type == MsgType::Error) return child_error(msg);
        if (msg.type != MsgType::Log) return msg;
        log::write(static_cast<log::Level>(msg.flags & kFlagLevelMask), "init: " + msg.text);
    }
}

Result<Message> ParentChannel::expect(MsgType type) {
    auto msg = receive();
    if (!msg) return msg;
    if (msg->type != type)
        return protocol_error("got " + msg_type_name(msg->type) + " while expecting " + msg_type_name(type));
    return msg;
}

std::optional<Error> ParentChannel::pending_child_error() {
    for (;;) {
        auto raw = receive_raw(true);
        if (!raw || !raw->has_value()) return std::nullopt;
        if ((*raw)->type == MsgType::Error) return child_error(**raw);
    }
}

Result<void> ChildChannel::send(MsgType type, std::int32_t value) {
    Message msg;
    msg.type = type;
    msg.value = value;
    return Endpoint::send(msg);
}

Result<void> ChildChannel::send_error(Stage stage, const Error &error) {
    Message msg;
    msg.type = MsgType::Error;
    msg.stage = stage;
    msg.err = error.code();
    msg.text = render_without_errno(error);
    return Endpoint::send(msg);
}

Result<void> ChildChannel::send_log(log::Level level, std::string_view text) {
    Message msg;
    msg.type = MsgType::Log;
    msg.flags = static_cast<std::uint8_t>(level) & kFlagLevelMask;
    msg.text = std::string(text);
    return Endpoint::send(msg);
}

Result<Message> ChildChannel::expect(MsgType type) {
    auto raw = receive_raw();
    if (!raw) return std::move(raw).error();
    if (!raw->has_value()) return Error("ocrt exited before the container was created");
    Message msg = std::move(**raw);
    if (msg.type != type)
        return protocol_error("got " + msg_type_name(msg.type) + " while expecting " + msg_type_name(type));
    return msg;
}

Result<void> send_console_master(Endpoint &endpoint, Stage stage, borrowed_fd master, std::string_view name) {
    Message msg;
    msg.type = MsgType::ConsoleMaster;
    msg.stage = stage;
    msg.text = std::string(name);
    return endpoint.send(msg, master.get());
}

Result<ChannelPair> make_channel_pair(int min_fd) {
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) != 0) {
        int err = errno;
        return Error(err, "create sync socketpair");
    }
    unique_fd parent_end(fds[0]), child_end(fds[1]);
    auto parent = move_fd_at_least(std::move(parent_end), min_fd);
    if (!parent) return std::move(parent).error();
    auto child = move_fd_at_least(std::move(child_end), min_fd);
    if (!child) return std::move(child).error();
    return ChannelPair{ParentChannel(std::move(parent).value()), ChildChannel(std::move(child).value())};
}

Error child_error(const Message &msg) {
    std::string where = "stage " + stage_name(msg.stage);
    return Error(msg.err, msg.text.empty() ? where : where + ": " + msg.text);
}

std::string render_without_errno(const Error &error) {
    Error copy(error.message());
    for (const auto &frame : error.context()) copy.wrap(frame);
    return copy.render();
}

Result<unique_fd> move_fd_at_least(unique_fd fd, int min_fd) {
    if (fd.get() >= min_fd) return fd;
    int moved = ::fcntl(fd.get(), F_DUPFD_CLOEXEC, min_fd);
    if (moved < 0) {
        int err = errno;
        return Error(err, "move fd " + std::to_string(fd.get()) + " to " + std::to_string(min_fd) + " or above");
    }
    return unique_fd(moved);
}

}  // namespace ocrt::init
