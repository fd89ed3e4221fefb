// Private to runtime/container: pieces shared by create, the lifecycle commands and run.
#pragma once

#include <ocrt/base/result.hpp>
#include <ocrt/base/unique_fd.hpp>
#include <ocrt/container/container.hpp>
#include <ocrt/container/record.hpp>
#include <ocrt/container/state_store.hpp>
#include <ocrt/container/status.hpp>

#include <sys/types.h>

#include <chrono>

namespace ocrt::container::detail {

// How long delete waits for a SIGKILLed init to go.
inline constexpr std::chrono::seconds kKillTimeout{10};

struct CreatedInit {
    pid_t pid = 0;
    unsigned long long start_time = 0;
    unique_fd console_master;  // process.terminal without --console-socket (foreground run)
};

// create without returning early: validates, claims the state dir, launches the
// init, records it and writes the pid file. On failure nothing is left behind.
// The caller checks the inherited fds first (check_inherited_fds).
Result<CreatedInit> create_container(const CreateOptions &options);

// The status of the container in dir right now.
Status live_status(const ContainerDir &dir, const Record &record);

// primary stays the error reported; a failed clean-up is appended to its message.
Error with_cleanup_failure(Error primary, const Error &cleanup);

// The hooks of the config snapshot in state_dir; none when it cannot be read (debug log).
spec::Hooks saved_hooks(const std::string &state_dir);
// poststart (status "running") and poststop (status "stopped", pid 0) hooks with the
// record's state on stdin; a failure is logged as a warning, never returned.
void run_poststart_hooks(const spec::Hooks &hooks, const Record &record);
void run_poststop_hooks(const spec::Hooks &hooks, const Record &record);

// SIGKILLs a live recorded init and waits for it to exit (up to kKillTimeout).
Result<void> kill_and_wait(const Record &record);

}  // namespace ocrt::container::detail

#include <memory>

namespace ocrt::cgroups {
class Manager;     // <ocrt/cgroups/manager.hpp>
struct Placement;
}  // namespace ocrt::cgroups

namespace ocrt::container::detail {

// The record keeps the cgroup placement so later commands need no flags.
void record_cgroups(Record &record, const cgroups::Placement &placement);
// The manager of a recorded container (disabled for records without cgroups).
std::unique_ptr<cgroups::Manager> recorded_cgroups(const Record &record);
// Signals every process in the container's cgroup (freeze, signal, thaw); a cgroup
// that is already gone has nobody left to signal.
Result<void> signal_cgroup(const Record &record, int signal);
// Moves pid (an exec'd process) into the container's recorded cgroups.
Result<void> join_recorded_cgroups(const Record &record, pid_t pid);
// Kills what is left in the cgroups ocrt made, then removes them (retrying while busy).
Result<void> remove_cgroups(const Record &record);

}  // namespace ocrt::container::detail
