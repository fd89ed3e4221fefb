// The container state the create- and start-time hooks get on stdin (runtime.md
// "State"); both the parent and the init build it from what launch_init was given.
#pragma once

#include <ocrt/init/launch.hpp>
#include <ocrt/spec/config.hpp>
#include <ocrt/spec/state.hpp>

#include <sys/types.h>

namespace ocrt::init {

// status is left for hooks::run_phase to set per phase.
spec::State hook_state(const spec::Config &config, const LaunchOptions &options, pid_t init_pid);

}  // namespace ocrt::init
