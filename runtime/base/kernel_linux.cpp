// LinuxKernel: each method is one system call; errno is read on the line
// right after the call and the message names the call and its arguments.
#include <ocrt/base/kernel.hpp>
#include <ocrt/base/fs.hpp>
#include <ocrt/base/procfs.hpp>
#include <ocrt/base/text.hpp>

#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <linux/seccomp.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>

namespace ocrt {

namespace {

using text::quoted;

std::string hex(unsigned value) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "0x%x", value);
    return buf;
}

// execve wants NULL-terminated arrays of char*; the strings outlive the call.
std::vector<char *> c_array(const std::vector<std::string> &strings) {
    std::vector<char *> out;
    out.reserve(strings.size() + 1);
    for (const auto &s : strings) out.push_back(const_cast<char *>(s.c_str()));
    out.push_back(nullptr);
    return out;
}

// Fallback for kernels without CLOSE_RANGE_CLOEXEC: walk /proc/self/fd.
Result<void> cloexec_from_proc(unsigned int first, unsigned int last) {
    DIR *dir = ::opendir("/proc/self/fd");
    if (dir == nullptr) return errno_error("open \"/proc/self/fd\"");
    int own = ::dirfd(dir);
    while (struct dirent *entry = ::readdir(dir)) {
        char *end = nullptr;
        long fd = std::strtol(entry->d_name, &end, 10);
        if (*end != '\0' || entry->d_name[0] == '\0' || fd == own) continue;
        if (fd < static_cast<long>(first) || fd > static_cast<long>(last)) continue;
        int flags = ::fcntl(static_cast<int>(fd), F_GETFD);
        if (flags >= 0) ::fcntl(static_cast<int>(fd), F_SETFD, flags | FD_CLOEXEC);
    }
    ::closedir(dir);
    return ok();
}

// "/proc/self/fd/N/...": a path through an fd we hold, not a procfs file.
bool is_fd_path(const std::string &path) {
    return path.rfind("/proc/self/fd/", 0) == 0 || path.rfind("/proc/thread-self/fd/", 0) == 0;
}

}  // namespace

Result<void> Kernel::mount_setattr(borrowed_fd, const std::string &path, unsigned int, uint64_t, uint64_t) {
    return Error(ENOSYS, "mount_setattr " + quoted(path));
}

Result<void> Kernel::close_range(unsigned int, unsigned int, int) { return Error(ENOSYS, "close_range"); }

Result<void> Kernel::reset_signals() { return Error(ENOSYS, "reset signals"); }

Result<void> Kernel::move_mount(borrowed_fd, borrowed_fd) { return Error(ENOSYS, "move_mount"); }

Result<unique_fd> Kernel::seccomp_set_filter(std::span<const sock_filter>, unsigned int) {
    return Error(ENOSYS, "load seccomp filter");
}

Result<void> Kernel::sched_setattr(pid_t, const SchedAttr &) { return Error(ENOSYS, "sched_setattr"); }

Result<void> Kernel::ioprio_set(int, int, int) { return Error(ENOSYS, "ioprio_set"); }

Result<void> Kernel::sched_setaffinity(pid_t, const std::vector<unsigned> &) {
    return Error(ENOSYS, "sched_setaffinity");
}

Result<void> Kernel::personality(unsigned long persona) {
    return Error(ENOSYS, "personality " + hex(static_cast<unsigned>(persona)));
}

Result<void> LinuxKernel::mount(const std::string &source, const std::string &target, const std::string &fstype,
                                unsigned long flags, const std::string &data) {
    int rc = ::mount(source.empty() ? nullptr : source.c_str(), target.c_str(),
                     fstype.empty() ? nullptr : fstype.c_str(), flags, data.empty() ? nullptr : data.c_str());
    if (rc == 0) return ok();
    int err = errno;
    std::string what = "mount " + quoted(source) + " on " + quoted(target);
    if (!fstype.empty()) what += " type " + quoted(fstype);
    return Error(err, what);
}

Result<void> LinuxKernel::umount2(const std::string &target, int flags) {
    if (::umount2(target.c_str(), flags) == 0) return ok();
    int err = errno;
    return Error(err, "umount " + quoted(target));
}

Result<void> LinuxKernel::pivot_root(const std::string &new_root, const std::string &put_old) {
    if (::syscall(SYS_pivot_root, new_root.c_str(), put_old.c_str()) == 0) return ok();
    int err = errno;
    return Error(err, "pivot_root " + quoted(new_root) + " " + quoted(put_old));
}

Result<void> LinuxKernel::unshare(int flags) {
    if (::unshare(flags) == 0) return ok();
    int err = errno;
    return Error(err, "unshare (flags " + hex(static_cast<unsigned>(flags)) + ")");
}

Result<void> LinuxKernel::setns(borrowed_fd fd, int nstype) {
    if (::setns(fd.get(), nstype) == 0) return ok();
    int err = errno;
    return Error(err, "setns");
}

Result<void> LinuxKernel::setresuid(uid_t r, uid_t e, uid_t s) {
    if (::setresuid(r, e, s) == 0) return ok();
    int err = errno;
    return Error(err, "setresuid " + std::to_string(r) + " " + std::to_string(e) + " " + std::to_string(s));
}

