// How the CLI tells the caller about a problem (cli-contract.md §3): the entry
// goes to the log sink, and when that sink is a --log file the same text is also
// printed as one plain line on stderr, where go-runc, conmon and CRI-O look for it.
#pragma once

#include <ocrt/base/log.hpp>

#include <string_view>

namespace ocrt::cli {

void report(log::Level level, std::string_view message);

}  // namespace ocrt::cli
