// The systemd driver's sequencing against a fake systemd bus and a fake cgroupfs: the
// unit starts with the init's pid only once that exists, the files are written after
// it, a failure leaves no unit, delete stops it, later commands need no bus but update.
#include <ocrt/cgroups/manager.hpp>

#include <fake_cgroup_files.hpp>
#include <fake_systemd_bus.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cerrno>
#include <map>
#include <set>

using namespace ocrt;
using namespace ocrt::cgroups;
using ocrt::test::FakeSystemdBus;

namespace {

using Files = ocrt::test::FakeCgroupFiles;

const std::string kScope = "/cg/ocrt.slice/ocrt-c1.scope";

HostLayout v2_host() {
    HostLayout host;
    host.mode = HostMode::Unified;
    host.hierarchies = {{"/cg", "/", {"cpu", "memory", "pids", "hugetlb"}, true}};
    return host;
}

// The cgroup2 tree of a systemd host; systemd makes the scope when it starts the unit.
spec::Resources limits();

struct V2 {
    Files files;
    FakeSystemdBus::Shared bus;
    V2() {
        files.dirs = {"/cg", "/cg/ocrt.slice"};
        files.files["/cg/cgroup.controllers"] = "cpu memory pids hugetlb\n";
        files.files["/cg/cgroup.subtree_control"] = "cpu memory pids\n";
        files.files["/cg/ocrt.slice/cgroup.controllers"] = "cpu memory pids hugetlb\n";  // once /cg passes it
        files.files["/cg/ocrt.slice/cgroup.subtree_control"] = "cpu memory pids\n";
        bus.on_start = [this](const std::string &unit) {
            files.log.push_back("systemd started " + unit);
            files.dirs.insert(kScope);
            files.files[kScope + "/cgroup.controllers"] = "cpu memory pids hugetlb\n";
            for (const char *f : {"memory.max", "pids.max", "cpu.max", "cgroup.procs", "cgroup.freeze", "hugetlb.2MB.max"})
                files.files[kScope + "/" + f] = "";
        };
        bus.on_stop = [this](const std::string &) { files.dirs.erase(kScope); };
    }
    std::unique_ptr<Manager> create(const std::string &path = "ocrt.slice:ocrt:c1",
                                    const std::map<std::string, std::string> &annotations = {}) {
        return systemd_manager_for_create(v2_host(), path, "c1", annotations, files, FakeSystemdBus::factory(bus))
            .value();
    }
    // A container whose unit is up (create, apply, place of the init 4242): what the
    // state record keeps for later commands.
    Placement started() {
        auto manager = create();
        REQUIRE(manager->create());
        REQUIRE(manager->apply(limits()));
        REQUIRE(manager->place(4242));
        return manager->placement();
    }
};

spec::Resources limits() {
    spec::Resources r;
    r.memory.emplace();
    r.memory->limit = 33554432;
    r.pids.emplace();
    r.pids->limit = 20;
    r.devices.push_back(spec::DeviceRule{});
    return r;
}

bool has_property(const std::vector<UnitProperty> &props, const std::string &name, const PropertyValue &value) {
    return std::find(props.begin(), props.end(), UnitProperty{name, value}) != props.end();
}

}  // namespace

TEST_CASE("systemd driver: the placement is the scope's cgroup, recorded with the unit") {
    V2 v2;
    auto manager = v2.create();
    const Placement &p = manager->placement();
    CHECK(p.driver == "systemd");
    CHECK(p.unit == "ocrt-c1.scope");
    CHECK(p.dirs.at(kUnifiedKey) == kScope);
    CHECK(p.dirs.at("memory") == kScope);
    // Only the unit's own cgroup: ocrt.slice is systemd's.
    CHECK(p.created == std::vector<std::string>{kScope});
    CHECK(v2.bus.connections == 0);
}

