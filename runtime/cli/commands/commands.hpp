// The commands ocrt implements; commands/table.cpp puts them in dispatch order.
#pragma once

#include <ocrt/cli/command.hpp>

namespace ocrt::cli {

extern const Command create_command;
extern const Command start_command;
extern const Command state_command;
extern const Command kill_command;
extern const Command delete_command;
extern const Command run_command;
extern const Command list_command;
extern const Command spec_command;
extern const Command features_command;
extern const Command pause_command;
extern const Command resume_command;
extern const Command ps_command;
extern const Command update_command;
extern const Command events_command;
extern const Command exec_command;

}  // namespace ocrt::cli
