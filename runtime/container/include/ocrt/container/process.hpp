// The container's init as seen from outside: a pid plus its start time name one
// process, so a recycled pid is never mistaken for (or signalled as) the init.
#pragma once

#include <ocrt/base/result.hpp>
#include <ocrt/base/unique_fd.hpp>

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string_view>

namespace ocrt::container {

enum class ProcessState {
    Gone,      // no such pid, or the pid now belongs to another process
    Exited,    // a zombie (or dying): it has run to its end
    Alive,
};

// Pure: the one-letter state (field 3) and start time (field 22) of a
// /proc/<pid>/stat line; nullopt when malformed.
struct ProcStat {
    char state = '?';
    unsigned long long start_time = 0;
};
std::optional<ProcStat> parse_proc_stat(std::string_view line);

// Reads /proc/<pid>/stat. A start time other than expected means the pid was reused.
ProcessState probe_process(pid_t pid, unsigned long long expected_start_time);

// A live recorded process, held through a pidfd where the kernel has them, so that
// signals reach exactly the process that was verified.
class ProcessHandle {
public:
    // nullopt when the process is not Alive (see probe_process).
    static std::optional<ProcessHandle> open(pid_t pid, unsigned long long start_time);

    pid_t pid() const { return pid_; }
    // ESRCH (it died meanwhile) is returned as an Error with that code.
    Result<void> signal(int sig) const;
    // Waits until the process has exited; false when timeout passed first.
    bool wait_exit(std::chrono::milliseconds timeout) const;

private:
    ProcessHandle(pid_t pid, unsigned long long start_time, unique_fd pidfd)
        : pid_(pid), start_time_(start_time), pidfd_(std::move(pidfd)) {}

    pid_t pid_;
    unsigned long long start_time_;
    unique_fd pidfd_;  // invalid on kernels without pidfd_open: fall back to pid + start time
};

}  // namespace ocrt::container
