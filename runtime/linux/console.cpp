#include <ocrt/linux/console.hpp>

#include <ocrt/base/fs.hpp>
#include <ocrt/base/terminal.hpp>

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>

namespace ocrt::os {
namespace {

constexpr unsigned int kPtmxMajor = 5;
constexpr unsigned int kPtmxMinor = 2;
// UNIX98_PTY_SLAVE_MAJOR and the majors the kernel may add after it.
constexpr unsigned int kPtySlaveMajorFirst = 136;
constexpr unsigned int kPtySlaveMajorLast = 143;

std::string device_text(dev_t rdev) { return std::to_string(major(rdev)) + ":" + std::to_string(minor(rdev)); }

Result<void> verify_fd(borrowed_fd fd, Result<void> (*check)(mode_t, dev_t, long), const std::string &what) {
    struct stat st {};
    struct statfs sfs {};
    if (::fstat(fd.get(), &st) != 0 || ::fstatfs(fd.get(), &sfs) != 0) {
        int err = errno;
        return Error(err, "stat " + what);
    }
    if (auto checked = check(st.st_mode, st.st_rdev, static_cast<long>(sfs.f_type)); !checked)
        return std::move(checked).error().wrap(what);
    return ok();
}

}  // namespace

Result<void> check_ptmx(mode_t mode, dev_t rdev, long fs_type) {
    if (fs_type != DEVPTS_SUPER_MAGIC) return Error(EXDEV, "not on a devpts filesystem");
    if (!S_ISCHR(mode) || major(rdev) != kPtmxMajor || minor(rdev) != kPtmxMinor)
        return Error(ENOTTY, "not the ptmx device 5:2 (" + device_text(rdev) + ")");
    return ok();
}

Result<void> check_pty_peer(mode_t mode, dev_t rdev, long fs_type) {
    if (fs_type != DEVPTS_SUPER_MAGIC) return Error(EXDEV, "not on a devpts filesystem");
    if (!S_ISCHR(mode) || major(rdev) < kPtySlaveMajorFirst || major(rdev) > kPtySlaveMajorLast)
        return Error(ENOTTY, "not a pty slave device (" + device_text(rdev) + ")");
    return ok();
}

Result<ContainerPty> open_container_pty() {
    ContainerPty pty;
    pty.master = OCRT_TRY(fs::open_path("/dev/ptmx", O_RDWR | O_NOCTTY));
    OCRT_TRY(verify_fd(pty.master, check_ptmx, "\"/dev/ptmx\""));
    int unlock = 0;
    if (::ioctl(pty.master.get(), TIOCSPTLCK, &unlock) != 0) {
        int err = errno;
        return Error(err, "unlock the pty");
    }
    int peer = ::ioctl(pty.master.get(), TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (peer < 0) {
        int err = errno;
        return Error(err, "open the pty peer");
    }
    pty.peer.reset(peer);
    OCRT_TRY(verify_fd(pty.peer, check_pty_peer, "pty peer"));
    return pty;
}

Result<void> set_console_size(borrowed_fd pty, const spec::ConsoleSize &size) {
    return tty::set_window_size(pty, tty::clamp_size(size.height, size.width));
}

Result<void> bind_dev_console(borrowed_fd root, borrowed_fd peer, Kernel &kernel) {
    const std::string path = "/dev/console";
    auto existing = fs::open_in_root(root, path, O_PATH | O_NOFOLLOW);
    if (!existing && existing.error().code() != ENOENT) return std::move(existing).error();
    unique_fd target = existing ? std::move(*existing) : OCRT_TRY(fs::create_file_in_root(root, path, 0666));
    struct stat st {};
    if (::fstat(target.get(), &st) != 0) {
        int err = errno;
        return Error(err, "stat \"" + path + "\"");
    }
    // A link, directory or fifo planted by the image is refused, never followed.
    if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode))
        return Error(ELOOP, "\"" + path + "\" is neither a file nor a device: refusing to bind the console on it");
    if (auto bound = kernel.mount(fs::fd_path(peer), fs::fd_path(target), "", MS_BIND, ""); !bound)
        return std::move(bound).error().wrap("bind the pty onto \"" + path + "\"");
    return ok();
}

Result<void> make_controlling_terminal(borrowed_fd peer) {
    if (::getsid(0) != ::getpid() && ::setsid() < 0) {
        int err = errno;
        return Error(err, "start a new session");
    }
    if (::ioctl(peer.get(), TIOCSCTTY, 0) != 0) {
        int err = errno;
        return Error(err, "make the pty the controlling terminal");
    }
    for (int fd = 0; fd <= 2; ++fd) {
        if (::dup2(peer.get(), fd) < 0) {
            int err = errno;
            return Error(err, "make the pty fd " + std::to_string(fd));
        }
    }
    return ok();
}

}  // namespace ocrt::os
