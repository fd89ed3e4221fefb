#include <ocrt/linux/masked_paths.hpp>

#include <ocrt/base/fs.hpp>
#include <ocrt/linux/mount_options.hpp>

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>

#include <cerrno>

namespace ocrt::os {

namespace {

// A path to mask or protect, held by an O_PATH fd so the mount hits exactly this inode.
struct Target {
    unique_fd fd;
    struct stat st {};
};

// Opens path inside root without following its last component. An empty fd
// means it does not exist; a symlink there is refused: following it would mask
// or protect something other than what the config names.
Result<Target> open_target(borrowed_fd root, const std::string &path) {
    auto fd = fs::open_in_root(root, path, O_PATH | O_NOFOLLOW);
    if (!fd && fd.error().code() == ENOENT) return Target{};
    if (!fd) return std::move(fd).error().wrap("open");
    Target target{std::move(*fd)};
    if (::fstat(target.fd.get(), &target.st) != 0) return errno_error("stat");
    if (S_ISLNK(target.st.st_mode)) return Error(ELOOP, "it is a symlink: refusing to follow it");
    return target;
}

// The container's /dev/null, refused unless it really is the null device: a
// symlink or a planted file there must never be bound over a masked path.
Result<unique_fd> open_dev_null(borrowed_fd root) {
    auto fd = fs::open_in_root(root, "/dev/null", O_PATH | O_NOFOLLOW);
    if (!fd) return std::move(fd).error().wrap("open \"/dev/null\" to mask paths");
    struct stat st {};
    if (::fstat(fd->get(), &st) != 0) return errno_error("stat \"/dev/null\"");
    if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != 1 || minor(st.st_rdev) != 3)
        return Error(EPERM, "\"/dev/null\" in the container is not the null device (char 1:3)");
    return fd;
}

// The per-mount flags statvfs reports that a bind remount must repeat: in a user
// namespace the kernel refuses to clear the ones the parent mount locked.
Result<unsigned long> kept_mount_flags(borrowed_fd fd) {
    struct statvfs sv {};
    if (::fstatvfs(fd.get(), &sv) != 0) return errno_error("statvfs");
    return remount_flags_from_statvfs(sv.f_flag);
}

Result<void> mask_one(borrowed_fd root, const std::string &path, unique_fd &dev_null, Kernel &kernel) {
    Target target = OCRT_TRY(open_target(root, path));
    if (!target.fd) return ok();
    if (S_ISDIR(target.st.st_mode))
        return kernel.mount("tmpfs", fs::fd_path(target.fd), "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                            "mode=0755");
    // Opened once, on first need: a config that masks only directories needs no /dev/null.
    if (!dev_null) dev_null = OCRT_TRY(open_dev_null(root));
    return kernel.mount(fs::fd_path(dev_null), fs::fd_path(target.fd), "", MS_BIND, "");
}

Result<void> make_one_readonly(borrowed_fd root, const std::string &path, Kernel &kernel) {
    Target target = OCRT_TRY(open_target(root, path));
    if (!target.fd) return ok();
    OCRT_TRY(kernel.mount(fs::fd_path(target.fd), fs::fd_path(target.fd), "", MS_BIND | MS_REC, ""));
    // Reopen: the remount must hit the new bind mount, not the one below it.
    Target top = OCRT_TRY(open_target(root, path));
    if (!top.fd) return Error(ENOENT, "it vanished after the bind mount");
    unsigned long kept = OCRT_TRY(kept_mount_flags(top.fd));
    return kernel.mount("", fs::fd_path(top.fd), "", MS_BIND | MS_REMOUNT | MS_RDONLY | kept, "");
}

Result<unique_fd> open_own_root() {
    return fs::open_path("/", O_PATH | O_DIRECTORY);
}

}  // namespace

Result<void> mask_paths(borrowed_fd root, const std::vector<std::string> &paths, Kernel &kernel) {
    unique_fd dev_null;
    for (const auto &path : paths) {
        auto masked = mask_one(root, path, dev_null, kernel);
        if (!masked) return std::move(masked).error().wrap("mask \"" + path + "\"");
    }
    return ok();
}

Result<void> make_paths_readonly(borrowed_fd root, const std::vector<std::string> &paths, Kernel &kernel) {
    for (const auto &path : paths) {
        auto made = make_one_readonly(root, path, kernel);
        if (!made) return std::move(made).error().wrap("make \"" + path + "\" read-only");
    }
    return ok();
}

Result<void> mask_paths(const std::vector<std::string> &paths, Kernel &kernel) {
    if (paths.empty()) return ok();
    unique_fd root = OCRT_TRY(open_own_root());
    return mask_paths(root, paths, kernel);
}

Result<void> make_paths_readonly(const std::vector<std::string> &paths, Kernel &kernel) {
    if (paths.empty()) return ok();
    unique_fd root = OCRT_TRY(open_own_root());
    return make_paths_readonly(root, paths, kernel);
}

}  // namespace ocrt::os
