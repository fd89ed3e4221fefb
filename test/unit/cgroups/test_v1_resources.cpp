// config-linux.md "Control groups": each linux.resources field -> the v1 file it is written to.
#include <ocrt/cgroups/v1_resources.hpp>

#include <catch2/catch.hpp>

#include <set>

using namespace ocrt;
using namespace ocrt::cgroups;

namespace {

// A host like this one: every usual v1 controller with every file, hugetlb on cgroup2,
// no net_cls/net_prio/rdma, and files listed in `missing` absent.
struct FakeHost {
    std::set<std::string> controllers = {"memory", "cpu", "cpuacct", "cpuset", "pids", "blkio", "devices", "freezer", "hugetlb"};
    std::set<std::string> missing;
    std::optional<int64_t> memsw_now;
    std::optional<int64_t> usage_now;
    bool hugetlb_v2 = true;

    ResourceProbe probe() {
        ResourceProbe p;
        p.has_controller = [this](const std::string &c) { return controllers.count(c) > 0; };
        p.has_file = [this](const std::string &, const std::string &f) { return missing.count(f) == 0; };
        p.on_v2 = [this](const std::string &c) { return c == "hugetlb" && hugetlb_v2; };
        p.current = [this](const std::string &, const std::string &f) -> std::optional<int64_t> {
            if (f == "memory.memsw.limit_in_bytes") return memsw_now;
            if (f == "memory.usage_in_bytes") return usage_now;
            return std::nullopt;
        };
        return p;
    }
};

std::vector<FileWrite> plan(const spec::Resources &r, FakeHost host = {}) {
    auto writes = plan_v1_writes(r, host.probe());
    REQUIRE(writes);
    return *writes;
}

}  // namespace

TEST_CASE("memory: every field to its file, limit before memory+swap") {
    spec::Resources r;
    r.memory = spec::MemoryResources{};
    r.memory->limit = 1 << 20;
    r.memory->reservation = 1 << 19;
    r.memory->swap = 1 << 21;
    r.memory->kernel = -1;
    r.memory->kernel_tcp = -1;
    r.memory->swappiness = 10;
    r.memory->disable_oom_killer = true;
    r.memory->use_hierarchy = true;
    std::vector<FileWrite> want = {
        {"memory", "memory.limit_in_bytes", "1048576"},
        {"memory", "memory.memsw.limit_in_bytes", "2097152"},
        {"memory", "memory.soft_limit_in_bytes", "524288"},
        {"memory", "memory.kmem.limit_in_bytes", "-1"},
        {"memory", "memory.kmem.tcp.limit_in_bytes", "-1"},
        {"memory", "memory.swappiness", "10"},
        {"memory", "memory.oom_control", "1"},
        {"memory", "memory.use_hierarchy", "1"},
    };
    CHECK(plan(r) == want);
}

TEST_CASE("memory: raising the limit above the current memory+swap writes memory+swap first") {
    spec::Resources r;
    r.memory = spec::MemoryResources{};
    r.memory->limit = 200;
    r.memory->swap = 400;
    FakeHost host;
    host.memsw_now = 100;
    auto writes = plan(r, host);
    REQUIRE(writes.size() == 2);
    CHECK(writes[0].file == "memory.memsw.limit_in_bytes");
    CHECK(writes[1].file == "memory.limit_in_bytes");
}

TEST_CASE("memory: an unlimited limit also lifts memory+swap; kernel limits skipped where the files are gone") {
    spec::Resources r;
    r.memory = spec::MemoryResources{};
    r.memory->limit = -1;
    r.memory->kernel = 100;
    FakeHost host;
    host.missing = {"memory.kmem.limit_in_bytes"};
    std::vector<FileWrite> want = {{"memory", "memory.limit_in_bytes", "-1"}, {"memory", "memory.memsw.limit_in_bytes", "-1"}};
    CHECK(plan(r, host) == want);
}

TEST_CASE("memory: checkBeforeUpdate refuses a limit below memory.usage_in_bytes") {
    spec::Resources r;
    r.memory = spec::MemoryResources{};
    r.memory->limit = 4000;
    r.memory->check_before_update = true;
    FakeHost host;
    host.usage_now = 5000;
    auto below = plan_v1_writes(r, host.probe());
    REQUIRE_FALSE(below);
    CHECK(below.error().message().find("/linux/resources/memory/limit: the new limit 4000 is below the current usage 5000") !=
          std::string::npos);
    r.memory->limit = 6000;
    CHECK(plan(r, host) == std::vector<FileWrite>{{"memory", "memory.limit_in_bytes", "6000"}});
    r.memory->limit = 4000;
    r.memory->check_before_update = false;
    CHECK(plan(r, host) == std::vector<FileWrite>{{"memory", "memory.limit_in_bytes", "4000"}});
}

