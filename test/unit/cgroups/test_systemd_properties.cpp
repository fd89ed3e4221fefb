// linux.resources as systemd unit properties (systemd.resource-control(5)): the names
// for the unified and the legacy hierarchy, the version gates, the v1 → v2 conversions
// (the same as the cgroupfs v2 writer's), device rules as DevicePolicy/DeviceAllow,
// linux.resources.unified keys, and each config error with its exact pointer.
#include <ocrt/cgroups/systemd_properties.hpp>
#include <ocrt/cgroups/v2_resources.hpp>

#include <catch2/catch.hpp>

#include "property_text.hpp"

#include <limits>
#include <optional>
#include <string>
#include <vector>

using namespace ocrt;
using namespace ocrt::cgroups;

namespace {

constexpr uint64_t kInf = std::numeric_limits<uint64_t>::max();
constexpr auto any = std::nullopt;
const SystemdTarget kV2{252, true};
const SystemdTarget kV1{252, false};

std::vector<UnitProperty> props(const spec::Resources &r, const SystemdTarget &target = kV2) {
    auto out = resource_properties(r, target);
    if (!out) FAIL(out.error().render());
    return *out;
}

std::string error_of(const spec::Resources &r, const SystemdTarget &target = kV2) {
    auto out = resource_properties(r, target);
    REQUIRE_FALSE(out);
    return out.error().render();
}

// Every value of `name`, in order (a property may be sent twice, e.g. DeviceAllow).
std::vector<PropertyValue> all(const std::vector<UnitProperty> &list, const std::string &name) {
    std::vector<PropertyValue> out;
    for (const UnitProperty &p : list)
        if (p.name == name) out.push_back(p.value);
    return out;
}

std::optional<PropertyValue> one(const std::vector<UnitProperty> &list, const std::string &name) {
    auto values = all(list, name);
    REQUIRE(values.size() <= 1);
    if (values.empty()) return std::nullopt;
    return values[0];
}

std::vector<std::string> names(const std::vector<UnitProperty> &list) {
    std::vector<std::string> out;
    for (const UnitProperty &p : list) out.push_back(p.name);
    return out;
}

// The properties after the four accounting switches.
std::vector<UnitProperty> resource_part(const std::vector<UnitProperty> &list) {
    REQUIRE(list.size() >= 4);
    return {list.begin() + 4, list.end()};
}

spec::Resources with_memory(std::optional<int64_t> limit, std::optional<int64_t> swap = any,
                            std::optional<int64_t> reservation = any) {
    spec::Resources r;
    r.memory = spec::MemoryResources{};
    r.memory->limit = limit;
    r.memory->swap = swap;
    r.memory->reservation = reservation;
    return r;
}

spec::Resources with_cpu(std::optional<int64_t> quota, std::optional<uint64_t> period) {
    spec::Resources r;
    r.cpu = spec::CpuResources{};
    r.cpu->quota = quota;
    r.cpu->period = period;
    return r;
}

spec::Resources with_cpuset(std::string cpus, std::string mems = "") {
    spec::Resources r;
    r.cpu = spec::CpuResources{};
    r.cpu->cpus = std::move(cpus);
    r.cpu->mems = std::move(mems);
    return r;
}

spec::Resources with_unified(std::map<std::string, std::string> unified) {
    spec::Resources r;
    r.unified = std::move(unified);
    return r;
}

spec::Resources with_devices(std::vector<spec::DeviceRule> rules) {
    spec::Resources r;
    r.devices = std::move(rules);
    return r;
}

spec::DeviceRule allow(std::string type, std::optional<int64_t> major, std::optional<int64_t> minor, std::string access) {
    return {true, std::move(type), major, minor, std::move(access)};
}
spec::DeviceRule deny(std::string type, std::optional<int64_t> major, std::optional<int64_t> minor, std::string access) {
    return {false, std::move(type), major, minor, std::move(access)};
}

}  // namespace

TEST_CASE("systemd properties: the D-Bus signature of each value type") {
    CHECK(std::string(property_signature(true)) == "b");
    CHECK(std::string(property_signature(uint64_t{1})) == "t");
    CHECK(std::string(property_signature(int64_t{-1})) == "x");
    CHECK(std::string(property_signature(std::string("strict"))) == "s");
    CHECK(std::string(property_signature(std::vector<std::string>{"a"})) == "as");
    CHECK(std::string(property_signature(std::vector<uint8_t>{0x2f})) == "ay");
    CHECK(std::string(property_signature(StringPairs{{"char-*", "m"}})) == "a(ss)");
    CHECK(std::string(property_signature(StringUint64Pairs{{"/dev/block/8:0", 100}})) == "a(st)");
}

TEST_CASE("systemd properties: accounting on for every controller, IO or BlockIO by hierarchy") {
    std::vector<UnitProperty> v2 = {{"MemoryAccounting", true}, {"CPUAccounting", true},
                                    {"IOAccounting", true}, {"TasksAccounting", true}};
    CHECK(props(spec::Resources{}) == v2);
    std::vector<UnitProperty> v1 = {{"MemoryAccounting", true}, {"CPUAccounting", true},
                                    {"BlockIOAccounting", true}, {"TasksAccounting", true}};
    CHECK(props(spec::Resources{}, kV1) == v1);
    CHECK(props(spec::Resources{}, SystemdTarget{0, true}) == v2);
}

