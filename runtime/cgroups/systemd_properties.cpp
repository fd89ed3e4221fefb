// linux.resources as systemd transient unit properties (systemd.resource-control(5),
// org.freedesktop.systemd1(5)). The names and ranges are the ones systemd's D-Bus
// setters accept; where systemd would refuse a value the cgroup file write (which the
// driver does afterwards anyway) is left to apply or report it.
#include <ocrt/cgroups/systemd_properties.hpp>

#include <ocrt/base/text.hpp>
#include <ocrt/cgroups/v2_resources.hpp>
#include <ocrt/spec/cpu_list.hpp>
#include <ocrt/spec/diagnostic.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>
#include <optional>
#include <string_view>

namespace ocrt::cgroups {
namespace {

using text::parse_u64;
using text::trim;

// systemd's CGROUP_LIMIT_MAX and USEC_INFINITY: "no limit".
constexpr uint64_t kInfinity = std::numeric_limits<uint64_t>::max();
constexpr uint64_t kDefaultCpuPeriod = 100000;  // µs, the kernel's default (v1 and v2)

// The systemd versions that brought a property or syntax.
constexpr int kCpuQuotaPeriodVersion = 242;   // CPUQuotaPeriodUSec
constexpr int kCpusetVersion = 244;           // AllowedCPUs, AllowedMemoryNodes
constexpr int kDeviceMajorVersion = 240;      // DeviceAllow "char-MAJ" (numeric major)
constexpr int kMemoryMinVersion = 240;        // MemoryMin

Error field_error(const std::string &pointer, const std::string &problem) {
    return Error("config.json: /linux/resources" + pointer + ": " + problem);
}

using text::quoted;

bool has(const SystemdTarget &target, int version) { return target.version >= version; }

class Properties {
public:
    template <typename T>
    void add(std::string name, T value) {
        list_.push_back({std::move(name), PropertyValue(std::move(value))});
    }
    std::vector<UnitProperty> take() { return std::move(list_); }

private:
    std::vector<UnitProperty> list_;
};

// Little endian bit i = CPU (or NUMA node) i, as systemd's cpu_set_to_dbus packs it.
std::vector<uint8_t> cpu_mask(const std::vector<unsigned> &cpus) {
    std::vector<uint8_t> mask;
    for (unsigned cpu : cpus) {
        if (mask.size() <= cpu / 8) mask.resize(cpu / 8 + 1, 0);
        mask[cpu / 8] |= static_cast<uint8_t>(1u << (cpu % 8));
    }
    return mask;
}

Result<std::vector<uint8_t>> parse_cpu_mask(std::string_view list, const std::string &pointer) {
    auto cpus = spec::parse_cpu_list(list);
    if (!cpus) return field_error(pointer, quoted(list) + " is not a list of numbers and ranges: " + cpus.error().message());
    return cpu_mask(*cpus);
}

// CPUQuotaPerSecUSec for a quota per period. systemd persists the quota as a CPUQuota=
// percentage, whole percents (10 ms per second) in older versions, and rereads that
// on daemon-reload: round up to 10 ms so systemd's limit is never tighter than the
// exact one ocrt writes into the cgroup afterwards. (runc rounds the floor of the
// division up, which can end below the asked quota; this takes the ceiling first.)
__extension__ typedef unsigned __int128 Wide;  // quota * 10^6 does not fit 64 bits

uint64_t quota_per_second(uint64_t quota, uint64_t period) {
    constexpr Wide kStep = 10000;
    Wide usec = (static_cast<Wide>(quota) * 1000000 + period - 1) / period;
    usec = (usec + kStep - 1) / kStep * kStep;
    return usec >= kInfinity ? kInfinity : static_cast<uint64_t>(usec);
}

void add_cpu_quota(Properties &out, std::optional<int64_t> quota, std::optional<uint64_t> period,
                   const SystemdTarget &target) {
    bool has_period = period && *period > 0;
    if (has_period && has(target, kCpuQuotaPeriodVersion)) out.add("CPUQuotaPeriodUSec", *period);
    // A quota of 0 is no limit systemd can hold (it refuses 0); the file write reports it.
    if (quota && *quota < 0) out.add("CPUQuotaPerSecUSec", kInfinity);
    else if (quota && *quota > 0)
        out.add("CPUQuotaPerSecUSec", quota_per_second(static_cast<uint64_t>(*quota), has_period ? *period : kDefaultCpuPeriod));
}

std::string block_device_path(int64_t major, int64_t minor) {
    return "/dev/block/" + std::to_string(major) + ":" + std::to_string(minor);
}

Result<std::string> block_device(int64_t major, int64_t minor, const std::string &pointer) {
    if (major < 0) return field_error(pointer + "/major", std::to_string(major) + " is not a device number");
    if (minor < 0) return field_error(pointer + "/minor", std::to_string(minor) + " is not a device number");
    // systemd takes block devices by path; udev keeps /dev/block/MAJ:MIN links to every one.
    return block_device_path(major, minor);
}

// ---- devices ---------------------------------------------------------------------
//
// systemd can only allow (DeviceAllow after DevicePolicy=strict); it has no deny list
// and no pattern for some rules. Where the rules can be said exactly they are; where
// not, which way to err depends on how systemd's rules meet ocrt's own device filter,
// which the driver installs after systemd:
//   - cgroup v2: systemd attaches its own eBPF program next to ocrt's and the kernel
//     lets an access through only if both say yes. systemd's program must allow at
//     least what the rules allow (a superset), or the container loses devices it was
//     given; ocrt's program does the exact denying and survives a daemon-reload.
//   - cgroup v1: systemd writes devices.deny/devices.allow, ocrt's writes replace them,
//     but a daemon-reload makes systemd write its list again over ocrt's. There it must
//     never allow more than the rules (a subset, as runc does: a "*:N" rule or an
//     allow-all with later denies becomes nothing / deny-all).
// The rules are replayed in order with ocrt's device filter semantics (default deny,
// the last matching rule decides each of r, w, m; device_filter_v2.hpp):
//   - an allow of every device in every mode is DevicePolicy=auto and no list; later
//     denies other than of everything keep it on v2 (superset) and make it an empty
//     strict list on v1 (subset);
//   - a deny takes its modes away from the allows it covers; from an allow broader
//     than itself (allow c 1:*, deny c 1:5) only on v1;
//   - "*:N", and "MAJ:*" before systemd 240 (no numeric "char-MAJ" there), become
//     "char-*"/"block-*" on v2 and are left out on v1.
// DeviceAllow is sent empty first: a non-empty DeviceAllow adds to the unit's list
// (SetUnitProperties on update), an empty one clears it.

enum Access : unsigned { kRead = 1, kWrite = 2, kMknod = 4, kAll = 7 };

struct AllowEntry {
    char type;                      // 'c' or 'b'
    std::optional<int64_t> major;   // nullopt: any
    std::optional<int64_t> minor;
    unsigned access;
};

std::optional<int64_t> device_number(const std::optional<int64_t> &n) {
    return n && *n >= 0 ? n : std::nullopt;
}

// Every device `entry` names is one `rule` names too.
bool covers(const std::optional<int64_t> &rule, const std::optional<int64_t> &entry) {
    return !rule || (entry && *entry == *rule);
}

// Some device is named by both.
bool overlaps(const std::optional<int64_t> &a, const std::optional<int64_t> &b) { return !a || !b || *a == *b; }

std::string access_text(unsigned access) {
    std::string text;
    if (access & kRead) text += 'r';
    if (access & kWrite) text += 'w';
    if (access & kMknod) text += 'm';
    return text;
}

unsigned access_bits(std::string_view text) {
    unsigned access = 0;
    for (char c : text) access |= c == 'r' ? kRead : c == 'w' ? kWrite : kMknod;
    return access;
}

// The DeviceAllow path for an entry; nullopt where systemd has no exact one.
std::optional<std::string> exact_device_path(const AllowEntry &e, const SystemdTarget &target) {
    if (e.major && e.minor)
        return std::string(e.type == 'c' ? "/dev/char/" : "/dev/block/") + std::to_string(*e.major) + ":" +
               std::to_string(*e.minor);
    std::string group = e.type == 'c' ? "char-" : "block-";
    if (!e.major && !e.minor) return group + "*";
    if (!e.minor && has(target, kDeviceMajorVersion)) return group + std::to_string(*e.major);
    return std::nullopt;
}

Result<void> add_devices(Properties &out, const std::vector<spec::DeviceRule> &rules, const SystemdTarget &target) {
    if (rules.empty()) return ok();  // nothing asked: the unit keeps systemd's default, as the file writers do
    const bool superset = target.unified;
    bool allow_all = false;
    std::vector<AllowEntry> entries;
    for (size_t index = 0; index < rules.size(); ++index) {
        const spec::DeviceRule &rule = rules[index];
        const std::string at = "/devices/" + std::to_string(index);
        std::string types;
        if (rule.type.empty() || rule.type == "a") types = "cb";
        else if (rule.type == "c" || rule.type == "b") types = rule.type;
        else return field_error(at, "type " + quoted(rule.type) + " is not a, b or c");
        unsigned access = 0;
        for (char c : rule.access.empty() ? std::string("rwm") : rule.access) {
            if (c == 'r') access |= kRead;
            else if (c == 'w') access |= kWrite;
            else if (c == 'm') access |= kMknod;
            else return field_error(at, "access " + quoted(rule.access) + " is not a combination of r, w and m");
        }
        std::optional<int64_t> major = device_number(rule.major), minor = device_number(rule.minor);
        bool everything = types == "cb" && !major && !minor && access == kAll;
        if (rule.allow) {
            if (everything) {
                allow_all = true;
                entries.clear();
            }
            if (allow_all) continue;
            for (char type : types) {
                bool merged = false;
                for (AllowEntry &e : entries)
                    if (e.type == type && e.major == major && e.minor == minor) {
                        e.access |= access;
                        merged = true;
                    }
                if (!merged) entries.push_back({type, major, minor, access});
            }
            continue;
        }
        if (allow_all && (everything || !superset)) allow_all = false;
        for (AllowEntry &e : entries) {
            if (types.find(e.type) == std::string::npos) continue;
            bool hit = superset ? covers(major, e.major) && covers(minor, e.minor)
                                : overlaps(major, e.major) && overlaps(minor, e.minor);
            if (hit) e.access &= ~access;
        }
        std::erase_if(entries, [](const AllowEntry &e) { return e.access == 0; });
    }
    out.add("DevicePolicy", std::string(allow_all ? "auto" : "strict"));
    out.add("DeviceAllow", StringPairs{});
    if (allow_all) return ok();
    StringPairs allow;
    for (const AllowEntry &e : entries) {
        std::optional<std::string> path = exact_device_path(e, target);
        if (!path && !superset) continue;
        if (!path) path = std::string(e.type == 'c' ? "char-*" : "block-*");
        auto same = std::find_if(allow.begin(), allow.end(), [&](const auto &a) { return a.first == *path; });
        if (same == allow.end()) allow.emplace_back(*path, access_text(e.access));
        else same->second = access_text(access_bits(same->second) | e.access);
    }
    if (!allow.empty()) out.add("DeviceAllow", std::move(allow));
    return ok();
}

// ---- memory, cpu, pids, io -------------------------------------------------------

// MemoryMax/MemoryHigh/MemoryLimit: systemd refuses 0 (its minimum is 1 byte).
void add_memory_limit(Properties &out, const char *name, int64_t value) {
    if (value < 0) out.add(name, kInfinity);
    else if (value > 0) out.add(name, static_cast<uint64_t>(value));
}

Result<void> add_memory(Properties &out, const spec::MemoryResources &m, const SystemdTarget &target) {
    if (!target.unified) {
        if (m.limit) add_memory_limit(out, "MemoryLimit", *m.limit);
        // The legacy hierarchy has no systemd property for soft limits or memory+swap.
        return ok();
    }
    if (m.limit) add_memory_limit(out, "MemoryMax", *m.limit);
    if (m.reservation) out.add("MemoryLow", *m.reservation < 0 ? kInfinity : static_cast<uint64_t>(*m.reservation));
    if (m.swap) {
        // OCI's swap is memory+swap; MemorySwapMax is swap alone. The same conversion
        // and refusals as the cgroupfs v2 writer (plan_v2_writes).
        if (*m.swap < 0) out.add("MemorySwapMax", kInfinity);
        else if (!m.limit || *m.limit < 0)
            return field_error("/memory/swap", "needs a memory limit to convert to cgroup v2");
        else if (*m.swap < *m.limit) return field_error("/memory/swap", "is below the memory limit");
        else out.add("MemorySwapMax", static_cast<uint64_t>(*m.swap - *m.limit));
    }
    return ok();
}

Result<void> add_cpu(Properties &out, const spec::CpuResources &c, const SystemdTarget &target) {
    if (c.shares && *c.shares != 0) {
        if (target.unified) out.add("CPUWeight", cpu_weight_from_shares(*c.shares));
        // The kernel clamps cpu.shares to 2..262144; systemd refuses outside that range.
        else out.add("CPUShares", std::clamp<uint64_t>(*c.shares, 2, 262144));
    }
    add_cpu_quota(out, c.quota, c.period, target);
    // Parsed on every host so a bad list is the same error everywhere; systemd has the
    // properties on the unified hierarchy only.
    std::vector<uint8_t> cpus, mems;
    if (!c.cpus.empty()) cpus = OCRT_TRY(parse_cpu_mask(c.cpus, "/cpu/cpus"));
    if (!c.mems.empty()) mems = OCRT_TRY(parse_cpu_mask(c.mems, "/cpu/mems"));
    if (target.unified && has(target, kCpusetVersion)) {
        if (!cpus.empty()) out.add("AllowedCPUs", std::move(cpus));
        if (!mems.empty()) out.add("AllowedMemoryNodes", std::move(mems));
    }
    return ok();
}

// TasksMax: systemd refuses 0, which OCI means as a real limit (config-linux.md "PIDs"),
// so 0 is left to pids.max; a negative limit is none.
void add_tasks_max(Properties &out, int64_t limit) {
    if (limit < 0) out.add("TasksMax", kInfinity);
    else if (limit > 0) out.add("TasksMax", static_cast<uint64_t>(limit));
}

Result<void> add_block_io(Properties &out, const spec::BlockIoResources &b, const SystemdTarget &target) {
    const std::string ptr = "/blockIO";
    if (b.weight) {
        if (target.unified) out.add("IOWeight", io_weight_from_blkio(*b.weight));
        else if (*b.weight >= 10 && *b.weight <= 1000) out.add("BlockIOWeight", uint64_t{*b.weight});
    }
    StringUint64Pairs weights;
    for (size_t i = 0; i < b.weight_device.size(); ++i) {
        const spec::BlockIoDeviceWeight &d = b.weight_device[i];
        std::string path = OCRT_TRY(block_device(d.major, d.minor, ptr + "/weightDevice/" + std::to_string(i)));
        if (!d.weight) continue;  // leafWeight alone: systemd has no property for it
        if (target.unified) weights.emplace_back(path, io_weight_from_blkio(*d.weight));
        else if (*d.weight >= 10 && *d.weight <= 1000) weights.emplace_back(path, uint64_t{*d.weight});
    }
    if (!weights.empty()) out.add(target.unified ? "IODeviceWeight" : "BlockIODeviceWeight", std::move(weights));

    struct Throttle {
        const std::vector<spec::BlockIoDeviceThrottle> &list;
        const char *field, *unified_name, *legacy_name;  // legacy_name null: no v1 property
    };
    const Throttle throttles[] = {
        {b.throttle_read_bps_device, "throttleReadBpsDevice", "IOReadBandwidthMax", "BlockIOReadBandwidth"},
        {b.throttle_write_bps_device, "throttleWriteBpsDevice", "IOWriteBandwidthMax", "BlockIOWriteBandwidth"},
        {b.throttle_read_iops_device, "throttleReadIOPSDevice", "IOReadIOPSMax", nullptr},
        {b.throttle_write_iops_device, "throttleWriteIOPSDevice", "IOWriteIOPSMax", nullptr},
    };
    for (const Throttle &t : throttles) {
        StringUint64Pairs limits;
        for (size_t i = 0; i < t.list.size(); ++i) {
            const spec::BlockIoDeviceThrottle &d = t.list[i];
            std::string at = ptr + "/" + t.field + "/" + std::to_string(i);
            limits.emplace_back(OCRT_TRY(block_device(d.major, d.minor, at)), d.rate);
        }
        const char *name = target.unified ? t.unified_name : t.legacy_name;
        if (!limits.empty() && name) out.add(name, std::move(limits));
    }
    return ok();
}

// ---- linux.resources.unified -----------------------------------------------------

// "max" or a number, as the kernel's limit files take them.
std::optional<uint64_t> parse_limit(std::string_view text) {
    return text == "max" ? std::optional<uint64_t>(kInfinity) : parse_u64(text);
}

std::vector<std::string_view> fields(std::string_view text) {
    std::vector<std::string_view> out;
    while (!(text = trim(text)).empty()) {
        size_t end = 0;
        while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end]))) ++end;
        out.push_back(text.substr(0, end));
        text.remove_prefix(end);
    }
    return out;
}

