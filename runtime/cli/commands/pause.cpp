// ocrt pause <id> / ocrt resume <id>: freeze and thaw the container's cgroup.
#include "commands.hpp"

#include <ocrt/cli/command_flags.hpp>
#include <ocrt/container/cgroup_commands.hpp>

namespace ocrt::cli {
namespace {

Result<int> run_pause(const Invocation &call) {
    OCRT_TRY(container::pause(call.globals.root, call.args.at(0)));
    return 0;
}

Result<int> run_resume(const Invocation &call) {
    OCRT_TRY(container::resume(call.globals.root, call.args.at(0)));
    return 0;
}

}  // namespace

const Command pause_command{
    .name = "pause",
    .summary = "suspend every process in the container",
    .arguments = "<container-id>",
    .flags = no_flags(),
    .min_args = 1,
    .max_args = 1,
    .order = FlagOrder::interspersed,
    .run = run_pause,
};

const Command resume_command{
    .name = "resume",
    .summary = "resume every process of a paused container",
    .arguments = "<container-id>",
    .flags = no_flags(),
    .min_args = 1,
    .max_args = 1,
    .order = FlagOrder::interspersed,
    .run = run_resume,
};

}  // namespace ocrt::cli