TEST_CASE("systemd properties v2 memory: MemoryMax, MemoryLow, MemorySwapMax as swap alone") {
    std::vector<UnitProperty> want = {{"MemoryMax", uint64_t{100}}, {"MemoryLow", uint64_t{50}},
                                      {"MemorySwapMax", uint64_t{200}}};
    CHECK(resource_part(props(with_memory(100, 300, 50))) == want);
    // -1 is no limit: systemd's "infinity".
    want = {{"MemoryMax", kInf}, {"MemorySwapMax", kInf}, };
    CHECK(resource_part(props(with_memory(-1, -1))) == want);
    CHECK(one(props(with_memory(any, any, -1)), "MemoryLow") == PropertyValue(kInf));
    // swap == limit: no swap at all.
    CHECK(one(props(with_memory(100, 100)), "MemorySwapMax") == PropertyValue(uint64_t{0}));
    // A swap of -1 needs no limit to convert.
    CHECK(one(props(with_memory(any, -1)), "MemorySwapMax") == PropertyValue(kInf));
    // systemd refuses MemoryMax=0: the memory.max file write keeps that (odd) limit.
    CHECK_FALSE(one(props(with_memory(0)), "MemoryMax"));
}

TEST_CASE("systemd properties v2 memory: the swap errors name /linux/resources/memory/swap") {
    CHECK(error_of(with_memory(300, 100)) == "config.json: /linux/resources/memory/swap: is below the memory limit");
    CHECK(error_of(with_memory(any, 100)) ==
          "config.json: /linux/resources/memory/swap: needs a memory limit to convert to cgroup v2");
    CHECK(error_of(with_memory(-1, 100)) ==
          "config.json: /linux/resources/memory/swap: needs a memory limit to convert to cgroup v2");
}

TEST_CASE("systemd properties v2 memory: the same swap conversion as the cgroupfs v2 writer") {
    ResourceProbe probe;
    probe.has_controller = [](const std::string &) { return true; };
    probe.has_file = [](const std::string &, const std::string &) { return true; };
    const std::optional<int64_t> values[] = {any, -1, 0, 100, 300};
    for (auto limit : values)
        for (auto swap : values) {
            spec::Resources r = with_memory(limit, swap);
            auto writes = plan_v2_writes(r, probe);
            auto properties = resource_properties(r, kV2);
            INFO("limit " << (limit ? std::to_string(*limit) : "-") << " swap " << (swap ? std::to_string(*swap) : "-"));
            REQUIRE(bool(writes) == bool(properties));
            if (!writes) {
                CHECK(writes.error().render() == properties.error().render());
                continue;
            }
            std::optional<std::string> file;
            for (const FileWrite &w : *writes)
                if (w.file == "memory.swap.max") file = w.value;
            auto property = one(*properties, "MemorySwapMax");
            REQUIRE(bool(file) == bool(property));
            if (file) CHECK(std::get<uint64_t>(*property) == (*file == "max" ? kInf : std::stoull(*file)));
        }
}

TEST_CASE("systemd properties v1 memory: MemoryLimit only (no legacy property for low or swap)") {
    std::vector<UnitProperty> want = {{"MemoryLimit", uint64_t{100}}};
    CHECK(resource_part(props(with_memory(100, 300, 50), kV1)) == want);
    want = {{"MemoryLimit", kInf}};
    CHECK(resource_part(props(with_memory(-1), kV1)) == want);
    // swap below the limit is the cgroupfs v1 writer's business there.
    CHECK(resource_part(props(with_memory(300, 100), kV1)).size() == 1);
}

TEST_CASE("systemd properties cpu: shares as CPUWeight (v2, the v2 writer's conversion) or CPUShares (v1)") {
    spec::Resources r;
    r.cpu = spec::CpuResources{};
    r.cpu->shares = 1024;
    CHECK(one(props(r), "CPUWeight") == PropertyValue(cpu_weight_from_shares(1024)));
    CHECK(one(props(r), "CPUWeight") == PropertyValue(uint64_t{39}));
    CHECK_FALSE(one(props(r), "CPUShares"));
    CHECK(one(props(r, kV1), "CPUShares") == PropertyValue(uint64_t{1024}));
    CHECK_FALSE(one(props(r, kV1), "CPUWeight"));
    // The kernel clamps cpu.shares to 2..262144; systemd refuses outside it.
    r.cpu->shares = 1;
    CHECK(one(props(r, kV1), "CPUShares") == PropertyValue(uint64_t{2}));
    CHECK(one(props(r), "CPUWeight") == PropertyValue(uint64_t{1}));
    r.cpu->shares = 1000000;
    CHECK(one(props(r, kV1), "CPUShares") == PropertyValue(uint64_t{262144}));
    CHECK(one(props(r), "CPUWeight") == PropertyValue(uint64_t{10000}));
    // 0 is "not set", as in the v2 writer.
    r.cpu->shares = 0;
    CHECK(resource_part(props(r)).empty());
    CHECK(resource_part(props(r, kV1)).empty());
}

