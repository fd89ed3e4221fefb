// state_to_json / parse_state.
#include <ocrt/spec/state.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace ocrt::spec;
using nlohmann::json;

namespace {

State sample() {
    State s;
    s.oci_version = "1.3.0";
    s.id = "web-1";
    s.status = "running";
    s.pid = 4242;
    s.bundle = "/run/bundles/web-1";
    s.rootfs = "/run/bundles/web-1/rootfs";
    s.created = "2026-08-01T12:00:00.123456789Z";
    s.owner = "root";
    s.annotations = {{"com.example.a", "1"}};
    return s;
}

bool has_message(const std::vector<Diagnostic> &errors, const std::string &pointer, const std::string &text) {
    for (const auto &d : errors)
        if (d.pointer == pointer && d.message.find(text) != std::string::npos) return true;
    return false;
}

}  // namespace

TEST_CASE("state JSON has the schema's required keys in runc's order", "[spec][state]") {
    std::string text = state_to_json(sample());
    CHECK(text.back() == '}');  // no trailing newline
    CHECK(text.find("\n  \"ociVersion\": \"1.3.0\"") != std::string::npos);  // 2-space indent
    json j = json::parse(text);
    for (const char *key : {"ociVersion", "id", "status", "bundle"}) CHECK(j.contains(key));
    CHECK(j["pid"] == 4242);
    CHECK(j["rootfs"] == "/run/bundles/web-1/rootfs");
    CHECK(j["created"] == "2026-08-01T12:00:00.123456789Z");
    CHECK(j["annotations"]["com.example.a"] == "1");
    CHECK_FALSE(j.contains("owner"));
    CHECK(text.find("ociVersion") < text.find("\"id\""));
    CHECK(text.find("\"id\"") < text.find("\"pid\""));
    CHECK(text.find("\"pid\"") < text.find("\"status\""));
}

TEST_CASE("state JSON: owner on request, annotations omitted when empty, compact form", "[spec][state]") {
    State s = sample();
    s.annotations.clear();
    s.status = "stopped";
    s.pid = 0;
    std::string text = state_to_json(s, true, false);
    CHECK(text.find('\n') == std::string::npos);
    json j = json::parse(text);
    CHECK(j["owner"] == "root");
    CHECK(j["pid"] == 0);
    CHECK_FALSE(j.contains("annotations"));
}

TEST_CASE("state round trip", "[spec][state]") {
    State s = sample();
    auto parsed = parse_state(state_to_json(s, true));
    REQUIRE(parsed.errors.empty());
    REQUIRE(parsed.state);
    const State &r = *parsed.state;
    CHECK(r.oci_version == s.oci_version);
    CHECK(r.id == s.id);
    CHECK(r.status == s.status);
    CHECK(r.pid == s.pid);
    CHECK(r.bundle == s.bundle);
    CHECK(r.rootfs == s.rootfs);
    CHECK(r.created == s.created);
    CHECK(r.owner == s.owner);
    CHECK(r.annotations == s.annotations);
}

TEST_CASE("parse_state errors", "[spec][state]") {
    auto missing = parse_state(R"({"ociVersion": "1.0.0", "status": "created"})");
    CHECK_FALSE(missing.state);
    CHECK(has_message(missing.errors, "/id", "required field is missing"));
    CHECK(has_message(missing.errors, "/bundle", "required field is missing"));

    auto bad = parse_state(R"({"ociVersion": "1.0.0", "id": "x", "status": "sleeping", "bundle": "/b", "pid": -1})");
    CHECK(has_message(bad.errors, "/status", "unknown status \"sleeping\""));
    CHECK(has_message(bad.errors, "/pid", "must not be negative, got -1"));

    auto paused = parse_state(R"({"ociVersion": "1.0.0", "id": "x", "status": "paused", "bundle": "/b"})");
    CHECK(paused.state);

    auto malformed = parse_state("{\"id\":");
    REQUIRE(malformed.errors.size() == 1);
    CHECK(malformed.errors[0].message.find("malformed JSON") == 0);
}
