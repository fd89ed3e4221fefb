// ocrt kill [--all|-a] <container-id> [signal]: signal the init (or, with --all,
// every process in the container's cgroup). Default SIGTERM.
#include "commands.hpp"

#include <ocrt/cli/command_flags.hpp>
#include <ocrt/cli/signals.hpp>
#include <ocrt/container/container.hpp>

#include <csignal>

namespace ocrt::cli {
namespace {

Result<int> run_kill(const Invocation &call) {
    int signal = SIGTERM;
    if (call.args.size() > 1) signal = OCRT_TRY(parse_signal(call.args[1]));
    OCRT_TRY(container::kill(call.globals.root, call.args[0], signal, call.flags.enabled("all")));
    return 0;
}

}  // namespace

const Command kill_command{
    .name = "kill",
    .summary = "send a signal to a container's init process",
    .arguments = "<container-id> [signal]",
    .flags = kill_flags(),
    .min_args = 1,
    .max_args = 2,
    .order = FlagOrder::stop_at_first_positional,
    .run = run_kill,
};

}  // namespace ocrt::cli
