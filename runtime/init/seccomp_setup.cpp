#include "seccomp_setup.hpp"

#include <ocrt/base/log.hpp>

#include <nlohmann/json.hpp>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ocrt::init {

Result<std::optional<SeccompSetup>> prepare_seccomp(const spec::Config &config) {
    if (!config.linux_ || !config.linux_->seccomp) return std::optional<SeccompSetup>();
    SeccompSetup setup;
    setup.plan = OCRT_TRY(os::plan_seccomp(*config.linux_->seccomp));
    // Kernels and libseccomp versions differ in the calls they know: profiles name
    // calls from newer ones, so an unknown name is skipped, not fatal.
    for (const auto &name : setup.plan.unknown_syscalls)
        log::warning("seccomp: unknown syscall \"" + name + "\" skipped");
    auto filter = os::build_seccomp_filter(setup.plan);
    if (!filter) return std::move(filter).error().wrap("config.json: /linux/seccomp");
    setup.filter = std::move(*filter);
    return std::optional<SeccompSetup>(std::move(setup));
}

bool seccomp_pending(const ChildContext &ctx) { return ctx.seccomp != nullptr && !ctx.seccomp_loaded; }

Result<void> load_seccomp(ChildContext &ctx) {
    if (!seccomp_pending(ctx)) return ok();
    Stage previous = ctx.stage;
    ctx.stage = Stage::Security;
    unique_fd notify_fd = OCRT_TRY(os::load_seccomp_filter(ctx.seccomp->filter, ctx.seccomp->plan.uses_notify));
    ctx.seccomp_loaded = true;
    if (notify_fd) {
        Message msg;
        msg.type = MsgType::SeccompNotifyFd;
        OCRT_TRY(ctx.channel.Endpoint::send(msg, notify_fd.get()));
    }
    ctx.stage = previous;
    return ok();
}

std::string seccomp_process_state_json(const ListenerState &state) {
    nlohmann::ordered_json container;
    container["ociVersion"] = state.oci_version;
    container["id"] = state.id;
    container["status"] = "creating";
    container["pid"] = state.pid;
    container["bundle"] = state.bundle;
    if (!state.annotations.empty()) container["annotations"] = state.annotations;
    nlohmann::ordered_json j;
    j["ociVersion"] = state.oci_version;
    j["fds"] = {"seccompFd"};
    j["pid"] = state.pid;
    j["metadata"] = state.metadata;
    j["state"] = container;
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

namespace {

Result<unique_fd> connect_stream(const std::string &path) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path) return Error(ENAMETOOLONG, "socket path \"" + path + "\"");
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    unique_fd sock(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!sock) return errno_error("create unix socket");
    int rc;
    do rc = ::connect(sock.get(), reinterpret_cast<sockaddr *>(&addr), sizeof addr);
    while (rc < 0 && errno == EINTR);
    if (rc < 0) return errno_error("connect to \"" + path + "\"");
    return sock;
}

// The fd goes with the first bytes only (config-linux.md); the rest follows plainly.
Result<void> send_all_with_fd(int sock, const std::string &payload, int fd) {
    size_t done = 0;
    while (done < payload.size()) {
        iovec part{const_cast<char *>(payload.data() + done), payload.size() - done};
        msghdr header{};
        header.msg_iov = &part;
        header.msg_iovlen = 1;
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
        if (done == 0) {
            header.msg_control = control;
            header.msg_controllen = sizeof control;
            cmsghdr *c = CMSG_FIRSTHDR(&header);
            c->cmsg_level = SOL_SOCKET;
            c->cmsg_type = SCM_RIGHTS;
            c->cmsg_len = CMSG_LEN(sizeof(int));
            std::memcpy(CMSG_DATA(c), &fd, sizeof(int));
        }
        ssize_t sent = ::sendmsg(sock, &header, MSG_NOSIGNAL);
        if (sent < 0 && errno == EINTR) continue;
        if (sent < 0) return errno_error("send");
        done += static_cast<size_t>(sent);
    }
    return ok();
}

}  // namespace

Result<void> send_to_seccomp_listener(const std::string &listener_path, const ListenerState &state, int notify_fd) {
    auto sent = [&]() -> Result<void> {
        unique_fd sock = OCRT_TRY(connect_stream(listener_path));
        return send_all_with_fd(sock.get(), seccomp_process_state_json(state), notify_fd);
    }();
    if (!sent) return std::move(sent).error().wrap("send seccomp fd to listener \"" + listener_path + "\"");
    return ok();
}

}  // namespace ocrt::init