TEST_CASE("systemd properties cpu: quota/period as CPUQuotaPerSecUSec, rounded up to 10 ms") {
    CHECK(one(props(with_cpu(50000, 100000)), "CPUQuotaPerSecUSec") == PropertyValue(uint64_t{500000}));
    // No period: the kernel's default 100 ms.
    CHECK(one(props(with_cpu(50000, any)), "CPUQuotaPerSecUSec") == PropertyValue(uint64_t{500000}));
    CHECK(one(props(with_cpu(200000, 50000)), "CPUQuotaPerSecUSec") == PropertyValue(uint64_t{4000000}));
    // 12.345% → 13%.
    CHECK(one(props(with_cpu(12345, 100000)), "CPUQuotaPerSecUSec") == PropertyValue(uint64_t{130000}));
    // 1/3 of a CPU is 333333.3 µs per second: the ceiling, then 10 ms steps → 340000.
    CHECK(one(props(with_cpu(1, 3)), "CPUQuotaPerSecUSec") == PropertyValue(uint64_t{340000}));
    // runc's floor-then-round would give 10000 here, below the 10000.5 asked for.
    CHECK(one(props(with_cpu(100005, 10000000)), "CPUQuotaPerSecUSec") == PropertyValue(uint64_t{20000}));
    // -1 is no limit; 0 is no limit systemd can hold (it refuses 0): left to the file.
    CHECK(one(props(with_cpu(-1, any)), "CPUQuotaPerSecUSec") == PropertyValue(kInf));
    CHECK_FALSE(one(props(with_cpu(0, any)), "CPUQuotaPerSecUSec"));
    // An absurd quota saturates at infinity instead of wrapping.
    CHECK(one(props(with_cpu(std::numeric_limits<int64_t>::max(), 1)), "CPUQuotaPerSecUSec") == PropertyValue(kInf));
    // Same names on the legacy hierarchy.
    CHECK(one(props(with_cpu(50000, 100000), kV1), "CPUQuotaPerSecUSec") == PropertyValue(uint64_t{500000}));
}

TEST_CASE("systemd properties cpu: the per-second quota is never below the asked one, and less than 10 ms above") {
    for (uint64_t period : {1000u, 3000u, 7919u, 100000u, 250000u, 1000000u})
        for (int64_t quota : {1000, 1001, 2500, 33333, 99999, 100000, 123457, 999999, 3000000}) {
            auto value = one(props(with_cpu(quota, period)), "CPUQuotaPerSecUSec");
            REQUIRE(value);
            uint64_t usec = std::get<uint64_t>(*value);
            INFO("quota " << quota << " period " << period << " → " << usec);
            CHECK(usec % 10000 == 0);
            CHECK(usec * period >= static_cast<uint64_t>(quota) * 1000000);        // never tighter
            CHECK((usec - 10000) * period < static_cast<uint64_t>(quota) * 1000000);  // the smallest such step
        }
}

TEST_CASE("systemd properties cpu: CPUQuotaPeriodUSec from systemd 242 on") {
    auto p = props(with_cpu(50000, 200000), SystemdTarget{242, true});
    CHECK(one(p, "CPUQuotaPeriodUSec") == PropertyValue(uint64_t{200000}));
    CHECK(one(p, "CPUQuotaPerSecUSec") == PropertyValue(uint64_t{250000}));
    CHECK_FALSE(one(props(with_cpu(50000, 200000), SystemdTarget{241, true}), "CPUQuotaPeriodUSec"));
    CHECK_FALSE(one(props(with_cpu(50000, 200000), SystemdTarget{0, true}), "CPUQuotaPeriodUSec"));
    CHECK(one(props(with_cpu(50000, 200000), SystemdTarget{242, false}), "CPUQuotaPeriodUSec") ==
          PropertyValue(uint64_t{200000}));
    // A period alone sets the period, not the quota (an absent quota is not "no limit").
    std::vector<UnitProperty> want = {{"CPUQuotaPeriodUSec", uint64_t{50000}}};
    CHECK(resource_part(props(with_cpu(any, 50000))) == want);
}

TEST_CASE("systemd properties cpuset: AllowedCPUs/AllowedMemoryNodes as little-endian byte masks") {
    auto p = props(with_cpuset("0-3,5", "0"));
    CHECK(one(p, "AllowedCPUs") == PropertyValue(std::vector<uint8_t>{0x2f}));
    CHECK(one(p, "AllowedMemoryNodes") == PropertyValue(std::vector<uint8_t>{0x01}));
    CHECK(one(props(with_cpuset("8")), "AllowedCPUs") == PropertyValue(std::vector<uint8_t>{0x00, 0x01}));
    CHECK(one(props(with_cpuset("7,9-10, 16")), "AllowedCPUs") == PropertyValue(std::vector<uint8_t>{0x80, 0x06, 0x01}));
    CHECK(one(props(with_cpuset("", "1,3")), "AllowedMemoryNodes") == PropertyValue(std::vector<uint8_t>{0x0a}));
    CHECK_FALSE(one(props(with_cpuset("", "1,3")), "AllowedCPUs"));
}

