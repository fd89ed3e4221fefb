// Terminal plumbing shared by the init (consoleSize), `ocrt run`/`exec -t` (the pty
// proxy) and contrib/console-receiver: window sizes, raw mode, and the proxy that
// copies between a pty master and ocrt's own stdin/stdout.
#pragma once

#include <ocrt/base/result.hpp>
#include <ocrt/base/unique_fd.hpp>

#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <termios.h>

#include <optional>
#include <string>
#include <vector>

namespace ocrt::tty {

struct WindowSize {
    unsigned short rows = 0;
    unsigned short cols = 0;
    bool operator==(const WindowSize &) const = default;
};

// Pure: the kernel's struct for a size (pixel fields zero) and back.
winsize to_winsize(WindowSize size);
WindowSize from_winsize(const winsize &ws);
// Pure: the size spec::ConsoleSize{height, width} asks for; values above 65535
// are clamped (the kernel keeps 16 bits).
WindowSize clamp_size(unsigned long long height, unsigned long long width);

// TIOCSWINSZ / TIOCGWINSZ.
Result<void> set_window_size(borrowed_fd tty, WindowSize size);
Result<WindowSize> window_size(borrowed_fd tty);

// Pure: termios for raw mode (cfmakeraw semantics: no echo, no line editing, no
// signal keys, no output processing, 8-bit), so every byte reaches the pty as typed.
termios raw_termios(termios original);

// The first of fds that is a terminal (the host terminal whose size the pty follows).
std::optional<int> first_terminal(const std::vector<int> &fds);

// Copies between a pty master and ocrt's stdin/stdout. When stdin is a terminal it
// is put in raw mode for the proxy's lifetime (the destructor restores it), and
// SIGPIPE is ignored meanwhile, so a closed stdout cannot kill us with the terminal
// left raw. The master is switched to non-blocking; nothing here ever blocks on
// the container.
class TerminalProxy {
public:
    static Result<TerminalProxy> attach(unique_fd master, int in = 0, int out = 1);

    TerminalProxy(TerminalProxy &&other) noexcept;
    TerminalProxy &operator=(TerminalProxy &&) = delete;
    ~TerminalProxy();

    // Restores stdin's terminal settings now (also done by the destructor).
    void restore();

    // What to poll: the master (input, and output room while typed bytes wait),
    // and stdin while it is open and nothing is waiting.
    std::vector<pollfd> poll_set() const;
    // Serves what poll reported for poll_set(); false once the master is closed
    // (EIO/hang-up: every slave fd in the container is gone).
    Result<bool> pump(const std::vector<pollfd> &ready);
    // SIGWINCH: the host terminal's size onto the pty (nothing without a host terminal).
    void follow_window_size();
    // After the process exited: copies what the master still holds, without blocking.
    void drain();

    bool master_open() const { return master_.valid(); }
    int master() const { return master_.get(); }

private:
    TerminalProxy(unique_fd master, int in, int out) : master_(std::move(master)), in_(in), out_(out) {}

    Result<void> copy_out();
    Result<void> copy_in();
    Result<void> flush_pending();

    unique_fd master_;
    int in_;
    int out_;
    bool in_open_ = true;
    std::string pending_;  // read from stdin, not yet accepted by the master
    std::optional<termios> saved_;  // stdin's settings before raw mode
    std::optional<struct sigaction> saved_sigpipe_;
};

}  // namespace ocrt::tty
