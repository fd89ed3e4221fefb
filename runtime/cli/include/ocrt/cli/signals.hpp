// Signal names for `ocrt kill <id> [SIGNAL]`.
#pragma once

#include <ocrt/base/result.hpp>

#include <string_view>

namespace ocrt::cli {

// Accepts a number ("9", "34"), a name with or without "SIG" in any case
// ("KILL", "sigkill", "usr1") and real-time offsets ("RTMIN+3", "SIGRTMAX-1").
// Anything else: `unknown signal "X"`.
Result<int> parse_signal(std::string_view text);

}  // namespace ocrt::cli
