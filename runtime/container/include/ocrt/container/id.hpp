// Container ids name a directory under the state root, so they are checked on
// every command before any path is built from them.
#pragma once

#include <ocrt/base/result.hpp>

#include <cstddef>
#include <string_view>

namespace ocrt::container {

inline constexpr std::size_t kMaxIdLength = 1024;

// Non-empty ("container id cannot be empty"), only [A-Za-z0-9_+.-], neither "."
// nor "..", at most kMaxIdLength bytes; anything else is "invalid container ID format".
Result<void> validate_id(std::string_view id);

}  // namespace ocrt::container
