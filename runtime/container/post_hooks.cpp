// poststart and poststop: run by `start` and `delete` in the runtime namespace from
// the config snapshot taken at create (never the bundle's config.json, which may have
// changed). config.md and issue 5: a failure is a warning, the command still succeeds.
#include "lifecycle_internal.hpp"

#include <ocrt/base/log.hpp>
#include <ocrt/container/config_snapshot.hpp>
#include <ocrt/hooks/runner.hpp>

namespace ocrt::container::detail {
namespace {

// runtime.md step 13: after a failing hook the remaining ones still run.
void run_warning_only(const spec::Hooks &hooks, hooks::HookPhase phase, spec::State state) {
    state.status = std::string(hooks::phase_status(phase));
    std::string json = hooks::hook_state_json(state);
    for (const spec::Hook &hook : hooks::hooks_of(hooks, phase)) {
        if (auto ran = hooks::run_hook(hook, phase, json); !ran) log::warning(ran.error().render());
    }
}

}  // namespace

spec::Hooks saved_hooks(const std::string &state_dir) {
    auto config = load_config_snapshot(state_dir);
    if (!config) {
        // A container created before snapshots existed has no hooks to run.
        log::debug("no hooks: " + config.error().render());
        return {};
    }
    return std::move(config->hooks);
}

void run_poststart_hooks(const spec::Hooks &hooks, const Record &record) {
    run_warning_only(hooks, hooks::HookPhase::Poststart, record.oci);
}

void run_poststop_hooks(const spec::Hooks &hooks, const Record &record) {
    spec::State state = record.oci;
    state.pid = 0;  // the init is gone, as `state` shows a stopped container
    run_warning_only(hooks, hooks::HookPhase::Poststop, std::move(state));
}

}  // namespace ocrt::container::detail
