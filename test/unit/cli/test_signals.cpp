#include <ocrt/cli/signals.hpp>

#include <catch2/catch.hpp>

#include <csignal>
#include <string>
#include <vector>

using ocrt::cli::parse_signal;

TEST_CASE("signal names and numbers", "[signals]") {
    struct Case {
        std::string text;
        int number;
    };
    const std::vector<Case> cases = {
        {"9", SIGKILL},         {"15", SIGTERM},      {"1", SIGHUP},       {"34", 34},
        {"KILL", SIGKILL},      {"SIGKILL", SIGKILL}, {"kill", SIGKILL},   {"sigkill", SIGKILL},
        {"SigKill", SIGKILL},   {"TERM", SIGTERM},    {"usr1", SIGUSR1},   {"USR2", SIGUSR2},
        {"SIGHUP", SIGHUP},     {"int", SIGINT},      {"QUIT", SIGQUIT},   {"WINCH", SIGWINCH},
        {"SIGCHLD", SIGCHLD},   {"STOP", SIGSTOP},    {"CONT", SIGCONT},   {"PWR", SIGPWR},
        {"SIGSYS", SIGSYS},     {"RTMIN", SIGRTMIN},  {"RTMIN+3", SIGRTMIN + 3},
        {"SIGRTMIN+1", SIGRTMIN + 1},                 {"rtmax", SIGRTMAX}, {"SIGRTMAX-2", SIGRTMAX - 2},
        {std::to_string(SIGRTMAX), SIGRTMAX},
    };
    for (const Case &c : cases) {
        INFO(c.text);
        auto parsed = parse_signal(c.text);
        REQUIRE(parsed.has_value());
        CHECK(*parsed == c.number);
    }
}

TEST_CASE("unknown signals", "[signals]") {
    for (std::string text : {"", "0", "-9", "65", "999", "BOGUS", "SIG", "SIGSIGKILL", "9x", " 9", "RTMIN-1",
                             "RTMAX+1", "RTMIN+100", "RTMIN+", "RTMIN3", "KILL "}) {
        INFO(text);
        auto parsed = parse_signal(text);
        REQUIRE_FALSE(parsed.has_value());
        CHECK(parsed.error().render() == "unknown signal \"" + text + "\"");
    }
}
