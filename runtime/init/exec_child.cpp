// `ocrt exec` (exec.hpp): the parent's half and the child's stages. The child
// follows the rules of the init's child (child.hpp): it never returns into the
// parent's frames, catches everything, reports one Error and _exits.
#include <ocrt/init/exec.hpp>

#include "child.hpp"
#include "exec_child.hpp"

#include <ocrt/base/terminal.hpp>
#include <ocrt/init/exe_seal.hpp>
#include "child_guard.hpp"
#include "identity.hpp"
#include "proc_stat.hpp"
#include "seccomp_setup.hpp"

#include <ocrt/base/log.hpp>
#include <ocrt/init/launch.hpp>
#include <ocrt/linux/console.hpp>
#include <ocrt/linux/lsm.hpp>
#include <ocrt/linux/oom_score.hpp>
#include <ocrt/linux/personality.hpp>
#include <ocrt/linux/process_setup.hpp>
#include <ocrt/linux/scheduling.hpp>

#include <fcntl.h>
#include <linux/close_range.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <exception>
#include <utility>
#include <vector>

namespace ocrt::init {
namespace {

struct NamespaceName {
    std::string_view name;  // as in /proc/<pid>/ns/
    int flag;
};

// setns order for per-namespace joins: user first (it grants the rights the
// others need), mount last (it moves our root).
constexpr std::array<NamespaceName, 8> kNamespaces = {{
    {"user", CLONE_NEWUSER},
    {"ipc", CLONE_NEWIPC},
    {"uts", CLONE_NEWUTS},
    {"net", CLONE_NEWNET},
    {"pid", CLONE_NEWPID},
    {"cgroup", CLONE_NEWCGROUP},
    {"time", CLONE_NEWTIME},
    {"mnt", CLONE_NEWNS},
}};

std::string proc_path(pid_t pid, std::string_view rest) {
    return "/proc/" + std::to_string(pid) + "/" + std::string(rest);
}

std::vector<NamespaceId> namespace_ids(const std::string &proc_dir) {
    std::vector<NamespaceId> ids;
    for (const auto &ns : kNamespaces) {
        struct stat info {};
        NamespaceId id{std::string(ns.name), 0};
        if (::stat((proc_dir + "/ns/" + std::string(ns.name)).c_str(), &info) == 0) id.inode = info.st_ino;
        ids.push_back(std::move(id));
    }
    return ids;
}

bool pidfd_alive(int pidfd) { return ::syscall(SYS_pidfd_send_signal, pidfd, 0, nullptr, 0) == 0; }

// A pidfd that names the recorded init: opened first, then the start time checked,
// so a pid reused before the open cannot pass.
Result<unique_fd> open_init_pidfd(pid_t pid, unsigned long long start_time, int min_fd) {
    long fd = ::syscall(SYS_pidfd_open, pid, 0);
    if (fd < 0) {
        int err = errno;
        if (err == ESRCH) return Error("container not running");
        return Error(err, "pidfd_open init " + std::to_string(pid));
    }
    unique_fd pidfd(static_cast<int>(fd));
    auto started = process_start_time(pid);
    if (!started || *started != start_time) return Error("container not running");
    return move_fd_at_least(std::move(pidfd), min_fd);
}

// Kernels before 5.8 cannot setns() with a pidfd: open every namespace first (a
// join changes what /proc paths mean), check the init was still the one we
// verified, then join them one by one in kNamespaces order.
Result<void> join_one_by_one(ExecChild &ctx) {
    std::vector<std::pair<unique_fd, int>> opened;
    for (const auto &ns : kNamespaces) {
        if ((ctx.join_flags & ns.flag) == 0) continue;
        std::string path = proc_path(ctx.init_pid, "ns/" + std::string(ns.name));
        unique_fd fd = OCRT_TRY(ctx.kernel.openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC, 0));
        opened.emplace_back(std::move(fd), ns.flag);
    }
    if (!pidfd_alive(ctx.pidfd.get())) return Error("container not running");
    for (auto &[fd, flag] : opened) {
        if (auto joined = ctx.kernel.setns(fd, flag); !joined) return std::move(joined).error().wrap("join namespace");
    }
    return ok();
}

}  // namespace