// "MAJ:MIN" → "/dev/block/MAJ:MIN".
std::optional<std::string> block_device_text(std::string_view text) {
    size_t colon = text.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    auto major = parse_u64(text.substr(0, colon)), minor = parse_u64(text.substr(colon + 1));
    if (!major || !minor) return std::nullopt;
    return block_device_path(static_cast<int64_t>(*major), static_cast<int64_t>(*minor));
}

bool is_weight(uint64_t w) { return w >= 1 && w <= 10000; }

// The unified keys systemd has a property for; the rest stay cgroup file writes.
Result<void> add_unified(Properties &out, const std::string &key, const std::string &raw, const SystemdTarget &target) {
    const std::string at = spec::child_pointer("/unified", key);
    const std::string_view value = trim(raw);
    auto bad = [&](const std::string &expected) { return field_error(at, quoted(raw) + " is not " + expected); };

    struct Memory { const char *key, *name; bool zero_ok; int version; };
    static const Memory memory[] = {
        {"memory.max", "MemoryMax", false, 0},      {"memory.high", "MemoryHigh", false, 0},
        {"memory.low", "MemoryLow", true, 0},       {"memory.min", "MemoryMin", true, kMemoryMinVersion},
        {"memory.swap.max", "MemorySwapMax", true, 0},
    };
    for (const Memory &m : memory) {
        if (key != m.key) continue;
        auto bytes = parse_limit(value);
        if (!bytes) return bad("\"max\" or a number of bytes");
        if ((*bytes > 0 || m.zero_ok) && has(target, m.version)) out.add(m.name, *bytes);
        return ok();
    }
    if (key == "pids.max") {
        auto limit = parse_limit(value);
        if (!limit) return bad("\"max\" or a number of tasks");
        if (*limit > 0) out.add("TasksMax", *limit);  // systemd refuses 0; pids.max keeps it
    } else if (key == "cpu.weight") {
        auto weight = parse_u64(value);
        if (!weight || !is_weight(*weight)) return bad("a weight from 1 to 10000");
        out.add("CPUWeight", *weight);
    } else if (key == "cpu.max") {
        // "$MAX [$PERIOD]", $MAX a quota in µs or "max".
        auto parts = fields(value);
        std::optional<uint64_t> quota = parts.empty() ? std::nullopt : parse_limit(parts[0]);
        std::optional<uint64_t> period = parts.size() == 2 ? parse_u64(parts[1]) : std::optional<uint64_t>(kDefaultCpuPeriod);
        if (parts.empty() || parts.size() > 2 || !quota || !period || *period == 0 || *quota == 0)
            return bad("\"max\" or a quota in microseconds, then optionally a period");
        if (parts.size() == 2 && has(target, kCpuQuotaPeriodVersion)) out.add("CPUQuotaPeriodUSec", *period);
        out.add("CPUQuotaPerSecUSec", *quota == kInfinity ? kInfinity : quota_per_second(*quota, *period));
    } else if (key == "cpuset.cpus" || key == "cpuset.mems") {
        std::vector<uint8_t> mask = OCRT_TRY(parse_cpu_mask(value, at));
        if (!mask.empty() && has(target, kCpusetVersion))
            out.add(key == "cpuset.cpus" ? "AllowedCPUs" : "AllowedMemoryNodes", std::move(mask));
    } else if (key == "io.weight") {
        // "$WEIGHT", "default $WEIGHT" or "$MAJ:$MIN $WEIGHT".
        auto parts = fields(value);
        auto weight = parts.empty() ? std::nullopt : parse_u64(parts.back());
        if (parts.empty() || parts.size() > 2 || !weight || !is_weight(*weight))
            return bad("a weight from 1 to 10000, optionally after \"default\" or \"MAJ:MIN\"");
        if (parts.size() == 1 || parts[0] == "default") out.add("IOWeight", *weight);
        else if (auto device = block_device_text(parts[0])) out.add("IODeviceWeight", StringUint64Pairs{{*device, *weight}});
        else return bad("a weight from 1 to 10000, optionally after \"default\" or \"MAJ:MIN\"");
    }
    return ok();
}

