#include <ocrt/linux/devices.hpp>

#include <ocrt/base/fs.hpp>
#include <ocrt/base/text.hpp>
#include <ocrt/linux/mount_options.hpp>

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <array>
#include <cerrno>
#include <utility>

namespace ocrt::os {

namespace {

using text::quoted;

// "/dev/pts/0" -> {"/dev/pts", "0"}.
std::pair<std::string, std::string> split_parent(const std::string &path) {
    std::string clean = fs::clean_path(path);
    size_t slash = clean.rfind('/');
    return {slash == 0 ? "/" : clean.substr(0, slash), clean.substr(slash + 1)};
}

std::string describe_type(mode_t type);

// Without CAP_MKNOD (a user namespace) the host's node is bound onto an empty
// file; it must be the device asked for, not whatever the host has at that path.
Result<void> bind_host_device(const DeviceNode &node, borrowed_fd root, Kernel &kernel) {
    struct stat host {};
    if (::stat(node.path.c_str(), &host) != 0)
        return errno_error("device " + quoted(node.path) + ": no mknod here (user namespace), and the host node to bind");
    if ((host.st_mode & S_IFMT) != node.type || major(host.st_rdev) != node.major || minor(host.st_rdev) != node.minor)
        return Error("device " + quoted(node.path) + ": no mknod here (user namespace), and the host's node is not the " +
                     describe_type(node.type) + " " + std::to_string(node.major) + ":" + std::to_string(node.minor));
    auto file = OCRT_TRY(fs::create_file_in_root(root, node.path, 0644));
    return kernel.mount(node.path, fs::fd_path(file), "", MS_BIND, "");
}

std::string describe_type(mode_t type) {
    if (type == S_IFCHR) return "character device";
    if (type == S_IFBLK) return "block device";
    if (type == S_IFIFO) return "fifo";
    if (type == S_IFDIR) return "directory";
    if (type == S_IFLNK) return "symlink";
    if (type == S_IFREG) return "regular file";
    return "special file";
}

// config-linux.md: a file already at the path that is not the requested device is an error.
Result<void> check_existing_device(const DeviceNode &node, borrowed_fd parent, const std::string &name) {
    struct stat st {};
    if (::fstatat(parent.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
        return errno_error("stat existing device " + quoted(node.path));
    mode_t type = st.st_mode & S_IFMT;
    bool same = type == node.type &&
                (node.type == S_IFIFO || (major(st.st_rdev) == node.major && minor(st.st_rdev) == node.minor));
    if (same) return ok();
    std::string found = describe_type(type);
    if (type == S_IFCHR || type == S_IFBLK)
        found += " " + std::to_string(major(st.st_rdev)) + ":" + std::to_string(minor(st.st_rdev));
    std::string wanted = describe_type(node.type);
    if (node.type != S_IFIFO) wanted += " " + std::to_string(node.major) + ":" + std::to_string(node.minor);
    return Error(EEXIST, "device " + quoted(node.path) + ": a " + found + " is already there, not the requested " +
                             wanted);
}

}  // namespace

const std::vector<DeviceNode> &default_devices() {
    static const std::vector<DeviceNode> devices = {
        {"/dev/null", S_IFCHR, 1, 3},    {"/dev/zero", S_IFCHR, 1, 5},    {"/dev/full", S_IFCHR, 1, 7},
        {"/dev/random", S_IFCHR, 1, 8},  {"/dev/urandom", S_IFCHR, 1, 9}, {"/dev/tty", S_IFCHR, 5, 0},
    };
    return devices;
}

Result<DeviceNode> device_node(const spec::Device &device) {
    DeviceNode node;
    node.path = device.path;
    if (device.type == "c" || device.type == "u") {
        node.type = S_IFCHR;
    } else if (device.type == "b") {
        node.type = S_IFBLK;
    } else if (device.type == "p") {
        node.type = S_IFIFO;
    } else {
        return Error(EINVAL, "device " + quoted(device.path) + ": unknown type " + quoted(device.type));
    }
    if (node.type != S_IFIFO) {
        if (!device.major || !device.minor)
            return Error(EINVAL, "device " + quoted(device.path) + ": major and minor are required");
        node.major = static_cast<unsigned int>(*device.major);
        node.minor = static_cast<unsigned int>(*device.minor);
    }
    node.mode = device.file_mode ? static_cast<mode_t>(*device.file_mode & 07777) : 0666;
    node.uid = device.uid.value_or(0);
    node.gid = device.gid.value_or(0);
    return node;
}

bool needs_dev_setup(const spec::Config &config) {
    for (const auto &mount : config.mounts) {
        if (fs::clean_path(mount.destination) != "/dev") continue;
        if (mount.type == "bind" || parse_mount_options(mount.options).is_bind) return false;
    }
    return true;
}

Result<void> create_device(const DeviceNode &node, borrowed_fd root, Kernel &kernel) {
    auto [parent_path, name] = split_parent(node.path);
    if (name.empty()) return Error(EINVAL, "device path " + quoted(node.path) + " names no file");
    auto parent = OCRT_TRY(fs::mkdir_all_in_root(root, parent_path, 0755));
    auto made = kernel.mknodat(parent, name, node.type | node.mode, makedev(node.major, node.minor));
    if (!made) {
        int code = made.error().code();
        if (code == EEXIST) return check_existing_device(node, parent, name);  // the image's, or an earlier entry's
        if (code == EPERM && node.type != S_IFIFO) return bind_host_device(node, root, kernel);
        return std::move(made).error().wrap("create device " + quoted(node.path));
    }
    if (node.uid != 0 || node.gid != 0) {
        if (auto owned = kernel.fchownat(parent, name, node.uid, node.gid, AT_SYMLINK_NOFOLLOW); !owned)
            return std::move(owned).error().wrap("create device " + quoted(node.path));
    }
    return ok();
}

Result<void> create_dev_symlinks(borrowed_fd root, bool with_ptmx, Kernel &kernel) {
    const std::array<std::pair<const char *, const char *>, 5> links = {{
        {"fd", "/proc/self/fd"},
        {"stdin", "/proc/self/fd/0"},
        {"stdout", "/proc/self/fd/1"},
        {"stderr", "/proc/self/fd/2"},
        {"ptmx", "pts/ptmx"},
    }};
    auto dev = OCRT_TRY(fs::mkdir_all_in_root(root, "/dev", 0755));
    for (auto [name, target] : links) {
        if (std::string_view(name) == "ptmx" && !with_ptmx) continue;
        auto made = kernel.symlinkat(target, dev, name);
        if (!made && made.error().code() != EEXIST) return made;
    }
    return ok();
}

}  // namespace ocrt::os