// ---------------------------------------------------------------- child side

Result<void> guard_exec_child(ExecChild &ctx) {
    ctx.stage = Stage::Spawn;
    OCRT_TRY(ctx.kernel.prctl(PR_SET_PDEATHSIG, SIGKILL));
    if (::getppid() != ctx.parent_pid) child_exit(1);
    return ctx.kernel.prctl(PR_SET_DUMPABLE, 0);
}

// Every namespace of the init at once (user first, as the kernel orders them).
Result<void> join_container_namespaces(ExecChild &ctx) {
    ctx.stage = Stage::Namespaces;
    if (ctx.join_flags == 0) return ok();
    auto joined = ctx.kernel.setns(ctx.pidfd, ctx.join_flags);
    if (!joined && joined.error().code() == EINVAL) return join_one_by_one(ctx);
    if (!joined) return std::move(joined).error().wrap("join the namespaces of init " + std::to_string(ctx.init_pid));
    return ok();
}

// Joining a mount namespace puts us at its root mount; the init may have another
// root (--no-pivot chroots): take exactly the init's.
Result<void> enter_init_root(ExecChild &ctx) {
    OCRT_TRY(ctx.kernel.fchdir(ctx.init_root));
    OCRT_TRY(ctx.kernel.chroot("."));
    ctx.init_root.reset();
    return ok();
}

