// `events --stats` data from cgroup v1 (or pure v2) files, shaped as runc prints it
// (types/events.go): cpu, memory, pids, blkio, hugetlb. A missing file gives zeros.
#include <ocrt/cgroups/manager.hpp>
#include <ocrt/cgroups/oom_watch.hpp>

#include <sstream>

namespace ocrt::cgroups {
namespace {

using json = nlohmann::ordered_json;

class Reader {
public:
    Reader(const Placement &placement, CgroupFiles &files) : placement_(placement), files_(files) {}

    std::string text(const std::string &controller, const std::string &file) const {
        auto dir = placement_.dirs.find(controller);
        if (dir == placement_.dirs.end()) return "";
        auto content = files_.read(dir->second + "/" + file);
        return content ? *content : "";
    }
    uint64_t number(const std::string &controller, const std::string &file) const {
        std::string value = text(controller, file);
        try {
            return value.empty() || value.rfind("max", 0) == 0 ? 0 : std::stoull(value);
        } catch (...) {
            return 0;
        }
    }
    std::vector<uint64_t> numbers(const std::string &controller, const std::string &file) const {
        std::vector<uint64_t> out;
        std::istringstream in(text(controller, file));
        for (uint64_t n; in >> n;) out.push_back(n);
        return out;
    }
    // "key value" lines.
    std::map<std::string, uint64_t> keyed(const std::string &controller, const std::string &file) const {
        std::map<std::string, uint64_t> out;
        std::istringstream in(text(controller, file));
        std::string key;
        uint64_t value;
        while (in >> key >> value) out[key] = value;
        return out;
    }
    bool has(const std::string &controller) const { return placement_.dirs.count(controller) > 0; }
    bool on_v2(const std::string &controller) const {
        auto unified = placement_.dirs.find(kUnifiedKey);
        auto dir = placement_.dirs.find(controller);
        return unified != placement_.dirs.end() && dir != placement_.dirs.end() && dir->second == unified->second;
    }
    const Placement &placement() const { return placement_; }
    CgroupFiles &files() const { return files_; }

private:
    const Placement &placement_;
    CgroupFiles &files_;
};

json cpu_stats(const Reader &r) {
    // cpuacct.stat counts USER_HZ ticks; runc reports nanoseconds.
    constexpr uint64_t kNanosPerTick = 1000000000ULL / 100;
    auto ticks = r.keyed("cpuacct", "cpuacct.stat");
    auto throttle = r.keyed("cpu", "cpu.stat");
    return {
        {"usage",
         {{"total", r.number("cpuacct", "cpuacct.usage")},
          {"percpu", r.numbers("cpuacct", "cpuacct.usage_percpu")},
          {"percpu_kernel", r.numbers("cpuacct", "cpuacct.usage_percpu_sys")},
          {"percpu_user", r.numbers("cpuacct", "cpuacct.usage_percpu_user")},
          {"kernel", ticks["system"] * kNanosPerTick},
          {"user", ticks["user"] * kNanosPerTick}}},
        {"throttling",
         {{"periods", throttle["nr_periods"]},
          {"throttledPeriods", throttle["nr_throttled"]},
          {"throttledTime", throttle["throttled_time"]}}},
    };
}

json memory_entry(const Reader &r, const std::string &prefix) {
    return {
        {"limit", r.number("memory", prefix + ".limit_in_bytes")},
        {"usage", r.number("memory", prefix + ".usage_in_bytes")},
        {"max", r.number("memory", prefix + ".max_usage_in_bytes")},
        {"failcnt", r.number("memory", prefix + ".failcnt")},
    };
}

json memory_stats(const Reader &r) {
    auto raw = r.keyed("memory", "memory.stat");
    json raw_json = json::object();
    for (const auto &[key, value] : raw) raw_json[key] = value;
    return {
        {"cache", raw.count("total_cache") ? raw["total_cache"] : raw["cache"]},
        {"usage", memory_entry(r, "memory")},
        {"swap", memory_entry(r, "memory.memsw")},
        {"kernel", memory_entry(r, "memory.kmem")},
        {"kernelTCP", memory_entry(r, "memory.kmem.tcp")},
        {"raw", raw_json},
    };
}

// The OOM kill count (memory.oom_control on v1 since 4.13, memory.events on v2),
// an addition to runc's object: only where the kernel reports it.
json with_oom_kill(json memory, const Reader &r) {
    if (auto kills = oom_kill_count(r.placement(), r.files())) memory["oom_kill"] = *kills;
    return memory;
}

// "8:0 Read 4096" lines (and a final "Total N").
json blkio_entries(const Reader &r, const std::string &file) {
    json entries = json::array();
    std::istringstream in(r.text("blkio", file));
    for (std::string line; std::getline(in, line);) {
        std::istringstream fields(line);
        std::string device, op;
        uint64_t value = 0;
        if (!(fields >> device >> op >> value)) continue;
        size_t colon = device.find(':');
        if (colon == std::string::npos) continue;
        entries.push_back({{"major", std::stoull(device.substr(0, colon))},
                           {"minor", std::stoull(device.substr(colon + 1))},
                           {"op", op},
                           {"value", value}});
    }
    return entries;
}

json blkio_stats(const Reader &r) {
    // CFQ's files where the kernel has them, else the throttle layer's (always counted).
    bool cfq = !r.text("blkio", "blkio.io_service_bytes_recursive").empty();
    std::string prefix = cfq ? "blkio." : "blkio.throttle.";
    return {
        {"ioServiceBytesRecursive", blkio_entries(r, prefix + "io_service_bytes_recursive")},
        {"ioServicedRecursive", blkio_entries(r, prefix + "io_serviced_recursive")},
        {"ioQueueRecursive", blkio_entries(r, "blkio.io_queued_recursive")},
        {"ioServiceTimeRecursive", blkio_entries(r, "blkio.io_service_time_recursive")},
        {"ioWaitTimeRecursive", blkio_entries(r, "blkio.io_wait_time_recursive")},
        {"ioMergedRecursive", blkio_entries(r, "blkio.io_merged_recursive")},
        {"ioTimeRecursive", blkio_entries(r, "blkio.time_recursive")},
        {"sectorsRecursive", blkio_entries(r, "blkio.sectors_recursive")},
    };
}

// Page sizes from /sys/kernel/mm/hugepages ("hugepages-2048kB" -> "2MB").
std::vector<std::string> huge_page_sizes(const Reader &r) {
    std::vector<std::string> sizes;
    for (const char *name : {"64KB", "2MB", "32MB", "512MB", "1GB", "16GB"}) {
        std::string base = std::string("hugetlb.") + name + ".";
        std::string probe = r.on_v2("hugetlb") ? base + "current" : base + "usage_in_bytes";
        auto dir = r.placement().dirs.find("hugetlb");
        if (dir != r.placement().dirs.end() && r.files().exists(dir->second + "/" + probe)) sizes.push_back(name);
    }
    return sizes;
}

json hugetlb_stats(const Reader &r) {
    json out = json::object();
    if (!r.has("hugetlb")) return out;
    for (const std::string &size : huge_page_sizes(r)) {
        std::string base = "hugetlb." + size + ".";
        if (r.on_v2("hugetlb")) {
            auto events = r.keyed("hugetlb", base + "events");
            out[size] = {{"usage", r.number("hugetlb", base + "current")}, {"failcnt", events["max"]}};
        } else {
            out[size] = {{"usage", r.number("hugetlb", base + "usage_in_bytes")},
                         {"max", r.number("hugetlb", base + "max_usage_in_bytes")},
                         {"failcnt", r.number("hugetlb", base + "failcnt")}};
        }
    }
    return out;
}

// ---- pure cgroup v2: the same object from the v2 files (runc's conversions).

json v2_cpu_stats(const Reader &r) {
    auto stat = r.keyed(kUnifiedKey, "cpu.stat");
    return {
        {"usage",
         {{"total", stat["usage_usec"] * 1000},
          {"percpu", json::array()},
          {"percpu_kernel", json::array()},
          {"percpu_user", json::array()},
          {"kernel", stat["system_usec"] * 1000},
          {"user", stat["user_usec"] * 1000}}},
        {"throttling",
         {{"periods", stat["nr_periods"]},
          {"throttledPeriods", stat["nr_throttled"]},
          {"throttledTime", stat["throttled_usec"] * 1000}}},
    };
}

json v2_memory_stats(const Reader &r) {
    auto raw = r.keyed(kUnifiedKey, "memory.stat");
    json raw_json = json::object();
    for (const auto &[key, value] : raw) raw_json[key] = value;
    auto events = r.keyed(kUnifiedKey, "memory.events");
    // "max" (no limit) reads as 0 here, as the v1 reader does for a missing file.
    return {
        {"cache", raw["file"]},
        {"usage",
         {{"limit", r.number(kUnifiedKey, "memory.max")},
          {"usage", r.number(kUnifiedKey, "memory.current")},
          {"max", r.number(kUnifiedKey, "memory.peak")},
          {"failcnt", events["max"]}}},
        {"swap",
         {{"limit", r.number(kUnifiedKey, "memory.swap.max")},
          {"usage", r.number(kUnifiedKey, "memory.swap.current")},
          {"max", r.number(kUnifiedKey, "memory.swap.peak")},
          {"failcnt", 0}}},
        {"raw", raw_json},
    };
}

// io.stat: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0" per device.
json v2_blkio_stats(const Reader &r) {
    json bytes = json::array(), ios = json::array();
    std::istringstream in(r.text(kUnifiedKey, "io.stat"));
    for (std::string line; std::getline(in, line);) {
        std::istringstream fields(line);
        std::string device;
        if (!(fields >> device)) continue;
        size_t colon = device.find(':');
        if (colon == std::string::npos) continue;
        uint64_t major = std::stoull(device.substr(0, colon)), minor = std::stoull(device.substr(colon + 1));
        for (std::string pair; fields >> pair;) {
            size_t eq = pair.find('=');
            if (eq == std::string::npos) continue;
            std::string key = pair.substr(0, eq);
            uint64_t value = std::stoull(pair.substr(eq + 1));
            auto entry = [&](const char *op) { return json{{"major", major}, {"minor", minor}, {"op", op}, {"value", value}}; };
            if (key == "rbytes") bytes.push_back(entry("Read"));
            if (key == "wbytes") bytes.push_back(entry("Write"));
            if (key == "rios") ios.push_back(entry("Read"));
            if (key == "wios") ios.push_back(entry("Write"));
        }
    }
    return {{"ioServiceBytesRecursive", bytes}, {"ioServicedRecursive", ios}};
}

}  // namespace

nlohmann::ordered_json v1_stats(const Placement &placement, CgroupFiles &files) {
    Reader r(placement, files);
    if (unified_only(placement))
        return {
            {"cpu", v2_cpu_stats(r)},
            {"memory", with_oom_kill(v2_memory_stats(r), r)},
            {"pids", {{"current", r.number(kUnifiedKey, "pids.current")}, {"limit", r.number(kUnifiedKey, "pids.max")}}},
            {"blkio", v2_blkio_stats(r)},
            {"hugetlb", hugetlb_stats(r)},
        };
    return {
        {"cpu", cpu_stats(r)},
        {"memory", with_oom_kill(memory_stats(r), r)},
        {"pids", {{"current", r.number("pids", "pids.current")}, {"limit", r.number("pids", "pids.max")}}},
        {"blkio", blkio_stats(r)},
        {"hugetlb", hugetlb_stats(r)},
    };
}

}  // namespace ocrt::cgroups
