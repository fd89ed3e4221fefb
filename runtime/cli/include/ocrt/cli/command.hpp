// A subcommand: its flag table, how many positionals it takes, and what it runs.
// The dispatch table (commands/table.cpp) lists every command; anything not in it,
// e.g. "checkpoint", is unknown, so `ocrt checkpoint --help` fails as Podman expects.
#pragma once

#include <ocrt/base/result.hpp>
#include <ocrt/cli/args.hpp>
#include <ocrt/cli/global_options.hpp>

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ocrt::cli {

struct Invocation {
    const GlobalOptions &globals;
    const ParsedFlags &flags;
    const std::vector<std::string> &args;  // positionals, e.g. {id, signal}
    const std::string &cwd;
};

struct Command {
    std::string_view name;
    std::string_view summary;
    std::string_view arguments;  // for the usage line, e.g. "<container-id> [signal]"
    std::span<const FlagSpec> flags;
    size_t min_args = 0;
    size_t max_args = 0;
    FlagOrder order = FlagOrder::interspersed;
    // Returns the process exit code; an Error means exit 1 after reporting it.
    Result<int> (*run)(const Invocation &) = nullptr;
};

// Every command, in the order help lists them.
std::span<const Command *const> all_commands();
const Command *find_command(std::string_view name);

}  // namespace ocrt::cli