namespace {

// Joining a pid (or time) namespace only applies to children. The intermediate
// reports the grandchild's host pid and exits; the grandchild returns.
Result<void> fork_into_pid_namespace(ExecChild &ctx) {
    pid_t grandchild = ::fork();
    if (grandchild < 0) {
        int err = errno;
        return Error(err, "fork exec process into the container's pid namespace");
    }
    if (grandchild == 0) {
        ctx.pidfd.reset();
        return ok();
    }
    if (!ctx.channel.send(MsgType::ChildPid, grandchild)) {
        ::kill(grandchild, SIGKILL);
        child_exit(1);
    }
    child_exit(0);
}

// process.terminal for exec: a pty of the container's devpts (we are in its mount
// namespace and root now) becomes our controlling terminal and fds 0-2; the master
// goes to ocrt exec (console socket or proxy). /dev/console stays the init's.
Result<void> set_up_exec_terminal(ExecChild &ctx) {
    if (!ctx.process.terminal) return ok();
    ctx.stage = Stage::Devices;
    os::ContainerPty pty = OCRT_TRY(os::open_container_pty());
    if (ctx.process.console_size) {
        OCRT_TRY(os::set_console_size(pty.master, *ctx.process.console_size));
    } else if (::isatty(STDIN_FILENO)) {
        // exec -t: the process runs as soon as it is exec'd, before ocrt's proxy
        // could size the pty; take ocrt's terminal size (our stdin still) now.
        if (auto size = tty::window_size(STDIN_FILENO)) OCRT_TRY(tty::set_window_size(pty.master, *size));
    }
    OCRT_TRY(os::make_controlling_terminal(pty.peer));
    return send_console_master(ctx.channel, ctx.stage, pty.master, os::kConsoleMasterName);
}

// process.apparmorProfile / selinuxLabel (--apparmor, --process-label), written
// like the init's while still privileged and before no_new_privs; they take
// effect at the execve.
Result<void> apply_exec_lsm_labels(ExecChild &ctx) { return os::apply_process_labels(ctx.process, ctx.kernel); }

// The container's linux.seccomp filter, as in the init (seccomp_setup.hpp): right
// before execve when noNewPrivileges is set, before the capability drop otherwise.
// A notify fd goes to `ocrt exec` over the channel, still open until execve.
Result<void> load_exec_seccomp_filter(ExecChild &ctx) { return load_seccomp_once(ctx); }

Result<void> exec_stages(ExecChild &ctx) {
    OCRT_TRY(guard_exec_child(ctx));
    // Before any namespace of the container is entered (CVE-2019-5736, exe_seal.hpp).
    OCRT_TRY(seal_own_executable());
    ctx.stage = Stage::Cgroup;
    OCRT_TRY(ctx.channel.expect(MsgType::Continue));
    OCRT_TRY(join_container_namespaces(ctx));
    OCRT_TRY(enter_init_root(ctx));
    OCRT_TRY(fork_into_pid_namespace(ctx));
    OCRT_TRY(set_up_exec_terminal(ctx));
    ctx.stage = Stage::Keyring;
    if (!ctx.keyring_id.empty()) {
        if (!ctx.process.selinux_label.empty())
            OCRT_TRY(os::set_selinux_key_label(ctx.process.selinux_label, ctx.kernel));
        OCRT_TRY(join_container_keyring(ctx.keyring_id, [&ctx](const std::string &note) {
            (void)ctx.channel.send_log(log::Level::debug, note);
        }));
    }
    ctx.stage = Stage::Security;
    OCRT_TRY(apply_exec_lsm_labels(ctx));
    OCRT_TRY(os::apply_personality(ctx.config, ctx.kernel));  // the container's linux.personality
    ctx.stage = Stage::Identity;
    auto load_before_switch = [&ctx]() -> Result<void> {
        if (ctx.process.no_new_privileges) return ok();
        return load_exec_seccomp_filter(ctx);
    };
    OCRT_TRY(apply_process_identity(
        ctx.process, ctx.kernel,
        [&ctx](const std::string &warning) { (void)ctx.channel.send_log(log::Level::warning, warning); },
        load_before_switch));
    ctx.stage = Stage::Exec;
    std::string executable = OCRT_TRY(os::find_executable(ctx.process));
    OCRT_TRY(clear_cloexec_on_preserved(ctx.preserve_fds));
    // Returns only on failure; on success the CLOEXEC channel closes: EOF for the parent.
    return os::exec_process(ctx.process, executable, ctx.preserve_fds, ctx.kernel,
                            [&ctx]() { return load_exec_seccomp_filter(ctx); });
}

[[noreturn]] void run_exec_child(ExecChild &ctx) noexcept {
    try {
        auto failed = exec_stages(ctx);
        Error error = failed ? Error("exec stages ended without execve") : failed.error();
        (void)ctx.channel.send_error(ctx.stage, error);
    } catch (const std::exception &e) {
        try {
            (void)ctx.channel.send_error(ctx.stage, Error(std::string("unexpected exception: ") + e.what()));
        } catch (...) {
        }
    } catch (...) {
    }
    child_exit(1);
}

// ---------------------------------------------------------------- parent side

// Waits for the intermediate, which exits 0 right after reporting the grandchild.
Result<void> reap_intermediate(ChildGuard &guard) {
    pid_t pid = guard.release();
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno == EINTR) continue;
        int err = errno;
        return Error(err, "reap intermediate exec process " + std::to_string(pid));
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return Error("intermediate exec process ended with " + describe_wait_status(status));
    return ok();
}

// A notify fd of the exec'd process goes to the container's seccomp listener.
Result<void> pass_exec_seccomp_fd(const Message &msg, const spec::Config &config, const ExecLaunchOptions &options,
                                  const SeccompSetup *seccomp, pid_t process) {
    if (seccomp == nullptr || !seccomp->plan.uses_notify || !msg.fd)
        return Error("protocol violation: unexpected SeccompNotifyFd");
    ListenerState state{config.oci_version, options.container_id, options.bundle, options.init_pid,
                        seccomp->plan.listener_metadata, config.annotations, "running", process};
    return send_to_seccomp_listener(seccomp->plan.listener_path, state, msg.fd.get());
}

