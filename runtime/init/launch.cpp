// The single clone site. The parent keeps no copy of the child's sync end or of the
// listening start socket, so a dead init always shows up as EOF / ECONNREFUSED.
#include <ocrt/init/launch.hpp>
#include <ocrt/init/start_socket.hpp>

#include "child.hpp"
#include "parent.hpp"
#include "seccomp_setup.hpp"

#include <ocrt/cgroups/manager.hpp>
#include <ocrt/cgroups/v1_resources.hpp>
#include <ocrt/linux/lsm.hpp>
#include <ocrt/linux/sysctl.hpp>

#include <fcntl.h>
#include <linux/close_range.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

namespace ocrt::init {
namespace {

// While a second fork may happen we are a child subreaper, so the grandchild is
// reparented to us and stays reapable by the ChildGuard. Restored on scope exit.
class SubreaperScope {
public:
    SubreaperScope() = default;
    SubreaperScope(const SubreaperScope &) = delete;
    SubreaperScope &operator=(const SubreaperScope &) = delete;
    ~SubreaperScope() {
        if (active_) ::prctl(PR_SET_CHILD_SUBREAPER, previous_, 0, 0, 0);
    }

    Result<void> activate() {
        if (::prctl(PR_GET_CHILD_SUBREAPER, &previous_, 0, 0, 0) != 0 ||
            ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) {
            int err = errno;
            return Error(err, "become child subreaper");
        }
        active_ = true;
        return ok();
    }

private:
    int previous_ = 0;
    bool active_ = false;
};

// The second fork's grandchild must be pid 1 of the new pid namespace, and its pid
// must mean something to us: so that namespace comes from unshare(), never clone().
os::NamespacePlan adjust_for_second_fork(os::NamespacePlan plan) {
    // A cgroup namespace takes the caller's cgroup as its root: it is made by the
    // child after Continue, once the init is in its own cgroup (sync.hpp), so the
    // container sees that cgroup as "/".
    if (plan.clone_flags & CLONE_NEWCGROUP) {
        plan.clone_flags &= ~CLONE_NEWCGROUP;
        plan.unshare_flags |= CLONE_NEWCGROUP;
    }
    if (plan.needs_second_fork && (plan.clone_flags & CLONE_NEWPID)) {
        plan.clone_flags &= ~CLONE_NEWPID;
        plan.unshare_flags |= CLONE_NEWPID;
    }
    return plan;
}

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

// struct clone_args of linux/sched.h (CLONE_ARGS_SIZE_VER2), spelled out because that
// header clashes with <sched.h>.
struct CloneArgs {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size,
        cgroup;
};

// fork-like: the child continues on a copy of our stack (ocrt is single-threaded).
// With a cgroup directory fd (pure v2), clone3 starts the child in that cgroup; a
// kernel without clone3 or CLONE_INTO_CGROUP (< 5.7) gets the plain clone, and the
// parent writes cgroup.procs as on v1.
pid_t clone_into_namespaces(int clone_flags, int cgroup_fd) {
#ifdef SYS_clone3
    if (cgroup_fd >= 0) {
        CloneArgs args{};
        args.flags = static_cast<uint64_t>(static_cast<unsigned int>(clone_flags)) | CLONE_INTO_CGROUP;
        args.exit_signal = SIGCHLD;
        args.cgroup = static_cast<uint64_t>(cgroup_fd);
        auto pid = static_cast<pid_t>(::syscall(SYS_clone3, &args, sizeof args));
        if (pid >= 0 || (errno != ENOSYS && errno != E2BIG && errno != EINVAL)) return pid;
    }
#endif
    return static_cast<pid_t>(::syscall(SYS_clone, static_cast<unsigned long>(clone_flags) | SIGCHLD, nullptr,
                                        nullptr, nullptr, nullptr));
}

// Makes and configures the container's cgroups before the init exists. On a pure v2
// placement (every controller in the one unified directory) returns that directory
// open, for CLONE_INTO_CGROUP; otherwise an empty fd.
Result<unique_fd> prepare_cgroups(const spec::Config &config, cgroups::Manager *manager) {
    if (manager == nullptr) return unique_fd{};
    OCRT_TRY(manager->create());
    OCRT_TRY(manager->apply(cgroups::create_resources(config)));
    const auto &dirs = manager->placement().dirs;
    // systemd makes a scope's cgroup only once the init exists (place() starts the unit).
    if (manager->placement().driver == "systemd") return unique_fd{};
    auto unified = dirs.find(cgroups::kUnifiedKey);
    if (unified == dirs.end()) return unique_fd{};
    for (const auto &[controller, dir] : dirs)
        if (dir != unified->second) return unique_fd{};
    int fd = ::open(unified->second.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    // Without it the parent still places the init through cgroup.procs.
    return unique_fd(fd);
}

Result<LaunchedInit> spawn_and_drive(const spec::Config &config, const LaunchOptions &options,
                                     const os::NamespacePlan &plan, Kernel &kernel, unique_fd listener,
                                     const SeccompSetup *seccomp) {
    int first_private_fd = 3 + options.preserve_fds;
    ChannelPair pair = OCRT_TRY(make_channel_pair(first_private_fd));
    SubreaperScope subreaper;
    if (plan.needs_second_fork) OCRT_TRY(subreaper.activate());
    unique_fd cgroup_dir = OCRT_TRY(prepare_cgroups(config, options.cgroups));
    pid_t parent_pid = ::getpid();
    pid_t pid = clone_into_namespaces(plan.clone_flags, cgroup_dir.get());
    if (pid < 0) {
        int err = errno;
        return Error(err, "clone container init");
    }
    if (pid == 0) {
        pair.parent.close();
        cgroup_dir.reset();
        ChildContext ctx{config, options, plan, kernel, std::move(pair.child), std::move(listener), parent_pid};
        ctx.seccomp = seccomp;
        run_child(ctx);
    }
    pair.child.close();
    listener.reset();
    return drive_init(pid, pair.parent, config, plan, kernel, &options, seccomp ? &seccomp->plan : nullptr);
}

}  // namespace

Result<LaunchedInit> launch_init(const spec::Config &config, const LaunchOptions &options) {
    if (!config.process) return Error("config has no \"process\" to run");
    if (options.preserve_fds < 0) return Error("invalid preserve-fds " + std::to_string(options.preserve_fds));
    // A label the host cannot apply, or a sysctl aimed at the namespace we run in,
    // fails here, before any process exists.
    OCRT_TRY(os::check_lsm_requests(config, os::detect_lsm_support()));
    OCRT_TRY(os::check_sysctl_namespaces(config));
    // A bad profile fails here, before anything exists.
    std::optional<SeccompSetup> seccomp = OCRT_TRY(prepare_seccomp(config));
    LinuxKernel kernel;
    os::NamespacePlan plan = adjust_for_second_fork(os::plan_namespaces(config.linux_ ? &*config.linux_ : nullptr));
    // Only fds 0..2 and the preserved ones may reach the container.
    unsigned int first_private_fd = 3 + static_cast<unsigned int>(options.preserve_fds);
    if (auto marked = kernel.close_range(first_private_fd, ~0U, CLOSE_RANGE_CLOEXEC); !marked)
        return std::move(marked).error().wrap("mark inherited fds close-on-exec");
    unique_fd listener = OCRT_TRY(listen_start_socket(options.state_dir, static_cast<int>(first_private_fd)));
    auto launched = spawn_and_drive(config, options, plan, kernel, std::move(listener), seccomp ? &*seccomp : nullptr);
    if (!launched) remove_start_socket(options.state_dir);
    return launched;
}

}  // namespace ocrt::init
