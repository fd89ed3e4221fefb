// ocrt start <container-id>: run the user process of a created container.
#include "commands.hpp"

#include <ocrt/cli/command_flags.hpp>
#include <ocrt/container/container.hpp>

#include <cstdlib>

namespace ocrt::cli {
namespace {

Result<int> run_start(const Invocation &call) {
    const char *notify_socket = std::getenv("NOTIFY_SOCKET");
    OCRT_TRY(container::start(call.globals.root, call.args.at(0), notify_socket ? notify_socket : ""));
    return 0;
}

}  // namespace

const Command start_command{
    .name = "start",
    .summary = "start the user process of a created container",
    .arguments = "<container-id>",
    .flags = no_flags(),
    .min_args = 1,
    .max_args = 1,
    .order = FlagOrder::interspersed,
    .run = run_start,
};

}  // namespace ocrt::cli
