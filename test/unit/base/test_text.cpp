// The text helpers kernel files and config values go through.
#include <ocrt/base/text.hpp>

#include <catch2/catch.hpp>

using namespace ocrt;

TEST_CASE("trim drops blanks and newlines at both ends only") {
    CHECK(text::trim("  0-3\n") == "0-3");
    CHECK(text::trim("\tFROZEN \n") == "FROZEN");
    CHECK(text::trim("a b") == "a b");
    CHECK(text::trim(" \n ").empty());
    CHECK(text::trim("").empty());
}

TEST_CASE("parse_u64 and parse_i64 take a whole decimal number or nothing") {
    CHECK(text::parse_u64("18446744073709551615") == UINT64_MAX);
    CHECK_FALSE(text::parse_u64("18446744073709551616"));
    CHECK_FALSE(text::parse_u64("-1"));
    CHECK_FALSE(text::parse_u64("12abc"));
    CHECK_FALSE(text::parse_u64(" 12"));
    CHECK_FALSE(text::parse_u64(""));
    CHECK_FALSE(text::parse_u64("max"));
    CHECK(text::parse_i64("-1") == -1);
    CHECK(text::parse_i64("9223372036854771712") == 9223372036854771712LL);
    CHECK_FALSE(text::parse_i64("1.5"));
}
