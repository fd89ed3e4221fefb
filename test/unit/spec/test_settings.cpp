// parse_settings (ocrt.yaml).
#include <ocrt/spec/settings.hpp>

#include <catch2/catch.hpp>

using namespace ocrt::spec;

TEST_CASE("settings: every key", "[spec][settings]") {
    auto s = parse_settings("root: /run/ocrt\ncgroup_manager: systemd\nlog_level: debug\nlog_format: json\n"
                            "log: /var/log/ocrt.log\n");
    REQUIRE(s);
    CHECK(s->root == "/run/ocrt");
    CHECK(s->cgroup_manager == "systemd");
    CHECK(s->log_level == "debug");
    CHECK(s->log_format == "json");
    CHECK(s->log == "/var/log/ocrt.log");
}

TEST_CASE("settings: empty document and empty values keep defaults", "[spec][settings]") {
    auto empty = parse_settings("");
    REQUIRE(empty);
    CHECK(empty->root.empty());
    CHECK(empty->log_format.empty());
    auto comment = parse_settings("# nothing here\n");
    REQUIRE(comment);
    auto blank_value = parse_settings("log:\n");
    REQUIRE(blank_value);
    CHECK(blank_value->log.empty());
}

TEST_CASE("settings errors name file and key", "[spec][settings]") {
    struct Case {
        const char *yaml;
        const char *message;
    };
    const Case cases[] = {
        {"log_format: xml\n", "ocrt.yaml: log_format: must be \"text\" or \"json\", got \"xml\""},
        {"log_level: loud\n", "ocrt.yaml: log_level: must be \"debug\", \"info\", \"warning\" or \"error\", got \"loud\""},
        {"cgroup_manager: cgroupv3\n",
         "ocrt.yaml: cgroup_manager: must be \"cgroupfs\", \"systemd\" or \"disabled\", got \"cgroupv3\""},
        {"root: relative/dir\n", "ocrt.yaml: root: must be an absolute path, got \"relative/dir\""},
        {"log: out.log\n", "ocrt.yaml: log: must be an absolute path, got \"out.log\""},
        {"colour: blue\n", "ocrt.yaml: colour: unknown setting"},
        {"root: [a, b]\n", "ocrt.yaml: root: expected a string"},
        {"- root\n", "ocrt.yaml: expected a mapping of settings at the top level"},
    };
    for (const auto &c : cases) {
        INFO(c.yaml);
        auto s = parse_settings(c.yaml);
        REQUIRE_FALSE(s);
        CHECK(s.error().render() == c.message);
    }
}

TEST_CASE("settings syntax errors give line and column", "[spec][settings]") {
    auto s = parse_settings("root: /run\nlog: [unclosed\n", "/etc/ocrt/ocrt.yaml");
    REQUIRE_FALSE(s);
    CHECK(s.error().render().rfind("/etc/ocrt/ocrt.yaml: line ", 0) == 0);
    CHECK(s.error().render().find("column") != std::string::npos);
}
