// The cgroupfs driver's sequencing against a fake cgroupfs: what it makes, writes and
// removes, and that it never removes a directory it did not make.
#include <ocrt/cgroups/manager.hpp>

#include <ocrt/base/fs.hpp>

#include <fake_cgroup_files.hpp>

#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <map>
#include <set>

using namespace ocrt;
using namespace ocrt::cgroups;

namespace {

using FakeFiles = ocrt::test::FakeCgroupFiles;

HostLayout hybrid_host() {
    HostLayout host;
    host.mode = HostMode::Hybrid;
    host.hierarchies = {
        {"/cg/memory", "/", {"memory"}, false},
        {"/cg/cpuset", "/", {"cpuset"}, false},
        {"/cg/freezer", "/", {"freezer"}, false},
        {"/cg/unified", "/", {"hugetlb"}, true},
    };
    return host;
}

FakeFiles host_files() {
    FakeFiles fs;
    for (const char *d : {"/cg/memory", "/cg/cpuset", "/cg/freezer", "/cg/unified", "/cg/memory/own"}) fs.dirs.insert(d);
    fs.files["/cg/cpuset/cpuset.cpus"] = "0-3\n";
    fs.files["/cg/cpuset/cpuset.mems"] = "0\n";
    fs.files["/cg/unified/cgroup.subtree_control"] = "\n";
    return fs;
}

}  // namespace

TEST_CASE("placement: every hierarchy's directory, the missing ones to make, relative below our own cgroup") {
    FakeFiles fs = host_files();
    std::map<std::string, std::string> own = {{"memory", "/own"}, {"cpuset", "/"}, {"freezer", "/"}, {"", "/"}};
    auto placement = resolve_cgroupfs_placement(hybrid_host(), own, "pod/ctr", "id", fs);
    REQUIRE(placement);
    CHECK(placement->dirs.at("memory") == "/cg/memory/own/pod/ctr");
    CHECK(placement->dirs.at("cpuset") == "/cg/cpuset/pod/ctr");
    CHECK(placement->dirs.at(kUnifiedKey) == "/cg/unified/pod/ctr");
    CHECK(placement->dirs.at("hugetlb") == "/cg/unified/pod/ctr");
    std::vector<std::string> created = {"/cg/memory/own/pod", "/cg/memory/own/pod/ctr", "/cg/cpuset/pod",
                                        "/cg/cpuset/pod/ctr", "/cg/freezer/pod", "/cg/freezer/pod/ctr",
                                        "/cg/unified/pod", "/cg/unified/pod/ctr"};
    CHECK(placement->created == created);
}

TEST_CASE("placement: a combined net_cls,net_prio hierarchy is one directory, made once, removed once") {
    HostLayout host;
    host.mode = HostMode::Legacy;
    host.hierarchies = {{"/cg/memory", "/", {"memory"}, false},
                        {"/cg/net_cls,net_prio", "/", {"net_cls", "net_prio"}, false}};
    FakeFiles fs;
    fs.dirs = {"/cg/memory", "/cg/net_cls,net_prio"};
    std::map<std::string, std::string> own = {{"memory", "/"}, {"net_cls", "/"}, {"net_prio", "/"}};
    auto placement = resolve_cgroupfs_placement(host, own, "/pod/ctr", "id", fs);
    REQUIRE(placement);
    CHECK(placement->dirs.at("net_cls") == "/cg/net_cls,net_prio/pod/ctr");
    CHECK(placement->dirs.at("net_prio") == "/cg/net_cls,net_prio/pod/ctr");
    CHECK(std::count(placement->created.begin(), placement->created.end(), "/cg/net_cls,net_prio/pod/ctr") == 1);
    auto manager = cgroupfs_manager(*placement, fs);
    REQUIRE(manager->create());
    for (const char *file : {"net_cls.classid", "net_prio.ifpriomap"})
        fs.files[std::string("/cg/net_cls,net_prio/pod/ctr/") + file] = "";
    spec::Resources r;
    r.network = spec::NetworkResources{};
    r.network->class_id = 0x100001;
    r.network->priorities = {{"lo", 5}, {"eth0", 7}};
    REQUIRE(manager->apply(r));
    CHECK(fs.files["/cg/net_cls,net_prio/pod/ctr/net_cls.classid"] == "1048577");
    // Each ifpriomap line is its own write: the kernel takes one interface per write.
    CHECK(std::count(fs.log.begin(), fs.log.end(), "write /cg/net_cls,net_prio/pod/ctr/net_prio.ifpriomap=lo 5") == 1);
    CHECK(std::count(fs.log.begin(), fs.log.end(), "write /cg/net_cls,net_prio/pod/ctr/net_prio.ifpriomap=eth0 7") == 1);
    REQUIRE(manager->place(42));
    CHECK(std::count(fs.log.begin(), fs.log.end(), "write /cg/net_cls,net_prio/pod/ctr/cgroup.procs=42") == 1);
    REQUIRE(manager->destroy());
    CHECK(std::count(fs.log.begin(), fs.log.end(), "rmdir /cg/net_cls,net_prio/pod/ctr") == 1);
    CHECK_FALSE(fs.dirs.count("/cg/net_cls,net_prio/pod"));
}