TEST_CASE("systemd properties cpuset: systemd 244 and the unified hierarchy only") {
    CHECK(one(props(with_cpuset("1"), SystemdTarget{244, true}), "AllowedCPUs"));
    CHECK_FALSE(one(props(with_cpuset("1", "0"), SystemdTarget{243, true}), "AllowedCPUs"));
    CHECK_FALSE(one(props(with_cpuset("1", "0"), SystemdTarget{243, true}), "AllowedMemoryNodes"));
    CHECK(resource_part(props(with_cpuset("1", "0"), SystemdTarget{0, true})).empty());
    CHECK(resource_part(props(with_cpuset("1", "0"), kV1)).empty());
}

TEST_CASE("systemd properties cpuset: a bad list names /linux/resources/cpu/cpus or /mems, on every target") {
    for (SystemdTarget target : {kV2, kV1, SystemdTarget{0, true}}) {
        CHECK(error_of(with_cpuset("0-x"), target) ==
              "config.json: /linux/resources/cpu/cpus: \"0-x\" is not a list of numbers and ranges: \"x\" is not a CPU number");
        CHECK(error_of(with_cpuset("", "3-1"), target) ==
              "config.json: /linux/resources/cpu/mems: \"3-1\" is not a list of numbers and ranges: range \"3-1\" ends before it starts");
        CHECK(error_of(with_cpuset("1,,2"), target) ==
              "config.json: /linux/resources/cpu/cpus: \"1,,2\" is not a list of numbers and ranges: empty entry");
    }
}

TEST_CASE("systemd properties pids: TasksMax, -1 as infinity, 0 left to pids.max (systemd refuses 0)") {
    spec::Resources r;
    r.pids = spec::PidsResources{100};
    std::vector<UnitProperty> want = {{"TasksMax", uint64_t{100}}};
    CHECK(resource_part(props(r)) == want);
    CHECK(resource_part(props(r, kV1)) == want);
    r.pids->limit = -1;
    want = {{"TasksMax", kInf}};
    CHECK(resource_part(props(r)) == want);
    // config-linux.md "PIDs": 0 is a real limit; TasksMax cannot say it.
    r.pids->limit = 0;
    CHECK(resource_part(props(r)).empty());
    r.pids->limit.reset();
    CHECK(resource_part(props(r)).empty());
}

TEST_CASE("systemd properties v2 io: IOWeight, IODeviceWeight and the IO*Max limits by /dev/block path") {
    spec::Resources r;
    r.block_io = spec::BlockIoResources{};
    r.block_io->weight = 500;
    r.block_io->leaf_weight = 300;  // no property
    r.block_io->weight_device = {{8, 0, 1000, std::nullopt}, {8, 16, std::nullopt, 200}};
    r.block_io->throttle_read_bps_device = {{8, 0, 1048576}, {8, 16, 2097152}};
    r.block_io->throttle_write_bps_device = {{8, 0, 4096}};
    r.block_io->throttle_read_iops_device = {{8, 0, 100}};
    r.block_io->throttle_write_iops_device = {{253, 1, 50}};
    std::vector<UnitProperty> want = {
        {"IOWeight", io_weight_from_blkio(500)},
        {"IODeviceWeight", StringUint64Pairs{{"/dev/block/8:0", 10000}}},
        {"IOReadBandwidthMax", StringUint64Pairs{{"/dev/block/8:0", 1048576}, {"/dev/block/8:16", 2097152}}},
        {"IOWriteBandwidthMax", StringUint64Pairs{{"/dev/block/8:0", 4096}}},
        {"IOReadIOPSMax", StringUint64Pairs{{"/dev/block/8:0", 100}}},
        {"IOWriteIOPSMax", StringUint64Pairs{{"/dev/block/253:1", 50}}},
    };
    CHECK(resource_part(props(r)) == want);
    CHECK(io_weight_from_blkio(500) == 4950);
}

TEST_CASE("systemd properties v1 io: BlockIOWeight, BlockIODeviceWeight, bandwidths; no IOPS property") {
    spec::Resources r;
    r.block_io = spec::BlockIoResources{};
    r.block_io->weight = 500;
    r.block_io->weight_device = {{8, 0, 700, std::nullopt}};
    r.block_io->throttle_read_bps_device = {{8, 0, 1048576}};
    r.block_io->throttle_write_bps_device = {{8, 16, 4096}};
    r.block_io->throttle_read_iops_device = {{8, 0, 100}};
    r.block_io->throttle_write_iops_device = {{8, 0, 100}};
    std::vector<UnitProperty> want = {
        {"BlockIOWeight", uint64_t{500}},
        {"BlockIODeviceWeight", StringUint64Pairs{{"/dev/block/8:0", 700}}},
        {"BlockIOReadBandwidth", StringUint64Pairs{{"/dev/block/8:0", 1048576}}},
        {"BlockIOWriteBandwidth", StringUint64Pairs{{"/dev/block/8:16", 4096}}},
    };
    CHECK(resource_part(props(r, kV1)) == want);
    // systemd takes 10..1000 only; the blkio file write deals with the rest.
    r.block_io = spec::BlockIoResources{};
    r.block_io->weight = 5;
    r.block_io->weight_device = {{8, 0, 1001, std::nullopt}};
    CHECK(resource_part(props(r, kV1)).empty());
}

