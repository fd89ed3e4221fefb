// Global flags (before the command) merged with the settings file:
// built-in default < /etc/ocrt/ocrt.yaml < command-line flag.
#pragma once

#include <ocrt/base/log.hpp>
#include <ocrt/base/result.hpp>
#include <ocrt/cli/args.hpp>
#include <ocrt/cli/root_dir.hpp>
#include <ocrt/spec/settings.hpp>

#include <span>
#include <string>

namespace ocrt::cli {

// --root --log --log-format --debug --systemd-cgroup --cgroup-manager --rootless --version/-v
std::span<const FlagSpec> global_flags();

struct Environment {
    RootEnvironment root;
    std::string cwd;
};
// The calling process's euid, user namespace, $USER, $XDG_RUNTIME_DIR and cwd.
Environment current_environment();

struct GlobalOptions {
    std::string root;             // absolute
    bool root_is_default = false;
    bool root_in_xdg = false;     // default root under $XDG_RUNTIME_DIR
    std::string log_path;         // empty: stderr
    log::Format log_format = log::Format::text;
    log::Level log_level = log::Level::warning;
    std::string cgroup_manager = "cgroupfs";  // "cgroupfs" | "systemd" | "disabled"
    std::string rootless = "auto";            // "true" | "false" | "auto" (accepted, recorded)
};

// Pure: no files are touched. Errors: "invalid log-format: X", "invalid cgroup-manager: X", ...
Result<GlobalOptions> resolve_global_options(const ParsedFlags &flags, const spec::Settings &settings,
                                             const Environment &env);

// The log threshold: --debug wins, then an explicit level, then "error" when logging
// to a file (Podman decodes the whole --log file as one object) and "warning" on stderr.
log::Level effective_log_level(bool debug_flag, const std::string &configured_level, bool logs_to_file);

// Points the process logger at the chosen sink, format and threshold.
Result<void> apply_logging(const GlobalOptions &options);

}  // namespace ocrt::cli
