#include <ocrt/base/unix_socket.hpp>

#include <ocrt/base/fs.hpp>

#include <fcntl.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ocrt {
namespace {

Result<void> connect_to(int sock, const std::string &path) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (path.size() >= sizeof address.sun_path) return Error(ENAMETOOLONG, "socket path \"" + path + "\"");
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    while (::connect(sock, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0) {
        int err = errno;
        if (err == EINTR) continue;
        return Error(err, "connect to \"" + path + "\"");
    }
    return ok();
}

// "/proc/self/fd/N/name" is short whatever the directory's length.
std::string short_path_for(const std::string &path, unique_fd &dir_holder) {
    auto slash = path.rfind('/');
    if (slash == std::string::npos) return path;
    auto dir = fs::open_path(slash == 0 ? "/" : path.substr(0, slash), O_PATH | O_DIRECTORY);
    if (!dir) return path;
    dir_holder = std::move(*dir);
    return fs::fd_path(dir_holder) + "/" + path.substr(slash + 1);
}

// Every fd the message carried, owned (so dropping the result closes them).
std::vector<unique_fd> take_received_fds(msghdr &message) {
    std::vector<unique_fd> fds;
    for (cmsghdr *c = CMSG_FIRSTHDR(&message); c != nullptr; c = CMSG_NXTHDR(&message, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
        std::size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (std::size_t i = 0; i < count; ++i) {
            int fd;
            std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
            fds.emplace_back(fd);
        }
    }
    return fds;
}

}  // namespace

Result<unique_fd> connect_unix(const std::string &path, int type) {
    unique_fd sock(::socket(AF_UNIX, type | SOCK_CLOEXEC, 0));
    if (!sock) {
        int err = errno;
        return Error(err, "create unix socket");
    }
    unique_fd dir_holder;
    const std::string &target = path.size() < sizeof(sockaddr_un::sun_path) ? path : short_path_for(path, dir_holder);
    auto connected = connect_to(sock.get(), target);
    if (!connected) {
        Error error = std::move(connected).error();
        return Error(error.code(), "connect to \"" + path + "\"");
    }
    return sock;
}

Result<void> send_with_fds(borrowed_fd sock, std::string_view payload, std::span<const int> fds) {
    if (fds.size() > kMaxFdsPerMessage) return Error(EINVAL, "too many fds for one message");
    char nul = '\0';
    iovec data{};
    data.iov_base = payload.empty() ? &nul : const_cast<char *>(payload.data());
    data.iov_len = payload.empty() ? 1 : payload.size();
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxFdsPerMessage)] = {};
    msghdr message{};
    message.msg_iov = &data;
    message.msg_iovlen = 1;
    if (!fds.empty()) {
        message.msg_control = control;
        message.msg_controllen = CMSG_SPACE(sizeof(int) * fds.size());
        cmsghdr *c = CMSG_FIRSTHDR(&message);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
        std::memcpy(CMSG_DATA(c), fds.data(), sizeof(int) * fds.size());
    }
    while (true) {
        ssize_t sent = ::sendmsg(sock.get(), &message, MSG_NOSIGNAL);
        if (sent >= 0) {
            if (static_cast<std::size_t>(sent) != data.iov_len) return Error(EMSGSIZE, "short send on unix socket");
            return ok();
        }
        int err = errno;
        if (err == EINTR) continue;
        return Error(err, "send on unix socket");
    }
}

Result<std::string> receive_with_fds(borrowed_fd sock, std::vector<unique_fd> &fds, std::size_t max_payload) {
    std::string payload(max_payload, '\0');
    iovec data{payload.data(), payload.size()};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxFdsPerMessage)] = {};
    msghdr message{};
    message.msg_iov = &data;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    ssize_t received;
    while ((received = ::recvmsg(sock.get(), &message, MSG_CMSG_CLOEXEC)) < 0) {
        int err = errno;
        if (err == EINTR) continue;
        return Error(err, "receive on unix socket");
    }
    if ((message.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0) {
        (void)take_received_fds(message);  // closes them
        return Error(EMSGSIZE, "message on unix socket truncated");
    }
    if (received == 0 && CMSG_FIRSTHDR(&message) == nullptr) return Error(ECONNRESET, "peer closed unix socket");
    for (unique_fd &fd : take_received_fds(message)) fds.push_back(std::move(fd));
    payload.resize(static_cast<std::size_t>(received));
    return payload;
}

}  // namespace ocrt