TEST_CASE("systemd properties io: a negative device number names its field") {
    spec::Resources r;
    r.block_io = spec::BlockIoResources{};
    r.block_io->weight_device = {{8, 0, 100, std::nullopt}, {-1, 0, 100, std::nullopt}};
    CHECK(error_of(r) == "config.json: /linux/resources/blockIO/weightDevice/1/major: -1 is not a device number");
    r.block_io = spec::BlockIoResources{};
    r.block_io->throttle_write_iops_device = {{8, -2, 1}};
    CHECK(error_of(r, kV1) ==
          "config.json: /linux/resources/blockIO/throttleWriteIOPSDevice/0/minor: -2 is not a device number");
}

TEST_CASE("systemd properties devices: strict policy, the list emptied, then what the rules allow") {
    // The rules create_device_rules makes for a config without devices of its own.
    auto r = with_devices({deny("a", any, any, "rwm"), allow("c", any, any, "m"), allow("b", any, any, "m"),
                           allow("c", 1, 3, "rwm"), allow("c", 5, 2, "rwm"), allow("c", 136, any, "rwm"),
                           allow("b", 8, 0, "r")});
    std::vector<UnitProperty> want = {
        {"DevicePolicy", std::string("strict")},
        {"DeviceAllow", StringPairs{}},
        {"DeviceAllow", StringPairs{{"char-*", "m"}, {"block-*", "m"}, {"/dev/char/1:3", "rwm"},
                                    {"/dev/char/5:2", "rwm"}, {"char-136", "rwm"}, {"/dev/block/8:0", "r"}}},
    };
    CHECK(resource_part(props(r)) == want);
    CHECK(resource_part(props(r, kV1)) == want);
    // Before systemd 240 "char-136" is read as a /proc/devices group name: widened to "char-*".
    want[2] = {"DeviceAllow", StringPairs{{"char-*", "rwm"}, {"block-*", "m"}, {"/dev/char/1:3", "rwm"},
                                          {"/dev/char/5:2", "rwm"}, {"/dev/block/8:0", "r"}}};
    CHECK(resource_part(props(r, SystemdTarget{239, true})) == want);
    CHECK(resource_part(props(r, SystemdTarget{0, true})) == want);
}

TEST_CASE("systemd properties devices: no rules, no device properties (as the cgroupfs writers)") {
    CHECK(all(props(spec::Resources{}), "DevicePolicy").empty());
    CHECK(all(props(spec::Resources{}), "DeviceAllow").empty());
}

TEST_CASE("systemd properties devices: an allow-all rule is DevicePolicy=auto and an empty list") {
    std::vector<UnitProperty> auto_policy = {{"DevicePolicy", std::string("auto")}, {"DeviceAllow", StringPairs{}}};
    CHECK(resource_part(props(with_devices({allow("a", any, any, "rwm")}))) == auto_policy);
    // Empty type and access mean every type and "rwm"; -1 numbers mean any.
    CHECK(resource_part(props(with_devices({allow("", -1, -1, "")}))) == auto_policy);
    // Allows after it add nothing.
    CHECK(resource_part(props(with_devices({allow("a", any, any, "rwm"), allow("c", 1, 3, "r")}))) == auto_policy);
    // A deny after it cannot be said to systemd: still auto (a superset); ocrt's own
    // filter, installed afterwards, does the denying.
    CHECK(resource_part(props(with_devices({allow("a", any, any, "rwm"), deny("c", 1, 3, "rwm")}))) == auto_policy);
    CHECK(resource_part(props(with_devices({allow("a", any, any, "rwm"), deny("c", any, any, "w")}))) == auto_policy);
    // Allowing only some modes of everything is a list, not auto.
    std::vector<UnitProperty> want = {{"DevicePolicy", std::string("strict")}, {"DeviceAllow", StringPairs{}},
                                      {"DeviceAllow", StringPairs{{"char-*", "rw"}, {"block-*", "rw"}}}};
    CHECK(resource_part(props(with_devices({allow("a", any, any, "rw")}))) == want);
}

TEST_CASE("systemd properties devices: denies take away what they fully cover, last rule wins") {
    auto list = [](std::vector<spec::DeviceRule> rules) {
        auto values = all(props(with_devices(std::move(rules))), "DeviceAllow");
        REQUIRE(!values.empty());
        CHECK(std::get<StringPairs>(values[0]).empty());
        return values.size() == 1 ? StringPairs{} : std::get<StringPairs>(values[1]);
    };
    // deny-all after allows: nothing allowed; allow-all then deny-all: strict, nothing.
    CHECK(list({allow("c", 1, 3, "rwm"), deny("a", any, any, "rwm")}).empty());
    auto p = props(with_devices({allow("a", any, any, "rwm"), deny("a", any, any, "rwm")}));
    CHECK(one(p, "DevicePolicy") == PropertyValue(std::string("strict")));
    // An exact deny removes its modes.
    CHECK(list({allow("c", 1, 3, "rwm"), deny("c", 1, 3, "w")}) == StringPairs{{"/dev/char/1:3", "rm"}});
    CHECK(list({allow("c", 1, 3, "rwm"), deny("c", 1, 3, "")}).empty());
    // A broader deny removes from every allow it covers, of its type only.
    CHECK(list({allow("c", 1, 3, "rwm"), allow("b", 1, 3, "rwm"), deny("c", 1, any, "rwm")}) ==
          StringPairs{{"/dev/block/1:3", "rwm"}});
    // A narrower deny leaves the broader allow (superset; ocrt's filter denies it).
    CHECK(list({allow("c", 1, any, "rwm"), deny("c", 1, 5, "rwm")}) == StringPairs{{"char-1", "rwm"}});
    // A later allow brings modes back.
    CHECK(list({allow("c", 1, 3, "rw"), deny("c", any, any, "rwm"), allow("c", 1, 3, "r")}) ==
          StringPairs{{"/dev/char/1:3", "r"}});
    // Repeated rules for one device merge their modes.
    CHECK(list({allow("c", 1, 3, "r"), allow("c", 1, 3, "m")}) == StringPairs{{"/dev/char/1:3", "rm"}});
}

