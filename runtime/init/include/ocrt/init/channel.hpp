// The two ends of the sync socket (sync.hpp). They are created as a pair before the
// clone; each process then closes the other's end, so the parent sees EOF as soon as
// the child (and any grandchild) is gone and never hangs on a dead init.
#pragma once

#include <ocrt/base/error.hpp>
#include <ocrt/base/log.hpp>
#include <ocrt/base/result.hpp>
#include <ocrt/base/unique_fd.hpp>
#include <ocrt/init/sync.hpp>

#include <optional>
#include <string_view>

namespace ocrt::init {

// What expect()/receive() return when the child went away without an Error.
inline constexpr std::string_view kInitExitedMessage = "init exited unexpectedly";

// Shared transport: one datagram per message, at most one fd.
class Endpoint {
public:
    Endpoint() = default;
    explicit Endpoint(unique_fd fd) : fd_(std::move(fd)) {}

    // Sends msg (its text cut to kMaxPayload); fd_to_pass >= 0 travels with it.
    // Never raises SIGPIPE: a gone peer is an EPIPE error.
    Result<void> send(const Message &msg, int fd_to_pass = -1);
    // Next datagram as it came, Error and Log messages included. nullopt on EOF.
    // Truncation, a bad header or an undeclared fd are protocol errors.
    Result<std::optional<Message>> receive_raw(bool nonblocking = false);

    int fd() const { return fd_.get(); }
    void close() { fd_.reset(); }

protected:
    unique_fd fd_;
};

// The parent's end: talks to the child.
class ParentChannel : public Endpoint {
public:
    using Endpoint::Endpoint;

    Result<void> send(MsgType type, std::int32_t value = 0);
    // Next protocol message: Log messages are forwarded to the logger and skipped,
    // an Error message becomes the child's error, EOF becomes kInitExitedMessage.
    Result<Message> receive();
    // receive() and require the given type.
    Result<Message> expect(MsgType type);
    // After a parent-side failure: an Error the child already queued, if any (non-blocking).
    std::optional<Error> pending_child_error();
};

// The child's end: talks to the parent.
class ChildChannel : public Endpoint {
public:
    using Endpoint::Endpoint;

    Result<void> send(MsgType type, std::int32_t value = 0);
    // The one Error of a failing child: errno and the text without strerror (the parent renders it).
    Result<void> send_error(Stage stage, const Error &error);
    Result<void> send_log(log::Level level, std::string_view text);
    // Waits for a parent message of the given type; EOF means the parent is gone.
    Result<Message> expect(MsgType type);
};

struct ChannelPair {
    ParentChannel parent;
    ChildChannel child;
};

// socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC); both fds are moved to numbers
// >= min_fd so they never sit among the fds preserved for the container.
Result<ChannelPair> make_channel_pair(int min_fd = 3);

// process.terminal: the pty master goes to ocrt (ConsoleMaster, text = its name), from
// the init and from an exec'd process alike.
Result<void> send_console_master(Endpoint &endpoint, Stage stage, borrowed_fd master, std::string_view name);

// The Error a child reports, as the parent rebuilds it: the child's errno and
// "stage <stage>: <text>".
Error child_error(const Message &msg);

// error rendered without strerror(code): what travels in an Error message.
std::string render_without_errno(const Error &error);

// Moves fd to the lowest free number >= min_fd (CLOEXEC) when it is below; closes the old one.
Result<unique_fd> move_fd_at_least(unique_fd fd, int min_fd);

}  // namespace ocrt::init
