#include "proc_stat.hpp"

#include <ocrt/init/launch.hpp>

#include <catch2/catch.hpp>

#include <unistd.h>

using namespace ocrt::init;

TEST_CASE("parse_start_time reads field 22 after the command name", "[init][proc]") {
    const char *line =
        "1234 (sleep) S 1 1234 1234 0 -1 4194304 100 0 0 0 0 0 0 0 20 0 1 0 987654 8192000 200 "
        "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 3 0 0 0 0 0\n";
    CHECK(parse_start_time(line) == 987654ULL);
}

TEST_CASE("parse_start_time survives spaces and parentheses in the command name", "[init][proc]") {
    const char *line = "42 (a) b (c)) R 1 42 42 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 555 0 0";
    CHECK(parse_start_time(line) == 555ULL);
}

TEST_CASE("parse_start_time rejects malformed lines", "[init][proc]") {
    CHECK_FALSE(parse_start_time("").has_value());
    CHECK_FALSE(parse_start_time("12 no-parens S 1").has_value());
    CHECK_FALSE(parse_start_time("12 (short) S 1 2 3").has_value());
    CHECK_FALSE(parse_start_time("1 (x) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 12ab 0").has_value());
}

TEST_CASE("process_start_time of this process is stable and non-zero", "[init][proc]") {
    auto first = process_start_time(::getpid());
    REQUIRE(first.has_value());
    CHECK(*first > 0);
    auto again = process_start_time(::getpid());
    REQUIRE(again.has_value());
    CHECK(*again == *first);
}

TEST_CASE("process_start_time of a missing pid names the file", "[init][proc]") {
    auto missing = process_start_time(0x3ffffff);
    REQUIRE_FALSE(missing.has_value());
    CHECK(missing.error().code() == ENOENT);
    CHECK(missing.error().render().find("\"/proc/67108863/stat\"") != std::string::npos);
}

TEST_CASE("process_parent_pid reads field 4", "[init][proc]") {
    auto parent = ocrt::init::process_parent_pid(::getpid());
    REQUIRE(parent.has_value());
    CHECK(*parent == ::getppid());
    CHECK(ocrt::init::parse_stat_field("7 (x y) S 99 7", 4) == 99ULL);
    CHECK_FALSE(ocrt::init::parse_stat_field("7 (x) S 99", 2).has_value());
}
