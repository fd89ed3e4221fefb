// The Kernel seam: every system call that changes process or system state goes
// through this interface, so stage logic can be tested against a recording fake
// (test/fakes/fake_kernel.hpp). LinuxKernel (kernel_linux.cpp) is the real one.
// Paths are std::string because the kernel wants NUL-terminated strings.
#pragma once

#include <linux/filter.h>

#include <span>

#include <ocrt/base/result.hpp>
#include <ocrt/base/unique_fd.hpp>

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

struct rlimit;

namespace ocrt {

// The sched_setattr(2) fields process.scheduler sets (struct sched_attr, without
// the utilization clamps the spec has no values for).
struct SchedAttr {
    uint32_t policy = 0;  // SCHED_*
    uint64_t flags = 0;   // SCHED_FLAG_*
    int32_t nice = 0;
    uint32_t priority = 0;
    uint64_t runtime = 0, deadline = 0, period = 0;  // nanoseconds, SCHED_DEADLINE
    bool operator==(const SchedAttr &) const = default;
};

class Kernel {
public:
    virtual ~Kernel() = default;

    // mounts
    virtual Result<void> mount(const std::string &source, const std::string &target, const std::string &fstype,
                               unsigned long flags, const std::string &data) = 0;
    virtual Result<void> umount2(const std::string &target, int flags) = 0;
    virtual Result<void> pivot_root(const std::string &new_root, const std::string &put_old) = 0;

    // namespaces
    virtual Result<void> unshare(int flags) = 0;
    virtual Result<void> setns(borrowed_fd fd, int nstype) = 0;

    // identity
    virtual Result<void> setresuid(uid_t r, uid_t e, uid_t s) = 0;
    virtual Result<void> setresgid(gid_t r, gid_t e, gid_t s) = 0;
    virtual Result<void> setgroups(const std::vector<gid_t> &groups) = 0;
    virtual mode_t umask(mode_t mask) = 0;

    // limits and names
    virtual Result<void> setrlimit(int resource, uint64_t soft, uint64_t hard) = 0;
    virtual Result<void> sethostname(const std::string &name) = 0;
    virtual Result<void> setdomainname(const std::string &name) = 0;

    // files
    virtual Result<unique_fd> openat(borrowed_fd dir, const std::string &path, int flags, mode_t mode) = 0;
    virtual Result<void> mkdirat(borrowed_fd dir, const std::string &path, mode_t mode) = 0;
    virtual Result<void> mknodat(borrowed_fd dir, const std::string &path, mode_t mode, dev_t dev) = 0;
    virtual Result<void> symlinkat(const std::string &target, borrowed_fd dir, const std::string &link) = 0;
    virtual Result<void> fchownat(borrowed_fd dir, const std::string &path, uid_t uid, gid_t gid, int flags) = 0;
    virtual Result<void> write_file(const std::string &path, const std::string &content) = 0;

    // process
    virtual Result<void> chdir(const std::string &path) = 0;
    virtual Result<void> fchdir(borrowed_fd fd) = 0;
    virtual Result<void> chroot(const std::string &path) = 0;
    virtual Result<void> prctl(int option, unsigned long arg2) = 0;
    virtual Result<void> execve(const std::string &path, const std::vector<std::string> &argv,
                                const std::vector<std::string> &envp) = 0;

    // Added after the first cut; the defaults fail with ENOSYS so an older
    // subclass still compiles. LinuxKernel and FakeKernel override them.

