// config.json "linux.resources" (cgroup settings).
#include "config_parts.hpp"

namespace ocrt::spec::detail {
namespace {

void parse_device_rule(const json &j, const std::string &ptr, Errors &errors, DeviceRule &out) {
    ObjectReader r(j, ptr, errors);
    r.field("allow", out.allow, Need::Required);
    r.word("type", out.type, device_rule_type_words(), "device rule type");
    r.field("major", out.major);
    r.field("minor", out.minor);
    if (r.field("access", out.access) && out.access.find_first_not_of("rwm") != std::string::npos)
        fail(errors, r.at("access"), "invalid device access " + quote_value(out.access) + " (a subset of \"rwm\")");
}

void parse_memory(const json &j, const std::string &ptr, Errors &errors, MemoryResources &out) {
    ObjectReader r(j, ptr, errors);
    r.field("limit", out.limit);
    r.field("reservation", out.reservation);
    r.field("swap", out.swap);
    r.field("kernel", out.kernel);
    r.field("kernelTCP", out.kernel_tcp);
    r.field("swappiness", out.swappiness);
    r.field("disableOOMKiller", out.disable_oom_killer);
    r.field("useHierarchy", out.use_hierarchy);
    r.field("checkBeforeUpdate", out.check_before_update);
}

void parse_cpu(const json &j, const std::string &ptr, Errors &errors, CpuResources &out) {
    ObjectReader r(j, ptr, errors);
    r.field("shares", out.shares);
    r.field("quota", out.quota);
    r.field("burst", out.burst);
    r.field("period", out.period);
    r.field("realtimeRuntime", out.realtime_runtime);
    r.field("realtimePeriod", out.realtime_period);
    r.field("cpus", out.cpus);
    r.field("mems", out.mems);
    r.field("idle", out.idle);
}

void parse_pids(const json &j, const std::string &ptr, Errors &errors, PidsResources &out) {
    ObjectReader r(j, ptr, errors);
    r.field("limit", out.limit);
}

void parse_weight_device(const json &j, const std::string &ptr, Errors &errors, BlockIoDeviceWeight &out) {
    ObjectReader r(j, ptr, errors);
    r.field("major", out.major, Need::Required);
    r.field("minor", out.minor, Need::Required);
    r.field("weight", out.weight);
    r.field("leafWeight", out.leaf_weight);
}

void parse_throttle_device(const json &j, const std::string &ptr, Errors &errors, BlockIoDeviceThrottle &out) {
    ObjectReader r(j, ptr, errors);
    r.field("major", out.major, Need::Required);
    r.field("minor", out.minor, Need::Required);
    r.field("rate", out.rate, Need::Required);
}

void parse_block_io(const json &j, const std::string &ptr, Errors &errors, BlockIoResources &out) {
    ObjectReader r(j, ptr, errors);
    r.field("weight", out.weight);
    r.field("leafWeight", out.leaf_weight);
    r.array("weightDevice", out.weight_device, parse_weight_device);
    r.array("throttleReadBpsDevice", out.throttle_read_bps_device, parse_throttle_device);
    r.array("throttleWriteBpsDevice", out.throttle_write_bps_device, parse_throttle_device);
    r.array("throttleReadIOPSDevice", out.throttle_read_iops_device, parse_throttle_device);
    r.array("throttleWriteIOPSDevice", out.throttle_write_iops_device, parse_throttle_device);
}

// "2MB", "64KB", "1GB": config-linux.json's "^[1-9][0-9]*[KMG]B$".
bool valid_page_size(const std::string &s) {
    if (s.size() < 3 || s[0] < '1' || s[0] > '9' || s.back() != 'B') return false;
    char unit = s[s.size() - 2];
    if (unit != 'K' && unit != 'M' && unit != 'G') return false;
    return s.substr(0, s.size() - 2).find_first_not_of("0123456789") == std::string::npos;
}

void parse_hugepage_limit(const json &j, const std::string &ptr, Errors &errors, HugepageLimit &out) {
    ObjectReader r(j, ptr, errors);
    if (r.field("pageSize", out.page_size, Need::Required) && !valid_page_size(out.page_size))
        fail(errors, r.at("pageSize"), "invalid page size " + quote_value(out.page_size) + " (like \"2MB\")");
    r.field("limit", out.limit, Need::Required);
}

void parse_network_priority(const json &j, const std::string &ptr, Errors &errors, NetworkPriority &out) {
    ObjectReader r(j, ptr, errors);
    r.field("name", out.name, Need::Required);
    r.field("priority", out.priority, Need::Required);
}

void parse_network(const json &j, const std::string &ptr, Errors &errors, NetworkResources &out) {
    ObjectReader r(j, ptr, errors);
    r.field("classID", out.class_id);
    r.array("priorities", out.priorities, parse_network_priority);
}

void parse_rdma(const json &j, const std::string &ptr, Errors &errors, RdmaLimit &out) {
    ObjectReader r(j, ptr, errors);
    r.field("hcaHandles", out.hca_handles);
    r.field("hcaObjects", out.hca_objects);
}

}  // namespace

void parse_resources(const json &j, const std::string &ptr, Errors &errors, Resources &out) {
    ObjectReader r(j, ptr, errors);
    r.array("devices", out.devices, parse_device_rule);
    r.object("memory", out.memory, parse_memory);
    r.object("cpu", out.cpu, parse_cpu);
    r.object("pids", out.pids, parse_pids);
    r.object("blockIO", out.block_io, parse_block_io);
    r.array("hugepageLimits", out.hugepage_limits, parse_hugepage_limit);
    r.object("network", out.network, parse_network);
    r.map("rdma", out.rdma, parse_rdma);
    r.field("unified", out.unified);
}

}  // namespace ocrt::spec::detail