TEST_CASE("memory: swappiness above 100 is a config error naming the field") {
    spec::Resources r;
    r.memory = spec::MemoryResources{};
    r.memory->swappiness = 101;
    FakeHost host;
    auto writes = plan_v1_writes(r, host.probe());
    REQUIRE_FALSE(writes);
    CHECK(writes.error().message().find("/linux/resources/memory/swappiness") != std::string::npos);
}

TEST_CASE("cpu: period before quota, rt period before rt runtime, cpuset files") {
    spec::Resources r;
    r.cpu = spec::CpuResources{};
    r.cpu->shares = 512;
    r.cpu->quota = 50000;
    r.cpu->period = 100000;
    r.cpu->burst = 1000;
    r.cpu->realtime_runtime = 950;
    r.cpu->realtime_period = 1000;
    r.cpu->idle = 1;
    r.cpu->cpus = "0-1";
    r.cpu->mems = "0";
    std::vector<FileWrite> want = {
        {"cpu", "cpu.shares", "512"},           {"cpu", "cpu.cfs_period_us", "100000"},
        {"cpu", "cpu.cfs_quota_us", "50000"},   {"cpu", "cpu.cfs_burst_us", "1000"},
        {"cpu", "cpu.rt_period_us", "1000"},    {"cpu", "cpu.rt_runtime_us", "950"},
        {"cpu", "cpu.idle", "1"},               {"cpuset", "cpuset.cpus", "0-1"},
        {"cpuset", "cpuset.mems", "0"},
    };
    CHECK(plan(r) == want);
}

TEST_CASE("cpu: burst above quota and a missing burst file are errors") {
    spec::Resources r;
    r.cpu = spec::CpuResources{};
    r.cpu->quota = 100;
    r.cpu->burst = 200;
    FakeHost host;
    CHECK_FALSE(plan_v1_writes(r, host.probe()));
    r.cpu->burst = 50;
    host.missing = {"cpu.cfs_burst_us"};
    auto writes = plan_v1_writes(r, host.probe());
    REQUIRE_FALSE(writes);
    CHECK(writes.error().message().find("cpu.cfs_burst_us") != std::string::npos);
}

TEST_CASE("pids: -1 is max, 0 is a real limit") {
    spec::Resources r;
    r.pids = spec::PidsResources{-1};
    CHECK(plan(r) == std::vector<FileWrite>{{"pids", "pids.max", "max"}});
    r.pids = spec::PidsResources{0};
    CHECK(plan(r) == std::vector<FileWrite>{{"pids", "pids.max", "0"}});
}

TEST_CASE("blockIO: weight (bfq where CFQ is gone), per-device weights and throttles") {
    spec::Resources r;
    r.block_io = spec::BlockIoResources{};
    r.block_io->weight = 200;
    r.block_io->leaf_weight = 300;
    r.block_io->weight_device = {{8, 0, 500, 400}};
    r.block_io->throttle_read_bps_device = {{8, 0, 600}};
    r.block_io->throttle_write_bps_device = {{8, 16, 700}};
    r.block_io->throttle_read_iops_device = {{8, 0, 10}};
    r.block_io->throttle_write_iops_device = {{8, 16, 300}};
    FakeHost host;
    host.missing = {"blkio.weight", "blkio.weight_device"};
    std::vector<FileWrite> want = {
        {"blkio", "blkio.bfq.weight", "200"},
        {"blkio", "blkio.leaf_weight", "300"},
        {"blkio", "blkio.bfq.weight_device", "8:0 500"},
        {"blkio", "blkio.leaf_weight_device", "8:0 400"},
        {"blkio", "blkio.throttle.read_bps_device", "8:0 600"},
        {"blkio", "blkio.throttle.write_bps_device", "8:16 700"},
        {"blkio", "blkio.throttle.read_iops_device", "8:0 10"},
        {"blkio", "blkio.throttle.write_iops_device", "8:16 300"},
    };
    CHECK(plan(r, host) == want);
    host.missing.clear();
    CHECK(plan(r, host)[0].file == "blkio.weight");
}

