#include <ocrt/cgroups/oom_watch.hpp>

#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <sstream>

namespace ocrt::cgroups {
namespace {

struct MemoryDir {
    std::string path;
    bool unified = false;
};

std::optional<MemoryDir> memory_dir(const Placement &placement) {
    auto unified = placement.dirs.find(kUnifiedKey);
    auto memory = placement.dirs.find("memory");
    if (memory != placement.dirs.end())
        return MemoryDir{memory->second, unified != placement.dirs.end() && unified->second == memory->second};
    // A pure v2 record may keep only the unified directory.
    if (unified != placement.dirs.end() && placement.dirs.size() == 1) return MemoryDir{unified->second, true};
    return std::nullopt;
}

std::string counter_file(const MemoryDir &dir) {
    return dir.path + (dir.unified ? "/memory.events" : "/memory.oom_control");
}

}  // namespace

std::optional<uint64_t> parse_oom_kill(std::string_view keyed_text) {
    std::istringstream in{std::string(keyed_text)};
    std::string key;
    uint64_t value;
    while (in >> key >> value)
        if (key == "oom_kill") return value;
    return std::nullopt;
}

std::optional<uint64_t> oom_kill_count(const Placement &placement, CgroupFiles &files) {
    auto dir = memory_dir(placement);
    if (!dir) return std::nullopt;
    auto text = files.read(counter_file(*dir));
    if (!text) return std::nullopt;
    return parse_oom_kill(*text);
}

Result<OomWatch> OomWatch::open(const Placement &placement) {
    auto dir = memory_dir(placement);
    if (!dir) return Error(ENOENT, "no memory cgroup to watch for OOM kills");
    if (dir->unified) {
        int fd = ::inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
        if (fd < 0) return Error(errno, "inotify_init1");
        std::string events = counter_file(*dir);
        if (::inotify_add_watch(fd, events.c_str(), IN_MODIFY) < 0) {
            int saved = errno;
            ::close(fd);
            return Error(saved, "watch \"" + events + "\"");
        }
        // Only kills from now on are news; the counter is read after the watch is set.
        uint64_t seen = oom_kill_count(placement).value_or(0);
        return OomWatch(fd, dir->path, true, seen);
    }
    std::string control = counter_file(*dir);
    int control_fd = ::open(control.c_str(), O_RDONLY | O_CLOEXEC);
    if (control_fd < 0) return Error(errno, "open \"" + control + "\"");
    int fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (fd < 0) {
        int saved = errno;
        ::close(control_fd);
        return Error(saved, "eventfd");
    }
    // "<eventfd> <memory.oom_control fd>" registers the notification; the kernel
    // keeps its own reference, so the control fd can be closed afterwards.
    std::string registration = std::to_string(fd) + " " + std::to_string(control_fd);
    auto registered = real_cgroup_files().write(dir->path + "/cgroup.event_control", registration);
    ::close(control_fd);
    if (!registered) {
        ::close(fd);
        return registered.error();
    }
    return OomWatch(fd, dir->path, false, 0);
}

OomWatch::OomWatch(OomWatch &&other) noexcept
    : fd_(other.fd_), dir_(std::move(other.dir_)), unified_(other.unified_), seen_(other.seen_) {
    other.fd_ = -1;
}

OomWatch::~OomWatch() {
    if (fd_ >= 0) ::close(fd_);
}

Result<uint64_t> OomWatch::consume() {
    if (!unified_) {
        uint64_t notifications = 0;
        ssize_t n = ::read(fd_, &notifications, sizeof notifications);
        if (n < 0 && errno != EAGAIN) return Error(errno, "read OOM eventfd");
        // The kernel also signals the eventfd when it removes the cgroup.
        if (!real_cgroup_files().exists(dir_ + "/cgroup.event_control"))
            return Error(ENOENT, "memory cgroup \"" + dir_ + "\" is gone");
        return n == sizeof notifications ? notifications : 0;
    }
    alignas(inotify_event) char buffer[4096];
    bool ignored = false;
    for (;;) {
        ssize_t n = ::read(fd_, buffer, sizeof buffer);
        if (n < 0 && errno == EAGAIN) break;
        if (n < 0) return Error(errno, "read inotify");
        for (ssize_t at = 0; at < n;) {
            auto *event = reinterpret_cast<inotify_event *>(buffer + at);
            if (event->mask & IN_IGNORED) ignored = true;
            at += sizeof(inotify_event) + event->len;
        }
    }
    auto text = real_cgroup_files().read(dir_ + "/memory.events");
    if (!text || ignored) return Error(ENOENT, "memory cgroup \"" + dir_ + "\" is gone");
    uint64_t kills = parse_oom_kill(*text).value_or(seen_);
    uint64_t news = kills > seen_ ? kills - seen_ : 0;
    seen_ = kills;
    return news;
}

}  // namespace ocrt::cgroups
