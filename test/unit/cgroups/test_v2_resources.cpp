// config-linux.md "Control groups" on a pure cgroup v2 host: v1-style values converted
// as runc does, linux.resources.unified written as given.
#include <ocrt/cgroups/manager.hpp>
#include <ocrt/cgroups/v2_resources.hpp>

#include <fake_cgroup_files.hpp>

#include <catch2/catch.hpp>

#include <cerrno>
#include <map>
#include <set>

using namespace ocrt;
using namespace ocrt::cgroups;

namespace {

ResourceProbe v2_probe(std::set<std::string> controllers = {"cpuset", "cpu", "io", "memory", "hugetlb", "pids"}) {
    ResourceProbe p;
    p.has_controller = [controllers](const std::string &c) { return controllers.count(c) > 0; };
    p.has_file = [](const std::string &, const std::string &) { return true; };
    return p;
}

std::vector<FileWrite> plan(const spec::Resources &r) {
    auto writes = plan_v2_writes(r, v2_probe());
    REQUIRE(writes);
    return *writes;
}

}  // namespace

TEST_CASE("v2 conversions: shares -> cpu.weight, blkio weight -> io.weight") {
    CHECK(cpu_weight_from_shares(2) == 1);
    CHECK(cpu_weight_from_shares(1024) == 39);
    CHECK(cpu_weight_from_shares(262144) == 10000);
    CHECK(io_weight_from_blkio(10) == 1);
    CHECK(io_weight_from_blkio(1000) == 10000);
}

TEST_CASE("v2 memory: max, low, swap.max as memory+swap minus memory") {
    spec::Resources r;
    r.memory = spec::MemoryResources{};
    r.memory->limit = 100;
    r.memory->reservation = 50;
    r.memory->swap = 300;
    r.memory->kernel = 5;  // no v2 counterpart: ignored
    std::vector<FileWrite> want = {
        {"unified", "memory.max", "100"}, {"unified", "memory.low", "50"}, {"unified", "memory.swap.max", "200"}};
    CHECK(plan(r) == want);
    r.memory->limit = -1;
    r.memory->swap = -1;
    r.memory->reservation.reset();
    want = {{"unified", "memory.max", "max"}, {"unified", "memory.swap.max", "max"}};
    CHECK(plan(r) == want);
}

TEST_CASE("v2 cpu and pids: weight, cpu.max \"quota period\", cpuset, pids.max") {
    spec::Resources r;
    r.cpu = spec::CpuResources{};
    r.cpu->shares = 1024;
    r.cpu->quota = 50000;
    r.cpu->cpus = "0";
    r.pids = spec::PidsResources{-1};
    std::vector<FileWrite> want = {{"unified", "cpu.weight", "39"},
                                   {"unified", "cpu.max", "50000 100000"},
                                   {"unified", "cpuset.cpus", "0"},
                                   {"unified", "pids.max", "max"}};
    CHECK(plan(r) == want);
}

TEST_CASE("v2: realtime, net_cls and a controller the host lacks are config errors naming the field") {
    spec::Resources r;
    r.cpu = spec::CpuResources{};
    r.cpu->realtime_runtime = 1;
    auto rt = plan_v2_writes(r, v2_probe());
    REQUIRE_FALSE(rt);
    CHECK(rt.error().message().find("/linux/resources/cpu/realtimeRuntime") != std::string::npos);

    spec::Resources pids;
    pids.pids = spec::PidsResources{10};
    auto missing = plan_v2_writes(pids, v2_probe({"memory"}));
    REQUIRE_FALSE(missing);
    CHECK(missing.error().message().find("\"pids\" cgroup v2 controller is not available") != std::string::npos);
}

TEST_CASE("v2 checkBeforeUpdate: a limit below memory.current (or swap below memory.swap.current) is refused") {
    ResourceProbe probe = v2_probe();
    probe.current = [](const std::string &controller, const std::string &file) -> std::optional<int64_t> {
        CHECK(controller == "unified");
        if (file == "memory.current") return 5000;
        if (file == "memory.swap.current") return 300;
        return std::nullopt;
    };
    spec::Resources r;
    r.memory = spec::MemoryResources{};
    r.memory->limit = 4000;
    r.memory->check_before_update = true;
    auto below = plan_v2_writes(r, probe);
    REQUIRE_FALSE(below);
    CHECK(below.error().message().find("/linux/resources/memory/limit") != std::string::npos);
    CHECK(below.error().message().find("below the current usage 5000") != std::string::npos);

    r.memory->limit = 6000;
    r.memory->swap = 6200;  // swap.max 200 < 300 swapped
    auto swap = plan_v2_writes(r, probe);
    REQUIRE_FALSE(swap);
    CHECK(swap.error().message().find("/linux/resources/memory/swap") != std::string::npos);

    r.memory->swap = 6400;
    auto fits = plan_v2_writes(r, probe);
    REQUIRE(fits);
    CHECK(fits->front() == FileWrite{"unified", "memory.max", "6000"});
    // Without the flag the limit is written as asked (v2 then reclaims or OOM-kills).
    r.memory->limit = 4000;
    r.memory->swap.reset();
    r.memory->check_before_update = false;
    CHECK(plan_v2_writes(r, probe));
}

