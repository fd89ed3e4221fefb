// Private to runtime/container: handing a pty master to --console-socket
// (cli-contract.md section 8), for create and exec.
#pragma once

#include <ocrt/base/result.hpp>
#include <ocrt/base/unique_fd.hpp>

#include <string>

namespace ocrt::container::detail {

// Connects to the listening socket, sends one message: the master's name as payload
// and the master as its only SCM_RIGHTS fd (what go-runc and conmon accept), closes.
Result<void> send_console_master(const std::string &socket_path, borrowed_fd master);

}  // namespace ocrt::container::detail
