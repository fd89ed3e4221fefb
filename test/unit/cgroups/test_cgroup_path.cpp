// config-linux.md "Cgroups Path": absolute from the hierarchy root, relative below a
// runtime-chosen place (ocrt's own cgroup, as runc), empty = a default from the id.
#include <ocrt/cgroups/cgroup_path.hpp>

#include <catch2/catch.hpp>

using namespace ocrt::cgroups;

TEST_CASE("resolve_cgroups_path: absolute, relative and empty") {
    auto absolute = resolve_cgroups_path("/a//b/./c/", "id");
    REQUIRE(absolute);
    CHECK(absolute->path == "/a/b/c");
    CHECK_FALSE(absolute->relative);

    auto relative = resolve_cgroups_path("pods/x/../y", "id");
    REQUIRE(relative);
    CHECK(relative->path == "pods/y");
    CHECK(relative->relative);

    auto empty = resolve_cgroups_path("", "web1");
    REQUIRE(empty);
    CHECK(empty->path == "web1");
    CHECK(empty->relative);
}

TEST_CASE("resolve_cgroups_path refuses .. that escapes and the base itself, naming the field") {
    for (const char *bad : {"../x", "/../x", "a/../../x", "/a/../..", "/", "a/..", "."}) {
        auto resolved = resolve_cgroups_path(bad, "id");
        REQUIRE_FALSE(resolved);
        CHECK(resolved.error().message().rfind("config.json: /linux/cgroupsPath: \"", 0) == 0);
    }
    CHECK(resolve_cgroups_path("../x", "id").error().message().find("escapes") != std::string::npos);
}

TEST_CASE("cgroup_in_hierarchy puts a relative path below the caller's own cgroup") {
    CHECK(cgroup_in_hierarchy({"/a/b", false}, "/own") == "/a/b");
    CHECK(cgroup_in_hierarchy({"a/b", true}, "/own") == "/own/a/b");
    CHECK(cgroup_in_hierarchy({"a", true}, "/") == "/a");
}

TEST_CASE("directory_of maps a cgroup to the mount, also for a mount of a sub-cgroup") {
    Hierarchy memory{"/sys/fs/cgroup/memory", "/", {"memory"}, false};
    CHECK(directory_of(memory, "/a/b") == "/sys/fs/cgroup/memory/a/b");
    CHECK(directory_of(memory, "/") == "/sys/fs/cgroup/memory");
    Hierarchy nested{"/sys/fs/cgroup/memory", "/ctr", {"memory"}, false};
    CHECK(directory_of(nested, "/ctr/a") == "/sys/fs/cgroup/memory/a");
    CHECK(parent_directory("/x/y/z") == "/x/y");
    CHECK(parent_directory("/x") == "/");
}
