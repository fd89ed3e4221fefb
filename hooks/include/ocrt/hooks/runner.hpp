// Running OCI hooks (config.md "POSIX-platform Hooks"): fork + execve of hook.path
// with hook.args as argv and hook.env as the whole environment, the container state
// on stdin, an optional timeout. The caller decides where (which process, which
// namespaces) and what a failure means for its phase.
#pragma once

#include <ocrt/base/result.hpp>
#include <ocrt/hooks/phase.hpp>
#include <ocrt/spec/config.hpp>
#include <ocrt/spec/state.hpp>

#include <string>
#include <string_view>

namespace ocrt::hooks {

// The phase's name as config.md spells it: "prestart", "createRuntime", ...
std::string_view phase_name(HookPhase phase);

// The container status a phase's hooks see on stdin: "creating" for createRuntime and
// createContainer, "created" for prestart and startContainer, "running" for
// poststart, "stopped" for poststop.
std::string_view phase_status(HookPhase phase);

// The state document of runtime.md "State" as hooks get it: ociVersion, id, status,
// pid, bundle and (when there are any) annotations. Compact, no trailing newline.
std::string hook_state_json(const spec::State &state);

// Runs one hook and waits for it. Its stdin is state_json, its stdout and stderr are
// captured. Fails when it cannot be started, exits non-zero, dies of a signal or runs
// past hook.timeout seconds (it is then SIGKILLed); the error names the phase and the
// hook's path and ends with the tail of what the hook wrote.
Result<void> run_hook(const spec::Hook &hook, HookPhase phase, std::string_view state_json);

// Runs the phase's hooks in config order with state (its status set to
// phase_status(phase)) on stdin; stops at the first failure.
Result<void> run_phase(const spec::Hooks &hooks, HookPhase phase, spec::State state);

}  // namespace ocrt::hooks
