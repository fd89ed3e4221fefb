#include <ocrt/container/id.hpp>

#include <catch2/catch.hpp>

#include <string>

using ocrt::container::kMaxIdLength;
using ocrt::container::validate_id;

TEST_CASE("valid container ids are accepted", "[id]") {
    auto id = GENERATE(as<std::string>{}, "a", "abc", "A-Z_0+9.x", "...", ".hidden", "a..b", "-leading-dash",
                       "c0ffee", std::string(kMaxIdLength, 'x'));
    CAPTURE(id);
    CHECK(validate_id(id));
}

TEST_CASE("an empty id has its own message", "[id]") {
    auto result = validate_id("");
    REQUIRE_FALSE(result);
    CHECK(result.error().render() == "container id cannot be empty");
}

TEST_CASE("malformed ids are rejected as invalid format", "[id]") {
    auto id = GENERATE(as<std::string>{}, ".", "..", "a/b", "/abs", "foo bar", "tab\there", "new\nline", "a:b",
                       "semi;colon", "star*", "ümlaut", std::string("nul\0byte", 8),
                       std::string(kMaxIdLength + 1, 'x'));
    CAPTURE(id);
    auto result = validate_id(id);
    REQUIRE_FALSE(result);
    CHECK(result.error().render() == "invalid container ID format");
}
