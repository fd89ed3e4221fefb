#include "console_socket.hpp"

#include <ocrt/base/unix_socket.hpp>

#include <string_view>

namespace ocrt::container::detail {
namespace {

// What runc sends as the payload: the master's name (clients only require it non-empty).
constexpr std::string_view kConsoleMasterName = "/dev/ptmx";

}  // namespace

Result<void> send_console_master(const std::string &socket_path, borrowed_fd master) {
    if (master.get() < 0) return Error("the container sent no pty master");
    auto sock = connect_unix(socket_path);
    if (!sock) return std::move(sock).error().wrap("connect to console socket \"" + socket_path + "\"");
    const int fds[] = {master.get()};
    if (auto sent = send_with_fds(*sock, kConsoleMasterName, fds); !sent)
        return std::move(sent).error().wrap("send the pty master to console socket \"" + socket_path + "\"");
    return ok();
}

}  // namespace ocrt::container::detail
