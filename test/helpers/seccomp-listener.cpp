// seccomp-listener: a minimal seccomp agent for the integration tests
// (config-linux.md listenerPath, "The Container Process State").
//
//   seccomp-listener SOCKET OUT_DIR ERRNO
//
// Listens on the unix stream socket SOCKET, accepts ONE connection, receives the
// notify fd (SCM_RIGHTS) and the state JSON until EOF, and records them:
//   OUT_DIR/state.json   the payload as received
//   OUT_DIR/fds          the number of fds that came with it
// Then answers ONE notification with -ERRNO (SECCOMP_IOCTL_NOTIF_RECV/SEND) and
// writes OUT_DIR/notified with "nr=<syscall number>". Exits 0 after that, 1 on error.
#include <linux/seccomp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

int die(const char *what) {
    std::fprintf(stderr, "seccomp-listener: %s: %s\n", what, std::strerror(errno));
    return 1;
}

bool write_file(const std::string &path, const std::string &text) {
    FILE *f = std::fopen(path.c_str(), "we");
    if (!f) return false;
    bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
    return std::fclose(f) == 0 && ok;
}

}  // namespace

int main(int argc, char **argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: seccomp-listener SOCKET OUT_DIR ERRNO\n");
        return 2;
    }
    std::string socket_path = argv[1], out = argv[2];
    int answer = std::atoi(argv[3]);

    int listener = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (socket_path.size() >= sizeof addr.sun_path) return die("socket path too long");
    // Bound under a temporary name and renamed once listening: when SOCKET exists,
    // connecting to it works (tests wait for the file).
    std::string temporary = socket_path + ".tmp";
    if (temporary.size() >= sizeof addr.sun_path) return die("socket path too long");
    std::strcpy(addr.sun_path, temporary.c_str());
    ::unlink(temporary.c_str());
    if (listener < 0 || ::bind(listener, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0 ||
        ::listen(listener, 1) != 0 || ::rename(temporary.c_str(), socket_path.c_str()) != 0)
        return die("listen");
    int conn = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
    if (conn < 0) return die("accept");

    std::string payload;
    std::vector<int> fds;
    for (;;) {
        char buf[4096];
        iovec part{buf, sizeof buf};
        msghdr header{};
        header.msg_iov = &part;
        header.msg_iovlen = 1;
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 4)];
        header.msg_control = control;
        header.msg_controllen = sizeof control;
        ssize_t n = ::recvmsg(conn, &header, MSG_CMSG_CLOEXEC);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return die("recvmsg");
        for (cmsghdr *c = CMSG_FIRSTHDR(&header); c != nullptr; c = CMSG_NXTHDR(&header, c)) {
            if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
            size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
            for (size_t i = 0; i < count; ++i) {
                int fd;
                std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
                fds.push_back(fd);
            }
        }
        if (n == 0) break;
        payload.append(buf, static_cast<size_t>(n));
    }
    ::close(conn);
    ::close(listener);
    if (!write_file(out + "/state.json", payload) || !write_file(out + "/fds", std::to_string(fds.size()) + "\n"))
        return die("record state");
    if (fds.size() != 1) {
        std::fprintf(stderr, "seccomp-listener: expected one fd, got %zu\n", fds.size());
        return 1;
    }
    int notify_fd = fds[0];

    // The kernel's structs may be larger than our headers': size the buffers as it says.
    seccomp_notif_sizes sizes{};
    if (::syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes) != 0) return die("get notif sizes");
    std::vector<char> req_buf(std::max<size_t>(sizes.seccomp_notif, sizeof(seccomp_notif)));
    std::vector<char> resp_buf(std::max<size_t>(sizes.seccomp_notif_resp, sizeof(seccomp_notif_resp)));
    auto *req = reinterpret_cast<seccomp_notif *>(req_buf.data());
    auto *resp = reinterpret_cast<seccomp_notif_resp *>(resp_buf.data());
    for (;;) {
        std::memset(req_buf.data(), 0, req_buf.size());
        if (::ioctl(notify_fd, SECCOMP_IOCTL_NOTIF_RECV, req) == 0) break;
        if (errno == EINTR) continue;
        return die("SECCOMP_IOCTL_NOTIF_RECV");
    }
    std::memset(resp_buf.data(), 0, resp_buf.size());
    resp->id = req->id;
    resp->error = -answer;
    resp->val = 0;
    if (::ioctl(notify_fd, SECCOMP_IOCTL_NOTIF_SEND, resp) != 0) return die("SECCOMP_IOCTL_NOTIF_SEND");
    if (!write_file(out + "/notified", "nr=" + std::to_string(req->data.nr) + "\n")) return die("record notification");
    return 0;
}
