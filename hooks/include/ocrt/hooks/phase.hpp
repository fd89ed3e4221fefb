// The six OCI hook phases (config.md "POSIX-platform Hooks") and where each one's
// hooks live in the config. runner.hpp runs them.
#pragma once

#include <ocrt/spec/config.hpp>

#include <string_view>
#include <vector>

namespace ocrt::hooks {

enum class HookPhase { Prestart, CreateRuntime, CreateContainer, StartContainer, Poststart, Poststop };

inline const std::vector<spec::Hook> &hooks_of(const spec::Hooks &hooks, HookPhase phase) {
    switch (phase) {
    case HookPhase::Prestart: return hooks.prestart;
    case HookPhase::CreateRuntime: return hooks.create_runtime;
    case HookPhase::CreateContainer: return hooks.create_container;
    case HookPhase::StartContainer: return hooks.start_container;
    case HookPhase::Poststart: return hooks.poststart;
    case HookPhase::Poststop: return hooks.poststop;
    }
    return hooks.poststop;
}

}  // namespace ocrt::hooks
