#include <ocrt/cli/global_options.hpp>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

namespace ocrt::cli {
namespace {

constexpr FlagSpec global_flag_table[] = {
    {"root", 0, FlagKind::value, "root directory for container state (default: /run/ocrt or $XDG_RUNTIME_DIR/ocrt)"},
    {"log", 0, FlagKind::value, "log file (default: stderr)"},
    {"log-format", 0, FlagKind::value, "log format: text or json (default: text)"},
    {"debug", 0, FlagKind::boolean, "enable debug logging"},
    {"systemd-cgroup", 0, FlagKind::boolean, "manage cgroups through systemd (cgroupsPath is slice:prefix:name)"},
    {"cgroup-manager", 0, FlagKind::value, "cgroup manager: cgroupfs, systemd or disabled (default: cgroupfs)"},
    {"rootless", 0, FlagKind::value, "rootless cgroup handling: true, false or auto (default: auto)"},
    {"version", 'v', FlagKind::boolean, "print the version"},
};

std::optional<std::string> env_value(const char *name) {
    const char *value = std::getenv(name);
    if (value == nullptr) return std::nullopt;
    return std::string(value);
}

bool valid_cgroup_manager(const std::string &name) {
    return name == "cgroupfs" || name == "systemd" || name == "disabled";
}

Result<std::string> resolve_cgroup_manager(const ParsedFlags &flags, const spec::Settings &settings) {
    std::string manager = settings.cgroup_manager.empty() ? "cgroupfs" : settings.cgroup_manager;
    if (flags.has("cgroup-manager")) manager = flags.value("cgroup-manager");
    if (!valid_cgroup_manager(manager)) return Error("invalid cgroup-manager: " + manager);
    if (flags.enabled("systemd-cgroup")) {
        if (flags.has("cgroup-manager") && manager != "systemd")
            return Error("--systemd-cgroup conflicts with --cgroup-manager=" + manager);
        manager = "systemd";
    }
    return manager;
}

}  // namespace

std::span<const FlagSpec> global_flags() { return global_flag_table; }

Environment current_environment() {
    Environment env;
    env.root.euid = ::geteuid();
    env.root.in_user_namespace = running_in_user_namespace();
    env.root.user = env_value("USER");
    env.root.xdg_runtime_dir = env_value("XDG_RUNTIME_DIR");
    std::error_code error;
    env.cwd = std::filesystem::current_path(error).string();
    if (error) env.cwd = "/";
    return env;
}

log::Level effective_log_level(bool debug_flag, const std::string &configured_level, bool logs_to_file) {
    if (debug_flag) return log::Level::debug;
    if (auto level = log::parse_level(configured_level)) return *level;
    return logs_to_file ? log::Level::error : log::Level::warning;
}

Result<GlobalOptions> resolve_global_options(const ParsedFlags &flags, const spec::Settings &settings,
                                             const Environment &env) {
    GlobalOptions options;

    std::string root = flags.value("root", settings.root);
    if (root.empty()) {
        DefaultRoot fallback = default_root(env.root);
        root = fallback.path;
        options.root_is_default = true;
        options.root_in_xdg = fallback.in_xdg;
    }
    options.root = OCRT_TRY(resolve_root(root, env.cwd));

    options.log_path = flags.value("log", settings.log);

    std::string format = flags.value("log-format", settings.log_format.empty() ? "text" : settings.log_format);
    auto parsed_format = log::parse_format(format);
    if (!parsed_format) return Error("invalid log-format: " + format);
    options.log_format = *parsed_format;

    if (!settings.log_level.empty() && !log::parse_level(settings.log_level))
        return Error("invalid log level: " + settings.log_level);
    options.log_level = effective_log_level(flags.enabled("debug"), settings.log_level, !options.log_path.empty());

    options.cgroup_manager = OCRT_TRY(resolve_cgroup_manager(flags, settings));

    options.rootless = flags.value("rootless", "auto");
    if (options.rootless != "true" && options.rootless != "false" && options.rootless != "auto")
        return Error("invalid --rootless value \"" + options.rootless + "\": must be true, false or auto");
    return options;
}

Result<void> apply_logging(const GlobalOptions &options) {
    log::set_format(options.log_format);
    log::set_threshold(options.log_level);
    if (!options.log_path.empty()) OCRT_TRY(log::open_file(options.log_path));
    return ok();
}

}  // namespace ocrt::cli
