#include <ocrt/base/terminal.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <utility>

namespace ocrt::tty {
namespace {

constexpr std::size_t kChunk = 16384;

// Writes everything to a (normally blocking) fd; waits on EAGAIN if someone made it non-blocking.
Result<void> write_all(int fd, const char *data, std::size_t size) {
    while (size > 0) {
        ssize_t wrote = ::write(fd, data, size);
        if (wrote > 0) {
            data += wrote;
            size -= static_cast<std::size_t>(wrote);
            continue;
        }
        if (wrote < 0 && errno == EINTR) continue;
        if (wrote < 0 && errno == EAGAIN) {
            pollfd wait{fd, POLLOUT, 0};
            ::poll(&wait, 1, -1);
            continue;
        }
        int err = wrote < 0 ? errno : EIO;
        return Error(err, "write terminal output");
    }
    return ok();
}

}  // namespace

winsize to_winsize(WindowSize size) {
    winsize ws{};
    ws.ws_row = size.rows;
    ws.ws_col = size.cols;
    return ws;
}

WindowSize from_winsize(const winsize &ws) { return WindowSize{ws.ws_row, ws.ws_col}; }

WindowSize clamp_size(unsigned long long height, unsigned long long width) {
    constexpr unsigned long long kMax = 0xffff;
    return WindowSize{static_cast<unsigned short>(std::min(height, kMax)),
                      static_cast<unsigned short>(std::min(width, kMax))};
}

Result<void> set_window_size(borrowed_fd tty, WindowSize size) {
    winsize ws = to_winsize(size);
    if (::ioctl(tty.get(), TIOCSWINSZ, &ws) != 0) {
        int err = errno;
        return Error(err, "set terminal size " + std::to_string(size.rows) + "x" + std::to_string(size.cols));
    }
    return ok();
}

Result<WindowSize> window_size(borrowed_fd tty) {
    winsize ws{};
    if (::ioctl(tty.get(), TIOCGWINSZ, &ws) != 0) {
        int err = errno;
        return Error(err, "get terminal size");
    }
    return from_winsize(ws);
}

termios raw_termios(termios t) {
    t.c_iflag &= ~static_cast<tcflag_t>(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON);
    t.c_oflag &= ~static_cast<tcflag_t>(OPOST);
    t.c_lflag &= ~static_cast<tcflag_t>(ECHO | ECHONL | ICANON | ISIG | IEXTEN);
    t.c_cflag &= ~static_cast<tcflag_t>(CSIZE | PARENB);
    t.c_cflag |= CS8;
    t.c_cc[VMIN] = 1;
    t.c_cc[VTIME] = 0;
    return t;
}

std::optional<int> first_terminal(const std::vector<int> &fds) {
    for (int fd : fds)
        if (::isatty(fd)) return fd;
    return std::nullopt;
}

Result<TerminalProxy> TerminalProxy::attach(unique_fd master, int in, int out) {
    int flags = ::fcntl(master.get(), F_GETFL);
    if (flags < 0 || ::fcntl(master.get(), F_SETFL, flags | O_NONBLOCK) != 0) {
        int err = errno;
        return Error(err, "make the pty master non-blocking");
    }
    TerminalProxy proxy(std::move(master), in, out);
    struct sigaction ignore {}, previous {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    if (::sigaction(SIGPIPE, &ignore, &previous) == 0) proxy.saved_sigpipe_ = previous;
    proxy.follow_window_size();
    termios original{};
    if (::isatty(in) && ::tcgetattr(in, &original) == 0) {
        termios raw = raw_termios(original);
        if (::tcsetattr(in, TCSANOW, &raw) != 0) {
            int err = errno;
            return Error(err, "put the terminal in raw mode");
        }
        proxy.saved_ = original;
    }
    return proxy;
}

TerminalProxy::TerminalProxy(TerminalProxy &&other) noexcept
    : master_(std::move(other.master_)),
      in_(other.in_),
      out_(other.out_),
      in_open_(other.in_open_),
      pending_(std::move(other.pending_)),
      saved_(std::exchange(other.saved_, std::nullopt)),
      saved_sigpipe_(std::exchange(other.saved_sigpipe_, std::nullopt)) {}

TerminalProxy::~TerminalProxy() { restore(); }

void TerminalProxy::restore() {
    if (saved_) ::tcsetattr(in_, TCSANOW, &*saved_);
    saved_.reset();
    if (saved_sigpipe_) ::sigaction(SIGPIPE, &*saved_sigpipe_, nullptr);
    saved_sigpipe_.reset();
}

std::vector<pollfd> TerminalProxy::poll_set() const {
    std::vector<pollfd> set;
    if (!master_open()) return set;
    short master_events = POLLIN;
    if (!pending_.empty()) master_events |= POLLOUT;
    set.push_back({master_.get(), master_events, 0});
    if (in_open_ && pending_.empty()) set.push_back({in_, POLLIN, 0});
    return set;
}

Result<bool> TerminalProxy::pump(const std::vector<pollfd> &ready) {
    for (const pollfd &entry : ready) {
        if (entry.revents == 0) continue;
        if (entry.fd == master_.get()) {
            if (entry.revents & (POLLIN | POLLHUP | POLLERR)) OCRT_TRY(copy_out());
            if (master_open() && (entry.revents & POLLOUT)) OCRT_TRY(flush_pending());
        } else if (entry.fd == in_ && in_open_) {
            OCRT_TRY(copy_in());
        }
    }
    return master_open();
}

Result<void> TerminalProxy::copy_out() {
    char buffer[kChunk];
    for (;;) {
        ssize_t got = ::read(master_.get(), buffer, sizeof buffer);
        if (got > 0) {
            OCRT_TRY(write_all(out_, buffer, static_cast<std::size_t>(got)));
            continue;
        }
        if (got < 0 && errno == EINTR) continue;
        if (got < 0 && errno == EAGAIN) return ok();
        // EIO (0 on some kernels): no slave is open any more.
        if (got == 0 || errno == EIO) {
            master_.reset();
            return ok();
        }
        int err = errno;
        return Error(err, "read the pty master");
    }
}

Result<void> TerminalProxy::copy_in() {
    char buffer[kChunk];
    ssize_t got = ::read(in_, buffer, sizeof buffer);
    if (got < 0 && (errno == EINTR || errno == EAGAIN)) return ok();
    if (got <= 0) {
        // EOF (or a dead stdin): the container keeps its pty; we just stop reading.
        in_open_ = false;
        return ok();
    }
    pending_.append(buffer, static_cast<std::size_t>(got));
    return flush_pending();
}

Result<void> TerminalProxy::flush_pending() {
    while (!pending_.empty()) {
        ssize_t wrote = ::write(master_.get(), pending_.data(), pending_.size());
        if (wrote > 0) {
            pending_.erase(0, static_cast<std::size_t>(wrote));
            continue;
        }
        if (wrote < 0 && errno == EINTR) continue;
        if (wrote < 0 && errno == EAGAIN) return ok();
        if (wrote < 0 && errno == EIO) {
            master_.reset();
            return ok();
        }
        int err = wrote < 0 ? errno : EIO;
        return Error(err, "write to the pty master");
    }
    return ok();
}

void TerminalProxy::follow_window_size() {
    if (!master_open()) return;
    auto host = first_terminal({in_, out_, STDERR_FILENO});
    if (!host) return;
    auto size = window_size(*host);
    if (size && (size->rows != 0 || size->cols != 0)) (void)set_window_size(master_, *size);
}

void TerminalProxy::drain() {
    if (master_open()) (void)copy_out();
}

}  // namespace ocrt::tty
