// Starting a container's init and releasing it later. The parent clones the
// child straight into its namespaces and drives the staged protocol of sync.hpp.
#pragma once

#include <ocrt/base/result.hpp>
#include <ocrt/spec/config.hpp>

#include <sys/types.h>

#include <string>

namespace ocrt::init {

struct LaunchOptions {
    std::string id;
    std::string bundle;         // absolute
    std::string rootfs;         // absolute host path of root.path
    std::string state_dir;      // absolute <root>/<id>, already created; holds the start socket
    bool no_pivot = false;
    bool no_new_keyring = false;
    int preserve_fds = 0;
    std::string console_socket; // issue 5; empty for now
};

struct LaunchedInit {
    pid_t pid = 0;                    // host pid of the container's init (after any second fork)
    unsigned long long start_time = 0; // field 22 of /proc/<pid>/stat, guards against pid reuse
};

// Clones the init and runs the protocol until it reports Ready (it then waits for
// start). On any failure the child is killed and reaped and the child's own error is
// returned (with its errno). Nothing is left running.
Result<LaunchedInit> launch_init(const spec::Config &config, const LaunchOptions &options);

// `start`: tells the waiting init in state_dir to exec the user process. Returns
// once the init has called execve, or the init's error if it failed before that.
Result<void> release_init(const std::string &state_dir);

// True while an init in state_dir still waits for `start`.
bool init_waiting(const std::string &state_dir);

}  // namespace ocrt::init