// The grandchild's fd-carrying messages: its seccomp notify fd goes to the
// listener, the pty master of a terminal to the caller. False for anything else.
Result<bool> take_exec_fd_message(Message &msg, const spec::Config &config, const ExecLaunchOptions &options,
                                  const SeccompSetup *seccomp, pid_t process) {
    if (msg.type == MsgType::SeccompNotifyFd) {
        OCRT_TRY(pass_exec_seccomp_fd(msg, config, options, seccomp, process));
        return true;
    }
    if (msg.type == MsgType::ConsoleMaster && options.console_master != nullptr && msg.fd) {
        *options.console_master = std::move(msg.fd);
        return true;
    }
    return false;
}

// After ChildPid: Log messages (and the fds above) until EOF (execve happened) or
// the child's Error.
Result<void> wait_for_execve(ParentChannel &channel, const spec::Config &config, const ExecLaunchOptions &options,
                             const SeccompSetup *seccomp, pid_t process) {
    for (;;) {
        auto raw = OCRT_TRY(channel.receive_raw());
        if (!raw) return ok();
        if (raw->type == MsgType::Error) return child_error(*raw);
        if (OCRT_TRY(take_exec_fd_message(*raw, config, options, seccomp, process))) {
            continue;
        }
        if (raw->type != MsgType::Log)
            return Error("protocol violation: got " + msg_type_name(raw->type) + " while waiting for execve");
        log::write(static_cast<log::Level>(raw->flags & kFlagLevelMask), "exec: " + raw->text);
    }
}

Error exited_early(ChildGuard &guard, ParentChannel &channel, Error error) {
    if (auto from_child = channel.pending_child_error()) error = std::move(*from_child);
    std::string status = guard.kill_and_reap();
    if (error.message() == kInitExitedMessage && error.context().empty())
        return Error("exec process exited unexpectedly" + (status.empty() ? "" : " (" + status + ")"));
    return error;
}

Result<pid_t> drive_exec(pid_t child, ParentChannel &channel, const spec::Config &config,
                         const spec::Process &process_config, const ExecLaunchOptions &options, Kernel &kernel,
                         const SeccompSetup *seccomp, const os::ExecAffinity &affinity) {
    ChildGuard guard(child);
    // execCPUAffinity.initial, the cgroup join, then execCPUAffinity.final (scheduling.hpp).
    auto join_cgroup = [&options, child]() -> Result<void> {
        return options.before_continue ? options.before_continue(child) : ok();
    };
    if (auto placed = os::place_exec_process(child, affinity, kernel, join_cgroup); !placed)
        return exited_early(guard, channel, placed.error());
    // As for the init (parent.cpp): the exec process gets process.oomScoreAdj too.
    if (process_config.oom_score_adj) {
        if (auto set = os::set_oom_score_adj(child, *process_config.oom_score_adj, kernel); !set)
            return exited_early(guard, channel, set.error());
    }
    if (auto sent = channel.send(MsgType::Continue); !sent) return exited_early(guard, channel, sent.error());
    // The grandchild may send its pty master and its notify fd before the
    // intermediate's ChildPid arrives: keep them until we know the pid.
    std::vector<Message> early_fd_messages;
    Result<Message> reported = channel.receive();
    while (reported && early_fd_messages.size() < 2 &&
           (reported->type == MsgType::SeccompNotifyFd || reported->type == MsgType::ConsoleMaster)) {
        early_fd_messages.push_back(std::move(*reported));
        reported = channel.receive();
    }
    if (reported && reported->type != MsgType::ChildPid)
        reported = Error("protocol violation: got " + msg_type_name(reported->type) + " while expecting ChildPid");
    if (!reported) return exited_early(guard, channel, std::move(reported).error());
    pid_t process = reported->value;
    if (process <= 0)
        return exited_early(guard, channel, Error("protocol violation: ChildPid " + std::to_string(process)));
    OCRT_TRY(reap_intermediate(guard));
    Result<void> started = ok();
    for (Message &message : early_fd_messages) {
        if (!started) break;
        auto taken = take_exec_fd_message(message, config, options, seccomp, process);
        if (!taken) started = std::move(taken).error();
        else if (!*taken) started = Error("protocol violation: unexpected " + msg_type_name(message.type));
    }
    if (started) started = wait_for_execve(channel, config, options, seccomp, process);
    if (!started) {
        ::kill(process, SIGKILL);  // it exits by itself after an Error; this covers a protocol fault
        return std::move(started).error();
    }
    return process;
}

}  // namespace