TEST_CASE("placement on cgroup v2: relative paths go below the parent of our own cgroup, never into it") {
    // Under systemd ocrt runs in a service's cgroup that holds processes; v2 allows no
    // controllers for a child of such a cgroup (and must not change the caller's).
    HostLayout host;
    host.mode = HostMode::Unified;
    host.hierarchies = {{"/cg", "/", {"memory", "pids"}, true}};
    FakeFiles fs;
    for (const char *d : {"/cg", "/cg/system.slice", "/cg/system.slice/ctr.service"}) fs.dirs.insert(d);
    std::map<std::string, std::string> own = {{"", "/system.slice/ctr.service"}};
    auto relative = resolve_cgroupfs_placement(host, own, "", "ctr1", fs);
    REQUIRE(relative);
    CHECK(relative->dirs.at(kUnifiedKey) == "/cg/system.slice/ctr1");
    CHECK(relative->created == std::vector<std::string>{"/cg/system.slice/ctr1"});
    auto absolute = resolve_cgroupfs_placement(host, own, "/ocrt.slice/ctr1", "ctr1", fs);
    REQUIRE(absolute);
    CHECK(absolute->dirs.at(kUnifiedKey) == "/cg/ocrt.slice/ctr1");
    // In the root cgroup (a guest's init, a container) the root is the base.
    auto at_root = resolve_cgroupfs_placement(host, {{"", "/"}}, "pod/ctr1", "ctr1", fs);
    REQUIRE(at_root);
    CHECK(at_root->dirs.at(kUnifiedKey) == "/cg/pod/ctr1");
}

TEST_CASE("create makes the directories, gives new cpusets their parent's cpus and mems, passes hugetlb down") {
    FakeFiles fs = host_files();
    auto placement = resolve_cgroupfs_placement(hybrid_host(), {}, "/ctr", "id", fs);
    REQUIRE(placement);
    auto manager = cgroupfs_manager(*placement, fs);
    fs.files["/cg/cpuset/ctr/cpuset.cpus"] = "\n";  // what the kernel shows in a new cpuset
    fs.files["/cg/cpuset/ctr/cpuset.mems"] = "\n";
    REQUIRE(manager->create());
    CHECK(fs.dirs.count("/cg/memory/ctr"));
    CHECK(fs.files["/cg/cpuset/ctr/cpuset.cpus"] == "0-3");
    CHECK(fs.files["/cg/cpuset/ctr/cpuset.mems"] == "0");
    CHECK(fs.files["/cg/unified/cgroup.subtree_control"] == "+hugetlb");
    REQUIRE(manager->place(42));
    CHECK(fs.files["/cg/memory/ctr/cgroup.procs"] == "42");
    CHECK(fs.files["/cg/freezer/ctr/cgroup.procs"] == "42");
    CHECK(fs.files["/cg/unified/ctr/cgroup.procs"] == "42");
}

