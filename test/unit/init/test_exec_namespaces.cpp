// Which namespaces `ocrt exec` joins: those of the init that differ from ours.
#include <ocrt/init/exec.hpp>

#include <catch2/catch.hpp>

#include <sched.h>

using namespace ocrt::init;

TEST_CASE("exec joins the namespaces whose inode differs from ours", "[exec]") {
    std::vector<NamespaceId> own = {{"user", 1}, {"mnt", 2}, {"pid", 3}, {"net", 4}, {"ipc", 5},
                                    {"uts", 6},  {"cgroup", 7}, {"time", 8}};
    std::vector<NamespaceId> init = own;
    CHECK(namespaces_to_join(init, own) == 0);

    init = {{"user", 1},  {"mnt", 12},   {"pid", 13}, {"net", 4},
            {"ipc", 15},  {"uts", 16},   {"cgroup", 7}, {"time", 8}};
    CHECK(namespaces_to_join(init, own) == (CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS));

    init = {{"user", 11}, {"mnt", 12}, {"pid", 13}, {"net", 14}, {"ipc", 15}, {"uts", 16}, {"cgroup", 17}, {"time", 18}};
    CHECK(namespaces_to_join(init, own) == (CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC |
                                            CLONE_NEWUTS | CLONE_NEWCGROUP | CLONE_NEWTIME));
}

TEST_CASE("exec skips a namespace type one side does not have (older kernel)", "[exec]") {
    std::vector<NamespaceId> own = {{"mnt", 2}, {"time", 0}};
    std::vector<NamespaceId> init = {{"mnt", 12}, {"time", 18}, {"cgroup", 17}};
    CHECK(namespaces_to_join(init, own) == CLONE_NEWNS);
}

TEST_CASE("exec's per-namespace join order puts user first and mount last", "[exec]") {
    auto names = joinable_namespace_names();
    REQUIRE(names.size() == 8);
    CHECK(names.front() == "user");
    CHECK(names.back() == "mnt");
}