Result<void> LinuxKernel::setresgid(gid_t r, gid_t e, gid_t s) {
    if (::setresgid(r, e, s) == 0) return ok();
    int err = errno;
    return Error(err, "setresgid " + std::to_string(r) + " " + std::to_string(e) + " " + std::to_string(s));
}

Result<void> LinuxKernel::setgroups(const std::vector<gid_t> &groups) {
    if (::setgroups(groups.size(), groups.empty() ? nullptr : groups.data()) == 0) return ok();
    int err = errno;
    return Error(err, "setgroups (" + std::to_string(groups.size()) + " groups)");
}

mode_t LinuxKernel::umask(mode_t mask) { return ::umask(mask); }

Result<void> LinuxKernel::setrlimit(int resource, uint64_t soft, uint64_t hard) {
    struct rlimit limit {};
    limit.rlim_cur = soft;
    limit.rlim_max = hard;
    if (::setrlimit(static_cast<__rlimit_resource>(resource), &limit) == 0) return ok();
    int err = errno;
    return Error(err, "setrlimit " + std::to_string(resource));
}

Result<void> LinuxKernel::sethostname(const std::string &name) {
    if (::sethostname(name.data(), name.size()) == 0) return ok();
    int err = errno;
    return Error(err, "sethostname " + quoted(name));
}

Result<void> LinuxKernel::setdomainname(const std::string &name) {
    if (::setdomainname(name.data(), name.size()) == 0) return ok();
    int err = errno;
    return Error(err, "setdomainname " + quoted(name));
}

Result<unique_fd> LinuxKernel::openat(borrowed_fd dir, const std::string &path, int flags, mode_t mode) {
    int fd = ::openat(dir.get(), path.c_str(), flags | O_CLOEXEC, mode);
    if (fd >= 0) return unique_fd(fd);
    int err = errno;
    return Error(err, "open " + quoted(path));
}

Result<void> LinuxKernel::mkdirat(borrowed_fd dir, const std::string &path, mode_t mode) {
    if (::mkdirat(dir.get(), path.c_str(), mode) == 0) return ok();
    int err = errno;
    return Error(err, "mkdir " + quoted(path));
}

Result<void> LinuxKernel::mknodat(borrowed_fd dir, const std::string &path, mode_t mode, dev_t dev) {
    if (::mknodat(dir.get(), path.c_str(), mode, dev) == 0) return ok();
    int err = errno;
    return Error(err, "mknod " + quoted(path));
}

Result<void> LinuxKernel::symlinkat(const std::string &target, borrowed_fd dir, const std::string &link) {
    if (::symlinkat(target.c_str(), dir.get(), link.c_str()) == 0) return ok();
    int err = errno;
    return Error(err, "symlink " + quoted(link) + " -> " + quoted(target));
}

Result<void> LinuxKernel::fchownat(borrowed_fd dir, const std::string &path, uid_t uid, gid_t gid, int flags) {
    if (::fchownat(dir.get(), path.c_str(), uid, gid, flags) == 0) return ok();
    int err = errno;
    return Error(err, "chown " + quoted(path) + " to " + std::to_string(uid) + ":" + std::to_string(gid));
}

// For existing kernel files (/proc, /sys, cgroupfs): no O_CREAT, one write(2)
// because files like uid_map must receive their whole content at once. Files
// below /proc are written only through a verified procfs (procfs.hpp).
Result<void> LinuxKernel::write_file(const std::string &path, const std::string &content) {
    if (procfs::relative_to_proc(path) && !is_fd_path(path)) return procfs::write(path, content);
    return fs::write_kernel_file(path, content);
}

Result<void> LinuxKernel::chdir(const std::string &path) {
    if (::chdir(path.c_str()) == 0) return ok();
    int err = errno;
    return Error(err, "chdir " + quoted(path));
}

Result<void> LinuxKernel::fchdir(borrowed_fd fd) {
    if (::fchdir(fd.get()) == 0) return ok();
    int err = errno;
    return Error(err, "fchdir " + std::to_string(fd.get()));
}

Result<void> LinuxKernel::chroot(const std::string &path) {
    if (::chroot(path.c_str()) == 0) return ok();
    int err = errno;
    return Error(err, "chroot " + quoted(path));
}

Result<void> LinuxKernel::prctl(int option, unsigned long arg2) {
    if (::prctl(option, arg2, 0UL, 0UL, 0UL) == 0) return ok();
    int err = errno;
    return Error(err, "prctl " + std::to_string(option));
}

Result<void> LinuxKernel::execve(const std::string &path, const std::vector<std::string> &argv,
                                 const std::vector<std::string> &envp) {
    auto args = c_array(argv);
    auto env = c_array(envp);
    ::execve(path.c_str(), args.data(), env.data());
    int err = errno;
    return Error(err, "exec " + quoted(path));
}

