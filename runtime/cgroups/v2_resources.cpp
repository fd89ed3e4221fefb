#include <ocrt/cgroups/v2_resources.hpp>

namespace ocrt::cgroups {
namespace {

Error field_error(const std::string &pointer, const std::string &problem) {
    return Error("config.json: /linux/resources" + pointer + ": " + problem);
}

class Planner {
public:
    explicit Planner(const ResourceProbe &probe) : probe_(probe) {}
    Result<void> add(const std::string &controller, const std::string &file, const std::string &value,
                     const std::string &pointer) {
        if (!controller.empty() && !(probe_.has_controller && probe_.has_controller(controller)))
            return field_error(pointer, "the \"" + controller + "\" cgroup v2 controller is not available on this host");
        if (probe_.has_file && !probe_.has_file(kUnified, file))
            return field_error(pointer, "this kernel has no cgroup file \"" + file + "\"");
        writes_.push_back({kUnified, file, value, pointer});
        return ok();
    }
    bool has(const std::string &file) const { return probe_.has_file && probe_.has_file(kUnified, file); }
    std::optional<int64_t> current(const std::string &file) const {
        return probe_.current ? probe_.current(kUnified, file) : std::nullopt;
    }
    std::vector<FileWrite> take() { return std::move(writes_); }

    static constexpr const char *kUnified = "unified";

private:
    const ResourceProbe &probe_;
    std::vector<FileWrite> writes_;
};

std::string limit(int64_t value) { return value < 0 ? "max" : std::to_string(value); }

Result<void> check_usage(const spec::MemoryResources &m, Planner &plan) {
    if (m.limit && *m.limit >= 0) {
        auto usage = plan.current("memory.current");
        if (usage && *m.limit < *usage)
            return field_error("/memory/limit", "the new limit " + std::to_string(*m.limit) +
                                                    " is below the current usage " + std::to_string(*usage) +
                                                    " (checkBeforeUpdate)");
    }
    if (m.swap && *m.swap >= 0 && m.limit && *m.limit >= 0 && *m.swap >= *m.limit) {
        auto swapped = plan.current("memory.swap.current");
        if (swapped && *m.swap - *m.limit < *swapped)
            return field_error("/memory/swap", "the new swap limit " + std::to_string(*m.swap - *m.limit) +
                                                   " is below the current swap usage " + std::to_string(*swapped) +
                                                   " (checkBeforeUpdate)");
    }
    return ok();
}

Result<void> plan_memory(const spec::MemoryResources &m, Planner &plan) {
    const std::string ptr = "/memory";
    if (m.limit) OCRT_TRY(plan.add("memory", "memory.max", limit(*m.limit), ptr + "/limit"));
    if (m.reservation) OCRT_TRY(plan.add("memory", "memory.low", limit(*m.reservation), ptr + "/reservation"));
    if (m.swap) {
        // v1's swap is memory+swap; v2 limits swap alone.
        std::string swap;
        if (*m.swap < 0) swap = "max";
        else if (!m.limit || *m.limit < 0) return field_error(ptr + "/swap", "needs a memory limit to convert to cgroup v2");
        else if (*m.swap < *m.limit) return field_error(ptr + "/swap", "is below the memory limit");
        else swap = std::to_string(*m.swap - *m.limit);
        OCRT_TRY(plan.add("memory", "memory.swap.max", swap, ptr + "/swap"));
    }
    // checkBeforeUpdate (config-linux.md "Memory"): v2 would OOM-kill to meet a limit below
    // the usage; like v1, refuse it instead.
    if (m.check_before_update && *m.check_before_update) OCRT_TRY(check_usage(m, plan));
    if (m.swappiness && *m.swappiness != 0)
        return field_error(ptr + "/swappiness", "cgroup v2 has no per-cgroup swappiness");
    if (m.disable_oom_killer && *m.disable_oom_killer)
        return field_error(ptr + "/disableOOMKiller", "cgroup v2 cannot disable the OOM killer");
    // kernel, kernelTCP and useHierarchy have no v2 counterpart and are ignored, as runc does.
    return ok();
}

Result<void> plan_cpu(const spec::CpuResources &c, Planner &plan) {
    const std::string ptr = "/cpu";
    if (c.shares && *c.shares != 0)
        OCRT_TRY(plan.add("cpu", "cpu.weight", std::to_string(cpu_weight_from_shares(*c.shares)), ptr + "/shares"));
    if (c.quota || c.period) {
        std::string quota = c.quota ? limit(*c.quota) : "max";
        std::string period = std::to_string(c.period ? *c.period : 100000);
        OCRT_TRY(plan.add("cpu", "cpu.max", quota + " " + period, ptr + (c.quota ? "/quota" : "/period")));
    }
    if (c.burst) OCRT_TRY(plan.add("cpu", "cpu.max.burst", std::to_string(*c.burst), ptr + "/burst"));
    if (c.realtime_runtime || c.realtime_period)
        return field_error(ptr + (c.realtime_runtime ? "/realtimeRuntime" : "/realtimePeriod"),
                           "cgroup v2 has no realtime CPU limits");
    if (c.idle) OCRT_TRY(plan.add("cpu", "cpu.idle", std::to_string(*c.idle), ptr + "/idle"));
    if (!c.cpus.empty()) OCRT_TRY(plan.add("cpuset", "cpuset.cpus", c.cpus, ptr + "/cpus"));
    if (!c.mems.empty()) OCRT_TRY(plan.add("cpuset", "cpuset.mems", c.mems, ptr + "/mems"));
    return ok();
}

Result<void> plan_io(const spec::BlockIoResources &b, Planner &plan) {
    const std::string ptr = "/blockIO";
    if (b.weight) OCRT_TRY(plan.add("io", "io.weight", "default " + std::to_string(io_weight_from_blkio(*b.weight)), ptr + "/weight"));
    for (size_t i = 0; i < b.weight_device.size(); ++i) {
        const auto &d = b.weight_device[i];
        if (d.weight)
            OCRT_TRY(plan.add("io", "io.weight",
                              std::to_string(d.major) + ":" + std::to_string(d.minor) + " " +
                                  std::to_string(io_weight_from_blkio(*d.weight)),
                              ptr + "/weightDevice/" + std::to_string(i)));
    }
    const std::pair<const std::vector<spec::BlockIoDeviceThrottle> *, const char *> throttles[] = {
        {&b.throttle_read_bps_device, "rbps"},
        {&b.throttle_write_bps_device, "wbps"},
        {&b.throttle_read_iops_device, "riops"},
        {&b.throttle_write_iops_device, "wiops"},
    };
    for (const auto &[list, key] : throttles)
        for (const auto &d : *list)
            OCRT_TRY(plan.add("io", "io.max",
                              std::to_string(d.major) + ":" + std::to_string(d.minor) + " " + key + "=" + std::to_string(d.rate),
                              ptr));
    return ok();
}

}  // namespace

uint64_t cpu_weight_from_shares(uint64_t shares) {
    if (shares < 2) shares = 2;
    if (shares > 262144) shares = 262144;
    return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t io_weight_from_blkio(uint64_t weight) {
    if (weight < 10) weight = 10;
    if (weight > 1000) weight = 1000;
    return 1 + (weight - 10) * 9999 / 990;
}

Result<std::vector<FileWrite>> plan_v2_writes(const spec::Resources &resources, const ResourceProbe &probe) {
    Planner plan(probe);
    if (resources.memory) OCRT_TRY(plan_memory(*resources.memory, plan));
    if (resources.cpu) OCRT_TRY(plan_cpu(*resources.cpu, plan));
    if (resources.pids && resources.pids->limit)
        OCRT_TRY(plan.add("pids", "pids.max", limit(*resources.pids->limit), "/pids/limit"));
    if (resources.block_io) OCRT_TRY(plan_io(*resources.block_io, plan));
    for (size_t i = 0; i < resources.hugepage_limits.size(); ++i) {
        const auto &l = resources.hugepage_limits[i];
        std::string at = "/hugepageLimits/" + std::to_string(i);
        OCRT_TRY(plan.add("hugetlb", "hugetlb." + l.page_size + ".max", std::to_string(l.limit), at));
        // The reservation limit (Linux 5.7) in step, so an mmap beyond it fails up front
        // instead of a SIGBUS at fault time (config-linux.md "Huge page limits").
        if (plan.has("hugetlb." + l.page_size + ".rsvd.max"))
            OCRT_TRY(plan.add("hugetlb", "hugetlb." + l.page_size + ".rsvd.max", std::to_string(l.limit), at));
    }
    if (resources.network && (resources.network->class_id || !resources.network->priorities.empty()))
        return field_error("/network", "net_cls and net_prio do not exist on cgroup v2");
    for (const auto &[device, l] : resources.rdma) {
        std::string value = device;
        if (l.hca_handles) value += " hca_handle=" + std::to_string(*l.hca_handles);
        if (l.hca_objects) value += " hca_object=" + std::to_string(*l.hca_objects);
        OCRT_TRY(plan.add("rdma", "rdma.max", value, "/rdma/" + device));
    }
    // linux.resources.unified: written as given, after the converted values (config-linux.md "Unified").
    for (const auto &[file, value] : resources.unified) {
        if (file.find('/') != std::string::npos || file.find("..") != std::string::npos)
            return field_error("/unified/" + file, "is not a cgroup file name");
        std::string controller = file.substr(0, file.find('.'));
        if (controller == "cgroup") controller.clear();
        OCRT_TRY(plan.add(controller, file, value, "/unified/" + file));
    }
    return plan.take();
}

}  // namespace ocrt::cgroups