TEST_CASE("systemd driver: the unit starts at place() with the init's pid, then every file is written") {
    V2 v2;
    auto manager = v2.create();
    REQUIRE(manager->create());
    CHECK(v2.bus.log == std::vector<std::string>{"version"});
    REQUIRE(manager->apply(limits()));
    // Nothing exists before the init does.
    CHECK(v2.bus.started.empty());
    CHECK(v2.files.log.empty());

    REQUIRE(manager->place(4242));
    REQUIRE(v2.bus.started.size() == 1);
    const auto &started = v2.bus.started.front();
    CHECK(started.name == "ocrt-c1.scope");
    CHECK(started.pid == 4242);
    const auto &props = started.properties;
    CHECK(has_property(props, "Description", std::string("ocrt container c1")));
    CHECK(has_property(props, "Slice", std::string("ocrt.slice")));
    CHECK(has_property(props, "Delegate", true));
    CHECK(has_property(props, "MemoryAccounting", true));
    CHECK(has_property(props, "CPUAccounting", true));
    CHECK(has_property(props, "IOAccounting", true));
    CHECK(has_property(props, "TasksAccounting", true));
    CHECK(has_property(props, "DefaultDependencies", false));
    // The resources systemd has properties for (systemd_properties.hpp), so a
    // daemon-reload keeps them.
    CHECK(has_property(props, "MemoryMax", std::uint64_t{33554432}));
    CHECK(has_property(props, "TasksMax", std::uint64_t{20}));

    size_t start = v2.files.index("systemd started ocrt-c1.scope");
    REQUIRE(start < v2.files.log.size());
    CHECK(v2.files.index("write " + kScope + "/memory.max=33554432") > start);
    CHECK(v2.files.index("write " + kScope + "/pids.max=20") > start);
    CHECK(v2.files.index("device filter " + kScope + " 1 rules") > start);
    // hugetlb is not systemd's: passed down to the unit's parent, as runc does.
    CHECK(v2.files.logged("write /cg/cgroup.subtree_control=+hugetlb"));
    CHECK(v2.files.logged("write /cg/ocrt.slice/cgroup.subtree_control=+hugetlb"));
    // The scope already holds the init (PIDs=); later joins write cgroup.procs.
    CHECK_FALSE(v2.files.logged("write " + kScope + "/cgroup.procs=4242"));
    REQUIRE(manager->place(4343));
    CHECK(v2.files.logged("write " + kScope + "/cgroup.procs=4343"));
    CHECK(v2.bus.started.size() == 1);
    CHECK(v2.bus.connections == 1);
}

TEST_CASE("systemd driver: a failed job leaves no unit and no cgroup behind") {
    V2 v2;
    v2.bus.start_fails_after_load = true;
    auto manager = v2.create();
    REQUIRE(manager->create());
    REQUIRE(manager->apply(limits()));
    auto placed = manager->place(4242);
    REQUIRE_FALSE(placed);
    CHECK(placed.error().message().find("failed") != std::string::npos);
    CHECK_FALSE(v2.files.logged("write " + kScope + "/memory.max=33554432"));
    REQUIRE(manager->destroy());  // create's roll-back
    CHECK(v2.bus.units.empty());
    CHECK(std::count(v2.bus.log.begin(), v2.bus.log.end(), "stop ocrt-c1.scope") == 1);
    CHECK(std::count(v2.bus.log.begin(), v2.bus.log.end(), "reset ocrt-c1.scope") == 1);
}

TEST_CASE("systemd driver: a file that cannot be written after the start fails create; destroy stops the unit") {
    V2 v2;
    v2.files.fail_write[kScope + "/pids.max"] = EINVAL;
    auto manager = v2.create();
    REQUIRE(manager->create());
    REQUIRE(manager->apply(limits()));
    auto placed = manager->place(4242);
    REQUIRE_FALSE(placed);
    CHECK(placed.error().message().find("pids.max") != std::string::npos);
    CHECK(v2.bus.units.count("ocrt-c1.scope") == 1);
    REQUIRE(manager->destroy());
    CHECK(v2.bus.units.empty());
    CHECK(v2.files.dirs.count(kScope) == 0);
}

TEST_CASE("systemd driver: a unit of that name that is not ours is never stopped nor removed") {
    V2 v2;
    v2.bus.units.insert("ocrt-c1.scope");
    v2.files.dirs.insert(kScope);
    auto manager = v2.create();
    REQUIRE(manager->create());
    REQUIRE(manager->apply(limits()));
    auto placed = manager->place(4242);
    REQUIRE_FALSE(placed);
    CHECK(placed.error().code() == EEXIST);
    REQUIRE(manager->destroy());
    CHECK(v2.bus.units.count("ocrt-c1.scope") == 1);
    CHECK(v2.files.dirs.count(kScope) == 1);
    CHECK(std::count(v2.bus.log.begin(), v2.bus.log.end(), "stop ocrt-c1.scope") == 0);
}

