// The parser rules of cli-contract.md §1, against a small table.
#include <ocrt/cli/args.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace ocrt::cli;

namespace {

constexpr FlagSpec table[] = {
    {"bundle", 'b', FlagKind::value, ""},
    {"pid-file", 0, FlagKind::value, ""},
    {"detach", 'd', FlagKind::boolean, ""},
    {"no-subreaper", 0, FlagKind::boolean, ""},
    {"resources", 'r', FlagKind::value, ""},
};

ParsedArgs parse_ok(std::vector<std::string> args, FlagOrder order = FlagOrder::interspersed) {
    auto parsed = parse_args(table, args, order);
    INFO((parsed ? std::string() : parsed.error().render()));
    REQUIRE(parsed.has_value());
    return std::move(parsed).value();
}

std::string parse_error(std::vector<std::string> args, FlagOrder order = FlagOrder::interspersed) {
    auto parsed = parse_args(table, args, order);
    REQUIRE_FALSE(parsed.has_value());
    return parsed.error().render();
}

}  // namespace

TEST_CASE("value flags: separate, = form, one or two dashes, alias", "[args]") {
    struct Case {
        std::vector<std::string> args;
        std::string bundle;
    };
    const std::vector<Case> cases = {
        {{"--bundle", "/b", "id"}, "/b"},
        {{"--bundle=/b", "id"}, "/b"},
        {{"-bundle", "/b", "id"}, "/b"},
        {{"-bundle=/b", "id"}, "/b"},
        {{"-b", "/b", "id"}, "/b"},
        {{"-b=/b", "id"}, "/b"},
        {{"--b", "/b", "id"}, "/b"},
        {{"--bundle=", "id"}, ""},
        {{"--bundle=a=b", "id"}, "a=b"},
    };
    for (const Case &c : cases) {
        ParsedArgs parsed = parse_ok(c.args);
        INFO(c.args[0]);
        CHECK(parsed.flags.has("bundle"));
        CHECK(parsed.flags.value("bundle") == c.bundle);
        CHECK(parsed.positionals == std::vector<std::string>{"id"});
    }
}

TEST_CASE("boolean flags, including Go's single-dash long form and =false", "[args]") {
    struct Case {
        std::vector<std::string> args;
        bool detach;
        bool no_subreaper;
    };
    const std::vector<Case> cases = {
        {{"-d", "id"}, true, false},
        {{"--detach", "id"}, true, false},
        {{"-no-subreaper", "id"}, false, true},
        {{"--no-subreaper", "--detach", "id"}, true, true},
        {{"--detach=false", "id"}, false, false},
        {{"--detach=true", "id"}, true, false},
        {{"--detach=1", "id"}, true, false},
        {{"id"}, false, false},
    };
    for (const Case &c : cases) {
        ParsedArgs parsed = parse_ok(c.args);
        INFO(c.args[0]);
        CHECK(parsed.flags.enabled("detach") == c.detach);
        CHECK(parsed.flags.enabled("no-subreaper") == c.no_subreaper);
        CHECK(parsed.positionals == std::vector<std::string>{"id"});
    }
    CHECK(parse_error({"--detach=maybe", "id"}) == "invalid boolean value \"maybe\" for -detach");
}

TEST_CASE("a boolean flag does not swallow the following word", "[args]") {
    ParsedArgs parsed = parse_ok({"--detach", "id"});
    CHECK(parsed.positionals == std::vector<std::string>{"id"});
}

TEST_CASE("repeated flags: last wins", "[args]") {
    ParsedArgs parsed = parse_ok({"--bundle=/one", "--detach", "-b", "/two", "--detach", "id"});
    CHECK(parsed.flags.value("bundle") == "/two");
    CHECK(parsed.flags.enabled("detach"));
}

