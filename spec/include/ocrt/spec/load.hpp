// Parsing and validating config.json. Pure: the caller reads the file.
#pragma once

#include <ocrt/spec/config.hpp>
#include <ocrt/spec/diagnostic.hpp>

#include <optional>
#include <string_view>
#include <vector>

namespace ocrt::spec {

struct ParsedConfig {
    std::optional<Config> config;      // set only when errors is empty
    std::vector<Diagnostic> errors;    // every error found, not only the first
    std::vector<Diagnostic> warnings;  // e.g. unknown fields are ignored silently, not warned
};

// Parses and validates a whole config.json text (runtime-spec 1.0.0 .. 1.3.x).
ParsedConfig parse_config(std::string_view json_text);

// Parses a standalone process object (exec --process); pointers are relative to it.
struct ParsedProcess {
    std::optional<Process> process;
    std::vector<Diagnostic> errors;
};
ParsedProcess parse_process(std::string_view json_text);

// Parses a standalone linux.resources object (update --resources); pointers are relative to it.
struct ParsedResources {
    std::optional<Resources> resources;
    std::vector<Diagnostic> errors;
};
ParsedResources parse_resources(std::string_view json_text);

}  // namespace ocrt::spec
