#include "hook_state.hpp"

namespace ocrt::init {

spec::State hook_state(const spec::Config &config, const LaunchOptions &options, pid_t init_pid) {
    spec::State state;
    state.oci_version = config.oci_version;
    state.id = options.id;
    state.pid = init_pid;
    state.bundle = options.bundle;
    state.rootfs = options.rootfs;
    state.annotations = config.annotations;
    return state;
}

}  // namespace ocrt::init
