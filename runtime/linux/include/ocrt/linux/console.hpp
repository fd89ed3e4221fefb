// process.terminal inside the container (config.md "process.terminal", security.md
// P8, CVE-2025-52565): a pty from the container's own devpts, opened after
// pivot_root; its peer is opened by fd (TIOCGPTPEER, never by a /dev/pts/N path),
// verified by fstat/fstatfs, bound onto /dev/console by fd and made the process's
// controlling terminal and fds 0-2. The master goes to whoever asked for it.
#pragma once

#include <ocrt/base/kernel.hpp>
#include <ocrt/base/unique_fd.hpp>
#include <ocrt/spec/config.hpp>

#include <sys/types.h>

#include <string>

namespace ocrt::os {

// What the console socket receives with the master (runc sends the master's name).
inline constexpr const char *kConsoleMasterName = "/dev/ptmx";

struct ContainerPty {
    unique_fd master;  // O_RDWR | O_NOCTTY | O_CLOEXEC
    unique_fd peer;    // the slave, O_RDWR | O_NOCTTY | O_CLOEXEC
};

// Pure checks of fstat/fstatfs results. The ptmx must be the char device 5:2 on a
// devpts; the peer a char device with a Unix98 pty slave major (136-143) on a devpts.
Result<void> check_ptmx(mode_t mode, dev_t rdev, long fs_type);
Result<void> check_pty_peer(mode_t mode, dev_t rdev, long fs_type);

// After pivot_root: opens /dev/ptmx of the container, unlocks it, opens the peer
// with TIOCGPTPEER and verifies both.
Result<ContainerPty> open_container_pty();

// process.consoleSize (height rows, width columns) onto the pty.
Result<void> set_console_size(borrowed_fd pty, const spec::ConsoleSize &size);

// Creates <root>/dev/console as an empty file when absent (never through a symlink;
// an existing entry must be a regular file or a char device) and binds the peer
// onto it by fd. root: the container's "/" (after pivot_root).
Result<void> bind_dev_console(borrowed_fd root, borrowed_fd peer, Kernel &kernel);

// A new session (unless we lead one), the peer as its controlling terminal
// (TIOCSCTTY), and the peer as fds 0, 1 and 2.
Result<void> make_controlling_terminal(borrowed_fd peer);

}  // namespace ocrt::os
