// Help text and argument-count checks.
#pragma once

#include <ocrt/base/result.hpp>
#include <ocrt/cli/args.hpp>
#include <ocrt/cli/command.hpp>

#include <span>
#include <string>

namespace ocrt::cli {

// "NAME / USAGE / OPTIONS" for one command.
std::string command_help(const Command &command);
// The top-level help: usage line, commands, global options.
std::string program_help(std::span<const Command *const> commands);
// Renders a flag table as aligned "--name value, -n value   help" lines.
std::string flag_lines(std::span<const FlagSpec> flags);

// Errors in runc's words: "\"start\" requires exactly 1 argument(s)",
// "... a minimum of 1 argument(s)", "... a maximum of 2 argument(s)".
Result<void> check_arg_count(const Command &command, size_t count);

}  // namespace ocrt::cli