TEST_CASE("v1 realtime: the parents ocrt made get the container's budget first, others are left alone") {
    FakeFiles fs;
    HostLayout host;
    host.mode = HostMode::Legacy;
    host.hierarchies = {{"/cg/cpu", "/", {"cpu"}, false}};
    fs.dirs.insert("/cg/cpu");
    fs.dirs.insert("/cg/cpu/kept");  // exists already: not ocrt's
    auto placement = resolve_cgroupfs_placement(host, {}, "/kept/a/b", "id", fs);
    REQUIRE(placement);
    auto manager = cgroupfs_manager(*placement, fs);
    REQUIRE(manager->create());
    fs.files["/cg/cpu/kept/cpu.rt_runtime_us"] = "0\n";
    fs.files["/cg/cpu/kept/a/cpu.rt_runtime_us"] = "0\n";
    fs.files["/cg/cpu/kept/a/b/cpu.rt_runtime_us"] = "0\n";
    fs.files["/cg/cpu/kept/a/b/cpu.rt_period_us"] = "1000000\n";
    spec::Resources r;
    r.cpu = spec::CpuResources{};
    r.cpu->realtime_runtime = 50000;
    fs.log.clear();
    REQUIRE(manager->apply(r));
    auto at = [&](const std::string &entry) { return std::find(fs.log.begin(), fs.log.end(), entry) - fs.log.begin(); };
    CHECK(fs.files["/cg/cpu/kept/cpu.rt_runtime_us"] == "0\n");
    CHECK(fs.files["/cg/cpu/kept/a/cpu.rt_runtime_us"] == "50000");
    CHECK(fs.files["/cg/cpu/kept/a/b/cpu.rt_runtime_us"] == "50000");
    CHECK(at("write /cg/cpu/kept/a/cpu.rt_runtime_us=50000") < at("write /cg/cpu/kept/a/b/cpu.rt_runtime_us=50000"));

    // A parent that already has enough is not written again.
    fs.log.clear();
    r.cpu->realtime_runtime = 40000;
    REQUIRE(manager->apply(r));
    CHECK(std::count(fs.log.begin(), fs.log.end(), "write /cg/cpu/kept/a/cpu.rt_runtime_us=40000") == 0);
    CHECK(fs.files["/cg/cpu/kept/a/b/cpu.rt_runtime_us"] == "40000");
}

TEST_CASE("a directory that appeared meanwhile is not ours: destroy leaves it") {
    FakeFiles fs = host_files();
    auto placement = resolve_cgroupfs_placement(hybrid_host(), {}, "/ctr", "id", fs);
    REQUIRE(placement);
    fs.dirs.insert("/cg/freezer/ctr");  // made by someone else after we looked
    auto manager = cgroupfs_manager(*placement, fs);
    fs.files["/cg/cpuset/ctr/cpuset.cpus"] = "1";
    fs.files["/cg/cpuset/ctr/cpuset.mems"] = "0";
    REQUIRE(manager->create());
    REQUIRE(manager->destroy());
    CHECK(fs.dirs.count("/cg/freezer/ctr"));
    CHECK_FALSE(fs.dirs.count("/cg/memory/ctr"));
}

TEST_CASE("a failed mkdir removes what create made so far") {
    FakeFiles fs = host_files();
    auto placement = resolve_cgroupfs_placement(hybrid_host(), {}, "/a/ctr", "id", fs);
    REQUIRE(placement);
    fs.fail_mkdir["/cg/freezer/a"] = EACCES;
    auto manager = cgroupfs_manager(*placement, fs);
    auto created = manager->create();
    REQUIRE_FALSE(created);
    CHECK(created.error().code() == EACCES);
    for (const char *d : {"/cg/memory/a", "/cg/memory/a/ctr", "/cg/cpuset/a", "/cg/cpuset/a/ctr"})
        CHECK_FALSE(fs.dirs.count(d));
}

TEST_CASE("destroy: deepest first, retries a busy leaf, keeps a parent still in use") {
    FakeFiles fs = host_files();
    auto placement = resolve_cgroupfs_placement(hybrid_host(), {}, "/a/ctr", "id", fs);
    REQUIRE(placement);
    Placement p = *placement;
    for (const std::string &d : p.created) fs.dirs.insert(d);
    fs.busy_rmdirs["/cg/memory/a/ctr"] = 2;  // tasks still leaving
    fs.busy_rmdirs["/cg/cpuset/a"] = 1000;   // another container lives below it
    auto manager = cgroupfs_manager(p, fs);
    REQUIRE(manager->destroy());
    CHECK_FALSE(fs.dirs.count("/cg/memory/a/ctr"));
    CHECK_FALSE(fs.dirs.count("/cg/memory/a"));
    CHECK(fs.dirs.count("/cg/cpuset/a"));
    CHECK_FALSE(fs.dirs.count("/cg/cpuset/a/ctr"));
    CHECK(fs.dirs.count("/cg/memory"));  // never one it did not make
    auto first = std::find(fs.log.begin(), fs.log.end(), "rmdir /cg/unified/a/ctr");
    auto parent = std::find(fs.log.begin(), fs.log.end(), "rmdir /cg/unified/a");
    CHECK(first < parent);
}

