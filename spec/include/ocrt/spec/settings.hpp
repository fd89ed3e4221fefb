// ocrt's own settings file (/etc/ocrt/ocrt.yaml by default). CLI flags override it.
#pragma once

#include <ocrt/base/result.hpp>

#include <string>
#include <string_view>

namespace ocrt::spec {

struct Settings {
    std::string root;            // state root; empty: the built-in default rule
    std::string cgroup_manager;  // "cgroupfs" | "systemd" | "disabled"; empty: cgroupfs
    std::string log_level;       // "debug" | "info" | "warning" | "error"; empty: "warning"
    std::string log_format;      // "text" | "json"; empty: "text"
    std::string log;             // log file path; empty: stderr
};

// Parses the YAML text; unknown keys are errors, as are wrong types and values:
// "ocrt.yaml: log_format: must be \"text\" or \"json\", got \"xml\"".
Result<Settings> parse_settings(std::string_view yaml_text, const std::string &file_name = "ocrt.yaml");

}  // namespace ocrt::spec
