// The start handshake, ocrt's replacement for an exec fifo: it lets `ocrt start`
// learn whether the init's execve worked.
//
//   create (parent): listen on <state_dir>/start.sock before the clone; the init
//                    inherits the listening fd, the parent closes its copy.
//   init:            after Ready, accept() one connection (CLOEXEC). execve closes it:
//                    the peer reads EOF with no bytes = success. On a failure before
//                    execve the init writes the error text, then _exit(1)s.
//   start:           release_init() connects, reads to EOF, unlinks the socket.
//
// Paths go through "/proc/self/fd/<dirfd>/start.sock" with an O_PATH dirfd, so a long
// state_dir never overflows sun_path.
#pragma once

#include <ocrt/base/error.hpp>
#include <ocrt/base/result.hpp>
#include <ocrt/base/unique_fd.hpp>

#include <string>

namespace ocrt::init {

inline constexpr const char *kStartSocketName = "start.sock";

// Binds <state_dir>/start.sock (SOCK_STREAM | SOCK_CLOEXEC) and listens; the fd is
// moved to a number >= min_fd so it never sits among preserved fds.
Result<unique_fd> listen_start_socket(const std::string &state_dir, int min_fd);

// Blocks until `ocrt start` connects (EINTR retried). The connection is CLOEXEC and >= min_fd.
Result<unique_fd> accept_start(borrowed_fd listener, int min_fd);

// Writes the error text to the waiting `ocrt start` (best effort: nobody else can be told).
void report_start_failure(borrowed_fd connection, const Error &error);

// Removes <state_dir>/start.sock; a missing file is fine.
void remove_start_socket(const std::string &state_dir);

}  // namespace ocrt::init