TEST_CASE("apply writes the planned files in the container's directories; a refused write is the error") {
    FakeFiles fs = host_files();
    Placement p{"cgroupfs", {{"memory", "/cg/memory/ctr"}, {"devices", "/cg/devices/ctr"}}, {}};
    fs.files["/cg/memory/ctr/memory.limit_in_bytes"] = "9223372036854771712\n";
    fs.files["/cg/memory/ctr/memory.memsw.limit_in_bytes"] = "9223372036854771712\n";
    auto manager = cgroupfs_manager(p, fs);
    spec::Resources r;
    r.memory = spec::MemoryResources{};
    r.memory->limit = 1000;
    r.devices = {{true, "c", 1, 3, "rw"}};
    REQUIRE(manager->apply(r));
    CHECK(fs.files["/cg/memory/ctr/memory.limit_in_bytes"] == "1000");
    CHECK(fs.files["/cg/devices/ctr/devices.allow"] == "c 1:3 rw");
    fs.fail_write["/cg/memory/ctr/memory.limit_in_bytes"] = EBUSY;
    auto refused = manager->apply(r);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code() == EBUSY);
}

TEST_CASE("a value the kernel refuses is reported against its config field") {
    // The kernel alone knows which interface and RDMA device names exist (ENODEV).
    FakeFiles fs = host_files();
    Placement p{"cgroupfs", {{"net_prio", "/cg/net_prio/ctr"}, {"rdma", "/cg/rdma/ctr"}}, {}};
    fs.fail_write["/cg/net_prio/ctr/net_prio.ifpriomap"] = ENODEV;
    fs.fail_write["/cg/rdma/ctr/rdma.max"] = ENODEV;
    fs.files["/cg/net_prio/ctr/net_prio.ifpriomap"] = "lo 0\n";
    fs.files["/cg/rdma/ctr/rdma.max"] = "";
    auto manager = cgroupfs_manager(p, fs);
    spec::Resources r;
    r.network = spec::NetworkResources{};
    r.network->priorities = {{"nosuchif0", 4}};
    auto refused = manager->apply(r);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code() == ENODEV);
    CHECK(refused.error().render().rfind("config.json: /linux/resources/network/priorities/0: write", 0) == 0);
    spec::Resources rdma;
    rdma.rdma["mlx9"] = spec::RdmaLimit{};
    rdma.rdma["mlx9"].hca_handles = 2;
    refused = manager->apply(rdma);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().render().rfind("config.json: /linux/resources/rdma/mlx9: write", 0) == 0);
}

TEST_CASE("freeze waits for FROZEN; pids reads cgroup.procs sorted") {
    FakeFiles fs = host_files();
    Placement p{"cgroupfs", {{"freezer", "/cg/freezer/ctr"}}, {}};
    auto manager = cgroupfs_manager(p, fs);
    REQUIRE(manager->freeze());
    CHECK(fs.files["/cg/freezer/ctr/freezer.state"] == "FROZEN");
    CHECK(*manager->frozen());
    REQUIRE(manager->thaw());
    CHECK_FALSE(*manager->frozen());
    fs.files["/cg/freezer/ctr/cgroup.procs"] = "30\n10\n20\n";
    CHECK(*manager->pids() == std::vector<pid_t>{10, 20, 30});
}

TEST_CASE("manager_for_create: disabled has no cgroup; systemd is the systemd driver when built with it") {
    auto disabled = manager_for_create("disabled", "/x", "id");
    REQUIRE(disabled);
    CHECK((*disabled)->placement().dirs.empty());
    CHECK_FALSE((*disabled)->freeze());
    auto systemd = manager_for_create("systemd", "", "id");
    if (built_with_systemd()) {
        REQUIRE(systemd);
        CHECK((*systemd)->placement().driver == "systemd");
        CHECK((*systemd)->placement().unit == "ocrt-id.scope");
    } else {
        REQUIRE_FALSE(systemd);
        CHECK(systemd.error().message().find("built without systemd support") != std::string::npos);
    }
    auto bad = manager_for_create("systemd", "/not/slice/form", "id");
    REQUIRE_FALSE(bad);
}

