#include <ocrt/base/procfs.hpp>
#include <ocrt/base/text.hpp>

#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

namespace ocrt::procfs {

namespace {

constexpr ino_t kProcRootInode = 1;  // PROC_ROOT_INO

using text::quoted;

std::string hex(unsigned long value) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%lx", value);
    return buf;
}

bool on_procfs(borrowed_fd fd, long &f_type) {
    struct statfs st {};
    if (::fstatfs(fd.get(), &st) != 0) return false;
    f_type = static_cast<long>(st.f_type);
    return st.f_type == PROC_SUPER_MAGIC;
}

// A detached procfs instance of our pid namespace: nothing in any mount tree
// (the container's included) can stand in for it.
Result<unique_fd> open_private_instance() {
    int context = ::fsopen("proc", FSOPEN_CLOEXEC);
    if (context < 0) return errno_error("fsopen \"proc\"");
    unique_fd owned_context(context);
    if (::fsconfig(context, FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) != 0) return errno_error("create procfs");
    int mounted = ::fsmount(context, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
    if (mounted < 0) return errno_error("fsmount procfs");
    return unique_fd(mounted);
}

Result<unique_fd> open_verified_proc_dir() {
    int fd = ::open("/proc", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return errno_error("open \"/proc\"");
    unique_fd root(fd);
    OCRT_TRY(verify_root(root, "/proc"));
    return root;
}

// openat2 without magic links or mount crossings, retried on the EAGAIN a racing rename causes.
Result<unique_fd> openat2_beneath(borrowed_fd root, const std::string &relative, int flags) {
    struct open_how how {};
    how.flags = static_cast<uint64_t>(flags | O_CLOEXEC | O_NOCTTY);
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV;
    for (int attempt = 0; attempt < 16; ++attempt) {
        long fd = ::syscall(SYS_openat2, root.get(), relative.c_str(), &how, sizeof how);
        if (fd >= 0) return unique_fd(static_cast<int>(fd));
        int err = errno;
        if (err != EAGAIN) return Error(err, "open " + quoted("/proc/" + relative));
    }
    return Error(EAGAIN, "open " + quoted("/proc/" + relative));
}

}  // namespace

namespace detail {
// Without openat2: one component at a time, never following a link and never
// leaving root's mount. Only the "self" and "thread-self" links procfs itself
// makes are expanded, to the pid they point at.
Result<unique_fd> open_beneath_by_walk(borrowed_fd root, const std::string &relative, int flags) {
    struct stat root_st {};
    if (::fstat(root.get(), &root_st) != 0) return errno_error("stat procfs root");
    std::string path = relative;
    if (path == "self" || path.rfind("self/", 0) == 0) path = std::to_string(::getpid()) + path.substr(4);
    if (path == "thread-self" || path.rfind("thread-self/", 0) == 0)
        path = std::to_string(::getpid()) + "/task/" + std::to_string(::gettid()) + path.substr(11);
    int current = ::dup(root.get());
    if (current < 0) return errno_error("dup procfs root");
    unique_fd dir(current);
    size_t start = 0;
    while (true) {
        size_t slash = path.find('/', start);
        std::string name = path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
        bool last = slash == std::string::npos;
        if (name.empty() || name == "." || name == "..")
            return Error(EINVAL, "open " + quoted("/proc/" + relative) + ": invalid component");
        int fd = ::openat(dir.get(), name.c_str(), (last ? flags : O_PATH | O_DIRECTORY) | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) return errno_error("open " + quoted("/proc/" + relative));
        unique_fd next(fd);
        struct stat st {};
        if (::fstat(next.get(), &st) != 0) return errno_error("stat " + quoted("/proc/" + relative));
        if (st.st_dev != root_st.st_dev)
            return Error(EXDEV, "open " + quoted("/proc/" + relative) + ": crosses a mount");
        if (last) return next;
        dir = std::move(next);
        start = slash + 1;
    }
}
}  // namespace detail

Result<void> verify_root(borrowed_fd fd, const std::string &what) {
    long f_type = 0;
    if (!on_procfs(fd, f_type))
        return Error(quoted(what) + " is not a procfs (filesystem type " +
                     hex(static_cast<unsigned long>(f_type)) + ")");
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return errno_error("stat " + quoted(what));
    if (!S_ISDIR(st.st_mode) || st.st_ino != kProcRootInode)
        return Error(quoted(what) + " is not the root of a procfs (inode " + std::to_string(st.st_ino) + ")");
    return ok();
}

Result<unique_fd> open_root() {
    auto instance = open_private_instance();
    if (instance) {
        OCRT_TRY(verify_root(*instance, "private procfs"));
        return instance;
    }
    // ENOSYS: an old kernel; EPERM: a user namespace that does not own our pid
    // namespace, or one where proc is not fully visible yet.
    auto fallback = open_verified_proc_dir();
    if (fallback) return fallback;
    return std::move(fallback).error().wrap("no trustworthy procfs (a private instance failed: " +
                                            instance.error().render() + ")");
}

Result<unique_fd> open_beneath(borrowed_fd root, const std::string &relative, int flags) {
    auto file = openat2_beneath(root, relative, flags);
    if (!file && file.error().code() == ENOSYS) file = detail::open_beneath_by_walk(root, relative, flags);
    if (!file) return file;
    long f_type = 0;
    if (!on_procfs(*file, f_type))
        return Error(quoted("/proc/" + relative) + " is not on procfs (filesystem type " +
                     hex(static_cast<unsigned long>(f_type)) + ")");
    return file;
}

std::optional<std::string> relative_to_proc(const std::string &path) {
    constexpr std::string_view prefix = "/proc/";
    if (path.size() <= prefix.size() || path.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
    std::string rest = path.substr(prefix.size());
    while (!rest.empty() && rest.front() == '/') rest.erase(0, 1);
    if (rest.empty()) return std::nullopt;
    return rest;
}

Result<void> write(const std::string &path, const std::string &content) {
    auto relative = relative_to_proc(path);
    if (!relative) return Error(EINVAL, quoted(path) + " is not below \"/proc\"");
    auto root = OCRT_TRY(open_root());
    auto file = OCRT_TRY(open_beneath(root, *relative, O_WRONLY));
    ssize_t n = ::write(file.get(), content.data(), content.size());
    if (n < 0) return errno_error("write " + quoted(path));
    if (static_cast<size_t>(n) != content.size()) return Error(EIO, "short write to " + quoted(path));
    return ok();
}

}  // namespace ocrt::procfs