TEST_CASE("systemd driver: reopened from the state, pause/ps/exec use the files only; delete stops the unit") {
    V2 v2;
    Placement recorded = v2.started();
    int connections = v2.bus.connections;
    auto later = manager_for_placement(recorded, v2.files);
    CHECK(later->placement().unit == "ocrt-c1.scope");
    REQUIRE(later->place(5000));
    CHECK(v2.files.logged("write " + kScope + "/cgroup.procs=5000"));
    REQUIRE(later->thaw());
    CHECK(v2.files.files[kScope + "/cgroup.freeze"] == "0");
    // manager_for_placement connects to the real bus; the driver built with the fake:
    auto reopened = systemd_manager(recorded, v2.files, FakeSystemdBus::factory(v2.bus));
    REQUIRE(reopened->place(5001));
    CHECK(v2.bus.connections == connections);
    REQUIRE(reopened->destroy());
    CHECK(v2.bus.units.empty());
    CHECK(v2.files.dirs.count(kScope) == 0);
    // Twice: the unit is gone already ("not loaded" is fine), the dir too.
    auto again = systemd_manager(recorded, v2.files, FakeSystemdBus::factory(v2.bus));
    REQUIRE(again->destroy());
}

TEST_CASE("systemd driver: update writes the files of the live unit") {
    V2 v2;
    Placement recorded = v2.started();
    auto later = systemd_manager(recorded, v2.files, FakeSystemdBus::factory(v2.bus));
    spec::Resources update;
    update.pids.emplace();
    update.pids->limit = 30;
    v2.files.log.clear();
    v2.bus.on_set = [&](const std::string &) { v2.files.log.push_back("systemd set"); };
    REQUIRE(later->apply(update));
    // Runtime properties first (systemd would rewrite the file from the old ones), then the file.
    REQUIRE(v2.bus.set.size() == 1);
    CHECK(v2.bus.set.front().first == "ocrt-c1.scope");
    CHECK(has_property(v2.bus.set.front().second, "TasksMax", std::uint64_t{30}));
    CHECK_FALSE(std::any_of(v2.bus.set.front().second.begin(), v2.bus.set.front().second.end(),
                            [](const UnitProperty &p) { return p.name == "MemoryMax"; }));
    CHECK(v2.files.index("systemd set") < v2.files.index("write " + kScope + "/pids.max=30"));
    CHECK(v2.files.files[kScope + "/pids.max"] == "30");
}

// config-linux.md "Memory" checkBeforeUpdate: systemd applies MemoryMax at once (and
// OOM-kills to meet it), so the usage check must come before the properties are sent.
TEST_CASE("systemd driver: an update below the usage under checkBeforeUpdate never reaches systemd") {
    V2 v2;
    Placement recorded = v2.started();
    v2.files.files[kScope + "/memory.current"] = "25165824\n";
    auto later = systemd_manager(recorded, v2.files, FakeSystemdBus::factory(v2.bus));
    spec::Resources update;
    update.memory.emplace();
    update.memory->limit = 8388608;
    update.memory->check_before_update = true;
    v2.files.log.clear();
    auto refused = later->apply(update);
    REQUIRE_FALSE(refused);
    CHECK_THAT(refused.error().message(), Catch::Contains("below the current usage"));
    CHECK(v2.bus.set.empty());
    CHECK_FALSE(v2.files.logged("write " + kScope + "/memory.max=8388608"));
    // Above the usage: the property, then the file.
    update.memory->limit = 50331648;
    REQUIRE(later->apply(update));
    REQUIRE(v2.bus.set.size() == 1);
    CHECK(has_property(v2.bus.set.front().second, "MemoryMax", std::uint64_t{50331648}));
    CHECK(v2.files.files[kScope + "/memory.max"] == "50331648");
}

TEST_CASE("systemd driver: org.systemd.property.* annotations go after the resources, so they win") {
    V2 v2;
    auto manager = v2.create("ocrt.slice:ocrt:c1", {{"org.systemd.property.TasksMax", "99"}, {"other", "x"}});
    REQUIRE(manager->create());
    REQUIRE(manager->apply(limits()));
    REQUIRE(manager->place(4242));
    const auto &props = v2.bus.started.front().properties;
    auto resource = std::find(props.begin(), props.end(), UnitProperty{"TasksMax", std::uint64_t{20}});
    auto annotation = std::find(props.begin(), props.end(), UnitProperty{"TasksMax", std::uint64_t{99}});
    REQUIRE(resource != props.end());
    REQUIRE(annotation != props.end());
    CHECK(resource < annotation);
}

