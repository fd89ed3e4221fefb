// Locating and loading the settings file: $OCRT_CONFIG, missing file, broken file.
#include <ocrt/cli/settings_file.hpp>

#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

using namespace ocrt::cli;

namespace {

std::string write_temp(const std::string &name, const std::string &text) {
    auto path = std::filesystem::temp_directory_path() / (name + "-" + std::to_string(::getpid()) + ".yaml");
    std::ofstream(path) << text;
    return path.string();
}

}  // namespace

TEST_CASE("settings path: $OCRT_CONFIG overrides /etc/ocrt/ocrt.yaml", "[settings_file]") {
    ::unsetenv("OCRT_CONFIG");
    CHECK(settings_path() == "/etc/ocrt/ocrt.yaml");
    ::setenv("OCRT_CONFIG", "", 1);
    CHECK(settings_path() == "/etc/ocrt/ocrt.yaml");
    ::setenv("OCRT_CONFIG", "/tmp/test-ocrt.yaml", 1);
    CHECK(settings_path() == "/tmp/test-ocrt.yaml");
    ::unsetenv("OCRT_CONFIG");
}

TEST_CASE("a missing settings file gives the defaults", "[settings_file]") {
    auto settings = load_settings("/nonexistent-dir/ocrt.yaml");
    REQUIRE(settings.has_value());
    CHECK(settings->root.empty());
    CHECK(settings->log_format.empty());
}

TEST_CASE("a valid settings file is read", "[settings_file]") {
    std::string path = write_temp("ocrt-unit-cli-good", "root: /var/run/x\nlog_format: json\n");
    auto settings = load_settings(path);
    std::filesystem::remove(path);
    REQUIRE(settings.has_value());
    CHECK(settings->root == "/var/run/x");
    CHECK(settings->log_format == "json");
}

TEST_CASE("a broken settings file is an error naming the file", "[settings_file]") {
    for (std::string text : {"log_format: xml\n", "root: [unclosed\n", "no_such_key: 1\n"}) {
        INFO(text);
        std::string path = write_temp("ocrt-unit-cli-bad", text);
        auto settings = load_settings(path);
        std::filesystem::remove(path);
        REQUIRE_FALSE(settings.has_value());
        CHECK(settings.error().render().find(path) != std::string::npos);
    }
    auto directory = load_settings(std::filesystem::temp_directory_path().string());
    CHECK_FALSE(directory.has_value());
}
