// FakeKernel: a Kernel that records every call and fails on demand (test-only).
// Unprogrammed calls succeed and change nothing, except openat, which returns a
// real fd on /dev/null so callers can hold and close it.
//
// Mount targets of the form /proc/self/fd/N are recorded as the path that fd
// refers to (readlink at call time), so tests compare real paths.
//
//   FakeKernel kernel;
//   kernel.fail_next(FakeKernel::Op::Setrlimit, EPERM);
//   auto result = apply_rlimits(limits, kernel);
//   CHECK(kernel.calls_of<FakeKernel::SetrlimitCall>().size() == 1);
#pragma once

#include <ocrt/base/kernel.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace ocrt::testing {

class FakeKernel final : public Kernel {
public:
    enum class Op {
        Mount, Umount2, PivotRoot, Unshare, Setns, Setresuid, Setresgid, Setgroups, Umask, Setrlimit,
        Sethostname, Setdomainname, Openat, Mkdirat, Mknodat, Symlinkat, Fchownat, WriteFile, Chdir, Fchdir,
        Chroot, Prctl, Execve, MountSetattr, CloseRange, ResetSignals,
        Personality,
        Seccomp,
        SchedSetattr, IoprioSet, SchedSetaffinity,
        Count
    };

    struct MountCall {
        std::string source, target, fstype;
        unsigned long flags = 0;
        std::string data;
        bool operator==(const MountCall &) const = default;
    };
    struct Umount2Call {
        std::string target;
        int flags = 0;
        bool operator==(const Umount2Call &) const = default;
    };
    struct PivotRootCall {
        std::string new_root, put_old;
        bool operator==(const PivotRootCall &) const = default;
    };
    struct UnshareCall {
        int flags = 0;
        bool operator==(const UnshareCall &) const = default;
    };
    struct SetnsCall {
        std::string path;  // what the fd refers to (readlink of /proc/self/fd/N)
        int nstype = 0;
        bool operator==(const SetnsCall &) const = default;
    };
    struct SetresuidCall {
        uid_t r = 0, e = 0, s = 0;
        bool operator==(const SetresuidCall &) const = default;
    };
    struct SetresgidCall {
        gid_t r = 0, e = 0, s = 0;
        bool operator==(const SetresgidCall &) const = default;
    };
    struct SetgroupsCall {
        std::vector<gid_t> groups;
        bool operator==(const SetgroupsCall &) const = default;
    };
    struct UmaskCall {
        mode_t mask = 0;
        bool operator==(const UmaskCall &) const = default;
    };
    struct SetrlimitCall {
        int resource = 0;
        uint64_t soft = 0, hard = 0;
        bool operator==(const SetrlimitCall &) const = default;
    };
    struct SethostnameCall {
        std::string name;
        bool operator==(const SethostnameCall &) const = default;
    };
    struct SetdomainnameCall {
        std::string name;
        bool operator==(const SetdomainnameCall &) const = default;
    };
    struct OpenatCall {
        std::string path;
        int flags = 0;
        mode_t mode = 0;
        bool operator==(const OpenatCall &) const = default;
    };
    struct MkdiratCall {
        std::string path;
        mode_t mode = 0;
        bool operator==(const MkdiratCall &) const = default;
    };
    struct MknodatCall {
        std::string dir;  // what the dir fd refers to
        std::string path;
        mode_t mode = 0;
        dev_t dev = 0;
        bool operator==(const MknodatCall &) const = default;
    };
    struct SymlinkatCall {
        std::string target;
        std::string dir;
        std::string link;
        bool operator==(const SymlinkatCall &) const = default;
    };
    struct FchownatCall {
        std::string dir;
        std::string path;
        uid_t uid = 0;
        gid_t gid = 0;
        int flags = 0;
        bool operator==(const FchownatCall &) const = default;
    };
    struct WriteFileCall {
        std::string path, content;
        bool operator==(const WriteFileCall &) const = default;
    };
    struct ChdirCall {
        std::string path;
        bool operator==(const ChdirCall &) const = default;
    };
    struct FchdirCall {
        std::string path;  // what the fd refers to
        bool operator==(const FchdirCall &) const = default;
    };
    struct ChrootCall {
        std::string path;
        bool operator==(const ChrootCall &) const = default;
    };
    struct PrctlCall {
        int option = 0;
        unsigned long arg2 = 0;
        bool operator==(const PrctlCall &) const = default;
    };
    struct ExecveCall {
        std::string path;
        std::vector<std::string> argv, envp;
        bool operator==(const ExecveCall &) const = default;
    };
    struct MountSetattrCall {
        std::string path;  // what dir refers to when path is empty (AT_EMPTY_PATH), else path
        unsigned int flags = 0;
        uint64_t attr_set = 0, attr_clr = 0;
        bool operator==(const MountSetattrCall &) const = default;
    };
    struct CloseRangeCall {
        unsigned int first = 0, last = 0;
        int flags = 0;
        bool operator==(const CloseRangeCall &) const = default;
    };
    struct ResetSignalsCall {
        bool operator==(const ResetSignalsCall &) const = default;
    };
    struct PersonalityCall {
        unsigned long persona = 0;
        bool operator==(const PersonalityCall &) const = default;
    };
    struct SeccompCall {
        size_t instructions = 0;
        unsigned int flags = 0;
        bool operator==(const SeccompCall &) const = default;
    };

