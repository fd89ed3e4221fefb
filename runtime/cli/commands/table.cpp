// The dispatch table. checkpoint/restore are deliberately absent: Podman takes
// "ocrt checkpoint --help" exiting 0 as "checkpoint/restore supported".
#include "commands.hpp"

#include <array>

namespace ocrt::cli {
namespace {

const std::array<const Command *, 15> command_table = {
    &create_command, &start_command,  &state_command, &kill_command,   &delete_command,
    &run_command,    &exec_command,   &list_command,  &spec_command,   &features_command,
    &pause_command,  &resume_command, &ps_command,    &update_command, &events_command,
};

}  // namespace

std::span<const Command *const> all_commands() { return command_table; }

const Command *find_command(std::string_view name) {
    for (const Command *command : command_table)
        if (command->name == name) return command;
    return nullptr;
}

}  // namespace ocrt::cli
