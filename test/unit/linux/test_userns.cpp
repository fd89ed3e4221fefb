#include <ocrt/linux/userns.hpp>

#include "fake_kernel.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

using ocrt::testing::FakeKernel;

TEST_CASE("render_id_map writes one line per mapping") {
    CHECK(ocrt::os::render_id_map({}) == "");
    CHECK(ocrt::os::render_id_map({{0, 100000, 65536}}) == "0 100000 65536\n");
    CHECK(ocrt::os::render_id_map({{0, 1000, 1}, {1, 100000, 4294967294u}}) == "0 1000 1\n1 100000 4294967294\n");
}

TEST_CASE("render_time_offsets writes clock secs nanosecs lines") {
    CHECK(ocrt::os::render_time_offsets({}) == "");
    std::map<std::string, ocrt::spec::TimeOffset> offsets = {{"monotonic", {3, 0}}, {"boottime", {-5, 500}}};
    CHECK(ocrt::os::render_time_offsets(offsets) == "boottime -5 500\nmonotonic 3 0\n");
}

TEST_CASE("write_id_maps writes uid_map and gid_map of the child") {
    ocrt::spec::LinuxConfig config;
    config.uid_mappings = {{0, 100000, 65536}};
    config.gid_mappings = {{0, 200000, 65536}};
    FakeKernel kernel;
    REQUIRE(ocrt::os::write_id_maps(4242, config, kernel));
    auto writes = kernel.calls_of<FakeKernel::WriteFileCall>();
    // As root (CAP_SETGID over our namespace) setgroups stays allowed; otherwise "deny" comes first.
    std::vector<FakeKernel::WriteFileCall> expected;
    if (::geteuid() != 0) expected.push_back({"/proc/4242/setgroups", "deny"});
    expected.push_back({"/proc/4242/uid_map", "0 100000 65536\n"});
    expected.push_back({"/proc/4242/gid_map", "0 200000 65536\n"});
    CHECK(writes == expected);
}

TEST_CASE("write_id_maps reports which map failed") {
    ocrt::spec::LinuxConfig config;
    config.uid_mappings = {{0, 1000, 1}};
    FakeKernel kernel;
    kernel.fail_next(FakeKernel::Op::WriteFile, EPERM);
    auto written = ocrt::os::write_id_maps(7, config, kernel);
    REQUIRE_FALSE(written);
    CHECK(written.error().code() == EPERM);
    CHECK(written.error().render().rfind("write uid mappings: ", 0) == 0);
}
