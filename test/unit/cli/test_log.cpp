// Log line shapes that containerd and Podman decode (cli-contract.md §3).
#include <ocrt/base/log.hpp>

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

using namespace ocrt;
using namespace std::chrono;

namespace {

const system_clock::time_point noon = sys_days{year{2026} / 8 / 1} + hours{12} + minutes{3} + seconds{4};

std::string read_file(const std::string &path) {
    std::ifstream file(path);
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
}

}  // namespace

TEST_CASE("RFC 3339 in UTC with a zone", "[log]") {
    CHECK(log::rfc3339_utc(noon) == "2026-08-01T12:03:04Z");
    CHECK(log::rfc3339_utc(noon + milliseconds{999}) == "2026-08-01T12:03:04Z");
    CHECK(log::rfc3339_utc(system_clock::time_point{}) == "1970-01-01T00:00:00Z");
}

TEST_CASE("JSON string escaping", "[log]") {
    struct Case {
        std::string in;
        std::string out;
    };
    const std::vector<Case> cases = {
        {"plain", "\"plain\""},
        {"say \"hi\"", "\"say \\\"hi\\\"\""},
        {"back\\slash", "\"back\\\\slash\""},
        {"a\nb\tc\rd", "\"a\\nb\\tc\\rd\""},
        {std::string("nul\0x", 5), "\"nul\\u0000x\""},
        {"\x01\x1f\x7f\b\f", "\"\\u0001\\u001f\\u007f\\b\\f\""},
        {"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xb3", "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xb3\""},
        {"bad \xff byte", "\"bad \\ufffd byte\""},
        {"truncated \xe2\x82", "\"truncated \\ufffd\\ufffd\""},
        {"overlong \xc0\xaf", "\"overlong \\ufffd\\ufffd\""},
        {"surrogate \xed\xa0\x80", "\"surrogate \\ufffd\\ufffd\\ufffd\""},
        {"/path", "\"/path\""},
    };
    for (const Case &c : cases) {
        INFO(c.in);
        std::string quoted = log::json_quote(c.in);
        CHECK(quoted == c.out);
        CHECK_NOTHROW(nlohmann::json::parse(quoted));
    }
    CHECK(nlohmann::json::parse(log::json_quote("x\"\\\n\x01y")).get<std::string>() == "x\"\\\n\x01y");
}

TEST_CASE("JSON entry: sorted keys, one line, decodes", "[log]") {
    std::string line = log::format_entry(log::Format::json, log::Level::error, "container \"x\" does not exist", noon);
    CHECK(line == "{\"level\":\"error\",\"msg\":\"container \\\"x\\\" does not exist\",\"time\":\"2026-08-01T12:03:04Z\"}\n");
    auto decoded = nlohmann::json::parse(line);
    CHECK(decoded["level"] == "error");
    CHECK(decoded["msg"] == "container \"x\" does not exist");
    CHECK(log::format_entry(log::Format::json, log::Level::warning, "multi\nline", noon) ==
          "{\"level\":\"warning\",\"msg\":\"multi\\nline\",\"time\":\"2026-08-01T12:03:04Z\"}\n");
}

TEST_CASE("text entry: logrus style", "[log]") {
    CHECK(log::format_entry(log::Format::text, log::Level::error, "exec: \"sh\": not found", noon) ==
          "time=\"2026-08-01T12:03:04Z\" level=error msg=\"exec: \\\"sh\\\": not found\"\n");
    CHECK(log::format_entry(log::Format::text, log::Level::debug, "x", noon) ==
          "time=\"2026-08-01T12:03:04Z\" level=debug msg=\"x\"\n");
}

TEST_CASE("level and format names", "[log]") {
    CHECK(log::parse_level("debug") == log::Level::debug);
    CHECK(log::parse_level("info") == log::Level::info);
    CHECK(log::parse_level("warning") == log::Level::warning);
    CHECK(log::parse_level("warn") == log::Level::warning);
    CHECK(log::parse_level("error") == log::Level::error);
    CHECK_FALSE(log::parse_level("ERROR").has_value());
    CHECK_FALSE(log::parse_level("").has_value());
    CHECK(log::parse_format("json") == log::Format::json);
    CHECK(log::parse_format("text") == log::Format::text);
    CHECK_FALSE(log::parse_format("xml").has_value());
    CHECK(log::level_name(log::Level::warning) == "warning");
}

TEST_CASE("file sink: appends, 0644, honours the threshold", "[log]") {
    auto path = (std::filesystem::temp_directory_path() / ("ocrt-unit-cli-log-" + std::to_string(::getpid()))).string();
    std::filesystem::remove(path);
    {
        std::ofstream existing(path);
        existing << "{\"level\":\"info\",\"msg\":\"earlier call\",\"time\":\"2026-08-01T00:00:00Z\"}\n";
    }
    mode_t old_umask = ::umask(022);
    REQUIRE(log::open_file(path).has_value());
    ::umask(old_umask);
    CHECK(log::writes_to_file());
    log::set_format(log::Format::json);
    log::set_threshold(log::Level::error);
    log::warning("hidden at the default file threshold");
    log::error("container not running");
    log::set_threshold(log::Level::debug);
    log::debug("visible");

    std::istringstream lines(read_file(path));
    std::string line;
    std::vector<nlohmann::json> entries;
    while (std::getline(lines, line)) entries.push_back(nlohmann::json::parse(line));
    REQUIRE(entries.size() == 3);
    CHECK(entries[0]["msg"] == "earlier call");
    CHECK(entries[1]["level"] == "error");
    CHECK(entries[1]["msg"] == "container not running");
    CHECK(entries[2]["level"] == "debug");

    std::filesystem::remove(path);
    auto fresh = path + ".new";
    ::umask(022);
    REQUIRE(log::open_file(fresh).has_value());
    ::umask(old_umask);
    struct stat info {};
    REQUIRE(::stat(fresh.c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0644);
    std::filesystem::remove(fresh);

    auto missing = log::open_file("/nonexistent-dir/ocrt.log");
    REQUIRE_FALSE(missing.has_value());
    CHECK(missing.error().render() ==
          "open log file \"/nonexistent-dir/ocrt.log\": no such file or directory");
}
