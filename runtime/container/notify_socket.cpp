#include <ocrt/container/notify_socket.hpp>

#include <ocrt/base/fs.hpp>
#include <ocrt/base/log.hpp>
#include <ocrt/base/unix_socket.hpp>
#include <ocrt/container/inherited_fds.hpp>
#include <ocrt/container/process.hpp>

#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace ocrt::container {
namespace {

constexpr const char *kNotifyDirName = "notify";
constexpr const char *kNotifySocketName = "notify.sock";
// How often the wait for READY looks whether the init is still there.
constexpr int kLivenessPollMs = 100;

std::string notify_dir(const std::string &state_dir) { return state_dir + "/" + kNotifyDirName; }

// "@name" is systemd's spelling of an abstract socket.
Result<unique_fd> connect_abstract(const std::string &name) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (name.size() > sizeof address.sun_path)
        return Error(ENAMETOOLONG, "notify socket \"" + name + "\"");
    // The leading '@' becomes the NUL that marks the abstract namespace.
    std::memcpy(address.sun_path + 1, name.data() + 1, name.size() - 1);
    unique_fd sock(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!sock) {
        int err = errno;
        return Error(err, "create unix socket");
    }
    auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size());
    while (::connect(sock.get(), reinterpret_cast<sockaddr *>(&address), length) != 0) {
        int err = errno;
        if (err == EINTR) continue;
        return Error(err, "connect to \"" + name + "\"");
    }
    return sock;
}

Result<unique_fd> connect_host(const std::string &host_socket) {
    if (host_socket.starts_with("@")) return connect_abstract(host_socket);
    return connect_unix(host_socket, SOCK_DGRAM);
}

// systemd closes the fd sent with BARRIER=1 once it has handled every earlier message.
void wait_for_barrier(borrowed_fd host, std::chrono::milliseconds timeout) {
    int ends[2];
    if (::pipe2(ends, O_CLOEXEC) != 0) {
        log::warning("notify barrier: " + Error(errno, "create pipe").render());
        return;
    }
    unique_fd read_end(ends[0]);
    unique_fd write_end(ends[1]);
    std::array<int, 1> passed{write_end.get()};
    if (auto sent = send_with_fds(host, "BARRIER=1", passed); !sent) {
        log::warning("notify barrier: " + sent.error().render());
        return;
    }
    write_end.reset();
    pollfd wait{read_end.get(), POLLIN, 0};
    int ready;
    while ((ready = ::poll(&wait, 1, static_cast<int>(timeout.count()))) < 0 && errno == EINTR) {
    }
    if (ready == 0) log::warning("notify barrier: the host's notify socket did not acknowledge READY in time");
}

Result<void> send_to_host(const std::string &host_socket, const std::string &message,
                          std::chrono::milliseconds barrier_timeout) {
    auto connected = connect_host(host_socket);
    if (!connected) return std::move(connected).error().wrap("relay READY to the notify socket");
    unique_fd host = std::move(connected).value();
    while (::send(host.get(), message.data(), message.size(), MSG_NOSIGNAL) < 0) {
        int err = errno;
        if (err == EINTR) continue;
        return Error(err, "send READY to notify socket \"" + host_socket + "\"");
    }
    wait_for_barrier(host, barrier_timeout);
    return ok();
}

}  // namespace

Result<unique_fd> prepare_notify(const std::string &state_dir, spec::Config &config) {
    std::string dir = notify_dir(state_dir);
    if (::mkdir(dir.c_str(), 0755) != 0 || ::chmod(dir.c_str(), 0755) != 0) {
        int err = errno;
        return Error(err, "create notify socket directory \"" + dir + "\"");
    }
    unique_fd tree(static_cast<int>(
        ::syscall(SYS_open_tree, AT_FDCWD, dir.c_str(), OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_SYMLINK_NOFOLLOW)));
    if (!tree) {
        int err = errno;
        return Error(err, "detach a bind mount of \"" + dir + "\"");
    }
    struct mount_attr attr {};
    attr.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
    if (::syscall(SYS_mount_setattr, tree.get(), "", AT_EMPTY_PATH, &attr, sizeof attr) != 0) {
        int err = errno;
        return Error(err, "make the bind mount of \"" + dir + "\" read-only");
    }
    if (config.process) set_env(config.process->env, "NOTIFY_SOCKET", kNotifySocketInContainer);
    return tree;
}

bool notify_prepared(const std::string &state_dir) {
    struct stat info;
    return ::lstat(notify_dir(state_dir).c_str(), &info) == 0 && S_ISDIR(info.st_mode);
}

Result<unique_fd> bind_notify_socket(const std::string &state_dir) {
    std::string dir_path = notify_dir(state_dir);
    unique_fd dir = OCRT_TRY(fs::open_path(dir_path, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    // Through the fd the path fits sockaddr_un whatever the state root's length.
    std::string path = fs::fd_path(dir) + "/" + kNotifySocketName;
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
        int err = errno;
        return Error(err, "remove stale notify socket in \"" + dir_path + "\"");
    }
    unique_fd sock(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!sock) {
        int err = errno;
        return Error(err, "create notify socket");
    }
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (path.size() >= sizeof address.sun_path) return Error(ENAMETOOLONG, "notify socket path \"" + path + "\"");
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
    if (::bind(sock.get(), reinterpret_cast<sockaddr *>(&address), sizeof address) != 0 ||
        ::chmod(path.c_str(), 0777) != 0) {
        int err = errno;
        return Error(err, "bind notify socket in \"" + dir_path + "\"");
    }
    return sock;
}

std::optional<std::string> ready_line(std::string_view datagram) {
    while (!datagram.empty()) {
        size_t end = datagram.find('\n');
        std::string_view line = datagram.substr(0, end);
        if (line.starts_with("READY=")) return std::string(line);
        if (end == std::string_view::npos) break;
        datagram.remove_prefix(end + 1);
    }
    return std::nullopt;
}

std::string host_notify_message(std::string_view ready, pid_t init_pid) {
    return std::string(ready) + "\nMAINPID=" + std::to_string(init_pid) + "\n";
}

Result<void> relay_ready(borrowed_fd sock, const std::string &host_socket, pid_t init_pid,
                         unsigned long long init_start_time, pid_t main_pid,
                         std::chrono::milliseconds barrier_timeout) {
    std::array<char, 4096> buffer;
    for (;;) {
        pollfd wait{sock.get(), POLLIN, 0};
        int ready = ::poll(&wait, 1, kLivenessPollMs);
        if (ready < 0 && errno != EINTR) {
            int err = errno;
            return Error(err, "wait on notify socket");
        }
        if (ready > 0) {
            ssize_t got = ::recv(sock.get(), buffer.data(), buffer.size(), MSG_DONTWAIT);
            if (got < 0 && errno != EAGAIN && errno != EINTR) {
                int err = errno;
                return Error(err, "read notify socket");
            }
            if (got > 0) {
                if (auto line = ready_line(std::string_view(buffer.data(), static_cast<size_t>(got))))
                    return send_to_host(host_socket, host_notify_message(*line, main_pid), barrier_timeout);
                continue;  // STATUS= and the like are not relayed
            }
        }
        if (probe_process(init_pid, init_start_time) != ProcessState::Alive) {
            log::debug("container exited before it sent READY: nothing relayed to the notify socket");
            return ok();
        }
    }
}

}  // namespace ocrt::container
