// ocrt-console-receiver: the client end of --console-socket, for manual use and tests.
//
//   ocrt-console-receiver [--input TEXT] [--timeout SECONDS] SOCKET
//
// Listens on SOCKET (AF_UNIX stream, as containerd and conmon do), accepts one
// connection, takes the single message (payload + exactly one SCM_RIGHTS fd) and
// checks that the fd is a pty master. Then it is the user's end of that pty: its
// own stdin/stdout are proxied (raw mode when stdin is a terminal), or with
// --input TEXT, TEXT is typed into the pty and only the output is copied. It exits
// 0 once every slave fd is closed (the container's process is gone), 1 on error.
#include <ocrt/base/terminal.hpp>
#include <ocrt/base/unix_socket.hpp>

#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

struct Options {
    std::string socket_path;
    std::string input;
    bool has_input = false;
    unsigned timeout = 0;
};

[[noreturn]] void usage() {
    std::fprintf(stderr, "usage: ocrt-console-receiver [--input TEXT] [--timeout SECONDS] SOCKET\n");
    std::exit(2);
}

Options parse(int argc, char **argv) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--input" && i + 1 < argc) {
            options.input = argv[++i];
            options.has_input = true;
        } else if (arg == "--timeout" && i + 1 < argc) {
            options.timeout = static_cast<unsigned>(std::strtoul(argv[++i], nullptr, 10));
        } else if (!arg.empty() && arg[0] != '-' && options.socket_path.empty()) {
            options.socket_path = arg;
        } else {
            usage();
        }
    }
    if (options.socket_path.empty()) usage();
    return options;
}

ocrt::Result<ocrt::unique_fd> listen_on(const std::string &path) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path) return ocrt::Error(ENAMETOOLONG, "socket path \"" + path + "\"");
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    ocrt::unique_fd sock(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!sock) return ocrt::errno_error("socket");
    ::unlink(path.c_str());
    if (::bind(sock.get(), reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0 || ::listen(sock.get(), 1) != 0)
        return ocrt::errno_error("listen on \"" + path + "\"");
    return sock;
}

ocrt::Result<ocrt::unique_fd> receive_master(const std::string &path) {
    ocrt::unique_fd listener = OCRT_TRY(listen_on(path));
    ocrt::unique_fd connection(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (!connection) return ocrt::errno_error("accept on \"" + path + "\"");
    std::vector<ocrt::unique_fd> fds;
    std::string payload = OCRT_TRY(ocrt::receive_with_fds(connection, fds, 4096));
    ::unlink(path.c_str());
    if (fds.size() != 1) return ocrt::Error("expected exactly one fd, got " + std::to_string(fds.size()));
    if (payload.empty()) return ocrt::Error("the message carries no payload (the pty name)");
    unsigned int number = 0;
    // TIOCGPTN answers only on a pty master.
    if (::ioctl(fds[0].get(), TIOCGPTN, &number) != 0) return ocrt::errno_error("the fd is not a pty master");
    std::fprintf(stderr, "ocrt-console-receiver: got %s (pty %u)\n", payload.c_str(), number);
    return std::move(fds[0]);
}

ocrt::Result<void> proxy(ocrt::unique_fd master, const Options &options) {
    if (options.has_input) {
        const std::string &text = options.input;
        if (::write(master.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size()))
            return ocrt::errno_error("type the input");
    }
    int in = options.has_input ? -1 : STDIN_FILENO;
    ocrt::tty::TerminalProxy terminal = OCRT_TRY(ocrt::tty::TerminalProxy::attach(std::move(master), in));
    while (terminal.master_open()) {
        std::vector<pollfd> set = terminal.poll_set();
        if (::poll(set.data(), set.size(), -1) < 0) {
            if (errno == EINTR) continue;
            return ocrt::errno_error("poll");
        }
        OCRT_TRY(terminal.pump(set));
    }
    return ocrt::ok();
}

}  // namespace

int main(int argc, char **argv) {
    Options options = parse(argc, argv);
    ::signal(SIGPIPE, SIG_IGN);
    if (options.timeout > 0) ::alarm(options.timeout);
    auto master = receive_master(options.socket_path);
    if (!master) {
        std::fprintf(stderr, "ocrt-console-receiver: %s\n", master.error().render().c_str());
        return 1;
    }
    if (auto done = proxy(std::move(*master), options); !done) {
        std::fprintf(stderr, "ocrt-console-receiver: %s\n", done.error().render().c_str());
        return 1;
    }
    return 0;
}
