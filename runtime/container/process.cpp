#include <ocrt/container/process.hpp>

#include <ocrt/init/launch.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string>

namespace ocrt::container {
namespace {

std::optional<std::string> read_stat_line(pid_t pid) {
    std::string path = "/proc/" + std::to_string(pid) + "/stat";
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    unique_fd owner(fd);
    char buffer[1024];
    ssize_t got;
    do got = ::read(fd, buffer, sizeof buffer);
    while (got < 0 && errno == EINTR);
    if (got <= 0) return std::nullopt;
    return std::string(buffer, static_cast<size_t>(got));
}

unique_fd open_pidfd(pid_t pid) {
    long fd = ::syscall(SYS_pidfd_open, pid, 0);
    return unique_fd(fd < 0 ? -1 : static_cast<int>(fd));
}

void sleep_for(std::chrono::milliseconds step) {
    timespec delay{static_cast<time_t>(step.count() / 1000), static_cast<long>(step.count() % 1000) * 1000000L};
    while (::nanosleep(&delay, &delay) != 0 && errno == EINTR) {
    }
}

}  // namespace

std::optional<ProcStat> parse_proc_stat(std::string_view line) {
    // comm (field 2) may hold spaces and ')': the state follows the last ')'.
    size_t close = line.rfind(')');
    if (close == std::string_view::npos || close + 2 >= line.size() || line[close + 1] != ' ') return std::nullopt;
    auto start_time = init::parse_start_time(line);
    if (!start_time) return std::nullopt;
    return ProcStat{line[close + 2], *start_time};
}

ProcessState probe_process(pid_t pid, unsigned long long expected_start_time) {
    if (pid <= 0) return ProcessState::Gone;
    auto line = read_stat_line(pid);
    if (!line) return ProcessState::Gone;
    auto stat = parse_proc_stat(*line);
    if (!stat || stat->start_time != expected_start_time) return ProcessState::Gone;
    // Z: zombie, X: dead (being reaped); both mean the init has ended.
    if (stat->state == 'Z' || stat->state == 'X') return ProcessState::Exited;
    return ProcessState::Alive;
}

std::optional<ProcessHandle> ProcessHandle::open(pid_t pid, unsigned long long start_time) {
    // Open first, verify second: a process that took the pid after the open started
    // later, so a matching start time proves the pidfd names the recorded process.
    unique_fd pidfd = open_pidfd(pid);
    if (probe_process(pid, start_time) != ProcessState::Alive) return std::nullopt;
    return ProcessHandle(pid, start_time, std::move(pidfd));
}

Result<void> ProcessHandle::signal(int sig) const {
    long rc;
    if (pidfd_.valid())
        rc = ::syscall(SYS_pidfd_send_signal, pidfd_.get(), sig, nullptr, 0);
    else
        rc = ::kill(pid_, sig);
    if (rc == 0) return ok();
    int err = errno;
    return Error(err, "send signal " + std::to_string(sig) + " to init " + std::to_string(pid_));
}

bool ProcessHandle::wait_exit(std::chrono::milliseconds timeout) const {
    using clock = std::chrono::steady_clock;
    auto deadline = clock::now() + timeout;
    if (pidfd_.valid()) {
        // A pidfd turns readable once the process has exited, child of ours or not.
        for (;;) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
            pollfd entry{pidfd_.get(), POLLIN, 0};
            int rc = ::poll(&entry, 1, static_cast<int>(std::max<long long>(left.count(), 0)));
            if (rc > 0) return true;
            if (rc == 0) return false;
            if (errno != EINTR) break;  // fall back to polling /proc
        }
    }
    while (probe_process(pid_, start_time_) == ProcessState::Alive) {
        if (clock::now() >= deadline) return false;
        sleep_for(std::chrono::milliseconds(10));
    }
    return true;
}

}  // namespace ocrt::container
