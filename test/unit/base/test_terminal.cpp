#include <ocrt/base/terminal.hpp>

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

#include <string>

using namespace ocrt;
using namespace ocrt::tty;

namespace {

// A fresh pty pair from /dev/ptmx (no privileges needed).
struct PtyPair {
    unique_fd master, slave;
    PtyPair() {
        master.reset(::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC));
        REQUIRE(master);
        REQUIRE(::grantpt(master.get()) == 0);
        REQUIRE(::unlockpt(master.get()) == 0);
        slave.reset(::open(::ptsname(master.get()), O_RDWR | O_NOCTTY | O_CLOEXEC));
        REQUIRE(slave);
        termios raw = raw_termios([&] {
            termios t{};
            ::tcgetattr(slave.get(), &t);
            return t;
        }());
        ::tcsetattr(slave.get(), TCSANOW, &raw);  // no echo: what goes in comes out once
    }
};

struct Pipe {
    unique_fd read, write;
    Pipe() {
        int fds[2];
        REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
        read.reset(fds[0]);
        write.reset(fds[1]);
    }
};

// Polls and pumps until pred() holds (or the proxy's master closed), at most ~2 s.
template <typename Pred>
bool pump_until(TerminalProxy &proxy, Pred pred) {
    for (int i = 0; i < 200 && !pred(); ++i) {
        auto set = proxy.poll_set();
        if (set.empty()) return pred();
        ::poll(set.data(), set.size(), 10);
        auto pumped = proxy.pump(set);
        REQUIRE(pumped.has_value());
        if (!*pumped) break;
    }
    return pred();
}

std::string read_available(int fd) {
    std::string out;
    char buffer[256];
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    for (ssize_t got; (got = ::read(fd, buffer, sizeof buffer)) > 0;) out.append(buffer, static_cast<size_t>(got));
    return out;
}

}  // namespace

TEST_CASE("consoleSize becomes a winsize, clamped to 16 bits", "[base][terminal]") {
    // config.md: consoleSize.height is rows, width is columns.
    CHECK(clamp_size(33, 111) == WindowSize{33, 111});
    CHECK(clamp_size(70000, 1ULL << 40) == WindowSize{65535, 65535});
    winsize ws = to_winsize({24, 80});
    CHECK(ws.ws_row == 24);
    CHECK(ws.ws_col == 80);
    CHECK(ws.ws_xpixel == 0);
    CHECK(from_winsize(ws) == WindowSize{24, 80});
}

TEST_CASE("raw_termios turns off echo, line editing, signal keys and output processing", "[base][terminal]") {
    termios cooked{};
    cooked.c_lflag = ECHO | ICANON | ISIG | IEXTEN | ECHOE;
    cooked.c_iflag = ICRNL | IXON | BRKINT;
    cooked.c_oflag = OPOST | ONLCR;
    cooked.c_cflag = CS7 | PARENB | CREAD;
    termios raw = raw_termios(cooked);
    CHECK((raw.c_lflag & (ECHO | ICANON | ISIG | IEXTEN)) == 0);
    CHECK((raw.c_iflag & (ICRNL | IXON | BRKINT)) == 0);
    CHECK((raw.c_oflag & OPOST) == 0);
    CHECK((raw.c_cflag & CSIZE) == CS8);
    CHECK((raw.c_cflag & PARENB) == 0);
    CHECK((raw.c_cflag & CREAD) == CREAD);  // untouched
    CHECK(raw.c_cc[VMIN] == 1);
    CHECK(raw.c_cc[VTIME] == 0);
}

TEST_CASE("window sizes round-trip through a real pty", "[base][terminal]") {
    PtyPair pty;
    REQUIRE(set_window_size(pty.master, {40, 132}).has_value());
    auto size = window_size(pty.slave);
    REQUIRE(size.has_value());
    CHECK(*size == WindowSize{40, 132});
    CHECK_FALSE(window_size(Pipe().read).has_value());  // not a terminal: ENOTTY
    CHECK(first_terminal({Pipe().read.get(), pty.slave.get()}) == pty.slave.get());
}

TEST_CASE("TerminalProxy copies stdin to the pty and the pty to stdout until the slave closes",
          "[base][terminal]") {
    PtyPair pty;
    Pipe in, out;
    auto attached = TerminalProxy::attach(std::move(pty.master), in.read.get(), out.write.get());
    REQUIRE(attached.has_value());
    TerminalProxy &proxy = *attached;

    REQUIRE(::write(in.write.get(), "typed", 5) == 5);
    std::string got_in;
    CHECK(pump_until(proxy, [&] { return (got_in += read_available(pty.slave.get())) == "typed"; }));

    REQUIRE(::write(pty.slave.get(), "shown", 5) == 5);
    std::string got_out;
    CHECK(pump_until(proxy, [&] { return (got_out += read_available(out.read.get())) == "shown"; }));

    // stdin at EOF: no longer polled, the proxy keeps serving the pty.
    in.write.reset();
    CHECK(pump_until(proxy, [&] { return proxy.poll_set().size() == 1; }));

    pty.slave.reset();
    CHECK(pump_until(proxy, [&] { return !proxy.master_open(); }));
    CHECK(proxy.poll_set().empty());
}
