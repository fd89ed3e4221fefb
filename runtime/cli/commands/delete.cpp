// ocrt delete [--force|-f] <container-id>: destroy a stopped (or created) container.
#include "commands.hpp"

#include <ocrt/cli/command_flags.hpp>
#include <ocrt/container/container.hpp>

namespace ocrt::cli {
namespace {

Result<int> run_delete(const Invocation &call) {
    OCRT_TRY(container::remove(call.globals.root, call.args.at(0), call.flags.enabled("force")));
    return 0;
}

}  // namespace

const Command delete_command{
    .name = "delete",
    .summary = "delete a container and its resources",
    .arguments = "<container-id>",
    .flags = delete_flags(),
    .min_args = 1,
    .max_args = 1,
    .order = FlagOrder::interspersed,
    .run = run_delete,
};

}  // namespace ocrt::cli