TEST_CASE("systemd properties devices: what systemd cannot name is widened, type a is both types") {
    auto list = [](std::vector<spec::DeviceRule> rules) {
        return std::get<StringPairs>(all(props(with_devices(std::move(rules))), "DeviceAllow").at(1));
    };
    // "c *:5": no systemd pattern for a minor of any major.
    CHECK(list({allow("c", any, 5, "rw")}) == StringPairs{{"char-*", "rw"}});
    CHECK(list({allow("a", 10, any, "r")}) == StringPairs{{"char-10", "r"}, {"block-10", "r"}});
    CHECK(list({allow("a", 10, 200, "rwm")}) == StringPairs{{"/dev/char/10:200", "rwm"}, {"/dev/block/10:200", "rwm"}});
    // Two rules that widen to one pattern: one entry with both modes.
    CHECK(list({allow("c", any, 5, "r"), allow("c", any, 6, "w")}) == StringPairs{{"char-*", "rw"}});
}

TEST_CASE("systemd properties v1 devices: never more than the rules (systemd rewrites its list on reload)") {
    auto device_props = [](std::vector<spec::DeviceRule> rules, SystemdTarget target = kV1) {
        return resource_part(props(with_devices(std::move(rules)), target));
    };
    const std::vector<UnitProperty> deny_all = {{"DevicePolicy", std::string("strict")}, {"DeviceAllow", StringPairs{}}};
    // An allow-all with a later deny cannot be said: deny-all (ocrt's own writes allow the rest).
    CHECK(device_props({allow("a", any, any, "rwm"), deny("c", 1, 3, "rwm")}) == deny_all);
    CHECK(device_props({allow("a", any, any, "rwm"), deny("c", 1, 3, "rwm"), allow("c", 5, 0, "rw")}) ==
          std::vector<UnitProperty>{deny_all[0], deny_all[1], {"DeviceAllow", StringPairs{{"/dev/char/5:0", "rw"}}}});
    // Without a later deny it is still auto.
    CHECK(one(props(with_devices({allow("a", any, any, "rwm")}), kV1), "DevicePolicy") == PropertyValue(std::string("auto")));
    // "*:N" has no systemd pattern: left out.
    CHECK(device_props({allow("c", any, 5, "rw")}) == deny_all);
    // A narrower deny takes its modes from the broader allow.
    CHECK(device_props({allow("c", 1, any, "rwm"), deny("c", 1, 5, "w")}) ==
          std::vector<UnitProperty>{deny_all[0], deny_all[1], {"DeviceAllow", StringPairs{{"char-1", "rm"}}}});
    // Before systemd 240 "MAJ:*" has no pattern: left out.
    CHECK(device_props({allow("c", 136, any, "rwm"), allow("c", 1, 3, "rwm")}, SystemdTarget{239, false}) ==
          std::vector<UnitProperty>{deny_all[0], deny_all[1], {"DeviceAllow", StringPairs{{"/dev/char/1:3", "rwm"}}}});
}

namespace {

// What the rules allow, with ocrt's device filter semantics (default deny, the last
// matching rule decides each mode), for one device and one mode.
bool rules_allow(const std::vector<spec::DeviceRule> &rules, char type, int64_t major, int64_t minor, char mode) {
    bool allowed = false;
    for (const spec::DeviceRule &r : rules) {
        bool match = (r.type == "a" || r.type == std::string(1, type)) && (!r.major || *r.major == major) &&
                     (!r.minor || *r.minor == minor) && r.access.find(mode) != std::string::npos;
        if (match) allowed = r.allow;
    }
    return allowed;
}

// What systemd allows from DevicePolicy + DeviceAllow (systemd.resource-control(5)).
bool systemd_allows(const std::vector<UnitProperty> &list, char type, int64_t major, int64_t minor, char mode) {
    if (one(list, "DevicePolicy") == PropertyValue(std::string("auto"))) {
        for (const auto &v : all(list, "DeviceAllow")) REQUIRE(std::get<StringPairs>(v).empty());
        return true;
    }
    const std::string node = std::to_string(major) + ":" + std::to_string(minor);
    const std::string kind = type == 'c' ? "char" : "block";
    for (const auto &v : all(list, "DeviceAllow"))
        for (const auto &[path, access] : std::get<StringPairs>(v)) {
            bool match = path == "/dev/" + kind + "/" + node || path == kind + "-*" || path == kind + "-" + std::to_string(major);
            if (match && access.find(mode) != std::string::npos) return true;
        }
    return false;
}

}  // namespace

