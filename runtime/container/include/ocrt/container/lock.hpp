// The per-container lock: a POSIX record lock over the whole of <state_dir>/lock.
//
// Why not flock(2): flock locks belong to the open file description, and the
// container init is cloned while `create` holds the lock and keeps a copy of every
// fd until its execve at `start`. An flock would stay held by the waiting init and
// `start` would wait on it forever. Record locks belong to the process and are never
// inherited by a child, and the kernel drops them when the holder dies.
// Their one trap: closing ANY fd of the lock file in the holding process releases
// the lock, so only this class ever opens that file.
#pragma once

#include <ocrt/base/result.hpp>
#include <ocrt/base/unique_fd.hpp>

#include <string>

namespace ocrt::container {

inline constexpr const char *kLockFileName = "lock";

class ContainerLock {
public:
    ContainerLock() = default;

    // Opens (creating if needed, 0600) <dir>/lock without locking it.
    static Result<ContainerLock> open(borrowed_fd dir);

    // Blocks until this process holds the lock (EINTR retried).
    Result<void> lock();
    // Takes the lock if nobody holds it; false when another process does.
    Result<bool> try_lock();
    // Releases early (the destructor releases too, by closing).
    void unlock();
    // Whether some other process holds the lock right now.
    bool held_by_other() const;

    bool is_open() const { return fd_.valid(); }

private:
    explicit ContainerLock(unique_fd fd) : fd_(std::move(fd)) {}
    unique_fd fd_;
};

}  // namespace ocrt::container