TEST_CASE("systemd driver: a bad annotation or resource property fails before the unit exists") {
    V2 v2;
    auto refused = systemd_manager_for_create(v2_host(), "ocrt.slice:ocrt:c1", "c1",
                                              {{"org.systemd.property.NoSuchThing", "1"}}, v2.files,
                                              FakeSystemdBus::factory(v2.bus));
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message().find("/annotations/") != std::string::npos);
    CHECK(v2.bus.connections == 0);

    auto manager = v2.create();
    REQUIRE(manager->create());
    spec::Resources bad;
    bad.cpu.emplace();
    bad.cpu->cpus = "not-a-list";
    auto applied = manager->apply(bad);
    REQUIRE_FALSE(applied);
    CHECK(applied.error().message().find("/linux/resources/cpu/cpus") != std::string::npos);
    CHECK(v2.bus.started.empty());
}

TEST_CASE("systemd driver: a bad cgroupsPath is refused before systemd is asked") {
    V2 v2;
    auto manager = systemd_manager_for_create(v2_host(), "ocrt.slice:c1", "c1", {}, v2.files,
                                              FakeSystemdBus::factory(v2.bus));
    REQUIRE_FALSE(manager);
    CHECK(manager.error().message().find("/linux/cgroupsPath") != std::string::npos);
    CHECK(v2.bus.connections == 0);
}

TEST_CASE("systemd driver: on a hybrid host the init also joins the hierarchies systemd does not run") {
    Files files;
    FakeSystemdBus::Shared bus;
    HostLayout host;
    host.mode = HostMode::Hybrid;
    host.hierarchies = {{"/cg/systemd", "/", {"name=systemd"}, false},
                        {"/cg/memory", "/", {"memory"}, false},
                        {"/cg/cpuset", "/", {"cpuset"}, false},
                        {"/cg/unified", "/", {}, true}};
    files.dirs = {"/cg/systemd", "/cg/memory", "/cg/cpuset", "/cg/unified"};
    files.files["/cg/cpuset/cpuset.cpus"] = "0-3\n";
    files.files["/cg/cpuset/cpuset.mems"] = "0\n";
    bus.on_start = [&](const std::string &) {
        for (const char *d : {"/cg/systemd", "/cg/memory", "/cg/unified"}) {
            files.dirs.insert(std::string(d) + "/ocrt.slice");
            files.dirs.insert(std::string(d) + "/ocrt.slice/ocrt-c1.scope");
        }
    };
    auto manager =
        systemd_manager_for_create(host, "ocrt.slice:ocrt:c1", "c1", {}, files, FakeSystemdBus::factory(bus)).value();
    REQUIRE(manager->create());
    spec::Resources none;
    REQUIRE(manager->apply(none));
    REQUIRE(manager->place(4242));
    CHECK(has_property(bus.started.front().properties, "BlockIOAccounting", true));
    // cpuset is not systemd's on v1: ocrt makes it, with its parent's cpus and mems.
    CHECK(files.logged("mkdir /cg/cpuset/ocrt.slice"));
    CHECK(files.logged("write /cg/cpuset/ocrt.slice/cpuset.cpus=0-3\n"));
    CHECK(files.logged("write /cg/cpuset/ocrt.slice/ocrt-c1.scope/cpuset.mems=0\n"));
    for (const char *d : {"/cg/systemd", "/cg/memory", "/cg/cpuset", "/cg/unified"})
        CHECK(files.logged("write " + std::string(d) + "/ocrt.slice/ocrt-c1.scope/cgroup.procs=4242"));
    const auto &created = manager->placement().created;
    CHECK(created.front() == "/cg/cpuset/ocrt.slice");
    CHECK(std::find(created.begin(), created.end(), "/cg/memory/ocrt.slice") == created.end());
    CHECK(std::find(created.begin(), created.end(), "/cg/memory/ocrt.slice/ocrt-c1.scope") != created.end());
    REQUIRE(manager->destroy());
    CHECK(files.dirs.count("/cg/cpuset/ocrt.slice") == 0);
    CHECK(files.dirs.count("/cg/memory/ocrt.slice") == 1);
}