TEST_CASE("systemd properties devices: a superset of the rules on v2, a subset on v1 (random rule lists)") {
    // A small device world, so random rules hit each other often.
    const char *types[] = {"a", "c", "b"};
    const std::optional<int64_t> numbers[] = {any, 1, 2};
    const char *modes[] = {"r", "w", "m", "rw", "rm", "wm", "rwm"};
    uint32_t seed = 12345;  // fixed: the same lists on every run
    auto next = [&seed](uint32_t n) {
        seed = seed * 1103515245u + 12345u;
        return (seed >> 16) % n;
    };
    int exact = 0;
    for (int round = 0; round < 400; ++round) {
        std::vector<spec::DeviceRule> rules;
        for (uint32_t i = 0, n = 1 + next(6); i < n; ++i) {
            if (next(8) == 0) rules.push_back({next(3) != 0, "a", any, any, "rwm"});  // all or nothing
            else rules.push_back({next(3) != 0, types[next(3)], numbers[next(3)], numbers[next(3)], modes[next(7)]});
        }
        for (int version : {252, 239}) {
            auto v2 = props(with_devices(rules), SystemdTarget{version, true});
            auto v1 = props(with_devices(rules), SystemdTarget{version, false});
            bool same = true;
            for (char type : {'c', 'b'})
                for (int64_t major : {1, 2, 3})
                    for (int64_t minor : {1, 2, 3})
                        for (char mode : {'r', 'w', 'm'}) {
                            bool want = rules_allow(rules, type, major, minor, mode);
                            INFO("round " << round << " version " << version << " device " << type << " " << major
                                          << ":" << minor << " " << mode);
                            if (want) CHECK(systemd_allows(v2, type, major, minor, mode));
                            else CHECK_FALSE(systemd_allows(v1, type, major, minor, mode));
                            same = same && systemd_allows(v2, type, major, minor, mode) == want &&
                                   systemd_allows(v1, type, major, minor, mode) == want;
                        }
            exact += same;
        }
    }
    // Many lists are said exactly, many are not: both directions above get exercised.
    CHECK(exact > 200);
    CHECK(exact < 800);
}

TEST_CASE("systemd properties devices: a bad type or access names the rule") {
    CHECK(error_of(with_devices({allow("c", 1, 3, "rwm"), allow("x", 1, 3, "rwm")})) ==
          "config.json: /linux/resources/devices/1: type \"x\" is not a, b or c");
    CHECK(error_of(with_devices({deny("c", 1, 3, "rwx")}), kV1) ==
          "config.json: /linux/resources/devices/0: access \"rwx\" is not a combination of r, w and m");
}

TEST_CASE("systemd properties unified: the keys systemd has, after the converted values") {
    auto r = with_unified({{"memory.max", "1048576"}, {"memory.high", "max"}, {"memory.low", "0"},
                           {"memory.swap.max", " 4096\n"}, {"memory.min", "1024"}, {"pids.max", "max"},
                           {"cpu.weight", "250"}, {"cpu.max", "50000 200000"}, {"cpuset.cpus", "0-3,5"},
                           {"cpuset.mems", "0"}, {"io.weight", "default 300"}});
    r.memory = spec::MemoryResources{};
    r.memory->limit = 1;
    // std::map order: cpu.max, cpu.weight, cpuset.cpus, cpuset.mems, io.weight, memory.*, pids.max.
    std::vector<UnitProperty> want = {
        {"MemoryMax", uint64_t{1}},  // from memory.limit, overridden by the unified key below
        {"CPUQuotaPeriodUSec", uint64_t{200000}},
        {"CPUQuotaPerSecUSec", uint64_t{250000}},
        {"CPUWeight", uint64_t{250}},
        {"AllowedCPUs", std::vector<uint8_t>{0x2f}},
        {"AllowedMemoryNodes", std::vector<uint8_t>{0x01}},
        {"IOWeight", uint64_t{300}},
        {"MemoryHigh", kInf},
        {"MemoryLow", uint64_t{0}},
        {"MemoryMax", uint64_t{1048576}},
        {"MemoryMin", uint64_t{1024}},
        {"MemorySwapMax", uint64_t{4096}},
        {"TasksMax", kInf},
    };
    CHECK(resource_part(props(r)) == want);
}

