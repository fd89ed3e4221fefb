#include <ocrt/linux/masked_paths.hpp>

#include <ocrt/base/fs.hpp>

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>

#include <cerrno>

namespace ocrt::os {

namespace {

// O_PATH handle on a path inside "/", or an empty fd when it does not exist.
Result<unique_fd> open_target(borrowed_fd root, const std::string &path) {
    auto fd = fs::open_in_root(root, path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (!fd && fd.error().code() == ENOENT) return unique_fd();
    if (!fd) return std::move(fd).error().wrap("open \"" + path + "\"");
    return fd;
}

// The container's /dev/null, refused unless it really is the null device: a
// symlink or a planted file there must never be bound over a masked path.
Result<unique_fd> open_dev_null(borrowed_fd root) {
    auto fd = fs::open_in_root(root, "/dev/null", O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (!fd) return std::move(fd).error().wrap("open /dev/null to mask paths");
    struct stat st {};
    if (::fstat(fd->get(), &st) != 0) return errno_error("stat /dev/null");
    if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != 1 || minor(st.st_rdev) != 3)
        return Error(EPERM, "/dev/null in the container is not the null device (char 1:3)");
    return fd;
}

// The per-mount flags statvfs reports, as MS_* flags for a bind remount.
unsigned long kept_mount_flags(borrowed_fd fd) {
    struct statvfs sv {};
    if (::fstatvfs(fd.get(), &sv) != 0) return 0;
    unsigned long flags = 0;
    if (sv.f_flag & ST_NOSUID) flags |= MS_NOSUID;
    if (sv.f_flag & ST_NODEV) flags |= MS_NODEV;
    if (sv.f_flag & ST_NOEXEC) flags |= MS_NOEXEC;
    return flags;
}

}  // namespace

Result<void> mask_paths(const std::vector<std::string> &paths, Kernel &kernel) {
    if (paths.empty()) return ok();
    unique_fd root = OCRT_TRY(kernel.openat(AT_FDCWD, "/", O_PATH | O_DIRECTORY | O_CLOEXEC, 0));
    unique_fd dev_null;
    for (const auto &path : paths) {
        unique_fd target = OCRT_TRY(open_target(root, path));
        if (!target) continue;
        struct stat st {};
        if (::fstat(target.get(), &st) != 0) return errno_error("stat \"" + path + "\"");
        Result<void> masked = ok();
        if (S_ISDIR(st.st_mode)) {
            masked = kernel.mount("tmpfs", fs::fd_path(target), "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                                  "mode=0755");
        } else {
            if (!dev_null) dev_null = OCRT_TRY(open_dev_null(root));
            masked = kernel.mount(fs::fd_path(dev_null), fs::fd_path(target), "", MS_BIND, "");
        }
        if (!masked) return std::move(masked).error().wrap("mask \"" + path + "\"");
    }
    return ok();
}

Result<void> make_paths_readonly(const std::vector<std::string> &paths, Kernel &kernel) {
    if (paths.empty()) return ok();
    unique_fd root = OCRT_TRY(kernel.openat(AT_FDCWD, "/", O_PATH | O_DIRECTORY | O_CLOEXEC, 0));
    for (const auto &path : paths) {
        unique_fd target = OCRT_TRY(open_target(root, path));
        if (!target) continue;
        auto bound = kernel.mount(fs::fd_path(target), fs::fd_path(target), "", MS_BIND | MS_REC, "");
        if (!bound) return std::move(bound).error().wrap("make \"" + path + "\" read-only");
        // Reopen: the remount must hit the new bind mount, not the one below it.
        unique_fd top = OCRT_TRY(open_target(root, path));
        if (!top) return Error(ENOENT, "make \"" + path + "\" read-only: it vanished after the bind mount");
        unsigned long flags = MS_BIND | MS_REMOUNT | MS_RDONLY | kept_mount_flags(top);
        auto remounted = kernel.mount("", fs::fd_path(top), "", flags, "");
        if (!remounted) return std::move(remounted).error().wrap("make \"" + path + "\" read-only");
    }
    return ok();
}

}  // namespace ocrt::os
