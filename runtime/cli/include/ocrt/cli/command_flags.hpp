// One flag table per command (kept apart from the command bodies so the unit
// tests can parse real client command lines without linking the lifecycle layer).
#pragma once

#include <ocrt/cli/args.hpp>

#include <span>

namespace ocrt::cli {

std::span<const FlagSpec> create_flags();  // --bundle/-b --pid-file --console-socket --pidfd-socket ...
std::span<const FlagSpec> run_flags();     // create's flags + --detach/-d --keep --no-subreaper
std::span<const FlagSpec> exec_flags();    // --process/-p --detach/-d --tty/-t --env/-e --user/-u --cap/-c ...
std::span<const FlagSpec> kill_flags();    // --all/-a
std::span<const FlagSpec> delete_flags();  // --force/-f
std::span<const FlagSpec> list_flags();    // --format/-f --quiet/-q
std::span<const FlagSpec> spec_flags();    // --bundle/-b --rootless
std::span<const FlagSpec> no_flags();      // start, state, features, pause, resume
std::span<const FlagSpec> ps_flags();      // --format/-f
std::span<const FlagSpec> events_flags();  // --interval --stats
std::span<const FlagSpec> update_flags();  // --resources/-r and runc's individual resource flags

}  // namespace ocrt::cli
