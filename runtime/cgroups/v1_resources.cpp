#include <ocrt/cgroups/v1_resources.hpp>

#include <limits>

namespace ocrt::cgroups {
namespace {

constexpr const char *kField = "config.json: /linux/resources";

Error field_error(const std::string &pointer, const std::string &problem) {
    return Error(std::string(kField) + pointer + ": " + problem);
}

class Planner {
public:
    explicit Planner(const ResourceProbe &probe) : probe_(probe) {}

    // Needs the controller; the pointer names the config field for the error.
    Result<void> need(const std::string &controller, const std::string &pointer) {
        if (probe_.has_controller && probe_.has_controller(controller)) return ok();
        return field_error(pointer, "the \"" + controller + "\" cgroup controller is not available on this host");
    }
    Result<void> add(const std::string &controller, const std::string &file, const std::string &value,
                     const std::string &pointer) {
        OCRT_TRY(need(controller, pointer));
        if (probe_.has_file && !probe_.has_file(controller, file))
            return field_error(pointer, "this kernel has no cgroup file \"" + file + "\"");
        writes_.push_back({controller, file, value, pointer});
        return ok();
    }
    bool has(const std::string &controller, const std::string &file) const {
        return probe_.has_controller && probe_.has_controller(controller) && probe_.has_file &&
               probe_.has_file(controller, file);
    }
    std::optional<int64_t> current(const std::string &controller, const std::string &file) const {
        return probe_.current ? probe_.current(controller, file) : std::nullopt;
    }
    bool on_v2(const std::string &controller) const { return probe_.on_v2 && probe_.on_v2(controller); }
    std::vector<FileWrite> take() { return std::move(writes_); }
    void append(std::vector<FileWrite> more) {
        for (FileWrite &w : more) writes_.push_back(std::move(w));
    }

private:
    const ResourceProbe &probe_;
    std::vector<FileWrite> writes_;
};

std::string number(int64_t value) { return std::to_string(value); }
std::string number(uint64_t value) { return std::to_string(value); }

// -1 means unlimited; in v1 the bigger number wins.
bool raises(int64_t next, std::optional<int64_t> current) {
    if (!current) return false;
    if (next < 0) return *current >= 0 && *current < std::numeric_limits<int64_t>::max() / 2;
    return *current >= 0 && next > *current;
}

Result<void> plan_memory(const spec::MemoryResources &m, Planner &plan) {
    const std::string ptr = "/memory";
    OCRT_TRY(plan.need("memory", ptr));
    std::optional<int64_t> swap = m.swap;
    // memory+swap must never be below memory: an unlimited memory needs an unlimited memsw.
    if (m.limit && *m.limit == -1 && !swap && plan.has("memory", "memory.memsw.limit_in_bytes")) swap = -1;
    std::vector<std::pair<std::string, int64_t>> pair;
    if (m.limit) pair.emplace_back("memory.limit_in_bytes", *m.limit);
    if (swap) pair.emplace_back("memory.memsw.limit_in_bytes", *swap);
    // Raising the limit above the current memory+swap fails: then memsw goes first.
    if (m.limit && swap && raises(*m.limit, plan.current("memory", "memory.memsw.limit_in_bytes")))
        std::swap(pair[0], pair[1]);
    for (const auto &[file, value] : pair)
        OCRT_TRY(plan.add("memory", file, number(value), ptr + (file == "memory.limit_in_bytes" ? "/limit" : "/swap")));
    if (m.reservation) OCRT_TRY(plan.add("memory", "memory.soft_limit_in_bytes", number(*m.reservation), ptr + "/reservation"));
    // Kernel memory limits are gone from newer kernels: applied only where the files exist.
    if (m.kernel && plan.has("memory", "memory.kmem.limit_in_bytes"))
        OCRT_TRY(plan.add("memory", "memory.kmem.limit_in_bytes", number(*m.kernel), ptr + "/kernel"));
    if (m.kernel_tcp && plan.has("memory", "memory.kmem.tcp.limit_in_bytes"))
        OCRT_TRY(plan.add("memory", "memory.kmem.tcp.limit_in_bytes", number(*m.kernel_tcp), ptr + "/kernelTCP"));
    if (m.swappiness) {
        if (*m.swappiness > 100)
            return field_error(ptr + "/swappiness", "invalid swappiness " + number(*m.swappiness) + " (0 to 100)");
        OCRT_TRY(plan.add("memory", "memory.swappiness", number(*m.swappiness), ptr + "/swappiness"));
    }
    if (m.disable_oom_killer && *m.disable_oom_killer)
        OCRT_TRY(plan.add("memory", "memory.oom_control", "1", ptr + "/disableOOMKiller"));
    if (m.use_hierarchy) OCRT_TRY(plan.add("memory", "memory.use_hierarchy", *m.use_hierarchy ? "1" : "0", ptr + "/useHierarchy"));
    // checkBeforeUpdate: the v1 kernel refuses a limit below the usage only when it cannot
    // reclaim enough (it swaps or drops cache first); the spec wants it refused outright.
    if (m.check_before_update && *m.check_before_update && m.limit && *m.limit >= 0) {
        auto usage = plan.current("memory", "memory.usage_in_bytes");
        if (usage && *m.limit < *usage)
            return field_error(ptr + "/limit", "the new limit " + number(*m.limit) + " is below the current usage " +
                                                   number(*usage) + " (checkBeforeUpdate)");
    }
    return ok();
}

Result<void> plan_cpu(const spec::CpuResources &c, Planner &plan) {
    const std::string ptr = "/cpu";
    if (c.shares) OCRT_TRY(plan.add("cpu", "cpu.shares", number(*c.shares), ptr + "/shares"));
    // The period first: a quota is checked against the period it will run in.
    if (c.period) OCRT_TRY(plan.add("cpu", "cpu.cfs_period_us", number(*c.period), ptr + "/period"));
    if (c.quota) OCRT_TRY(plan.add("cpu", "cpu.cfs_quota_us", number(*c.quota), ptr + "/quota"));
    if (c.burst) {
        if (c.quota && *c.quota > 0 && *c.burst > static_cast<uint64_t>(*c.quota))
            return field_error(ptr + "/burst", "burst " + number(*c.burst) + " is larger than quota " + number(*c.quota));
        OCRT_TRY(plan.add("cpu", "cpu.cfs_burst_us", number(*c.burst), ptr + "/burst"));
    }
    if (c.realtime_period) OCRT_TRY(plan.add("cpu", "cpu.rt_period_us", number(*c.realtime_period), ptr + "/realtimePeriod"));
    if (c.realtime_runtime)
        OCRT_TRY(plan.add("cpu", "cpu.rt_runtime_us", number(*c.realtime_runtime), ptr + "/realtimeRuntime"));
    if (c.idle) OCRT_TRY(plan.add("cpu", "cpu.idle", number(*c.idle), ptr + "/idle"));
    if (!c.cpus.empty()) OCRT_TRY(plan.add("cpuset", "cpuset.cpus", c.cpus, ptr + "/cpus"));
    if (!c.mems.empty()) OCRT_TRY(plan.add("cpuset", "cpuset.mems", c.mems, ptr + "/mems"));
    return ok();
}

std::string device_number(int64_t major, int64_t minor) { return number(major) + ":" + number(minor); }

Result<void> plan_block_io(const spec::BlockIoResources &b, Planner &plan) {
    const std::string ptr = "/blockIO";
    OCRT_TRY(plan.need("blkio", ptr));
    // CFQ's blkio.weight is gone from kernels with BFQ, which has blkio.bfq.weight instead.
    std::string weight_file = plan.has("blkio", "blkio.weight") ? "blkio.weight" : "blkio.bfq.weight";
    std::string weight_device_file =
        plan.has("blkio", "blkio.weight_device") ? "blkio.weight_device" : "blkio.bfq.weight_device";
    if (b.weight) OCRT_TRY(plan.add("blkio", weight_file, number(uint64_t{*b.weight}), ptr + "/weight"));
    if (b.leaf_weight) OCRT_TRY(plan.add("blkio", "blkio.leaf_weight", number(uint64_t{*b.leaf_weight}), ptr + "/leafWeight"));
    for (size_t i = 0; i < b.weight_device.size(); ++i) {
        const spec::BlockIoDeviceWeight &d = b.weight_device[i];
        std::string at = ptr + "/weightDevice/" + std::to_string(i);
        if (!d.weight && !d.leaf_weight) return field_error(at, "needs \"weight\" or \"leafWeight\"");
        if (d.weight)
            OCRT_TRY(plan.add("blkio", weight_device_file, device_number(d.major, d.minor) + " " + number(uint64_t{*d.weight}), at + "/weight"));
        if (d.leaf_weight)
            OCRT_TRY(plan.add("blkio", "blkio.leaf_weight_device",
                              device_number(d.major, d.minor) + " " + number(uint64_t{*d.leaf_weight}), at + "/leafWeight"));
    }
    const std::pair<const std::vector<spec::BlockIoDeviceThrottle> *, const char *> throttles[] = {
        {&b.throttle_read_bps_device, "throttleReadBpsDevice"},
        {&b.throttle_write_bps_device, "throttleWriteBpsDevice"},
        {&b.throttle_read_iops_device, "throttleReadIOPSDevice"},
        {&b.throttle_write_iops_device, "throttleWriteIOPSDevice"},
    };
    const char *files[] = {"blkio.throttle.read_bps_device", "blkio.throttle.write_bps_device",
                           "blkio.throttle.read_iops_device", "blkio.throttle.write_iops_device"};
    for (size_t t = 0; t < 4; ++t) {
        const auto &[list, name] = throttles[t];
        for (size_t i = 0; i < list->size(); ++i) {
            const spec::BlockIoDeviceThrottle &d = (*list)[i];
            OCRT_TRY(plan.add("blkio", files[t], device_number(d.major, d.minor) + " " + number(d.rate),
                              ptr + "/" + name + "/" + std::to_string(i)));
        }
    }
    return ok();
}

Result<void> plan_hugetlb(const std::vector<spec::HugepageLimit> &limits, Planner &plan) {
    for (size_t i = 0; i < limits.size(); ++i) {
        const spec::HugepageLimit &l = limits[i];
        std::string at = "/hugepageLimits/" + std::to_string(i);
        OCRT_TRY(plan.need("hugetlb", at));
        std::string prefix = "hugetlb." + l.page_size + ".";
        bool v2 = plan.on_v2("hugetlb");
        std::string file = prefix + (v2 ? "max" : "limit_in_bytes");
        std::string reservation = prefix + (v2 ? "rsvd.max" : "rsvd.limit_in_bytes");
        if (!plan.has("hugetlb", file))
            return field_error(at + "/pageSize", "this host has no huge page size \"" + l.page_size + "\"");
        OCRT_TRY(plan.add("hugetlb", file, number(l.limit), at + "/limit"));
        // The reservation limit (Linux 5.7) in step where the kernel has it, so an mmap
        // beyond it fails up front instead of a SIGBUS at fault (config-linux.md "Huge page limits").
        if (plan.has("hugetlb", reservation)) OCRT_TRY(plan.add("hugetlb", reservation, number(l.limit), at + "/limit"));
    }
    return ok();
}

Result<void> plan_network(const spec::NetworkResources &n, Planner &plan) {
    if (n.class_id) OCRT_TRY(plan.add("net_cls", "net_cls.classid", number(uint64_t{*n.class_id}), "/network/classID"));
    for (size_t i = 0; i < n.priorities.size(); ++i)
        OCRT_TRY(plan.add("net_prio", "net_prio.ifpriomap",
                          n.priorities[i].name + " " + number(uint64_t{n.priorities[i].priority}),
                          "/network/priorities/" + std::to_string(i)));
    return ok();
}

}  // namespace

std::vector<FileWrite> device_writes(const std::vector<spec::DeviceRule> &rules) {
    std::vector<FileWrite> writes;
    if (rules.empty()) return writes;
    writes.push_back({"devices", "devices.deny", "a"});
    for (const spec::DeviceRule &rule : rules) {
        std::string type = rule.type.empty() ? "a" : rule.type;
        std::string major = rule.major ? std::to_string(*rule.major) : "*";
        std::string minor = rule.minor ? std::to_string(*rule.minor) : "*";
        std::string access = rule.access.empty() ? "rwm" : rule.access;
        // "a" means every device: the kernel takes it without numbers or access.
        std::string value = type == "a" && !rule.major && !rule.minor ? "a" : type + " " + major + ":" + minor + " " + access;
        writes.push_back({"devices", rule.allow ? "devices.allow" : "devices.deny", value});
    }
    return writes;
}

Result<std::vector<FileWrite>> plan_v1_writes(const spec::Resources &resources, const ResourceProbe &probe) {
    Planner plan(probe);
    if (!resources.devices.empty()) {
        OCRT_TRY(plan.need("devices", "/devices"));
        plan.append(device_writes(resources.devices));
    }
    if (resources.memory) OCRT_TRY(plan_memory(*resources.memory, plan));
    if (resources.cpu) OCRT_TRY(plan_cpu(*resources.cpu, plan));
    if (resources.pids && resources.pids->limit) {
        int64_t limit = *resources.pids->limit;
        // 0 is a real limit (config-linux.md "PIDs"); only a negative value means none.
        OCRT_TRY(plan.add("pids", "pids.max", limit < 0 ? "max" : number(limit), "/pids/limit"));
    }
    if (resources.block_io) OCRT_TRY(plan_block_io(*resources.block_io, plan));
    OCRT_TRY(plan_hugetlb(resources.hugepage_limits, plan));
    if (resources.network) OCRT_TRY(plan_network(*resources.network, plan));
    for (const auto &[device, limit] : resources.rdma) {
        std::string at = "/rdma/" + device;
        if (!limit.hca_handles && !limit.hca_objects) return field_error(at, "needs \"hcaHandles\" or \"hcaObjects\"");
        std::string value = device;
        if (limit.hca_handles) value += " hca_handle=" + number(uint64_t{*limit.hca_handles});
        if (limit.hca_objects) value += " hca_object=" + number(uint64_t{*limit.hca_objects});
        OCRT_TRY(plan.add("rdma", "rdma.max", value, at));
    }
    if (!resources.unified.empty())
        return field_error("/unified", "cgroup v2 settings need a cgroup v2 host (this one is cgroup v1)");
    return plan.take();
}

std::vector<spec::DeviceRule> create_device_rules(const spec::Config &config) {
    std::vector<spec::DeviceRule> rules;
    if (config.linux_ && config.linux_->resources) rules = config.linux_->resources->devices;
    auto allow = [&](const char *type, std::optional<int64_t> major, std::optional<int64_t> minor, const char *access) {
        rules.push_back(spec::DeviceRule{true, type, major, minor, access});
    };
    allow("c", std::nullopt, std::nullopt, "m");  // mknod of any device; opening it is what is checked
    allow("b", std::nullopt, std::nullopt, "m");
    allow("c", 1, 3, "rwm");   // null
    allow("c", 1, 5, "rwm");   // zero
    allow("c", 1, 7, "rwm");   // full
    allow("c", 1, 8, "rwm");   // random
    allow("c", 1, 9, "rwm");   // urandom
    allow("c", 5, 0, "rwm");   // tty
    allow("c", 5, 1, "rwm");   // console
    allow("c", 5, 2, "rwm");   // ptmx
    allow("c", 136, std::nullopt, "rwm");  // pts
    if (config.linux_)
        for (const spec::Device &device : config.linux_->devices) {
            std::string type = device.type == "u" ? "c" : device.type;
            if (type != "c" && type != "b") continue;  // fifos need no rule
            allow(type.c_str(), device.major, device.minor, "rwm");
        }
    return rules;
}

spec::Resources create_resources(const spec::Config &config) {
    spec::Resources resources;
    if (config.linux_ && config.linux_->resources) resources = *config.linux_->resources;
    resources.devices = create_device_rules(config);
    return resources;
}

}  // namespace ocrt::cgroups
