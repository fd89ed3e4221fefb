#include <ocrt/container/lock.hpp>

#include <fcntl.h>

#include <cerrno>

namespace ocrt::container {
namespace {

struct flock whole_file(short type) {
    struct flock range {};
    range.l_type = type;
    range.l_whence = SEEK_SET;
    range.l_start = 0;
    range.l_len = 0;  // to the end of the file, however long it grows
    return range;
}

}  // namespace

Result<ContainerLock> ContainerLock::open(borrowed_fd dir) {
    int fd = ::openat(dir.get(), kLockFileName, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        int err = errno;
        return Error(err, std::string("open container lock \"") + kLockFileName + "\"");
    }
    return ContainerLock(unique_fd(fd));
}

Result<void> ContainerLock::lock() {
    struct flock range = whole_file(F_WRLCK);
    int rc;
    do rc = ::fcntl(fd_.get(), F_SETLKW, &range);
    while (rc != 0 && errno == EINTR);
    if (rc != 0) {
        int err = errno;
        return Error(err, "lock container");
    }
    return ok();
}

Result<bool> ContainerLock::try_lock() {
    struct flock range = whole_file(F_WRLCK);
    if (::fcntl(fd_.get(), F_SETLK, &range) == 0) return true;
    int err = errno;
    if (err == EACCES || err == EAGAIN) return false;
    return Error(err, "lock container");
}

void ContainerLock::unlock() {
    if (!fd_.valid()) return;
    struct flock range = whole_file(F_UNLCK);
    ::fcntl(fd_.get(), F_SETLK, &range);
}

bool ContainerLock::held_by_other() const {
    if (!fd_.valid()) return false;
    // F_GETLK ignores our own locks: it reports only a conflicting holder.
    struct flock probe = whole_file(F_WRLCK);
    if (::fcntl(fd_.get(), F_GETLK, &probe) != 0) return false;
    return probe.l_type != F_UNLCK;
}

}  // namespace ocrt::container
