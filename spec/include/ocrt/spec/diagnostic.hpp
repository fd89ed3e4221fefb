// A problem found in an input document, located by a JSON pointer (RFC 6901).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ocrt::spec {

struct Diagnostic {
    std::string pointer;  // "/process/rlimits/1/type"; "" for the document itself
    std::string message;  // "unknown rlimit \"RLIMIT_FOO\""
};

// PARENT + "/" + KEY as a JSON pointer: RFC 6901 writes "~" as "~0" and "/" as "~1".
std::string child_pointer(std::string_view parent, std::string_view key);

// "config.json: /process/rlimits/1/type: unknown rlimit \"RLIMIT_FOO\""
std::string render(const Diagnostic &d, const std::string &document = "config.json");

}  // namespace ocrt::spec
