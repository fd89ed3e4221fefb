#include <ocrt/cli/usage.hpp>

#include <algorithm>
#include <vector>

namespace ocrt::cli {
namespace {

std::string flag_label(const FlagSpec &flag) {
    std::string suffix = flag.kind == FlagKind::value ? " value" : "";
    std::string label = "--" + std::string(flag.name) + suffix;
    if (flag.alias != 0) label += ", -" + std::string(1, flag.alias) + suffix;
    return label;
}

// Two columns, the first padded to its widest entry.
std::string two_columns(const std::vector<std::pair<std::string, std::string>> &rows) {
    size_t width = 0;
    for (const auto &row : rows) width = std::max(width, row.first.size());
    std::string out;
    for (const auto &[left, right] : rows)
        out += "   " + left + std::string(width - left.size() + 3, ' ') + right + "\n";
    return out;
}

std::string arg_word(size_t count) { return std::to_string(count) + " argument(s)"; }

}  // namespace

std::string flag_lines(std::span<const FlagSpec> flags) {
    std::vector<std::pair<std::string, std::string>> rows;
    for (const FlagSpec &flag : flags) rows.emplace_back(flag_label(flag), std::string(flag.help));
    rows.emplace_back("--help, -h", "show help");
    return two_columns(rows);
}

std::string command_help(const Command &command) {
    std::string name(command.name);
    std::string out = "NAME:\n   ocrt " + name + " - " + std::string(command.summary) + "\n\n";
    out += "USAGE:\n   ocrt " + name + " [command options]";
    if (!command.arguments.empty()) out += " " + std::string(command.arguments);
    out += "\n\nOPTIONS:\n" + flag_lines(command.flags);
    return out;
}

std::string program_help(std::span<const Command *const> commands) {
    std::string out =
        "NAME:\n   ocrt - an OCI container runtime\n\n"
        "USAGE:\n   ocrt [global options] command [command options] [arguments...]\n\n"
        "COMMANDS:\n";
    std::vector<std::pair<std::string, std::string>> rows;
    for (const Command *command : commands) rows.emplace_back(command->name, command->summary);
    rows.emplace_back("help", "show the list of commands or one command's help");
    out += two_columns(rows);
    out += "\nGLOBAL OPTIONS:\n" + flag_lines(global_flags());
    return out;
}

Result<void> check_arg_count(const Command &command, size_t count) {
    std::string name = "\"" + std::string(command.name) + "\"";
    if (command.min_args == command.max_args && count != command.min_args)
        return Error(name + " requires exactly " + arg_word(command.min_args));
    if (count < command.min_args) return Error(name + " requires a minimum of " + arg_word(command.min_args));
    if (count > command.max_args) return Error(name + " requires a maximum of " + arg_word(command.max_args));
    return ok();
}

}  // namespace ocrt::cli
