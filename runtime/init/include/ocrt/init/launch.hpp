// Starting a container's init and releasing it later. The parent clones the
// child straight into its namespaces and drives the staged protocol of sync.hpp.
#pragma once

#include <ocrt/base/result.hpp>
#include <ocrt/base/unique_fd.hpp>
#include <ocrt/spec/config.hpp>

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocrt::cgroups {
class Manager;  // <ocrt/cgroups/manager.hpp>
}

namespace ocrt::init {

// A tree ocrt detached on the host (open_tree OPEN_TREE_CLONE, close-on-exec) that
// the init attaches at destination inside the rootfs after the config's mounts.
struct DetachedMount {
    int fd = -1;
    std::string destination;
};

struct LaunchOptions {
    std::string id;
    std::string bundle;         // absolute
    std::string rootfs;         // absolute host path of root.path
    std::string state_dir;      // absolute <root>/<id>, already created; holds the start socket
    bool no_pivot = false;
    bool no_new_keyring = false;
    int preserve_fds = 0;
    std::string console_socket; // sent the master by the container layer (create.cpp), not here
    std::vector<DetachedMount> detached_mounts;  // e.g. the sd_notify directory at /run/notify
    // Made and configured before the clone; the init joins them before Continue (on
    // pure v2 at the clone itself, CLONE_INTO_CGROUP); null: no cgroup. The caller
    // removes them again when launch fails.
    cgroups::Manager *cgroups = nullptr;
};

struct LaunchedInit {
    pid_t pid = 0;                    // host pid of the container's init (after any second fork)
    unsigned long long start_time = 0; // field 22 of /proc/<pid>/stat, guards against pid reuse
    unique_fd sync;                   // our end of the sync socket, until commit_init
    unique_fd console_master;         // process.terminal: the pty master the init sent (ConsoleMaster)
};

// Clones the init and runs the protocol until it reports Ready (it then waits for
// start). On any failure the child is killed and reaped and the child's own error is
// returned (with its errno). Nothing is left running.
Result<LaunchedInit> launch_init(const spec::Config &config, const LaunchOptions &options);

// Once state.json records the init: tells it that it may outlive us, and waits
// until it has let go of us. Before this, the init dies with ocrt (sync.hpp).
Result<void> commit_init(LaunchedInit &launched);

// `start`: tells the waiting init in state_dir to exec the user process. Returns
// once the init has called execve, or the init's error if it failed before that.
Result<void> release_init(const std::string &state_dir);

// True while <state_dir>/start.sock exists: from create until `start` released the
// init. An init that died meanwhile leaves it behind (release_init then fails with
// ECONNREFUSED), so pair this with a liveness check of the pid.
bool init_waiting(const std::string &state_dir);

// Field 22 of /proc/<pid>/stat (clock ticks after boot): with the pid it names one process.
Result<unsigned long long> process_start_time(pid_t pid);
// Pure: the start time in one /proc/<pid>/stat line; nullopt when malformed.
std::optional<unsigned long long> parse_start_time(std::string_view stat_line);

}  // namespace ocrt::init
