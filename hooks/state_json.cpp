// Phase names, the status each phase's hooks see, and the state document on their stdin.
#include <ocrt/hooks/runner.hpp>
#include <ocrt/spec/state.hpp>


namespace ocrt::hooks {

std::string_view phase_name(HookPhase phase) {
    switch (phase) {
    case HookPhase::Prestart: return "prestart";
    case HookPhase::CreateRuntime: return "createRuntime";
    case HookPhase::CreateContainer: return "createContainer";
    case HookPhase::StartContainer: return "startContainer";
    case HookPhase::Poststart: return "poststart";
    case HookPhase::Poststop: return "poststop";
    }
    return "unknown";
}

std::string_view phase_status(HookPhase phase) {
    switch (phase) {
    case HookPhase::CreateRuntime:
    case HookPhase::CreateContainer: return "creating";
    case HookPhase::Prestart:
    case HookPhase::StartContainer: return "created";
    case HookPhase::Poststart: return "running";
    case HookPhase::Poststop: return "stopped";
    }
    return "unknown";
}

std::string hook_state_json(const spec::State &state) { return spec::runtime_state_json(state); }

}  // namespace ocrt::hooks
