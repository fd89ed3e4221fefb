#include <ocrt/init/channel.hpp>
#include <ocrt/init/launch.hpp>
#include <ocrt/init/start_socket.hpp>

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>

namespace ocrt::init {
namespace {

std::string socket_path(const std::string &state_dir) { return state_dir + "/" + kStartSocketName; }

Result<unique_fd> open_state_dir(const std::string &state_dir) {
    int fd = ::open(state_dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        int err = errno;
        return Error(err, "open state directory \"" + state_dir + "\"");
    }
    return unique_fd(fd);
}

// The short alias of <state_dir>/start.sock through the dirfd.
sockaddr_un start_address(borrowed_fd dir) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::string path = "/proc/self/fd/" + std::to_string(dir.get()) + "/" + kStartSocketName;
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    return address;
}

Result<unique_fd> new_stream_socket() {
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        int err = errno;
        return Error(err, "create start socket");
    }
    return unique_fd(fd);
}

// Everything the init wrote before the connection closed.
Result<std::string> read_to_eof(borrowed_fd fd) {
    std::string text;
    char chunk[1024];
    for (;;) {
        ssize_t got = ::read(fd.get(), chunk, sizeof chunk);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            int err = errno;
            return Error(err, "read from start socket");
        }
        if (got == 0) return text;
        text.append(chunk, static_cast<size_t>(got));
    }
}

}  // namespace

Result<unique_fd> listen_start_socket(const std::string &state_dir, int min_fd) {
    unique_fd dir = OCRT_TRY(open_state_dir(state_dir));
    unique_fd sock = OCRT_TRY(new_stream_socket());
    sockaddr_un address = start_address(dir);
    if (::bind(sock.get(), reinterpret_cast<sockaddr *>(&address), sizeof address) != 0) {
        int err = errno;
        return Error(err, "bind \"" + socket_path(state_dir) + "\"");
    }
    if (::listen(sock.get(), 1) != 0) {
        int err = errno;
        return Error(err, "listen on \"" + socket_path(state_dir) + "\"");
    }
    return move_fd_at_least(std::move(sock), min_fd);
}

Result<unique_fd> accept_start(borrowed_fd listener, int min_fd) {
    int fd;
    do fd = ::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        int err = errno;
        return Error(err, "accept on start socket");
    }
    return move_fd_at_least(unique_fd(fd), min_fd);
}

void report_start_failure(borrowed_fd connection, const Error &error) {
    std::string text = error.render();
    size_t done = 0;
    while (done < text.size()) {
        ssize_t sent = ::send(connection.get(), text.data() + done, text.size() - done, MSG_NOSIGNAL);
        if (sent < 0 && errno == EINTR) continue;
        if (sent <= 0) return;
        done += static_cast<size_t>(sent);
    }
}

void remove_start_socket(const std::string &state_dir) { ::unlink(socket_path(state_dir).c_str()); }

Result<void> release_init(const std::string &state_dir) {
    unique_fd dir = OCRT_TRY(open_state_dir(state_dir));
    unique_fd sock = OCRT_TRY(new_stream_socket());
    sockaddr_un address = start_address(dir);
    int rc;
    do rc = ::connect(sock.get(), reinterpret_cast<sockaddr *>(&address), sizeof address);
    while (rc != 0 && errno == EINTR);
    if (rc != 0) {
        int err = errno;
        return Error(err, "connect to the waiting init at \"" + socket_path(state_dir) + "\"");
    }
    auto reply = read_to_eof(sock);
    ::unlinkat(dir.get(), kStartSocketName, 0);
    if (!reply) return std::move(reply).error();
    if (!reply->empty()) return Error(*reply);
    return ok();
}

bool init_waiting(const std::string &state_dir) {
    struct stat st;
    return ::lstat(socket_path(state_dir).c_str(), &st) == 0 && S_ISSOCK(st.st_mode);
}

}  // namespace ocrt::init