TEST_CASE("hugepageLimits: the limit and, where the kernel has it, the reservation limit in step") {
    spec::Resources r;
    r.hugepage_limits = {{"2MB", 4194304}};
    FakeHost host;
    // cgroup2 on a hybrid host
    host.missing = {"hugetlb.2MB.rsvd.max"};
    CHECK(plan(r, host) == std::vector<FileWrite>{{"hugetlb", "hugetlb.2MB.max", "4194304"}});
    host.missing = {};
    CHECK(plan(r, host) == std::vector<FileWrite>{{"hugetlb", "hugetlb.2MB.max", "4194304"},
                                                  {"hugetlb", "hugetlb.2MB.rsvd.max", "4194304"}});
    // a v1 hugetlb hierarchy: both limits, never the reservation alone
    host.hugetlb_v2 = false;
    CHECK(plan(r, host) == std::vector<FileWrite>{{"hugetlb", "hugetlb.2MB.limit_in_bytes", "4194304"},
                                                  {"hugetlb", "hugetlb.2MB.rsvd.limit_in_bytes", "4194304"}});
    host.missing = {"hugetlb.2MB.rsvd.limit_in_bytes"};
    CHECK(plan(r, host) == std::vector<FileWrite>{{"hugetlb", "hugetlb.2MB.limit_in_bytes", "4194304"}});
}

TEST_CASE("network: classid and ifpriomap need net_cls/net_prio, else a clear error") {
    spec::Resources r;
    r.network = spec::NetworkResources{};
    r.network->class_id = 1048577;
    r.network->priorities = {{"eth0", 500}};
    FakeHost host;
    auto refused = plan_v1_writes(r, host.probe());
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message() ==
          "config.json: /linux/resources/network/classID: the \"net_cls\" cgroup controller is not available on this host");
    host.controllers.insert("net_cls");
    host.controllers.insert("net_prio");
    std::vector<FileWrite> want = {{"net_cls", "net_cls.classid", "1048577"}, {"net_prio", "net_prio.ifpriomap", "eth0 500"}};
    auto writes = plan(r, host);
    CHECK(writes == want);
    // The field each write comes from, for an error the kernel gives (no such interface).
    REQUIRE(writes.size() == 2);
    CHECK(writes[0].pointer == "/network/classID");
    CHECK(writes[1].pointer == "/network/priorities/0");
}

TEST_CASE("unified settings are refused on a v1 host") {
    spec::Resources r;
    r.unified = {{"memory.high", "1000"}};
    FakeHost host;
    auto writes = plan_v1_writes(r, host.probe());
    REQUIRE_FALSE(writes);
    CHECK(writes.error().message().find("/linux/resources/unified") != std::string::npos);
}

TEST_CASE("devices: deny all first, then the rules in order, * for absent numbers") {
    std::vector<spec::DeviceRule> rules = {
        {false, "", std::nullopt, std::nullopt, "rwm"},
        {true, "c", 1, 3, "rw"},
        {true, "b", 8, std::nullopt, "r"},
        {false, "c", std::nullopt, 5, ""},
        {true, "a", std::nullopt, std::nullopt, "rwm"},
    };
    std::vector<FileWrite> want = {
        {"devices", "devices.deny", "a"},      {"devices", "devices.deny", "a"},
        {"devices", "devices.allow", "c 1:3 rw"}, {"devices", "devices.allow", "b 8:* r"},
        {"devices", "devices.deny", "c *:5 rwm"}, {"devices", "devices.allow", "a"},
    };
    CHECK(device_writes(rules) == want);
    CHECK(device_writes({}).empty());
}

TEST_CASE("create_device_rules: configured rules, then the default devices, then linux.devices") {
    spec::Config config;
    config.linux_.emplace();
    config.linux_->resources.emplace();
    config.linux_->resources->devices = {{false, "", std::nullopt, std::nullopt, "rwm"}};
    spec::Device fuse;
    fuse.type = "c";
    fuse.path = "/dev/fuse";
    fuse.major = 10;
    fuse.minor = 229;
    config.linux_->devices = {fuse};
    auto rules = create_device_rules(config);
    REQUIRE(rules.size() >= 4);
    CHECK_FALSE(rules.front().allow);
    CHECK(rules.back().allow);
    CHECK(rules.back().major == 10);
    CHECK(rules.back().minor == 229);
    bool null_allowed = false;
    for (const auto &rule : rules) null_allowed |= rule.allow && rule.type == "c" && rule.major == 1 && rule.minor == 3;
    CHECK(null_allowed);
}
