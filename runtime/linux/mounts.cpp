#include <ocrt/linux/mounts.hpp>

#include <ocrt/base/fs.hpp>
#include <ocrt/base/text.hpp>
#include <ocrt/linux/mount_options.hpp>

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>

#include <array>
#include <cerrno>
#include <string_view>

namespace ocrt::os {

namespace {

// Files below /proc that tools like lxcfs legitimately bind over.
constexpr std::array<std::string_view, 10> kProcAllowlist = {
    "/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo", "/proc/stat",    "/proc/swaps",
    "/proc/uptime",  "/proc/loadavg",   "/proc/slabinfo", "/proc/net/dev", "/proc/sys/kernel/ns_last_pid",
};

using text::quoted;

std::string resolve_source(const std::string &source, const std::string &bundle) {
    if (source.empty() || source[0] == '/' || bundle.empty()) return source;
    return bundle + "/" + source;
}

bool host_is_cgroup2() {
    struct statfs st {};
    return ::statfs("/sys/fs/cgroup", &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC;
}

// proc and sysfs only go on a real directory: a symlink there could send the
// mount (and later writes to /proc) somewhere else (CVE-2019-19921).
Result<unique_fd> open_real_directory(borrowed_fd root, const std::string &dest, const std::string &type) {
    auto existing = fs::open_in_root(root, dest, O_PATH | O_NOFOLLOW);
    if (!existing) {
        if (existing.error().code() != ENOENT) return std::move(existing).error();
        return fs::mkdir_all_in_root(root, dest, 0755);
    }
    struct stat st {};
    if (::fstat(existing->get(), &st) != 0) return errno_error("stat " + quoted(dest));
    if (!S_ISDIR(st.st_mode))
        return Error(ENOTDIR, type + " must be mounted on an ordinary directory, and " + quoted(dest) + " is not one");
    return existing;
}

// The flags a user namespace locks on a mount: a remount must repeat them or get EPERM.
unsigned long locked_flags(borrowed_fd mounted, unsigned long requested, unsigned long cleared) {
    struct statvfs st {};
    if (::fstatvfs(mounted.get(), &st) != 0) return 0;
    unsigned long locked = 0;
    const std::array<std::pair<unsigned long, unsigned long>, 6> map = {{
        {ST_RDONLY, MS_RDONLY},
        {ST_NOSUID, MS_NOSUID},
        {ST_NODEV, MS_NODEV},
        {ST_NOEXEC, MS_NOEXEC},
        {ST_NOATIME, MS_NOATIME},
        {ST_NODIRATIME, MS_NODIRATIME},
    }};
    for (auto [st_flag, ms_flag] : map)
        if ((st.f_flag & st_flag) && !(cleared & ms_flag)) locked |= ms_flag;
    if ((st.f_flag & ST_RELATIME) && !(requested & (MS_NOATIME | MS_STRICTATIME))) locked |= MS_RELATIME;
    return locked;
}

Result<void> remount(borrowed_fd mounted, unsigned long flags, unsigned long cleared, Kernel &kernel) {
    auto done = kernel.mount("", fs::fd_path(mounted), "", flags, "");
    if (done || done.error().code() != EPERM) return done;
    unsigned long with_locked = flags | locked_flags(mounted, flags, cleared);
    if (with_locked == flags) return done;
    return kernel.mount("", fs::fd_path(mounted), "", with_locked, "");
}

// After the mount itself: a bind's flags need a remount, then propagation and
// recursive attributes. The destination is opened again so the fd is the new
// mount's root, not the directory underneath it.
Result<void> finish_mount(const MountSpec &options, bool bind, borrowed_fd root, const std::string &dest,
                          Kernel &kernel) {
    bool needs_remount = bind && (options.flags & ~(MS_BIND | MS_REC | MS_REMOUNT)) != 0;
    bool needs_attrs = options.attr_set != 0 || options.attr_clr != 0;
    if (!needs_remount && options.propagation.empty() && !needs_attrs) return ok();

    auto mounted = OCRT_TRY(fs::open_in_root(root, dest, O_PATH));
    if (needs_remount) {
        unsigned long flags = (options.flags & ~MS_REC) | MS_BIND | MS_REMOUNT;
        OCRT_TRY(remount(mounted, flags, options.clear_flags, kernel));
    }
    for (unsigned long propagation : options.propagation)
        OCRT_TRY(kernel.mount("", fs::fd_path(mounted), "", propagation, ""));
    if (needs_attrs)
        OCRT_TRY(kernel.mount_setattr(mounted, "", AT_EMPTY_PATH | AT_RECURSIVE, options.attr_set, options.attr_clr));
    return ok();
}

Result<void> bind_host_path(const std::string &source, const MountSpec &options, borrowed_fd root,
                            const std::string &dest, borrowed_fd target, Kernel &kernel) {
    OCRT_TRY(kernel.mount(source, fs::fd_path(target), "", MS_BIND | (options.flags & MS_REC), ""));
    return finish_mount(options, true, root, dest, kernel);
}

Result<void> mount_bind(const spec::Mount &mount, const MountSpec &options, const std::string &dest,
                        const std::string &bundle, borrowed_fd root, Kernel &kernel) {
    std::string source = resolve_source(mount.source, bundle);
    struct stat st {};
    if (::stat(source.c_str(), &st) != 0) return errno_error("stat bind source " + quoted(source));
    // The destination takes the source's kind: a directory, or an empty file to bind a file onto.
    auto target = S_ISDIR(st.st_mode) ? fs::mkdir_all_in_root(root, dest, 0755)
                                      : fs::create_file_in_root(root, dest, 0644);
    if (!target) return std::move(target).error();
    return bind_host_path(source, options, root, dest, *target, kernel);
}

// Without a view of the container's cgroups: "cgroup" means the host's kind of
// hierarchy. With cgroup v2 that is one cgroup2 mount; where the kernel refuses it
// (no cgroup namespace of our own) or on a v1 host, the host's /sys/fs/cgroup is bound.
Result<void> mount_host_cgroups(const spec::Mount &mount, MountSpec options, const std::string &dest,
                                borrowed_fd root, Kernel &kernel) {
    auto target = OCRT_TRY(fs::mkdir_all_in_root(root, dest, 0755));
    if (mount.type == "cgroup2" || host_is_cgroup2()) {
        auto mounted = kernel.mount("cgroup2", fs::fd_path(target), "cgroup2", options.flags, options.data);
        if (mounted) return finish_mount(options, false, root, dest, kernel);
        int code = mounted.error().code();
        if (code != EPERM && code != EBUSY) return mounted;
    }
    options.flags |= MS_BIND | MS_REC;
    // A bound hierarchy has one submount per controller: "ro" must reach all of
    // them or the host's cgroups become writable (CVE-2023-25809).
    if (options.flags & MS_RDONLY) options.attr_set |= MOUNT_ATTR_RDONLY;
    return bind_host_path("/sys/fs/cgroup", options, root, dest, target, kernel);
}

// One hierarchy at dest: in a cgroup namespace a fresh mount (its root is the
// container's cgroup); otherwise, or where the kernel refuses that (e.g. a v1
// hierarchy from a user namespace), a bind of the container's own directory.
Result<void> mount_hierarchy(const CgroupHierarchyView &view, bool own_namespace, const MountSpec &options,
                             borrowed_fd root, const std::string &dest, Kernel &kernel) {
    auto target = OCRT_TRY(fs::mkdir_all_in_root(root, dest, 0755));
    const unsigned long flags = options.flags & ~(MS_BIND | MS_REC);
    if (own_namespace) {
        auto mounted = kernel.mount(view.fs_type, fs::fd_path(target), view.fs_type, flags, view.data);
        if (mounted) return ok();
        int code = mounted.error().code();
        if ((code != EPERM && code != EBUSY) || view.own_dir.empty()) return mounted;
    }
    // No directory of its own in this hierarchy (a controller ocrt does not manage): left empty.
    if (view.own_dir.empty()) return ok();
    MountSpec bind;
    bind.flags = flags | MS_BIND;
    bind.clear_flags = options.clear_flags;
    OCRT_TRY(kernel.mount(view.own_dir, fs::fd_path(target), "", MS_BIND, ""));
    return finish_mount(bind, true, root, dest, kernel);
}

bool plain_name(const std::string &name) {
    return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos;
}

// The container's own cgroups, as runc shows them. v1/hybrid: a tmpfs at dest with
// one directory per host hierarchy (and the host's alias symlinks, cpu ->
// cpu,cpuacct); pure v2 (or a "cgroup2" mount): the unified hierarchy at dest itself.
Result<void> mount_own_cgroups(const spec::Mount &mount, MountSpec options, const std::string &dest,
                               borrowed_fd root, const CgroupView &view, Kernel &kernel) {
    if (view.pure_v2 || mount.type == "cgroup2") {
        for (const CgroupHierarchyView &hierarchy : view.hierarchies) {
            if (hierarchy.fs_type != "cgroup2") continue;
            OCRT_TRY(mount_hierarchy(hierarchy, view.own_namespace, options, root, dest, kernel));
            MountSpec rest = options;
            rest.flags = 0;  // already on the mount
            return finish_mount(rest, false, root, dest, kernel);
        }
        return Error(ENOENT, "the host has no cgroup2 hierarchy to mount at " + quoted(dest));
    }
    auto target = OCRT_TRY(fs::mkdir_all_in_root(root, dest, 0755));
    const unsigned long tmpfs_flags = options.flags & ~(MS_RDONLY | MS_BIND | MS_REC);
    OCRT_TRY(kernel.mount("tmpfs", fs::fd_path(target), "tmpfs", tmpfs_flags, "mode=755"));
    for (const CgroupHierarchyView &hierarchy : view.hierarchies) {
        if (!plain_name(hierarchy.name)) continue;
        OCRT_TRY(mount_hierarchy(hierarchy, view.own_namespace, options, root, dest + "/" + hierarchy.name, kernel));
    }
    auto top = OCRT_TRY(fs::open_in_root(root, dest, O_PATH | O_DIRECTORY));
    for (const auto &[link, points_to] : view.symlinks)
        if (plain_name(link) && plain_name(points_to)) OCRT_TRY(kernel.symlinkat(points_to, top, link));
    // Now the tmpfs itself takes ro and the other flags (the hierarchies have theirs).
    return finish_mount(options, true, root, dest, kernel);
}

Result<void> mount_cgroup(const spec::Mount &mount, MountSpec options, const std::string &dest, borrowed_fd root,
                          const CgroupView *view, Kernel &kernel) {
    if (!view || view->hierarchies.empty()) return mount_host_cgroups(mount, options, dest, root, kernel);
    return mount_own_cgroups(mount, options, dest, root, *view, kernel);
}

}  // namespace

Result<void> check_proc_destination(const std::string &dest, const std::string &type) {
    if (dest == "/proc") {
        if (type == "proc") return ok();
        return Error(EINVAL, "\"/proc\" can only be a proc mount, not " + quoted(type.empty() ? "none" : type));
    }
    if (dest.rfind("/proc/", 0) != 0) return ok();
    for (std::string_view allowed : kProcAllowlist)
        if (dest == allowed) return ok();
    return Error(EPERM, "mounting over " + quoted(dest) + " inside /proc is not allowed");
}

Result<void> mount_entry(const spec::Mount &mount, borrowed_fd root, const std::string &bundle, Kernel &kernel,
                         const CgroupView *cgroups) {
    MountSpec options = parse_mount_options(mount.options);
    const std::string dest = fs::clean_path(mount.destination);
    if (options.idmap || options.recursive_idmap || !mount.uid_mappings.empty() || !mount.gid_mappings.empty())
        return Error(ENOTSUP, "idmapped mounts are not supported");
    OCRT_TRY(check_proc_destination(dest, mount.type));

    if (options.is_bind || mount.type == "bind") {
        options.flags |= MS_BIND;
        return mount_bind(mount, options, dest, bundle, root, kernel);
    }
    if (mount.type == "cgroup" || mount.type == "cgroup2") return mount_cgroup(mount, options, dest, root, cgroups, kernel);

    const bool procfs_like = mount.type == "proc" || mount.type == "sysfs";
    auto target = procfs_like ? open_real_directory(root, dest, mount.type) : fs::mkdir_all_in_root(root, dest, 0755);
    if (!target) return std::move(target).error();
    std::string source = mount.source.empty() ? mount.type : mount.source;
    auto mounted = kernel.mount(source, fs::fd_path(*target), mount.type, options.flags, options.data);
    if (!mounted && mount.type == "sysfs" && mounted.error().code() == EPERM) {
        // A user namespace without its own network namespace may not mount sysfs: bind the host's.
        options.flags |= MS_BIND | MS_REC;
        return bind_host_path("/sys", options, root, dest, *target, kernel);
    }
    if (!mounted) return mounted;
    return finish_mount(options, false, root, dest, kernel);
}

}  // namespace ocrt::os