TEST_CASE("v2 hugepageLimits: max, and rsvd.max in step where the kernel has it") {
    spec::Resources r;
    r.hugepage_limits = {{"2MB", 4194304}};
    std::vector<FileWrite> want = {{"unified", "hugetlb.2MB.max", "4194304"}, {"unified", "hugetlb.2MB.rsvd.max", "4194304"}};
    CHECK(plan(r) == want);
    ResourceProbe old_kernel = v2_probe();
    old_kernel.has_file = [](const std::string &, const std::string &f) { return f.find("rsvd") == std::string::npos; };
    auto writes = plan_v2_writes(r, old_kernel);
    REQUIRE(writes);
    CHECK(*writes == std::vector<FileWrite>{{"unified", "hugetlb.2MB.max", "4194304"}});
}

TEST_CASE("v2: linux.resources.unified is written as given, after the converted values") {
    spec::Resources r;
    r.pids = spec::PidsResources{10};
    r.unified = {{"memory.high", "1000"}, {"cgroup.max.depth", "3"}};
    std::vector<FileWrite> want = {
        {"unified", "pids.max", "10"}, {"unified", "cgroup.max.depth", "3"}, {"unified", "memory.high", "1000"}};
    CHECK(plan(r) == want);
    r.unified = {{"../escape", "1"}};
    CHECK_FALSE(plan_v2_writes(r, v2_probe()));
}

using FakeFiles = ocrt::test::FakeCgroupFiles;

TEST_CASE("v2 driver: one directory, controllers passed down, cgroup.freeze, cgroup.kill") {
    FakeFiles fs;
    fs.dirs = {"/cg"};
    fs.files["/cg/cgroup.controllers"] = "cpu memory pids\n";
    HostLayout host;
    host.mode = HostMode::Unified;
    host.hierarchies = {{"/cg", "/", {"cpu", "memory", "pids"}, true}};
    auto placement = resolve_cgroupfs_placement(host, {{"", "/"}}, "/a/ctr", "id", fs);
    REQUIRE(placement);
    CHECK(placement->dirs.at("memory") == "/cg/a/ctr");
    auto manager = cgroupfs_manager(*placement, fs);
    fs.files["/cg/a/cgroup.controllers"] = "cpu memory pids\n";
    REQUIRE(manager->create());
    CHECK(fs.files["/cg/a/cgroup.subtree_control"] == "+pids");
    CHECK(std::count(fs.log.begin(), fs.log.end(), "write /cg/cgroup.subtree_control=+memory") == 1);
    fs.files["/cg/a/ctr/cgroup.controllers"] = "cpu memory pids\n";
    fs.files["/cg/a/ctr/pids.max"] = "max\n";
    spec::Resources r = {};
    r.pids = spec::PidsResources{7};
    r.devices = {{false, "", std::nullopt, std::nullopt, "rwm"}};  // an eBPF program on v2, no file
    REQUIRE(manager->apply(r));
    CHECK(fs.files["/cg/a/ctr/pids.max"] == "7");
    CHECK(std::count(fs.log.begin(), fs.log.end(), "device filter /cg/a/ctr 1 rules") == 1);
    REQUIRE(manager->place(9));
    CHECK(fs.files["/cg/a/ctr/cgroup.procs"] == "9");
    REQUIRE(manager->freeze());
    CHECK(*manager->frozen());
    CHECK(frozen_dirs(manager->placement().dirs, fs));
    REQUIRE(manager->thaw());
    CHECK_FALSE(*manager->frozen());
    fs.files["/cg/a/ctr/cgroup.kill"] = "";
    REQUIRE(manager->signal_all(9));
    CHECK(fs.files["/cg/a/ctr/cgroup.kill"] == "1");
    REQUIRE(manager->destroy());
    CHECK_FALSE(fs.dirs.count("/cg/a/ctr"));
    CHECK_FALSE(fs.dirs.count("/cg/a"));
    CHECK(fs.dirs.count("/cg"));
}
