// cgroupsPath "slice:prefix:name" for the systemd driver, and systemd's slice naming.
#include <ocrt/cgroups/systemd_path.hpp>

#include <catch2/catch.hpp>

using namespace ocrt;
using namespace ocrt::cgroups;

TEST_CASE("expand_slice: each '-' is one level down") {
    CHECK(expand_slice("system.slice").value() == "/system.slice");
    CHECK(expand_slice("a-b-c.slice").value() == "/a.slice/a-b.slice/a-b-c.slice");
    CHECK(expand_slice("-.slice").value() == "/");
    for (const char *bad : {"a", ".slice", "a--b.slice", "-a.slice", "a-.slice", "a/b.slice", "a b.slice", "x.scope"})
        CHECK_FALSE(expand_slice(bad));
}

TEST_CASE("resolve_systemd_path: slice:prefix:name is the scope <prefix>-<name>.scope in that slice") {
    auto path = resolve_systemd_path("ocrt.slice:ocrt:abc", "id").value();
    CHECK(path.slice == "ocrt.slice");
    CHECK(path.unit == "ocrt-abc.scope");
    CHECK(path.cgroup == "/ocrt.slice/ocrt-abc.scope");

    auto nested = resolve_systemd_path("machine-x.slice:p:n", "id").value();
    CHECK(nested.cgroup == "/machine.slice/machine-x.slice/p-n.scope");
}

TEST_CASE("resolve_systemd_path: the defaults are runc's, with prefix ocrt") {
    auto path = resolve_systemd_path("", "c1").value();
    CHECK(path.slice == "system.slice");
    CHECK(path.unit == "ocrt-c1.scope");
    CHECK(path.cgroup == "/system.slice/ocrt-c1.scope");
    // An empty slice is system.slice.
    CHECK(resolve_systemd_path(":ocrt:x", "id").value().cgroup == "/system.slice/ocrt-x.scope");
    // The root slice.
    CHECK(resolve_systemd_path("-.slice:p:x", "id").value().cgroup == "/p-x.scope");
    // An empty prefix: no leading '-'.
    CHECK(resolve_systemd_path("s.slice::x", "id").value().unit == "x.scope");
}

TEST_CASE("resolve_systemd_path: a name ending .slice makes that slice the unit") {
    auto path = resolve_systemd_path("a.slice:ignored:a-b.slice", "id").value();
    CHECK(path.unit == "a-b.slice");
    CHECK(path.cgroup == "/a.slice/a-b.slice");
    CHECK_FALSE(resolve_systemd_path("a.slice:p:-.slice", "id"));
}

TEST_CASE("resolve_systemd_path: bad forms are refused naming /linux/cgroupsPath") {
    for (const char *bad : {"/abs/path", "a.slice:b", "a.slice:b:c:d", "a.slice:p:", "a.slice:p/q:n", "a.slice:p:n/x",
                            "a.slice:p:..", "a.slice:p:x..y", "a--b.slice:p:n", "-a.slice:p:n", "a-.slice:p:n",
                            "notaslice:p:n", "a/b.slice:p:n", "a.slice:p:n m"}) {
        INFO(bad);
        auto path = resolve_systemd_path(bad, "id");
        REQUIRE_FALSE(path);
        CHECK(path.error().message().find("config.json: /linux/cgroupsPath: \"" + std::string(bad) + "\"") == 0);
    }
}