    // mount_setattr(2): attr_set/attr_clr are MOUNT_ATTR_* bits; flags e.g. AT_EMPTY_PATH | AT_RECURSIVE.
    virtual Result<void> mount_setattr(borrowed_fd dir, const std::string &path, unsigned int flags,
                                       uint64_t attr_set, uint64_t attr_clr);
    // close_range(2); flags may be CLOSE_RANGE_CLOEXEC.
    virtual Result<void> close_range(unsigned int first, unsigned int last, int flags);
    // Every catchable signal back to SIG_DFL and an empty signal mask (before execve).
    virtual Result<void> reset_signals();
    // move_mount(2) by fds only: attaches the detached tree `from` (open_tree
    // OPEN_TREE_CLONE) on the directory `to` (an O_PATH fd).
    virtual Result<void> move_mount(borrowed_fd from, borrowed_fd to);
    // personality(2): the execution domain (PER_LINUX32 ...) the user process inherits.
    virtual Result<void> personality(unsigned long persona);
    // seccomp(SECCOMP_SET_MODE_FILTER, flags, program) on the calling thread. With
    // SECCOMP_FILTER_FLAG_NEW_LISTENER the notify fd comes back, else an empty fd.
    virtual Result<unique_fd> seccomp_set_filter(std::span<const sock_filter> program, unsigned int flags);
    // sched_setattr(pid, attr, 0); pid 0 is the calling thread.
    virtual Result<void> sched_setattr(pid_t pid, const SchedAttr &attr);
    // ioprio_set(which, who, ioprio): IOPRIO_WHO_PROCESS, 0 is the calling thread.
    virtual Result<void> ioprio_set(int which, int who, int ioprio);
    // sched_setaffinity(pid, mask of exactly `cpus`).
    virtual Result<void> sched_setaffinity(pid_t pid, const std::vector<unsigned> &cpus);
};

// The real kernel.
class LinuxKernel final : public Kernel {
public:
    Result<void> mount(const std::string &source, const std::string &target, const std::string &fstype,
                       unsigned long flags, const std::string &data) override;
    Result<void> umount2(const std::string &target, int flags) override;
    Result<void> pivot_root(const std::string &new_root, const std::string &put_old) override;
    Result<void> unshare(int flags) override;
    Result<void> setns(borrowed_fd fd, int nstype) override;
    Result<void> setresuid(uid_t r, uid_t e, uid_t s) override;
    Result<void> setresgid(gid_t r, gid_t e, gid_t s) override;
    Result<void> setgroups(const std::vector<gid_t> &groups) override;
    mode_t umask(mode_t mask) override;
    Result<void> setrlimit(int resource, uint64_t soft, uint64_t hard) override;
    Result<void> sethostname(const std::string &name) override;
    Result<void> setdomainname(const std::string &name) override;
    Result<unique_fd> openat(borrowed_fd dir, const std::string &path, int flags, mode_t mode) override;
    Result<void> mkdirat(borrowed_fd dir, const std::string &path, mode_t mode) override;
    Result<void> mknodat(borrowed_fd dir, const std::string &path, mode_t mode, dev_t dev) override;
    Result<void> symlinkat(const std::string &target, borrowed_fd dir, const std::string &link) override;
    Result<void> fchownat(borrowed_fd dir, const std::string &path, uid_t uid, gid_t gid, int flags) override;
    Result<void> write_file(const std::string &path, const std::string &content) override;
    Result<void> chdir(const std::string &path) override;
    Result<void> fchdir(borrowed_fd fd) override;
    Result<void> chroot(const std::string &path) override;
    Result<void> prctl(int option, unsigned long arg2) override;
    Result<void> execve(const std::string &path, const std::vector<std::string> &argv,
                        const std::vector<std::string> &envp) override;
    Result<void> mount_setattr(borrowed_fd dir, const std::string &path, unsigned int flags, uint64_t attr_set,
                               uint64_t attr_clr) override;
    Result<void> close_range(unsigned int first, unsigned int last, int flags) override;
    Result<void> reset_signals() override;
    Result<void> move_mount(borrowed_fd from, borrowed_fd to) override;
    Result<void> personality(unsigned long persona) override;
    Result<unique_fd> seccomp_set_filter(std::span<const sock_filter> program, unsigned int flags) override;
    Result<void> sched_setattr(pid_t pid, const SchedAttr &attr) override;
    Result<void> ioprio_set(int which, int who, int ioprio) override;
    Result<void> sched_setaffinity(pid_t pid, const std::vector<unsigned> &cpus) override;
};

}  // namespace ocrt
