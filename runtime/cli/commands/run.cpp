// ocrt run [flags] <container-id>: create + start; in the foreground, wait and
// exit with the container's status (128+N when killed by signal N).
#include "commands.hpp"
#include "create_options.hpp"

#include <ocrt/cli/command_flags.hpp>
#include <ocrt/container/container.hpp>

namespace ocrt::cli {
namespace {

Result<int> run_run(const Invocation &call) {
    container::RunOptions options;
    options.create = OCRT_TRY(prepare_create(call));
    options.detach = call.flags.enabled("detach");
    options.keep = call.flags.enabled("keep");
    // --no-subreaper is accepted for go-runc's restore-style argv; the lifecycle
    // layer decides about subreaping itself.
    return container::run(options);
}

}  // namespace

const Command run_command{
    .name = "run",
    .summary = "create and start a container",
    .arguments = "<container-id>",
    .flags = run_flags(),
    .min_args = 1,
    .max_args = 1,
    .order = FlagOrder::interspersed,
    .run = run_run,
};

}  // namespace ocrt::cli
