// make_cgroup_view: which directories a "cgroup" mount shows, named like the host's
// hierarchies, each with the container's own directory as its source.
#include "cgroup_view.hpp"

#include <catch2/catch.hpp>

using namespace ocrt;

namespace {

cgroups::HostLayout hybrid_host() {
    cgroups::HostLayout host;
    host.mode = cgroups::HostMode::Hybrid;
    host.hierarchies = {
        {"/sys/fs/cgroup/cpu,cpuacct", "/", {"cpu", "cpuacct"}, false},
        {"/sys/fs/cgroup/memory", "/", {"memory"}, false},
        {"/sys/fs/cgroup/systemd", "/", {"name=systemd"}, false},
        {"/sys/fs/cgroup/rdma", "/", {"rdma"}, false},
        {"/mnt/elsewhere", "/", {"perf_event"}, false},
        {"/sys/fs/cgroup/unified", "/", {"hugetlb"}, true},
    };
    return host;
}

const std::map<std::string, std::string> kDirs = {
    {"cpu", "/sys/fs/cgroup/cpu,cpuacct/c1"}, {"cpuacct", "/sys/fs/cgroup/cpu,cpuacct/c1"},
    {"memory", "/sys/fs/cgroup/memory/c1"},   {"name=systemd", "/sys/fs/cgroup/systemd/c1"},
    {"unified", "/sys/fs/cgroup/unified/c1"}, {"hugetlb", "/sys/fs/cgroup/unified/c1"},
};

}  // namespace

TEST_CASE("cgroup view: one directory per host hierarchy below /sys/fs/cgroup, with the container's own dir") {
    os::CgroupView view = init::make_cgroup_view(hybrid_host(), kDirs, false);
    CHECK_FALSE(view.pure_v2);
    CHECK_FALSE(view.own_namespace);
    REQUIRE(view.hierarchies.size() == 5);  // /mnt/elsewhere is not part of the usual layout
    CHECK(view.hierarchies[0].name == "cpu,cpuacct");
    CHECK(view.hierarchies[0].own_dir == "/sys/fs/cgroup/cpu,cpuacct/c1");
    CHECK(view.hierarchies[0].fs_type == "cgroup");
    CHECK(view.hierarchies[0].data == "cpu,cpuacct");
    CHECK(view.hierarchies[2].data == "name=systemd");
    CHECK(view.hierarchies[2].own_dir == "/sys/fs/cgroup/systemd/c1");
    // A hierarchy without a directory of the container (not managed) has no bind source.
    CHECK(view.hierarchies[3].name == "rdma");
    CHECK(view.hierarchies[3].own_dir.empty());
    CHECK(view.hierarchies[4].name == "unified");
    CHECK(view.hierarchies[4].fs_type == "cgroup2");
    CHECK(view.hierarchies[4].own_dir == "/sys/fs/cgroup/unified/c1");
    CHECK(view.hierarchies[4].data.empty());
}

TEST_CASE("cgroup view: pure v2 is the one cgroup2 hierarchy, at the destination itself") {
    cgroups::HostLayout host;
    host.mode = cgroups::HostMode::Unified;
    host.hierarchies = {{"/sys/fs/cgroup", "/", {"memory", "pids"}, true}};
    os::CgroupView view = init::make_cgroup_view(host, {{"unified", "/sys/fs/cgroup/c1"}}, true);
    CHECK(view.pure_v2);
    CHECK(view.own_namespace);
    REQUIRE(view.hierarchies.size() == 1);
    CHECK(view.hierarchies[0].name.empty());
    CHECK(view.hierarchies[0].fs_type == "cgroup2");
    CHECK(view.hierarchies[0].own_dir == "/sys/fs/cgroup/c1");
}
