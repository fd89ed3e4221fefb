// The foreground wait of `run` (and later `exec -t`) with a terminal and no console
// socket: ocrt keeps the pty master and is the user's end of it (cli-contract.md
// section 8). Signals still come from the signalfd; poll() serves both.
#include "foreground.hpp"

#include <ocrt/base/log.hpp>

#include <poll.h>
#include <signal.h>

#include <cerrno>
#include <vector>

namespace ocrt::container::detail {

Result<int> forward_until_exit(const SignalRouting &routing, pid_t pid, tty::TerminalProxy &terminal) {
    std::optional<int> code = reap_children(pid);
    bool proxying = true;
    while (!code) {
        std::vector<pollfd> set = proxying ? terminal.poll_set() : std::vector<pollfd>{};
        set.push_back({routing.fd(), POLLIN, 0});
        if (::poll(set.data(), set.size(), -1) < 0) {
            if (errno == EINTR) continue;
            int err = errno;
            return Error(err, "poll the terminal");
        }
        const pollfd &signals = set.back();
        set.pop_back();
        // A broken stdout ends the copying, not the wait for the exit code.
        if (auto pumped = terminal.pump(set); !pumped) {
            log::warning("terminal: " + pumped.error().render());
            terminal.restore();
            proxying = false;
        }
        if (!(signals.revents & POLLIN)) continue;
        int sig = OCRT_TRY(routing.next());
        if (sig == SIGCHLD) {
            code = reap_children(pid);
        } else if (sig == SIGWINCH) {
            // The kernel signals the container's foreground group itself on a resize.
            terminal.follow_window_size();
        } else {
            // ESRCH: it is exiting; its SIGCHLD follows.
            ::kill(pid, sig);
        }
    }
    if (proxying) terminal.drain();
    terminal.restore();
    return *code;
}

}  // namespace ocrt::container::detail
