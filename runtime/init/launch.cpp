// The single clone site. The parent keeps no copy of the child's sync end or of the
// listening start socket, so a dead init always shows up as EOF / ECONNREFUSED.
#include <ocrt/init/launch.hpp>
#include <ocrt/init/start_socket.hpp>

#include "child.hpp"
#include "parent.hpp"

#include <ocrt/linux/lsm.hpp>
#include <ocrt/linux/sysctl.hpp>

#include <linux/close_range.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

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

// fork-like: the child continues on a copy of our stack (ocrt is single-threaded).
pid_t clone_into_namespaces(int clone_flags) {
    return static_cast<pid_t>(::syscall(SYS_clone, static_cast<unsigned long>(clone_flags) | SIGCHLD, nullptr,
                                        nullptr, nullptr, nullptr));
}

Result<LaunchedInit> spawn_and_drive(const spec::Config &config, const LaunchOptions &options,
                                     const os::NamespacePlan &plan, Kernel &kernel, unique_fd listener) {
    int first_private_fd = 3 + options.preserve_fds;
    ChannelPair pair = OCRT_TRY(make_channel_pair(first_private_fd));
    SubreaperScope subreaper;
    if (plan.needs_second_fork) OCRT_TRY(subreaper.activate());
    pid_t parent_pid = ::getpid();
    pid_t pid = clone_into_namespaces(plan.clone_flags);
    if (pid < 0) {
        int err = errno;
        return Error(err, "clone container init");
    }
    if (pid == 0) {
        pair.parent.close();
        ChildContext ctx{config, options, plan, kernel, std::move(pair.child), std::move(listener), parent_pid};
        run_child(ctx);
    }
    pair.child.close();
    listener.reset();
    return drive_init(pid, pair.parent, config, plan, kernel, &options);
}

}  // namespace

Result<LaunchedInit> launch_init(const spec::Config &config, const LaunchOptions &options) {
    if (!config.process) return Error("config has no \"process\" to run");
    if (options.preserve_fds < 0) return Error("invalid preserve-fds " + std::to_string(options.preserve_fds));
    // A label the host cannot apply, or a sysctl aimed at the namespace we run in,
    // fails here, before any process exists.
    OCRT_TRY(os::check_lsm_requests(config, os::detect_lsm_support()));
    OCRT_TRY(os::check_sysctl_namespaces(config));
    LinuxKernel kernel;
    os::NamespacePlan plan = adjust_for_second_fork(os::plan_namespaces(config.linux_ ? &*config.linux_ : nullptr));
    // Only fds 0..2 and the preserved ones may reach the container.
    unsigned int first_private_fd = 3 + static_cast<unsigned int>(options.preserve_fds);
    if (auto marked = kernel.close_range(first_private_fd, ~0U, CLOSE_RANGE_CLOEXEC); !marked)
        return std::move(marked).error().wrap("mark inherited fds close-on-exec");
    unique_fd listener = OCRT_TRY(listen_start_socket(options.state_dir, static_cast<int>(first_private_fd)));
    auto launched = spawn_and_drive(config, options, plan, kernel, std::move(listener));
    if (!launched) remove_start_socket(options.state_dir);
    return launched;
}

}  // namespace ocrt::init
