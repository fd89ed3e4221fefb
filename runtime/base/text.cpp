#include <ocrt/base/text.hpp>

#include <cctype>
#include <charconv>

namespace ocrt::text {
namespace {

template <typename Number>
std::optional<Number> parse_whole(std::string_view text) {
    Number value{};
    auto [end, status] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || status != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

}  // namespace

std::string quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

std::string_view trim(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
    return text;
}

std::optional<std::uint64_t> parse_u64(std::string_view text) { return parse_whole<std::uint64_t>(text); }
std::optional<std::int64_t> parse_i64(std::string_view text) { return parse_whole<std::int64_t>(text); }

}  // namespace ocrt::text
