#include "fake_kernel.hpp"

#include <linux/seccomp.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <string>

namespace ocrt::testing {

namespace {

constexpr const char *kFdPrefix = "/proc/self/fd/";

// "/proc/self/fd/7" -> what fd 7 refers to; other paths unchanged.
std::string resolve_fd_path(const std::string &path) {
    if (path.rfind(kFdPrefix, 0) != 0) return path;
    return FakeKernel::fd_target(std::atoi(path.c_str() + std::char_traits<char>::length(kFdPrefix)));
}

}  // namespace

std::string FakeKernel::fd_target(int fd) {
    char buf[PATH_MAX];
    ssize_t n = ::readlink((kFdPrefix + std::to_string(fd)).c_str(), buf, sizeof buf - 1);
    if (n <= 0) return "fd " + std::to_string(fd);
    return std::string(buf, static_cast<size_t>(n));
}

void FakeKernel::fail_next(Op op, int err, int n) { failures_[static_cast<size_t>(op)] = {err, n}; }

Result<void> FakeKernel::record(Op op, Call call) {
    calls_.push_back(std::move(call));
    FailSlot &slot = failures_[static_cast<size_t>(op)];
    if (slot.remaining <= 0) return ok();
    --slot.remaining;
    return Error(slot.err, "fake failure");
}

Result<void> FakeKernel::mount(const std::string &source, const std::string &target, const std::string &fstype,
                               unsigned long flags, const std::string &data) {
    return record(Op::Mount, MountCall{source, resolve_fd_path(target), fstype, flags, data});
}

Result<void> FakeKernel::umount2(const std::string &target, int flags) {
    return record(Op::Umount2, Umount2Call{target, flags});
}

Result<void> FakeKernel::pivot_root(const std::string &new_root, const std::string &put_old) {
    return record(Op::PivotRoot, PivotRootCall{new_root, put_old});
}

Result<void> FakeKernel::unshare(int flags) { return record(Op::Unshare, UnshareCall{flags}); }

Result<void> FakeKernel::setns(borrowed_fd fd, int nstype) {
    return record(Op::Setns, SetnsCall{fd_target(fd.get()), nstype});
}

Result<void> FakeKernel::setresuid(uid_t r, uid_t e, uid_t s) {
    return record(Op::Setresuid, SetresuidCall{r, e, s});
}

Result<void> FakeKernel::setresgid(gid_t r, gid_t e, gid_t s) {
    return record(Op::Setresgid, SetresgidCall{r, e, s});
}

Result<void> FakeKernel::setgroups(const std::vector<gid_t> &groups) {
    return record(Op::Setgroups, SetgroupsCall{groups});
}

mode_t FakeKernel::umask(mode_t mask) {
    (void)record(Op::Umask, UmaskCall{mask});
    mode_t previous = umask_;
    umask_ = mask;
    return previous;
}

Result<void> FakeKernel::setrlimit(int resource, uint64_t soft, uint64_t hard) {
    return record(Op::Setrlimit, SetrlimitCall{resource, soft, hard});
}

Result<void> FakeKernel::sethostname(const std::string &name) {
    return record(Op::Sethostname, SethostnameCall{name});
}

Result<void> FakeKernel::setdomainname(const std::string &name) {
    return record(Op::Setdomainname, SetdomainnameCall{name});
}

Result<unique_fd> FakeKernel::openat(borrowed_fd, const std::string &path, int flags, mode_t mode) {
    if (auto failed = record(Op::Openat, OpenatCall{path, flags, mode}); !failed) return std::move(failed).error();
    int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno_error("open \"/dev/null\"");
    return unique_fd(fd);
}

Result<void> FakeKernel::mkdirat(borrowed_fd, const std::string &path, mode_t mode) {
    return record(Op::Mkdirat, MkdiratCall{path, mode});
}

Result<void> FakeKernel::mknodat(borrowed_fd dir, const std::string &path, mode_t mode, dev_t dev) {
    return record(Op::Mknodat, MknodatCall{fd_target(dir.get()), path, mode, dev});
}

Result<void> FakeKernel::symlinkat(const std::string &target, borrowed_fd dir, const std::string &link) {
    return record(Op::Symlinkat, SymlinkatCall{target, fd_target(dir.get()), link});
}

Result<void> FakeKernel::fchownat(borrowed_fd dir, const std::string &path, uid_t uid, gid_t gid, int flags) {
    return record(Op::Fchownat, FchownatCall{fd_target(dir.get()), path, uid, gid, flags});
}

Result<void> FakeKernel::write_file(const std::string &path, const std::string &content) {
    return record(Op::WriteFile, WriteFileCall{path, content});
}

Result<void> FakeKernel::chdir(const std::string &path) { return record(Op::Chdir, ChdirCall{path}); }

Result<void> FakeKernel::fchdir(borrowed_fd fd) { return record(Op::Fchdir, FchdirCall{fd_target(fd.get())}); }

Result<void> FakeKernel::chroot(const std::string &path) { return record(Op::Chroot, ChrootCall{path}); }

Result<void> FakeKernel::prctl(int option, unsigned long arg2) {
    return record(Op::Prctl, PrctlCall{option, arg2});
}

Result<void> FakeKernel::execve(const std::string &path, const std::vector<std::string> &argv,
                                const std::vector<std::string> &envp) {
    // A real execve never returns on success; the fake returns ok so tests can look at the calls.
    return record(Op::Execve, ExecveCall{path, argv, envp});
}

Result<void> FakeKernel::mount_setattr(borrowed_fd dir, const std::string &path, unsigned int flags,
                                       uint64_t attr_set, uint64_t attr_clr) {
    std::string where = path.empty() ? fd_target(dir.get()) : path;
    return record(Op::MountSetattr, MountSetattrCall{where, flags, attr_set, attr_clr});
}

Result<void> FakeKernel::close_range(unsigned int first, unsigned int last, int flags) {
    return record(Op::CloseRange, CloseRangeCall{first, last, flags});
}

Result<void> FakeKernel::reset_signals() { return record(Op::ResetSignals, ResetSignalsCall{}); }

Result<unique_fd> FakeKernel::seccomp_set_filter(std::span<const sock_filter> program, unsigned int flags) {
    if (auto failed = record(Op::Seccomp, SeccompCall{program.size(), flags}); !failed)
        return std::move(failed).error();
    if ((flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) == 0) return unique_fd();
    int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno_error("open \"/dev/null\"");
    return unique_fd(fd);
}

Result<void> FakeKernel::sched_setattr(pid_t pid, const SchedAttr &attr) {
    return record(Op::SchedSetattr, SchedSetattrCall{pid, attr});
}

Result<void> FakeKernel::ioprio_set(int which, int who, int ioprio) {
    return record(Op::IoprioSet, IoprioSetCall{which, who, ioprio});
}

Result<void> FakeKernel::sched_setaffinity(pid_t pid, const std::vector<unsigned> &cpus) {
    return record(Op::SchedSetaffinity, SchedSetaffinityCall{pid, cpus});
}

Result<void> FakeKernel::personality(unsigned long persona) {
    return record(Op::Personality, PersonalityCall{persona});
}

}  // namespace ocrt::testing
