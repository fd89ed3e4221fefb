#include <ocrt/cgroups/host.hpp>

#include <catch2/catch.hpp>

using namespace ocrt::cgroups;

namespace {

// This host's layout (cgroup v1 hybrid), trimmed.
const char *kHybrid =
    "25 21 0:22 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755\n"
    "26 25 0:23 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 cgroup2 rw\n"
    "27 25 0:24 / /sys/fs/cgroup/systemd rw,nosuid - cgroup cgroup rw,xattr,name=systemd\n"
    "30 25 0:27 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:13 - cgroup cgroup rw,cpu,cpuacct\n"
    "31 25 0:28 / /sys/fs/cgroup/memory rw,nosuid shared:14 - cgroup cgroup rw,memory\n"
    "32 25 0:28 / /mnt/memory-again rw - cgroup cgroup rw,memory\n"
    "40 21 0:50 / /proc rw - proc proc rw\n";

}  // namespace

TEST_CASE("parse_mountinfo finds one entry per hierarchy with its controllers") {
    auto found = parse_mountinfo(kHybrid);
    REQUIRE(found.size() == 4);
    CHECK(found[0].unified);
    CHECK(found[0].mount_point == "/sys/fs/cgroup/unified");
    CHECK(found[1].controllers == std::vector<std::string>{"name=systemd"});
    CHECK(found[2].controllers == std::vector<std::string>{"cpu", "cpuacct"});
    CHECK(found[2].mount_point == "/sys/fs/cgroup/cpu,cpuacct");
    CHECK(found[3].controllers == std::vector<std::string>{"memory"});
    CHECK(found[3].mount_point == "/sys/fs/cgroup/memory");  // the second mount of memory is skipped
}

TEST_CASE("parse_mountinfo decodes octal escapes and keeps the mount root") {
    auto found = parse_mountinfo("5 1 0:3 /ctr /sys/fs/cgroup/my\\040mem rw - cgroup cgroup rw,memory\n");
    REQUIRE(found.size() == 1);
    CHECK(found[0].mount_point == "/sys/fs/cgroup/my mem");
    CHECK(found[0].root == "/ctr");
}

TEST_CASE("classify_mode tells v1, hybrid and unified apart") {
    auto hybrid = parse_mountinfo(kHybrid);
    CHECK(classify_mode(hybrid, false) == HostMode::Hybrid);
    auto legacy = parse_mountinfo("31 25 0:28 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n");
    CHECK(classify_mode(legacy, false) == HostMode::Legacy);
    auto unified = parse_mountinfo("26 25 0:23 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n");
    CHECK(classify_mode(unified, true) == HostMode::Unified);
    CHECK(classify_mode(unified, false) == HostMode::Unified);
    CHECK(mode_name(HostMode::Hybrid) == "hybrid");
}

TEST_CASE("HostLayout::find prefers a v1 hierarchy, else cgroup2's controllers") {
    HostLayout layout;
    layout.hierarchies = parse_mountinfo(kHybrid);
    layout.hierarchies[0].controllers = {"hugetlb", "memory"};
    CHECK(layout.find("memory") == &layout.hierarchies[3]);
    CHECK(layout.find("hugetlb") == &layout.hierarchies[0]);
    CHECK(layout.find("pids") == nullptr);
    CHECK(layout.unified() == &layout.hierarchies[0]);
}

TEST_CASE("parse_proc_cgroup maps each controller and the cgroup2 line") {
    auto paths = parse_proc_cgroup("9:name=systemd:/\n4:memory:/process_api/x\n2:cpu,cpuacct:/a\n0::/u\n");
    CHECK(paths.at("name=systemd") == "/");
    CHECK(paths.at("memory") == "/process_api/x");
    CHECK(paths.at("cpu") == "/a");
    CHECK(paths.at("cpuacct") == "/a");
    CHECK(paths.at("") == "/u");
}

TEST_CASE("a combined net_cls,net_prio hierarchy (systemd's layout) serves both controllers") {
    // systemd hosts mount both at /sys/fs/cgroup/net_cls,net_prio (net_cls and net_prio
    // are symlinks, not mounts); /proc/self/cgroup names both on one line.
    HostLayout layout;
    layout.hierarchies = parse_mountinfo(
        "63 74 0:40 / /sys/fs/cgroup/net_cls,net_prio rw,relatime - cgroup cgroup rw,net_cls,net_prio\n"
        "64 74 0:41 / /sys/fs/cgroup/rdma rw,relatime - cgroup cgroup rw,rdma\n");
    REQUIRE(layout.hierarchies.size() == 2);
    CHECK(layout.hierarchies[0].controllers == std::vector<std::string>{"net_cls", "net_prio"});
    CHECK(layout.find("net_cls") == &layout.hierarchies[0]);
    CHECK(layout.find("net_prio") == &layout.hierarchies[0]);
    CHECK(layout.find("rdma") == &layout.hierarchies[1]);
    auto paths = parse_proc_cgroup("10:net_cls,net_prio:/a/b\n");
    CHECK(paths.at("net_cls") == "/a/b");
    CHECK(paths.at("net_prio") == "/a/b");
}