    struct SchedSetattrCall {
        pid_t pid = 0;
        SchedAttr attr;
        bool operator==(const SchedSetattrCall &) const = default;
    };
    struct IoprioSetCall {
        int which = 0, who = 0, ioprio = 0;
        bool operator==(const IoprioSetCall &) const = default;
    };
    struct SchedSetaffinityCall {
        pid_t pid = 0;
        std::vector<unsigned> cpus;
        bool operator==(const SchedSetaffinityCall &) const = default;
    };

    using Call = std::variant<MountCall, Umount2Call, PivotRootCall, UnshareCall, SetnsCall, SetresuidCall,
                              SetresgidCall, SetgroupsCall, UmaskCall, SetrlimitCall, SethostnameCall,
                              SetdomainnameCall, OpenatCall, MkdiratCall, MknodatCall, SymlinkatCall, FchownatCall,
                              WriteFileCall, ChdirCall, FchdirCall, ChrootCall, PrctlCall, ExecveCall,
                              MountSetattrCall, CloseRangeCall, ResetSignalsCall,
                              PersonalityCall, SeccompCall, SchedSetattrCall, IoprioSetCall,
                              SchedSetaffinityCall>;

    // The next n calls of op fail with err (after being recorded).
    void fail_next(Op op, int err, int n = 1);

    const std::vector<Call> &calls() const { return calls_; }
    void clear() { calls_.clear(); }

    template <typename T>
    std::vector<T> calls_of() const {
        std::vector<T> out;
        for (const auto &call : calls_)
            if (const T *typed = std::get_if<T>(&call)) out.push_back(*typed);
        return out;
    }

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
    Result<void> personality(unsigned long persona) override;
    // With SECCOMP_FILTER_FLAG_NEW_LISTENER the "listener" is an fd of /dev/null.
    Result<unique_fd> seccomp_set_filter(std::span<const sock_filter> program, unsigned int flags) override;
    Result<void> sched_setattr(pid_t pid, const SchedAttr &attr) override;
    Result<void> ioprio_set(int which, int who, int ioprio) override;
    Result<void> sched_setaffinity(pid_t pid, const std::vector<unsigned> &cpus) override;

    // readlink of /proc/self/fd/N for fd, or "fd N" when that fails.
    static std::string fd_target(int fd);

private:
    struct FailSlot {
        int err = 0;
        int remaining = 0;
    };

    // Records the call; returns the programmed failure for op, if any.
    Result<void> record(Op op, Call call);

    std::vector<Call> calls_;
    std::array<FailSlot, static_cast<size_t>(Op::Count)> failures_{};
    mode_t umask_ = 022;
};

}  // namespace ocrt::testing
