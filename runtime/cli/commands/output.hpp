// Writing a command's payload to stdout (the only thing stdout ever carries).
#pragma once

#include <ocrt/base/result.hpp>

#include <string_view>

namespace ocrt::cli {

// All of text, retrying short writes; EPIPE and friends are errors.
Result<void> write_stdout(std::string_view text);

}  // namespace ocrt::cli
