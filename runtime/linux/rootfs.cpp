#include <ocrt/linux/rootfs.hpp>

#include <ocrt/base/fs.hpp>
#include <ocrt/base/text.hpp>
#include <ocrt/linux/devices.hpp>
#include <ocrt/linux/lsm.hpp>
#include <ocrt/linux/mount_options.hpp>
#include <ocrt/linux/mounts.hpp>

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/statvfs.h>

#include <cerrno>

namespace ocrt::os {

namespace {

using text::quoted;

// linux.rootfsPropagation as a recursive MS_* flag (0: unset).
Result<unsigned long> rootfs_propagation(const spec::Config &config) {
    const std::string value = config.linux_ ? config.linux_->rootfs_propagation : std::string();
    if (value.empty()) return 0UL;
    if (value == "private") return MS_PRIVATE | MS_REC;
    if (value == "shared") return MS_SHARED | MS_REC;
    if (value == "slave") return MS_SLAVE | MS_REC;
    if (value == "unbindable") return MS_UNBINDABLE | MS_REC;
    return Error(EINVAL, "unknown linux.rootfsPropagation " + quoted(value));
}

bool has_mount_at(const spec::Config &config, const std::string &dest) {
    for (const auto &mount : config.mounts)
        if (fs::clean_path(mount.destination) == dest) return true;
    return false;
}

Result<void> create_devices(const spec::Config &config, borrowed_fd root, Kernel &kernel) {
    for (const auto &node : default_devices()) OCRT_TRY(create_device(node, root, kernel));
    if (config.linux_) {
        for (const auto &device : config.linux_->devices) {
            auto node = OCRT_TRY(device_node(device));
            OCRT_TRY(create_device(node, root, kernel));
        }
    }
    return ok();
}

// Mode bits of nodes must be exactly what was asked for, so umask is 0 meanwhile.
Result<void> setup_dev(const spec::Config &config, borrowed_fd root, Kernel &kernel) {
    mode_t saved = kernel.umask(0);
    auto created = create_devices(config, root, kernel);
    kernel.umask(saved);
    if (!created) return created;
    return create_dev_symlinks(root, has_mount_at(config, "/dev/pts"), kernel);
}

}  // namespace

Result<void> prepare_rootfs(const spec::Config &config, const RootfsOptions &options, Kernel &kernel) {
    // Host mount events may reach us (slave), ours never reach the host. "/" is
    // never left shared: pivot_root refuses a shared parent, and "shared" in the
    // spec means a new peer group, which finish_rootfs makes after the pivot.
    const unsigned long wanted = OCRT_TRY(rootfs_propagation(config));
    const unsigned long host_side = (wanted == 0 || (wanted & MS_SLAVE)) ? MS_SLAVE : MS_PRIVATE;
    if (auto done = kernel.mount("", "/", "", host_side | MS_REC, ""); !done)
        return std::move(done).error().wrap("change the propagation of \"/\"");

    // pivot_root needs the new root to be a mount point.
    if (auto done = kernel.mount(options.rootfs, options.rootfs, "", MS_BIND | MS_REC, ""); !done)
        return std::move(done).error().wrap("bind the rootfs onto itself");
    auto root = OCRT_TRY(fs::open_path(options.rootfs, O_PATH | O_DIRECTORY));

    const std::string mount_label = config.linux_ ? config.linux_->mount_label : std::string();
    for (const auto &mount : config.mounts) {
        if (auto done = mount_entry(with_mount_label(mount, mount_label), root, options.bundle, kernel, options.cgroups); !done) {
            std::string what = "mount " + quoted(mount.source.empty() ? mount.type : mount.source) + " to " +
                               quoted(mount.destination);
            return std::move(done).error().wrap(what);
        }
    }
    if (needs_dev_setup(config)) {
        if (auto done = setup_dev(config, root, kernel); !done) return std::move(done).error().wrap("set up /dev");
    }
    return ok();
}

Result<void> enter_rootfs(const spec::Config &, const RootfsOptions &options, Kernel &kernel) {
    auto new_root = OCRT_TRY(fs::open_path(options.rootfs, O_RDONLY | O_DIRECTORY));
    OCRT_TRY(kernel.fchdir(new_root));
    if (options.no_pivot) {
        // For a rootfs on a ramfs/initramfs, where pivot_root is impossible.
        OCRT_TRY(kernel.mount(options.rootfs, "/", "", MS_MOVE, ""));
        OCRT_TRY(kernel.chroot("."));
        return kernel.chdir("/");
    }
    auto old_root = OCRT_TRY(fs::open_path("/", O_RDONLY | O_DIRECTORY));
    // pivot_root(".", ".") stacks the old root on top of the new one at "/"; no
    // put_old directory is needed inside the rootfs.
    OCRT_TRY(kernel.pivot_root(".", "."));
    OCRT_TRY(kernel.fchdir(old_root));
    // Make the old root a slave first so detaching it does not unmount anything on the host.
    if (auto done = kernel.mount("", ".", "", MS_SLAVE | MS_REC, ""); !done)
        return std::move(done).error().wrap("detach the old root");
    if (auto done = kernel.umount2(".", MNT_DETACH); !done) return std::move(done).error().wrap("detach the old root");
    return kernel.chdir("/");
}

Result<void> finish_rootfs(const spec::Config &config, Kernel &kernel) {
    const unsigned long wanted = OCRT_TRY(rootfs_propagation(config));
    if (wanted != 0) {
        if (auto done = kernel.mount("", "/", "", wanted, ""); !done)
            return std::move(done).error().wrap("apply linux.rootfsPropagation");
    }
    if (!config.root.readonly) return ok();
    // A remount replaces all per-mount flags: keep nosuid/nodev/... (a user namespace locks them).
    struct statvfs st {};
    if (::statvfs("/", &st) != 0) return errno_error("statvfs \"/\"");
    unsigned long flags = MS_BIND | MS_REMOUNT | MS_RDONLY | remount_flags_from_statvfs(st.f_flag);
    if (auto done = kernel.mount("", "/", "", flags, ""); !done)
        return std::move(done).error().wrap("make the root filesystem read-only");
    return ok();
}

}  // namespace ocrt::os