template <typename... Ts>
struct Overloaded : Ts... { using Ts::operator()...; };
template <typename... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

}  // namespace

const char *property_signature(const PropertyValue &value) {
    return std::visit(Overloaded{
                          [](bool) { return "b"; },
                          [](std::uint64_t) { return "t"; },
                          [](std::int64_t) { return "x"; },
                          [](const std::string &) { return "s"; },
                          [](const std::vector<std::string> &) { return "as"; },
                          [](const std::vector<std::uint8_t> &) { return "ay"; },
                          [](const StringPairs &) { return "a(ss)"; },
                          [](const StringUint64Pairs &) { return "a(st)"; },
                      },
                      value);
}

Result<std::vector<UnitProperty>> resource_properties(const spec::Resources &resources, const SystemdTarget &target) {
    Properties out;
    // systemd enables a controller for the unit only with its accounting on (runc sets them too).
    out.add("MemoryAccounting", true);
    out.add("CPUAccounting", true);
    out.add(target.unified ? "IOAccounting" : "BlockIOAccounting", true);
    out.add("TasksAccounting", true);

    OCRT_TRY(add_devices(out, resources.devices, target));
    if (resources.memory) OCRT_TRY(add_memory(out, *resources.memory, target));
    if (resources.cpu) OCRT_TRY(add_cpu(out, *resources.cpu, target));
    if (resources.pids && resources.pids->limit) add_tasks_max(out, *resources.pids->limit);
    if (resources.block_io) OCRT_TRY(add_block_io(out, *resources.block_io, target));
    // hugetlb, net_cls/net_prio, rdma, swappiness, kernel memory, realtime and the rest
    // have no systemd property: cgroup files only.

    if (!resources.unified.empty()) {
        if (!target.unified)
            return field_error("/unified", "cgroup v2 settings need a cgroup v2 host (this one is cgroup v1)");
        // After the converted values, so a unified key wins over its v1-style twin, as
        // in the cgroupfs writer (systemd applies properties in order).
        for (const auto &[key, value] : resources.unified) OCRT_TRY(add_unified(out, key, value, target));
    }
    return out.take();
}

}  // namespace ocrt::cgroups
