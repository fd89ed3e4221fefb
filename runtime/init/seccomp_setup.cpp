#include "seccomp_setup.hpp"

#include <ocrt/base/log.hpp>
#include <ocrt/base/unix_socket.hpp>
#include <ocrt/spec/state.hpp>

#include <nlohmann/json.hpp>

namespace ocrt::init {

Result<std::optional<SeccompSetup>> prepare_seccomp(const spec::Config &config) {
    if (!config.linux_ || !config.linux_->seccomp) return std::optional<SeccompSetup>();
    SeccompSetup setup;
    setup.plan = OCRT_TRY(os::plan_seccomp(*config.linux_->seccomp));
    // Kernels and libseccomp versions differ in the calls they know: profiles name
    // calls from newer ones, so an unknown name is skipped, not fatal.
    for (const auto &name : setup.plan.unknown_architectures)
        log::warning("seccomp: architecture \"" + name + "\" is not supported by this libseccomp: skipped");
    for (const auto &name : setup.plan.unknown_syscalls)
        log::warning("seccomp: unknown syscall \"" + name + "\" skipped");
    auto program = [&]() -> Result<std::vector<sock_filter>> {
        os::SeccompFilter filter = OCRT_TRY(os::build_seccomp_filter(setup.plan));
        return os::seccomp_program(filter);
    }();
    if (!program) return std::move(program).error().wrap("config.json: /linux/seccomp");
    setup.program = std::move(*program);
    setup.flags = os::seccomp_load_flags(setup.plan);
    return std::optional<SeccompSetup>(std::move(setup));
}

bool seccomp_pending(const ChildContext &ctx) { return ctx.seccomp != nullptr && !ctx.seccomp_loaded; }

Result<void> load_seccomp_and_send_fd(const SeccompSetup &setup, ChildChannel &channel, Kernel &kernel) {
    unique_fd notify_fd = OCRT_TRY(os::load_seccomp_program(setup.program, setup.flags, kernel));
    if (!notify_fd) return ok();
    Message msg;
    msg.type = MsgType::SeccompNotifyFd;
    return channel.Endpoint::send(msg, notify_fd.get());
}

Result<void> load_seccomp(ChildContext &ctx) { return load_seccomp_once(ctx); }

std::string seccomp_process_state_json(const ListenerState &state) {
    spec::State container;
    container.oci_version = state.oci_version;
    container.id = state.id;
    container.status = state.status;
    container.pid = state.pid;
    container.bundle = state.bundle;
    container.annotations = state.annotations;
    nlohmann::ordered_json j;
    j["ociVersion"] = state.oci_version;
    j["fds"] = {"seccompFd"};
    j["pid"] = state.process_pid != 0 ? state.process_pid : state.pid;
    j["metadata"] = state.metadata;
    j["state"] = nlohmann::ordered_json::parse(spec::runtime_state_json(container));
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<void> send_to_seccomp_listener(const std::string &listener_path, const ListenerState &state, int notify_fd) {
    auto sent = [&]() -> Result<void> {
        // One message: the state with the fd (config-linux.md); closing ends the connection.
        unique_fd sock = OCRT_TRY(connect_unix(listener_path, SOCK_STREAM));
        int fds[] = {notify_fd};
        return send_with_fds(sock.get(), seccomp_process_state_json(state), fds);
    }();
    if (!sent) return std::move(sent).error().wrap("send seccomp fd to listener \"" + listener_path + "\"");
    return ok();
}

}  // namespace ocrt::init
