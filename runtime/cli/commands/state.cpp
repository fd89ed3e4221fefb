// ocrt state <container-id>: the state document on stdout, pretty, no trailing newline.
#include "commands.hpp"
#include "output.hpp"

#include <ocrt/cli/command_flags.hpp>
#include <ocrt/container/container.hpp>
#include <ocrt/spec/state.hpp>

namespace ocrt::cli {
namespace {

Result<int> run_state(const Invocation &call) {
    spec::State state = OCRT_TRY(container::state(call.globals.root, call.args.at(0)));
    OCRT_TRY(write_stdout(spec::state_to_json(state)));
    return 0;
}

}  // namespace

const Command state_command{
    .name = "state",
    .summary = "print the state of a container as JSON",
    .arguments = "<container-id>",
    .flags = no_flags(),
    .min_args = 1,
    .max_args = 1,
    .order = FlagOrder::interspersed,
    .run = run_state,
};

}  // namespace ocrt::cli
