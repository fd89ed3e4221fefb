// Notice of OOM kills in a container's memory cgroup, for `ocrt events`.
// cgroup v1: an eventfd registered through cgroup.event_control against
// memory.oom_control (the kernel signals it on every OOM in the cgroup, and once
// more when the cgroup is removed). cgroup v2: inotify on memory.events, whose
// oom_kill counter grows on each kill.
#pragma once

#include <ocrt/base/result.hpp>
#include <ocrt/cgroups/manager.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ocrt::cgroups {

// Pure: the "oom_kill N" value of a memory.oom_control (v1, kernels >= 4.13) or
// memory.events (v2) text; nullopt when the kernel does not report it.
std::optional<uint64_t> parse_oom_kill(std::string_view keyed_text);

// The memory cgroup's OOM kill count where the kernel reports it.
std::optional<uint64_t> oom_kill_count(const Placement &placement, CgroupFiles &files = real_cgroup_files());

class OomWatch {
public:
    // Errors: ENOENT when the container has no memory cgroup to watch.
    static Result<OomWatch> open(const Placement &placement);
    OomWatch(OomWatch &&other) noexcept;
    OomWatch &operator=(OomWatch &&) = delete;
    ~OomWatch();

    // Readable when something happened; poll() it, then call consume().
    int fd() const { return fd_; }
    // The OOM kills since the last call (v1: OOM notifications), 0 for a spurious
    // wake-up. Errors: ENOENT once the cgroup is gone (stop polling then).
    Result<uint64_t> consume();

private:
    OomWatch(int fd, std::string memory_dir, bool unified, uint64_t seen)
        : fd_(fd), dir_(std::move(memory_dir)), unified_(unified), seen_(seen) {}
    int fd_ = -1;
    std::string dir_;
    bool unified_ = false;
    uint64_t seen_ = 0;  // v2: the oom_kill count already reported
};

}  // namespace ocrt::cgroups