TEST_CASE("create refuses a cgroup that already has processes or is frozen, removing what it made") {
    FakeFiles fs = host_files();
    fs.dirs.insert("/cg/memory/ctr");
    fs.files["/cg/memory/ctr/cgroup.procs"] = "77\n";
    auto placement = resolve_cgroupfs_placement(hybrid_host(), {}, "/ctr", "id", fs);
    REQUIRE(placement);
    auto manager = cgroupfs_manager(*placement, fs);
    fs.files["/cg/cpuset/ctr/cpuset.cpus"] = "0";
    fs.files["/cg/cpuset/ctr/cpuset.mems"] = "0";
    auto created = manager->create();
    REQUIRE_FALSE(created);
    CHECK(created.error().message().find("already has processes") != std::string::npos);
    CHECK_FALSE(fs.dirs.count("/cg/cpuset/ctr"));
    CHECK(fs.dirs.count("/cg/memory/ctr"));  // not ours

    fs.files["/cg/memory/ctr/cgroup.procs"] = "";
    fs.files["/cg/freezer/ctr/freezer.state"] = "FROZEN\n";
    auto again = cgroupfs_manager(*placement, fs);
    auto frozen = again->create();
    REQUIRE_FALSE(frozen);
    CHECK(frozen.error().message().find("frozen") != std::string::npos);
}

TEST_CASE("signal_all keeps a paused container paused, but thaws it for SIGKILL") {
    FakeFiles fs = host_files();
    Placement p{"cgroupfs", {{"freezer", "/cg/freezer/ctr"}}, {}};
    fs.files["/cg/freezer/ctr/cgroup.procs"] = "";
    auto manager = cgroupfs_manager(p, fs);
    REQUIRE(manager->signal_all(SIGTERM));
    CHECK(fs.files["/cg/freezer/ctr/freezer.state"] == "THAWED");
    REQUIRE(manager->freeze());
    REQUIRE(manager->signal_all(SIGTERM));
    CHECK(fs.files["/cg/freezer/ctr/freezer.state"] == "FROZEN");
    REQUIRE(manager->signal_all(SIGKILL));
    CHECK(fs.files["/cg/freezer/ctr/freezer.state"] == "THAWED");
}

TEST_CASE("v2: device rules become the cgroup's device filter; an update without rules keeps it") {
    FakeFiles fs;
    Placement p{"cgroupfs", {{kUnifiedKey, "/cg/ctr"}}, {}};
    auto manager = cgroupfs_manager(p, fs);
    spec::Resources r;
    r.devices = {{false, "a", std::nullopt, std::nullopt, "rwm"}, {true, "c", 1, 3, "rw"}};
    REQUIRE(manager->apply(r));
    CHECK(fs.log == std::vector<std::string>{"device filter /cg/ctr 2 rules"});
    CHECK(fs.files.empty());  // no devices.allow on v2
    fs.files["/cg/ctr/cgroup.controllers"] = "pids\n";
    fs.files["/cg/ctr/pids.max"] = "max\n";
    spec::Resources update;
    update.pids = spec::PidsResources{};
    update.pids->limit = 5;
    REQUIRE(manager->apply(update));
    CHECK(fs.log.back() == "write /cg/ctr/pids.max=5");
    CHECK(std::count_if(fs.log.begin(), fs.log.end(), [](const std::string &l) { return l.rfind("device", 0) == 0; }) == 1);
    // Root of the initial user namespace: a refused program is the error (no silent fallback).
    fs.device_filter_error = EPERM;
    auto refused = manager->apply(r);
    if (::geteuid() == 0 && fs::read_file("/proc/self/uid_map")->find("4294967295") != std::string::npos) {
        REQUIRE_FALSE(refused);
        CHECK(refused.error().code() == EPERM);
    } else {
        CHECK(refused);  // rootless: a warning, the rules are not enforced
    }
}

TEST_CASE("a manager made at create keeps the host layout for the init; one rebuilt from the record has none") {
    FakeFiles fs = host_files();
    auto placement = resolve_cgroupfs_placement(hybrid_host(), {}, "/ctr", "id", fs);
    REQUIRE(placement);
    auto at_create = cgroupfs_manager(*placement, fs, hybrid_host());
    REQUIRE(at_create->host_layout() != nullptr);
    CHECK(at_create->host_layout()->hierarchies.size() == hybrid_host().hierarchies.size());
    CHECK(at_create->host_layout()->unified()->mount_point == "/cg/unified");
    auto rebuilt = manager_for_placement(*placement, fs);
    CHECK(rebuilt->host_layout() == nullptr);
}
