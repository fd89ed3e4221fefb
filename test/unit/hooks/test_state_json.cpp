// The state hooks get on stdin (runtime.md "State") and the status of each phase
// (config.md "POSIX-platform Hooks"; issue 5 fixes the status per phase).
#include <ocrt/hooks/runner.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace ocrt;
using namespace ocrt::hooks;

TEST_CASE("each phase has its config.md name") {
    CHECK(phase_name(HookPhase::Prestart) == "prestart");
    CHECK(phase_name(HookPhase::CreateRuntime) == "createRuntime");
    CHECK(phase_name(HookPhase::CreateContainer) == "createContainer");
    CHECK(phase_name(HookPhase::StartContainer) == "startContainer");
    CHECK(phase_name(HookPhase::Poststart) == "poststart");
    CHECK(phase_name(HookPhase::Poststop) == "poststop");
}

TEST_CASE("each phase's hooks see the status of that moment of the lifecycle") {
    CHECK(phase_status(HookPhase::Prestart) == "created");
    CHECK(phase_status(HookPhase::CreateRuntime) == "creating");
    CHECK(phase_status(HookPhase::CreateContainer) == "creating");
    CHECK(phase_status(HookPhase::StartContainer) == "created");
    CHECK(phase_status(HookPhase::Poststart) == "running");
    CHECK(phase_status(HookPhase::Poststop) == "stopped");
}

TEST_CASE("hook_state_json carries the runtime.md state fields") {
    spec::State state;
    state.oci_version = "1.3.0";
    state.id = "web";
    state.status = "creating";
    state.pid = 4242;
    state.bundle = "/srv/bundle";
    state.rootfs = "/srv/bundle/rootfs";
    state.annotations = {{"org.example.key", "value"}};
    auto j = nlohmann::json::parse(hook_state_json(state));
    CHECK(j.at("ociVersion") == "1.3.0");
    CHECK(j.at("id") == "web");
    CHECK(j.at("status") == "creating");
    CHECK(j.at("pid") == 4242);
    CHECK(j.at("bundle") == "/srv/bundle");
    CHECK(j.at("annotations").at("org.example.key") == "value");
    CHECK(j.size() == 6);
}

TEST_CASE("hook_state_json leaves out empty annotations") {
    spec::State state;
    state.id = "x";
    auto j = nlohmann::json::parse(hook_state_json(state));
    CHECK_FALSE(j.contains("annotations"));
    CHECK(j.contains("pid"));
}