TEST_CASE("systemd properties unified: value forms and version gates") {
    auto only = [](std::map<std::string, std::string> unified, SystemdTarget target = kV2) {
        return resource_part(props(with_unified(std::move(unified)), target));
    };
    CHECK(only({{"cpu.max", "max"}}) == std::vector<UnitProperty>{{"CPUQuotaPerSecUSec", kInf}});
    CHECK(only({{"cpu.max", "max 50000"}}) ==
          std::vector<UnitProperty>{{"CPUQuotaPeriodUSec", uint64_t{50000}}, {"CPUQuotaPerSecUSec", kInf}});
    CHECK(only({{"cpu.max", "12345"}}) == std::vector<UnitProperty>{{"CPUQuotaPerSecUSec", uint64_t{130000}}});
    CHECK(only({{"cpu.max", "50000 200000"}}, SystemdTarget{241, true}) ==
          std::vector<UnitProperty>{{"CPUQuotaPerSecUSec", uint64_t{250000}}});
    CHECK(only({{"io.weight", "42"}}) == std::vector<UnitProperty>{{"IOWeight", uint64_t{42}}});
    CHECK(only({{"io.weight", "8:16 200"}}) ==
          std::vector<UnitProperty>{{"IODeviceWeight", StringUint64Pairs{{"/dev/block/8:16", 200}}}});
    CHECK(only({{"pids.max", "64"}}) == std::vector<UnitProperty>{{"TasksMax", uint64_t{64}}});
    // 0 where systemd's minimum is 1: the file write keeps it.
    CHECK(only({{"pids.max", "0"}, {"memory.max", "0"}, {"memory.high", "0"}}).empty());
    CHECK(only({{"memory.swap.max", "0"}}) == std::vector<UnitProperty>{{"MemorySwapMax", uint64_t{0}}});
    CHECK(only({{"cpuset.cpus", "8"}}) == std::vector<UnitProperty>{{"AllowedCPUs", std::vector<uint8_t>{0x00, 0x01}}});
    CHECK(only({{"cpuset.cpus", "1"}, {"cpuset.mems", "0"}}, SystemdTarget{243, true}).empty());
    CHECK(only({{"memory.min", "1"}}, SystemdTarget{239, true}).empty());
    CHECK(only({{"memory.min", "1"}}, SystemdTarget{240, true}) ==
          std::vector<UnitProperty>{{"MemoryMin", uint64_t{1}}});
    // Keys systemd has no property for are left to the cgroup files.
    CHECK(only({{"memory.oom.group", "1"}, {"io.max", "8:0 rbps=1"}, {"cgroup.freeze", "0"}, {"hugetlb.2MB.max", "x"}}).empty());
}

TEST_CASE("systemd properties unified: a value that does not parse names its key") {
    auto err = [](std::string key, std::string value) { return error_of(with_unified({{key, value}})); };
    CHECK(err("memory.max", "lots") ==
          "config.json: /linux/resources/unified/memory.max: \"lots\" is not \"max\" or a number of bytes");
    CHECK(err("memory.swap.max", "-1") ==
          "config.json: /linux/resources/unified/memory.swap.max: \"-1\" is not \"max\" or a number of bytes");
    CHECK(err("pids.max", "1.5") ==
          "config.json: /linux/resources/unified/pids.max: \"1.5\" is not \"max\" or a number of tasks");
    CHECK(err("cpu.weight", "0") ==
          "config.json: /linux/resources/unified/cpu.weight: \"0\" is not a weight from 1 to 10000");
    CHECK(err("cpu.weight", "10001") ==
          "config.json: /linux/resources/unified/cpu.weight: \"10001\" is not a weight from 1 to 10000");
    const std::string cpu_max = "\" is not \"max\" or a quota in microseconds, then optionally a period";
    CHECK(err("cpu.max", "") == "config.json: /linux/resources/unified/cpu.max: \"" + cpu_max);
    CHECK(err("cpu.max", "1 2 3") == "config.json: /linux/resources/unified/cpu.max: \"1 2 3" + cpu_max);
    CHECK(err("cpu.max", "50000 0") == "config.json: /linux/resources/unified/cpu.max: \"50000 0" + cpu_max);
    CHECK(err("cpu.max", "half") == "config.json: /linux/resources/unified/cpu.max: \"half" + cpu_max);
    CHECK(err("cpuset.mems", "a") ==
          "config.json: /linux/resources/unified/cpuset.mems: \"a\" is not a list of numbers and ranges: \"a\" is not a CPU number");
    const std::string io = "\" is not a weight from 1 to 10000, optionally after \"default\" or \"MAJ:MIN\"";
    CHECK(err("io.weight", "default") == "config.json: /linux/resources/unified/io.weight: \"default" + io);
    CHECK(err("io.weight", "sda 100") == "config.json: /linux/resources/unified/io.weight: \"sda 100" + io);
    CHECK(err("io.weight", "8:0 0") == "config.json: /linux/resources/unified/io.weight: \"8:0 0" + io);
}

TEST_CASE("systemd properties unified: refused on the legacy hierarchy, as the cgroupfs v1 writer does") {
    CHECK(error_of(with_unified({{"pids.max", "10"}}), kV1) ==
          "config.json: /linux/resources/unified: cgroup v2 settings need a cgroup v2 host (this one is cgroup v1)");
}

TEST_CASE("systemd properties: resources without a systemd property give none") {
    spec::Resources r;
    r.hugepage_limits = {{"2MB", 1048576}};
    r.network = spec::NetworkResources{7, {}};
    r.rdma["mlx5_0"] = spec::RdmaLimit{1, 2};
    r.memory = spec::MemoryResources{};
    r.memory->swappiness = 10;
    r.memory->kernel = 1;
    r.cpu = spec::CpuResources{};
    r.cpu->realtime_runtime = 1;
    r.cpu->burst = 5;
    r.cpu->idle = 1;
    CHECK(resource_part(props(r)).empty());
    CHECK(resource_part(props(r, kV1)).empty());
    CHECK(names(props(r)) == std::vector<std::string>{"MemoryAccounting", "CPUAccounting", "IOAccounting", "TasksAccounting"});
}
