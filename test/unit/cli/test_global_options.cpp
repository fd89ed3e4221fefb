// Override order: built-in default < settings file < command-line flag.
#include <ocrt/cli/global_options.hpp>

#include <catch2/catch.hpp>

#include <string>

using namespace ocrt;
using namespace ocrt::cli;

namespace {

Environment unprivileged() {
    Environment env;
    env.root = {1000, false, "alice", "/run/user/1000"};
    env.cwd = "/home/alice";
    return env;
}

ParsedFlags flags_of(std::initializer_list<std::pair<const char *, const char *>> values) {
    ParsedFlags flags;
    for (auto [name, value] : values) flags.set(name, value);
    return flags;
}

GlobalOptions resolve_ok(const ParsedFlags &flags, const spec::Settings &settings,
                         const Environment &env = unprivileged()) {
    auto options = resolve_global_options(flags, settings, env);
    INFO((options ? std::string() : options.error().render()));
    REQUIRE(options.has_value());
    return std::move(options).value();
}

std::string resolve_error(const ParsedFlags &flags, const spec::Settings &settings) {
    auto options = resolve_global_options(flags, settings, unprivileged());
    REQUIRE_FALSE(options.has_value());
    return options.error().render();
}

}  // namespace

TEST_CASE("built-in defaults", "[globals]") {
    GlobalOptions options = resolve_ok({}, {});
    CHECK(options.root == "/run/user/1000/ocrt");
    CHECK(options.root_is_default);
    CHECK(options.root_in_xdg);
    CHECK(options.log_path.empty());
    CHECK(options.log_format == log::Format::text);
    CHECK(options.log_level == log::Level::warning);
    CHECK(options.cgroup_manager == "cgroupfs");
    CHECK(options.rootless == "auto");

    Environment privileged{{0, false, "root", "/run/user/0"}, "/"};
    GlobalOptions as_root = resolve_ok({}, {}, privileged);
    CHECK(as_root.root == "/run/ocrt");
    CHECK_FALSE(as_root.root_in_xdg);
}

TEST_CASE("the settings file overrides the defaults", "[globals]") {
    spec::Settings settings;
    settings.root = "/var/run/ocrt-settings";
    settings.cgroup_manager = "systemd";
    settings.log_level = "info";
    settings.log_format = "json";
    settings.log = "/var/log/ocrt.log";
    GlobalOptions options = resolve_ok({}, settings);
    CHECK(options.root == "/var/run/ocrt-settings");
    CHECK_FALSE(options.root_is_default);
    CHECK(options.cgroup_manager == "systemd");
    CHECK(options.log_level == log::Level::info);
    CHECK(options.log_format == log::Format::json);
    CHECK(options.log_path == "/var/log/ocrt.log");
}

TEST_CASE("flags override the settings file", "[globals]") {
    spec::Settings settings;
    settings.root = "/from/settings";
    settings.cgroup_manager = "systemd";
    settings.log_level = "info";
    settings.log_format = "json";
    settings.log = "/from/settings.log";
    ParsedFlags flags = flags_of({{"root", "relative/root"}, {"log", "/flag.log"}, {"log-format", "text"},
                                  {"debug", "true"}, {"cgroup-manager", "cgroupfs"}, {"rootless", "false"}});
    GlobalOptions options = resolve_ok(flags, settings);
    CHECK(options.root == "/home/alice/relative/root");
    CHECK(options.log_path == "/flag.log");
    CHECK(options.log_format == log::Format::text);
    CHECK(options.log_level == log::Level::debug);
    CHECK(options.cgroup_manager == "cgroupfs");
    CHECK(options.rootless == "false");
}

TEST_CASE("--systemd-cgroup selects systemd and conflicts with another explicit manager", "[globals]") {
    CHECK(resolve_ok(flags_of({{"systemd-cgroup", "true"}}), {}).cgroup_manager == "systemd");
    CHECK(resolve_ok(flags_of({{"systemd-cgroup", "false"}}), {}).cgroup_manager == "cgroupfs");
    spec::Settings disabled;
    disabled.cgroup_manager = "disabled";
    CHECK(resolve_ok(flags_of({{"systemd-cgroup", "true"}}), disabled).cgroup_manager == "systemd");
    CHECK(resolve_ok(flags_of({{"cgroup-manager", "disabled"}}), {}).cgroup_manager == "disabled");
    CHECK(resolve_error(flags_of({{"systemd-cgroup", "true"}, {"cgroup-manager", "cgroupfs"}}), {}) ==
          "--systemd-cgroup conflicts with --cgroup-manager=cgroupfs");
}

TEST_CASE("invalid values are rejected with the contract's wording", "[globals]") {
    CHECK(resolve_error(flags_of({{"log-format", "xml"}}), {}) == "invalid log-format: xml");
    spec::Settings bad_format;
    bad_format.log_format = "yaml";
    CHECK(resolve_error({}, bad_format) == "invalid log-format: yaml");
    CHECK(resolve_error(flags_of({{"cgroup-manager", "lxc"}}), {}) == "invalid cgroup-manager: lxc");
    CHECK(resolve_error(flags_of({{"root", "/"}}), {}) == "invalid --root \"/\": must not be \"/\"");
    CHECK(resolve_error(flags_of({{"rootless", "yes"}}), {}) ==
          "invalid --rootless value \"yes\": must be true, false or auto");
    spec::Settings bad_level;
    bad_level.log_level = "loud";
    CHECK(resolve_error({}, bad_level) == "invalid log level: loud");
}

TEST_CASE("log level: --debug, then explicit, then error for files and warning for stderr", "[globals]") {
    CHECK(effective_log_level(true, "error", true) == log::Level::debug);
    CHECK(effective_log_level(false, "info", true) == log::Level::info);
    CHECK(effective_log_level(false, "", true) == log::Level::error);
    CHECK(effective_log_level(false, "", false) == log::Level::warning);
    CHECK(resolve_ok(flags_of({{"log", "/x.log"}}), {}).log_level == log::Level::error);
}
