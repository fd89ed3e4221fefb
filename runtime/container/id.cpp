#include <ocrt/container/id.hpp>

#include <algorithm>

namespace ocrt::container {
namespace {

constexpr bool is_id_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '+' ||
           c == '.' || c == '-';
}

}  // namespace

Result<void> validate_id(std::string_view id) {
    if (id.empty()) return Error("container id cannot be empty");
    // "." and ".." would name the state root itself or its parent.
    if (id == "." || id == ".." || id.size() > kMaxIdLength || !std::all_of(id.begin(), id.end(), is_id_char))
        return Error("invalid container ID format");
    return ok();
}

}  // namespace ocrt::container
