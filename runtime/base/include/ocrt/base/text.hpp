// Small text helpers for values read from kernel files and config strings.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ocrt::text {

// TEXT in double quotes, as error messages show paths and values: "\"/dev/null\"".
std::string quoted(std::string_view text);

// TEXT without leading and trailing whitespace (blanks and newlines).
std::string_view trim(std::string_view text);

// The whole of TEXT as a decimal number; nullopt for anything else (empty, a sign
// where none is allowed, trailing characters, out of range).
std::optional<std::uint64_t> parse_u64(std::string_view text);
std::optional<std::int64_t> parse_i64(std::string_view text);

}  // namespace ocrt::text