std::vector<std::string_view> joinable_namespace_names() {
    std::vector<std::string_view> names;
    for (const auto &ns : kNamespaces) names.push_back(ns.name);
    return names;
}

int namespaces_to_join(const std::vector<NamespaceId> &target, const std::vector<NamespaceId> &own) {
    int flags = 0;
    for (const auto &ns : kNamespaces) {
        unsigned long long theirs = 0, ours = 0;
        for (const auto &id : target)
            if (id.name == ns.name) theirs = id.inode;
        for (const auto &id : own)
            if (id.name == ns.name) ours = id.inode;
        if (theirs != 0 && ours != 0 && theirs != ours) flags |= ns.flag;
    }
    return flags;
}

Result<pid_t> launch_exec(const spec::Config &config, const spec::Process &process, const ExecLaunchOptions &options) {
    if (options.preserve_fds < 0) return Error("invalid preserve-fds " + std::to_string(options.preserve_fds));
    if (process.terminal && options.console_master == nullptr) return Error("a terminal needs a place for its pty master");
    // A label the host cannot apply fails before anything is forked.
    OCRT_TRY(os::check_exec_lsm_requests(process, os::detect_lsm_support()));
    os::ExecAffinity affinity = OCRT_TRY(os::exec_affinity(process));
    LinuxKernel kernel;
    // Only fds 0..2 and the preserved ones may reach the process (P2).
    int first_private_fd = 3 + options.preserve_fds;
    if (auto marked = kernel.close_range(static_cast<unsigned>(first_private_fd), ~0U, CLOSE_RANGE_CLOEXEC); !marked)
        return std::move(marked).error().wrap("mark inherited fds close-on-exec");

    unique_fd pidfd = OCRT_TRY(open_init_pidfd(options.init_pid, options.init_start_time, first_private_fd));
    std::string init_dir = proc_path(options.init_pid, "");
    int join_flags = namespaces_to_join(namespace_ids(init_dir), namespace_ids("/proc/self/"));
    unique_fd init_root = OCRT_TRY(kernel.openat(AT_FDCWD, init_dir + "root", O_PATH | O_DIRECTORY | O_CLOEXEC, 0));
    init_root = OCRT_TRY(move_fd_at_least(std::move(init_root), first_private_fd));
    // Still the verified init after the /proc reads: they described it, not a successor.
    if (!pidfd_alive(pidfd.get())) return Error("container not running");

    // The container's filter is built before the fork; a profile create accepted is accepted here.
    std::optional<SeccompSetup> seccomp = OCRT_TRY(prepare_seccomp(config));
    ChannelPair pair = OCRT_TRY(make_channel_pair(first_private_fd));
    pid_t parent_pid = ::getpid();
    pid_t child = ::fork();
    if (child < 0) {
        int err = errno;
        return Error(err, "fork exec process");
    }
    if (child == 0) {
        pair.parent.close();
        ExecChild ctx{config,
                      process,
                      kernel,
                      std::move(pair.child),
                      std::move(pidfd),
                      std::move(init_root),
                      options.init_pid,
                      join_flags,
                      options.preserve_fds,
                      options.keyring_id,
                      parent_pid};
        ctx.seccomp = seccomp ? &*seccomp : nullptr;
        run_exec_child(ctx);
    }
    pair.child.close();
    pidfd.reset();
    init_root.reset();
    pid_t started = OCRT_TRY(drive_exec(child, pair.parent, config, process, options, kernel, seccomp ? &*seccomp : nullptr,
                                           affinity));
    if (process.terminal && !*options.console_master) {
        ::kill(started, SIGKILL);
        return Error("protocol violation: the exec process has a terminal but sent no pty master");
    }
    return started;
}

}  // namespace ocrt::init
