#include "parent.hpp"

#include "child_guard.hpp"
#include "hook_state.hpp"
#include "seccomp_setup.hpp"

#include <ocrt/hooks/runner.hpp>

#include <ocrt/init/sequence.hpp>
#include <ocrt/linux/oom_score.hpp>
#include <ocrt/linux/userns.hpp>

#include <fcntl.h>

#include <cerrno>

namespace ocrt::init {
namespace {

Result<void> answer_id_map_request(pid_t pid, ParentChannel &channel, const spec::Config &config, Kernel &kernel) {
    if (!config.linux_) return Error("id maps requested without a \"linux\" object");
    if (auto written = os::write_id_maps(pid, *config.linux_, kernel); !written)
        return std::move(written).error().wrap("write id maps of init " + std::to_string(pid));
    return channel.send(MsgType::IdMapDone);
}

// The listener is a host path: we, not the init, connect to it (seccomp_setup.hpp).
Result<void> pass_seccomp_fd(pid_t pid, const Message &msg, const spec::Config &config, const LaunchOptions *options,
                             const os::SeccompPlan *seccomp) {
    if (options == nullptr || seccomp == nullptr || !msg.fd)
        return Error("protocol violation: unexpected SeccompNotifyFd");
    ListenerState state{config.oci_version, options->id, options->bundle, pid, seccomp->listener_metadata,
                        config.annotations};
    return send_to_seccomp_listener(seccomp->listener_path, state, msg.fd.get());
}

// The init joins its cgroups (made and configured by launch_init before the clone)
// while it still waits for Continue, so no user code ever runs outside them. On pure
// v2 the clone already put it there (CLONE_INTO_CGROUP); writing it again is harmless.
Result<void> place_in_cgroups(pid_t pid, cgroups::Manager &cgroups) {
    return cgroups.place(pid);
}

// config.md: prestart, then createRuntime, in our (the runtime) namespace, while the
// init waits after its mounts and before pivot_root. A failure fails create.
Result<void> answer_runtime_hooks(pid_t pid, ParentChannel &channel, const spec::Config &config,
                                  const LaunchOptions *options) {
    if (options == nullptr) return Error("runtime hooks requested without launch options");
    spec::State state = hook_state(config, *options, pid);
    OCRT_TRY(hooks::run_phase(config.hooks, hooks::HookPhase::Prestart, state));
    OCRT_TRY(hooks::run_phase(config.hooks, hooks::HookPhase::CreateRuntime, state));
    return channel.send(MsgType::RuntimeHooksDone, pid);
}

// The pty master of process.terminal; kept for the caller (console socket or proxy).
Result<void> take_console_master(Message &msg, unique_fd &console_master) {
    if (!msg.fd) return Error("protocol violation: ConsoleMaster without a file descriptor");
    console_master = std::move(msg.fd);
    return ok();
}

Result<void> run_protocol(ChildGuard &guard, ParentChannel &channel, const spec::Config &config,
                          const os::NamespacePlan &plan, Kernel &kernel, const LaunchOptions *options,
                          const os::SeccompPlan *seccomp, unique_fd &console_master) {
    // Before the init runs on: everything it forks and execs inherits the score.
    if (config.process && config.process->oom_score_adj)
        OCRT_TRY(os::set_oom_score_adj(guard.pid(), *config.process->oom_score_adj, kernel));
    if (options && options->cgroups) OCRT_TRY(place_in_cgroups(guard.pid(), *options->cgroups));
    OCRT_TRY(channel.send(MsgType::Continue));
    bool terminal = config.process && config.process->terminal;
    ExpectedSequence sequence({.new_user = plan.new_user,
                               .second_fork = plan.needs_second_fork,
                               .runtime_hooks = uses_init_hooks(config.hooks),
                               .seccomp_notify = seccomp != nullptr && seccomp->uses_notify,
                               .terminal = terminal});
    while (!sequence.done()) {
        Message msg = OCRT_TRY(channel.receive());
        OCRT_TRY(sequence.accept(msg.type));
        if (msg.type == MsgType::IdMapRequest) {
            OCRT_TRY(answer_id_map_request(guard.pid(), channel, config, kernel));
        } else if (msg.type == MsgType::ChildPid) {
            if (msg.value <= 0) return Error("protocol violation: ChildPid with pid " + std::to_string(msg.value));
            OCRT_TRY(guard.switch_to_grandchild(msg.value));
        } else if (msg.type == MsgType::RuntimeHooks) {
            OCRT_TRY(answer_runtime_hooks(guard.pid(), channel, config, options));
        } else if (msg.type == MsgType::SeccompNotifyFd) {
            OCRT_TRY(pass_seccomp_fd(guard.pid(), msg, config, options, seccomp));
        } else if (msg.type == MsgType::ConsoleMaster) {
            OCRT_TRY(take_console_master(msg, console_master));
        }
    }
    return ok();
}

// Kills and reaps; an Error the child already sent replaces a knock-on parent error.
Error fail(ChildGuard &guard, ParentChannel &channel, Error error) {
    if (auto from_child = channel.pending_child_error()) error = std::move(*from_child);
    std::string status = guard.kill_and_reap();
    if (error.message() == kInitExitedMessage && error.context().empty() && !status.empty())
        return Error(std::string(kInitExitedMessage) + " (" + status + ")");
    return error;
}

}  // namespace

Result<LaunchedInit> drive_init(pid_t pid, ParentChannel &channel, const spec::Config &config,
                                const os::NamespacePlan &plan, Kernel &kernel, const LaunchOptions *options,
                                const os::SeccompPlan *seccomp) {
    ChildGuard guard(pid);
    unique_fd console_master;
    if (auto done = run_protocol(guard, channel, config, plan, kernel, options, seccomp, console_master); !done)
        return fail(guard, channel, std::move(done).error());
    auto start_time = process_start_time(guard.pid());
    if (!start_time) return fail(guard, channel, std::move(start_time).error().wrap("read init start time"));
    unique_fd sync(::fcntl(channel.fd(), F_DUPFD_CLOEXEC, 3));
    if (!sync) {
        int err = errno;
        return fail(guard, channel, Error(err, "keep the sync socket"));
    }
    channel.close();
    return LaunchedInit{guard.release(), *start_time, std::move(sync), std::move(console_master)};
}

Result<void> commit_init(LaunchedInit &launched) {
    ParentChannel channel(std::move(launched.sync));
    OCRT_TRY(channel.send(MsgType::Committed));
    // The init closes its end once it no longer dies with us: that EOF is the answer.
    auto after = channel.receive();
    if (after) return Error("protocol violation: got " + msg_type_name(after->type) + " after Committed");
    if (after.error().message() == kInitExitedMessage && after.error().context().empty()) return ok();
    return std::move(after).error();
}

}  // namespace ocrt::init
