// Unix-domain sockets for handing file descriptors to other processes: the pty
// master to a console socket, the seccomp notify fd to its listener. One message
// carries a payload and any number of fds (SCM_RIGHTS) together.
#pragma once

#include <ocrt/base/result.hpp>
#include <ocrt/base/unique_fd.hpp>

#include <sys/socket.h>

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ocrt {

// At most this many fds travel in one message (the kernel's SCM_MAX_FD is 253).
inline constexpr std::size_t kMaxFdsPerMessage = 16;

// Connects to the socket at path (CLOEXEC). A path too long for sockaddr_un is
// reached through an O_PATH fd of its directory, so any length works.
Result<unique_fd> connect_unix(const std::string &path, int type = SOCK_STREAM);

// Sends payload and fds in one sendmsg. A payload of zero bytes is sent as one
// NUL byte: a stream socket cannot carry ancillary data without data.
Result<void> send_with_fds(borrowed_fd sock, std::string_view payload, std::span<const int> fds);

// Receives one message: its payload, and the fds it carried appended to fds
// (CLOEXEC). A truncated payload or truncated fd list is an error (EMSGSIZE);
// the fds received are closed then. EOF before any byte is ECONNRESET.
Result<std::string> receive_with_fds(borrowed_fd sock, std::vector<unique_fd> &fds,
                                     std::size_t max_payload = 65536);

}  // namespace ocrt