TEST_CASE("a lone dash is a value and a positional", "[args]") {
    ParsedArgs parsed = parse_ok({"--resources", "-", "id"});
    CHECK(parsed.flags.value("resources") == "-");
    CHECK(parsed.positionals == std::vector<std::string>{"id"});

    ParsedArgs positional = parse_ok({"-"});
    CHECK(positional.positionals == std::vector<std::string>{"-"});
}

TEST_CASE("a value flag takes the next word even when it starts with a dash", "[args]") {
    ParsedArgs parsed = parse_ok({"--pid-file", "-weird", "id"});
    CHECK(parsed.flags.value("pid-file") == "-weird");
}

TEST_CASE("flags may follow positionals in interspersed mode", "[args]") {
    ParsedArgs parsed = parse_ok({"id", "--detach", "extra"});
    CHECK(parsed.flags.enabled("detach"));
    CHECK(parsed.positionals == std::vector<std::string>{"id", "extra"});
}

TEST_CASE("stop_at_first_positional keeps later dashes as arguments", "[args]") {
    ParsedArgs parsed = parse_ok({"-d", "id", "ps", "-ef", "--detach", "-"}, FlagOrder::stop_at_first_positional);
    CHECK(parsed.flags.enabled("detach"));
    CHECK(parsed.positionals == std::vector<std::string>{"id", "ps", "-ef", "--detach", "-"});
}

TEST_CASE("-- ends the flags", "[args]") {
    ParsedArgs parsed = parse_ok({"--detach", "--", "--bundle", "-x"});
    CHECK(parsed.flags.enabled("detach"));
    CHECK_FALSE(parsed.flags.has("bundle"));
    CHECK(parsed.positionals == std::vector<std::string>{"--bundle", "-x"});
}

TEST_CASE("help is implicit and stops parsing", "[args]") {
    for (std::vector<std::string> args : {std::vector<std::string>{"-h"}, {"--help"}, {"-help"},
                                          {"--detach", "-h", "--unknown"}}) {
        auto parsed = parse_args(table, args, FlagOrder::interspersed);
        REQUIRE(parsed.has_value());
        CHECK(parsed->help_requested);
    }
    ParsedArgs after_id = parse_ok({"id", "-h"}, FlagOrder::stop_at_first_positional);
    CHECK_FALSE(after_id.help_requested);
    CHECK(after_id.positionals == std::vector<std::string>{"id", "-h"});
}

TEST_CASE("unknown flags and missing values are errors in Go's words", "[args]") {
    CHECK(parse_error({"--bogus", "id"}) == "flag provided but not defined: -bogus");
    CHECK(parse_error({"-x"}) == "flag provided but not defined: -x");
    CHECK(parse_error({"---bundle", "/b"}) == "flag provided but not defined: --bundle");
    CHECK(parse_error({"id", "--bogus=1"}) == "flag provided but not defined: -bogus");
    CHECK(parse_error({"--bundle"}) == "flag needs an argument: -bundle");
    CHECK(parse_error({"-b"}) == "flag needs an argument: -b");
}

TEST_CASE("flag values absent from the command line fall back", "[args]") {
    ParsedArgs parsed = parse_ok({"id"});
    CHECK_FALSE(parsed.flags.has("bundle"));
    CHECK(parsed.flags.value("bundle", "/cwd") == "/cwd");
    CHECK(parsed.flags.value("bundle").empty());
}

TEST_CASE("flag_as_unsigned", "[args]") {
    ParsedFlags flags;
    CHECK(flag_as_unsigned(flags, "preserve-fds", 7).value() == 7);
    flags.set("preserve-fds", "3");
    CHECK(flag_as_unsigned(flags, "preserve-fds").value() == 3);
    for (const char *bad : {"", "-1", "3x", "x", "99999999999999999999"}) {
        flags.set("preserve-fds", bad);
        auto parsed = flag_as_unsigned(flags, "preserve-fds");
        REQUIRE_FALSE(parsed.has_value());
        CHECK(parsed.error().render() ==
              "invalid value \"" + std::string(bad) + "\" for flag -preserve-fds: must be a non-negative integer");
    }
}
