// config.json "linux", except resources and seccomp (their own files).
#include "config_parts.hpp"

namespace ocrt::spec::detail {
namespace {

void parse_namespace(const json &j, const std::string &ptr, Errors &errors, Namespace &out) {
    ObjectReader r(j, ptr, errors);
    std::string type;
    if (r.word("type", type, namespace_words(), "namespace type", Need::Required))
        out.type = *namespace_type(type);
    r.field("path", out.path);
}

void parse_time_offset(const json &j, const std::string &ptr, Errors &errors, TimeOffset &out) {
    ObjectReader r(j, ptr, errors);
    r.field("secs", out.secs);
    r.field("nanosecs", out.nanosecs);
}

void parse_device(const json &j, const std::string &ptr, Errors &errors, Device &out) {
    ObjectReader r(j, ptr, errors);
    r.word("type", out.type, device_type_words(), "device type", Need::Required);
    r.field("path", out.path, Need::Required);
    r.field("major", out.major);
    r.field("minor", out.minor);
    r.field("fileMode", out.file_mode);
    r.field("uid", out.uid);
    r.field("gid", out.gid);
}

void parse_net_device(const json &j, const std::string &ptr, Errors &errors, NetDevice &out) {
    ObjectReader r(j, ptr, errors);
    r.field("name", out.name);
}

void parse_intel_rdt(const json &j, const std::string &ptr, Errors &errors, IntelRdt &out) {
    ObjectReader r(j, ptr, errors);
    r.field("closID", out.clos_id);
    r.field("l3CacheSchema", out.l3_cache_schema);
    if (r.field("memBwSchema", out.mem_bw_schema) &&
        (out.mem_bw_schema.rfind("MB:", 0) != 0 || out.mem_bw_schema.find('\n') != std::string::npos))
        fail(errors, r.at("memBwSchema"), "must start with \"MB:\" and contain no newline");
    if (r.field("schemata", out.schemata)) {
        for (std::size_t i = 0; i < out.schemata.size(); ++i)
            if (out.schemata[i].find('\n') != std::string::npos)
                fail(errors, child_pointer(r.at("schemata"), i), "must not contain a newline");
    }
    r.field("enableMonitoring", out.enable_monitoring);
}

void parse_memory_policy(const json &j, const std::string &ptr, Errors &errors, MemoryPolicy &out) {
    ObjectReader r(j, ptr, errors);
    r.word("mode", out.mode, mempolicy_mode_words(), "memory policy mode", Need::Required);
    r.field("nodes", out.nodes);
    r.words("flags", out.flags, mempolicy_flag_words(), "memory policy flag");
}

void parse_personality(const json &j, const std::string &ptr, Errors &errors, Personality &out) {
    ObjectReader r(j, ptr, errors);
    r.word("domain", out.domain, personality_domain_words(), "personality domain", Need::Required);
    r.field("flags", out.flags);
}

// timeOffsets is keyed by clock name; only boottime and monotonic exist.
void parse_time_offsets(const ObjectReader &r, std::map<std::string, TimeOffset> &out) {
    r.map("timeOffsets", out, [](const json &j, const std::string &ptr, Errors &errors, TimeOffset &offset) {
        parse_time_offset(j, ptr, errors, offset);
    });
    for (const auto &[clock, offset] : out)
        check_word(clock, child_pointer(r.at("timeOffsets"), clock), r.errors(), time_clock_words(), "clock");
}

}  // namespace

void parse_linux_object(const json &j, const std::string &ptr, Errors &errors, LinuxConfig &out) {
    ObjectReader r(j, ptr, errors);
    r.array("namespaces", out.namespaces, parse_namespace);
    r.array("uidMappings", out.uid_mappings, parse_id_mapping);
    r.array("gidMappings", out.gid_mappings, parse_id_mapping);
    parse_time_offsets(r, out.time_offsets);
    r.array("devices", out.devices, parse_device);
    r.map("netDevices", out.net_devices, parse_net_device);
    r.field("cgroupsPath", out.cgroups_path);
    r.object("resources", out.resources, parse_resources);
    r.object("intelRdt", out.intel_rdt, parse_intel_rdt);
    r.object("memoryPolicy", out.memory_policy, parse_memory_policy);
    r.field("sysctl", out.sysctl);
    r.object("seccomp", out.seccomp, parse_seccomp);
    r.word("rootfsPropagation", out.rootfs_propagation, rootfs_propagation_words(), "rootfs propagation");
    r.field("maskedPaths", out.masked_paths);
    r.field("readonlyPaths", out.readonly_paths);
    r.field("mountLabel", out.mount_label);
    r.object("personality", out.personality, parse_personality);
}

}  // namespace ocrt::spec::detail
