// ocrt create [flags] <container-id>: set up the container and stop before the user process.
#include "commands.hpp"
#include "create_options.hpp"

#include <ocrt/cli/command_flags.hpp>
#include <ocrt/container/container.hpp>

namespace ocrt::cli {
namespace {

Result<int> run_create(const Invocation &call) {
    container::CreateOptions options = OCRT_TRY(prepare_create(call));
    OCRT_TRY(container::create(options));
    return 0;
}

}  // namespace

const Command create_command{
    .name = "create",
    .summary = "create a container",
    .arguments = "<container-id>",
    .flags = create_flags(),
    .min_args = 1,
    .max_args = 1,
    .order = FlagOrder::interspersed,
    .run = run_create,
};

}  // namespace ocrt::cli