Result<void> LinuxKernel::mount_setattr(borrowed_fd dir, const std::string &path, unsigned int flags,
                                        uint64_t attr_set, uint64_t attr_clr) {
    struct mount_attr attr {};
    attr.attr_set = attr_set;
    attr.attr_clr = attr_clr;
    if (::syscall(SYS_mount_setattr, dir.get(), path.c_str(), flags, &attr, sizeof attr) == 0) return ok();
    int err = errno;
    return Error(err, "mount_setattr " + quoted(path));
}

Result<void> LinuxKernel::close_range(unsigned int first, unsigned int last, int flags) {
    if (::close_range(first, last, flags) == 0) return ok();
    int err = errno;
    // CLOSE_RANGE_CLOEXEC arrived in 5.11; the /proc walk gives the same result.
    if ((err == ENOSYS || err == EINVAL) && (flags & CLOSE_RANGE_CLOEXEC)) return cloexec_from_proc(first, last);
    return Error(err, "close_range " + std::to_string(first));
}

Result<void> LinuxKernel::reset_signals() {
    struct sigaction action {};
    action.sa_handler = SIG_DFL;
    sigemptyset(&action.sa_mask);
    for (int sig = 1; sig < NSIG; ++sig) {
        if (sig == SIGKILL || sig == SIGSTOP) continue;
        // EINVAL for the signals glibc reserves for itself: nothing to reset there.
        ::sigaction(sig, &action, nullptr);
    }
    sigset_t empty;
    sigemptyset(&empty);
    if (::sigprocmask(SIG_SETMASK, &empty, nullptr) == 0) return ok();
    int err = errno;
    return Error(err, "unblock signals");
}

Result<void> LinuxKernel::move_mount(borrowed_fd from, borrowed_fd to) {
    if (::syscall(SYS_move_mount, from.get(), "", to.get(), "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) == 0)
        return ok();
    int err = errno;
    return Error(err, "move_mount fd " + std::to_string(from.get()) + " onto fd " + std::to_string(to.get()));
}

}  // namespace ocrt

namespace ocrt {

Result<void> LinuxKernel::personality(unsigned long persona) {
    if (::personality(persona) != -1) return ok();
    int err = errno;
    return Error(err, "personality " + hex(static_cast<unsigned>(persona)));
}

Result<unique_fd> LinuxKernel::seccomp_set_filter(std::span<const sock_filter> program, unsigned int flags) {
    sock_fprog prog{};
    prog.len = static_cast<unsigned short>(program.size());
    prog.filter = const_cast<sock_filter *>(program.data());
    long rc = ::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
    if (rc < 0) return errno_error("load seccomp filter");
    // rc is the listener fd only with SECCOMP_FILTER_FLAG_NEW_LISTENER (0 otherwise).
    if ((flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) == 0) return unique_fd();
    return unique_fd(static_cast<int>(rc));
}

}  // namespace ocrt

namespace ocrt {

Result<void> LinuxKernel::sched_setattr(pid_t pid, const SchedAttr &attr) {
    // glibc has no wrapper, and <linux/sched/types.h> clashes with <sched.h>:
    // the kernel's struct sched_attr, first version (SCHED_ATTR_SIZE_VER0).
    struct {
        uint32_t size;
        uint32_t sched_policy;
        uint64_t sched_flags;
        int32_t sched_nice;
        uint32_t sched_priority;
        uint64_t sched_runtime, sched_deadline, sched_period;
    } raw{};
    static_assert(sizeof raw == 48, "SCHED_ATTR_SIZE_VER0");
    raw.size = sizeof raw;
    raw.sched_policy = attr.policy;
    raw.sched_flags = attr.flags;
    raw.sched_nice = attr.nice;
    raw.sched_priority = attr.priority;
    raw.sched_runtime = attr.runtime;
    raw.sched_deadline = attr.deadline;
    raw.sched_period = attr.period;
    if (::syscall(SYS_sched_setattr, pid, &raw, 0U) == 0) return ok();
    int err = errno;
    return Error(err, "sched_setattr policy " + std::to_string(attr.policy));
}

Result<void> LinuxKernel::ioprio_set(int which, int who, int ioprio) {
    if (::syscall(SYS_ioprio_set, which, who, ioprio) == 0) return ok();
    int err = errno;
    return Error(err, "ioprio_set " + hex(static_cast<unsigned>(ioprio)));
}

Result<void> LinuxKernel::sched_setaffinity(pid_t pid, const std::vector<unsigned> &cpus) {
    // A dynamically sized mask: cpu_set_t stops at 1024 CPUs.
    size_t count = cpus.empty() ? 1 : static_cast<size_t>(*std::max_element(cpus.begin(), cpus.end())) + 1;
    cpu_set_t *mask = CPU_ALLOC(count);
    if (mask == nullptr) return Error(ENOMEM, "allocate a CPU mask");
    size_t size = CPU_ALLOC_SIZE(count);
    CPU_ZERO_S(size, mask);
    for (unsigned cpu : cpus) CPU_SET_S(cpu, size, mask);
    int rc = ::sched_setaffinity(pid, size, mask);
    int err = errno;
    CPU_FREE(mask);
    if (rc == 0) return ok();
    return Error(err, "sched_setaffinity of pid " + std::to_string(pid));
}

}  // namespace ocrt
