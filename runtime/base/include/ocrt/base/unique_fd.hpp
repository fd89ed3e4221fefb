// unique_fd owns a file descriptor (move-only); borrowed_fd merely uses one.
// close() is never retried on EINTR: on Linux the fd is gone either way.
#pragma once

#include <unistd.h>

#include <utility>

namespace ocrt {

class borrowed_fd;

class unique_fd {
public:
    unique_fd() = default;
    explicit unique_fd(int fd) : fd_(fd) {}
    unique_fd(const unique_fd &) = delete;
    unique_fd &operator=(const unique_fd &) = delete;
    unique_fd(unique_fd &&other) noexcept : fd_(other.release()) {}
    unique_fd &operator=(unique_fd &&other) noexcept {
        if (this != &other) reset(other.release());
        return *this;
    }
    ~unique_fd() { reset(); }

    int get() const { return fd_; }
    bool valid() const { return fd_ >= 0; }
    explicit operator bool() const { return valid(); }

    [[nodiscard]] int release() { return std::exchange(fd_, -1); }
    void reset(int fd = -1) {
        int old = std::exchange(fd_, fd);
        if (old >= 0) ::close(old);
    }

private:
    int fd_ = -1;
};

// Non-owning view of an fd, for parameters: "use it, don't keep it".
class borrowed_fd {
public:
    borrowed_fd(int fd) : fd_(fd) {}
    borrowed_fd(const unique_fd &fd) : fd_(fd.get()) {}
    int get() const { return fd_; }

private:
    int fd_;
};

}  // namespace ocrt

// Closing an owned fd behind its owner's back is a double close waiting to happen.
int close(const ocrt::unique_fd &) = delete;
