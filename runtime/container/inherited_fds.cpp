#include <ocrt/container/inherited_fds.hpp>

#include <fcntl.h>

#include <cerrno>
#include <charconv>
#include <cstring>

namespace ocrt::container {
namespace {

// A whole decimal number, no sign, no spaces; nullopt-like -1 otherwise.
long long parse_decimal(const char *text) {
    if (text == nullptr || *text == '\0') return -1;
    long long value = 0;
    const char *end = text + std::strlen(text);
    auto [rest, error] = std::from_chars(text, end, value);
    if (error != std::errc() || rest != end || value < 0) return -1;
    return value;
}

// Open, and not close-on-exec: an fd the caller handed over survived its execve, so
// one marked close-on-exec was opened by ocrt itself (a --log file, a signalfd)
// where the caller left a gap, and must not reach the container.
Result<void> check_inherited(int fd) {
    int flags = ::fcntl(fd, F_GETFD);
    if (flags < 0) {
        int err = errno;
        return Error(err, "fd " + std::to_string(fd));
    }
    if (flags & FD_CLOEXEC) return Error(EBADF, "fd " + std::to_string(fd) + " is ocrt's own, not inherited");
    return ok();
}

}  // namespace

int socket_activation_fds(const char *listen_pid, const char *listen_fds, pid_t self) {
    long long pid = parse_decimal(listen_pid);
    if (pid <= 0 || pid != static_cast<long long>(self)) return 0;
    long long count = parse_decimal(listen_fds);
    // More than the fd table could hold is a broken environment, not a request.
    if (count <= 0 || count > 65536) return 0;
    return static_cast<int>(count);
}

Result<void> check_inherited_fds(int listen_fds, int preserve_fds) {
    for (int i = 0; i < listen_fds; ++i) {
        if (auto open = check_inherited(3 + i); !open)
            return std::move(open).error().wrap("unable to stat socket-activation fd " + std::to_string(i) + " (of " +
                                                std::to_string(listen_fds) + ")");
    }
    for (int i = 0; i < preserve_fds; ++i) {
        if (auto open = check_inherited(3 + listen_fds + i); !open)
            return std::move(open).error().wrap("unable to stat preserved-fd " + std::to_string(i) + " (of " +
                                                std::to_string(preserve_fds) + ")");
    }
    return ok();
}

void set_env(std::vector<std::string> &env, std::string_view key, std::string_view value) {
    std::string prefix = std::string(key) + "=";
    std::erase_if(env, [&](const std::string &entry) { return entry.starts_with(prefix); });
    env.push_back(prefix + std::string(value));
}

}  // namespace ocrt::container
