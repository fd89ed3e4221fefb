// The init's stages from the clone to Ready, one function per stage. The order is
// the one drawn in sync.hpp; every stage records itself in ctx.stage so the single
// Error the child reports names where it failed.
#include "cgroup_view.hpp"
#include "child.hpp"
#include "hook_state.hpp"
#include "identity.hpp"
#include "seccomp_setup.hpp"

#include <ocrt/cgroups/manager.hpp>
#include <ocrt/hooks/runner.hpp>
#include <ocrt/init/sequence.hpp>

#include <ocrt/base/fs.hpp>
#include <ocrt/init/exe_seal.hpp>
#include <ocrt/linux/detached_mount.hpp>
#include <ocrt/linux/lsm.hpp>
#include <ocrt/linux/masked_paths.hpp>
#include <ocrt/linux/personality.hpp>
#include <ocrt/linux/process_setup.hpp>
#include <ocrt/linux/rootfs.hpp>
#include <ocrt/linux/sysctl.hpp>
#include <ocrt/linux/userns.hpp>

#include <fcntl.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <climits>
#include <exception>

namespace ocrt::init {
namespace {

// Dies with ocrt while it is still our parent; a parent already gone means exit now.
Result<void> guard_against_orphaning(ChildContext &ctx) {
    ctx.stage = Stage::Spawn;
    OCRT_TRY(ctx.kernel.prctl(PR_SET_PDEATHSIG, SIGKILL));
    // In a new pid namespace getppid() is 0: the sync socket's EOF covers that case.
    pid_t parent = ::getppid();
    if (parent != 0 && parent != ctx.parent_pid) child_exit(1);
    // Not dumpable: a container process must not ptrace or read /proc of its init.
    return ctx.kernel.prctl(PR_SET_DUMPABLE, 0);
}

// CVE-2019-5736: from here on ocrt code runs in the container's namespaces, so
// /proc/<pid>/exe must no longer lead to the host binary (see exe_seal.hpp).
Result<void> seal_executable(ChildContext &ctx) {
    ctx.stage = Stage::Spawn;
    return seal_own_executable();
}

Result<void> wait_for_continue(ChildContext &ctx) {
    ctx.stage = Stage::Cgroup;
    OCRT_TRY(ctx.channel.expect(MsgType::Continue));
    return ok();
}

// The parent (root) writes the maps; we then become root of the new user namespace.
Result<void> become_root_in_user_ns(ChildContext &ctx) {
    ctx.stage = Stage::UserNs;
    OCRT_TRY(ctx.channel.send(MsgType::IdMapRequest));
    OCRT_TRY(ctx.channel.expect(MsgType::IdMapDone));
    OCRT_TRY(ctx.kernel.setresgid(0, 0, 0));
    OCRT_TRY(ctx.kernel.setresuid(0, 0, 0));
    // Changing credentials cleared the parent-death signal: arm it again.
    OCRT_TRY(ctx.kernel.prctl(PR_SET_PDEATHSIG, SIGKILL));
    return ok();
}

Result<void> enter_namespaces(ChildContext &ctx) {
    ctx.stage = Stage::Namespaces;
    bool new_user_by_clone = (ctx.plan.clone_flags & CLONE_NEWUSER) != 0;
    if (ctx.plan.new_user && new_user_by_clone) OCRT_TRY(become_root_in_user_ns(ctx));
    ctx.stage = Stage::Namespaces;
    OCRT_TRY(os::enter_namespaces(ctx.plan, ctx.kernel));
    // With joins, the user namespace comes from unshare(): its maps follow it.
    if (ctx.plan.new_user && !new_user_by_clone) OCRT_TRY(become_root_in_user_ns(ctx));
    return ok();
}

// Offsets of a new time namespace must be set before any process enters it.
Result<void> set_time_offsets(ChildContext &ctx) {
    if ((ctx.plan.unshare_flags & CLONE_NEWTIME) == 0 || !ctx.config.linux_) return ok();
    const auto &offsets = ctx.config.linux_->time_offsets;
    if (offsets.empty()) return ok();
    // While not dumpable our /proc files belong to host root, whom a user namespace
    // does not map: be dumpable just for this write.
    OCRT_TRY(ctx.kernel.prctl(PR_SET_DUMPABLE, 1));
    auto written = ctx.kernel.write_file("/proc/self/timens_offsets", os::render_time_offsets(offsets));
    OCRT_TRY(ctx.kernel.prctl(PR_SET_DUMPABLE, 0));
    return written;
}

// A joined or unshared pid/time namespace only applies to children: fork the real init.
// The intermediate reports the grandchild's host pid and exits.
Result<void> fork_into_namespaces(ChildContext &ctx) {
    if (!ctx.plan.needs_second_fork) return ok();
    OCRT_TRY(set_time_offsets(ctx));
    pid_t grandchild = ::fork();
    if (grandchild < 0) {
        int err = errno;
        return Error(err, "fork init into its pid namespace");
    }
    if (grandchild == 0) return ok();
    if (!ctx.channel.send(MsgType::ChildPid, grandchild)) {
        ::kill(grandchild, SIGKILL);
        child_exit(1);
    }
    child_exit(0);
}

// A fresh session keyring so containers never share the host's keys.
Result<void> join_session_keyring(ChildContext &ctx) {
    ctx.stage = Stage::Keyring;
    if (ctx.options.no_new_keyring) return ok();
    // The keyring is labelled when it is made: set the SELinux key label first.
    if (!ctx.process().selinux_label.empty())
        OCRT_TRY(os::set_selinux_key_label(ctx.process().selinux_label, ctx.kernel));
    return join_container_keyring(ctx.options.id, [&ctx](const std::string &note) {
        (void)ctx.channel.send_log(log::Level::debug, note);
    });
}

// config.md: after the mounts and before pivot_root the parent runs prestart and
// createRuntime (runtime namespace), then we run createContainer (container
// namespaces; the paths still resolve in the runtime's mount tree).
Result<void> run_create_hooks(ChildContext &ctx) {
    if (!uses_init_hooks(ctx.config.hooks)) return ok();
    ctx.stage = Stage::RuntimeHooks;
    OCRT_TRY(ctx.channel.send(MsgType::RuntimeHooks));
    Message done = OCRT_TRY(ctx.channel.expect(MsgType::RuntimeHooksDone));
    ctx.host_pid = done.value;
    ctx.stage = Stage::ContainerHooks;
    return hooks::run_phase(ctx.config.hooks, hooks::HookPhase::CreateContainer,
                            hook_state(ctx.config, ctx.options, ctx.host_pid));
}

// After the config's mounts, so they land on top of e.g. a tmpfs at /run.
Result<void> attach_detached_mounts(ChildContext &ctx) {
    if (ctx.options.detached_mounts.empty()) return ok();
    unique_fd root = OCRT_TRY(fs::open_path(ctx.options.rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC));
    for (const DetachedMount &mount : ctx.options.detached_mounts)
        OCRT_TRY(os::attach_detached_mount(root, mount.destination, mount.fd, ctx.kernel));
    return ok();
}

// The container's own cgroups for "cgroup" mounts; none without a cgroup manager
// (the host's /sys/fs/cgroup is then bound as before).
std::optional<os::CgroupView> container_cgroup_view(const ChildContext &ctx) {
    if (!ctx.options.cgroups || ctx.options.cgroups->placement().dirs.empty()) return std::nullopt;
    // create detected the hierarchies already; read them again only without that.
    const cgroups::HostLayout *host = ctx.options.cgroups->host_layout();
    std::optional<cgroups::HostLayout> detected;
    if (host == nullptr) {
        auto found = cgroups::detect_host();
        if (!found) return std::nullopt;
        detected = std::move(*found);
        host = &*detected;
    }
    bool own_namespace = ((ctx.plan.clone_flags | ctx.plan.unshare_flags) & CLONE_NEWCGROUP) != 0;
    for (const auto &join : ctx.plan.joins)
        if (join.type == spec::NamespaceType::Cgroup) own_namespace = true;
    os::CgroupView view = make_cgroup_view(*host, ctx.options.cgroups->placement().dirs, own_namespace);
    if (!view.pure_v2) view.symlinks = host_cgroup_symlinks();
    return view;
}

Result<void> set_up_rootfs(ChildContext &ctx) {
    os::RootfsOptions rootfs{ctx.options.rootfs, ctx.options.no_pivot, ctx.options.bundle};
    std::optional<os::CgroupView> cgroup_view = container_cgroup_view(ctx);
    if (cgroup_view) rootfs.cgroups = &*cgroup_view;
    ctx.stage = Stage::Mounts;
    OCRT_TRY(os::prepare_rootfs(ctx.config, rootfs, ctx.kernel));
    OCRT_TRY(attach_detached_mounts(ctx));
    OCRT_TRY(run_create_hooks(ctx));
    ctx.stage = Stage::PivotRoot;
    OCRT_TRY(os::enter_rootfs(ctx.config, rootfs, ctx.kernel));
    OCRT_TRY(set_up_console(ctx));
    ctx.stage = Stage::Mounts;
    OCRT_TRY(os::finish_rootfs(ctx.config, ctx.kernel));
    if (!ctx.config.linux_) return ok();
    // Through the verified procfs, before readonlyPaths makes /proc/sys read-only.
    OCRT_TRY(os::apply_sysctls(ctx.config.linux_->sysctl, ctx.kernel));
    OCRT_TRY(os::make_paths_readonly(ctx.config.linux_->readonly_paths, ctx.kernel));
    return os::mask_paths(ctx.config.linux_->masked_paths, ctx.kernel);
}

// LSM exec labels and the personality, while still privileged (and before
// no_new_privs, which would restrict an AppArmor transition); the labels take
// effect at the execve of the user process, the personality survives it.
Result<void> apply_security_settings(ChildContext &ctx) {
    ctx.stage = Stage::Security;
    OCRT_TRY(os::apply_process_labels(ctx.process(), ctx.kernel));
    return os::apply_personality(ctx.config, ctx.kernel);
}

// Names first; the rest is shared with `ocrt exec` (identity.hpp).
Result<void> set_identity(ChildContext &ctx) {
    ctx.stage = Stage::Identity;
    OCRT_TRY(os::set_uts_names(ctx.config, ctx.kernel));
    auto warn = [&ctx](const std::string &warning) { (void)ctx.channel.send_log(log::Level::warning, warning); };
    // Without no_new_privs loading a filter needs CAP_SYS_ADMIN: load it while we
    // still have it (seccomp_setup.hpp has the trade-off).
    auto load_before_switch = [&ctx]() -> Result<void> {
        if (ctx.process().no_new_privileges) return ok();
        return load_seccomp(ctx);
    };
    return apply_process_identity(ctx.process(), ctx.kernel, warn, load_before_switch);
}

// A missing executable fails `create`, as with runc.
Result<std::string> resolve_executable(ChildContext &ctx) {
    ctx.stage = Stage::Exec;
    return os::find_executable(ctx.process());
}

// The init may outlive `ocrt create` only once state.json names it (Committed):
// until then a create killed at any moment takes its init along.
Result<void> report_ready(ChildContext &ctx) {
    ctx.stage = Stage::WaitStart;
    OCRT_TRY(install_wait_signal_handlers());
    OCRT_TRY(ctx.channel.send(MsgType::Ready));
    OCRT_TRY(ctx.channel.expect(MsgType::Committed));
    OCRT_TRY(ctx.kernel.prctl(PR_SET_PDEATHSIG, 0));
    ctx.channel.close();
    return ok();
}

Result<void> run_stages(ChildContext &ctx) {
    OCRT_TRY(guard_against_orphaning(ctx));
    OCRT_TRY(seal_executable(ctx));
    OCRT_TRY(wait_for_continue(ctx));
    OCRT_TRY(enter_namespaces(ctx));
    OCRT_TRY(fork_into_namespaces(ctx));
    OCRT_TRY(join_session_keyring(ctx));
    OCRT_TRY(set_up_rootfs(ctx));
    OCRT_TRY(apply_security_settings(ctx));
    OCRT_TRY(set_identity(ctx));
    std::string executable = OCRT_TRY(resolve_executable(ctx));
    // The notify fd must reach `ocrt create` before it exits at Ready.
    if (ctx.seccomp && os::seccomp_needs_early_load(ctx.seccomp->plan)) OCRT_TRY(load_seccomp(ctx));
    OCRT_TRY(report_ready(ctx));
    wait_and_exec(ctx, executable);
}

[[noreturn]] void report_and_exit(ChildContext &ctx, const Error &error) noexcept {
    try {
        (void)ctx.channel.send_error(ctx.stage, error);
    } catch (...) {
        // Out of memory while reporting: the parent still sees EOF.
    }
    child_exit(1);
}

}  // namespace

[[noreturn]] void run_child(ChildContext &ctx) noexcept {
    try {
        auto failed = run_stages(ctx);  // returns only on failure
        report_and_exit(ctx, failed ? Error("init stages ended without exec") : failed.error());
    } catch (const std::exception &e) {
        report_and_exit(ctx, Error(std::string("unexpected exception: ") + e.what()));
    } catch (...) {
        report_and_exit(ctx, Error("unexpected exception"));
    }
}

}  // namespace ocrt::init
