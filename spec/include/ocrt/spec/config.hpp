// The OCI runtime configuration (runtime-spec v1.3.0 config.md + config-linux.md)
// as plain C++ data. Parsing lives in config_json.cpp; nothing here does I/O.
// std::optional marks fields whose absence differs from their zero value.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ocrt::spec {

struct IdMapping {
    uint32_t container_id = 0;
    uint32_t host_id = 0;
    uint32_t size = 0;
};

struct Mount {
    std::string destination;
    std::string type;                  // empty when absent
    std::string source;                // empty when absent
    std::vector<std::string> options;  // raw words; mount_options.cpp interprets them
    std::vector<IdMapping> uid_mappings;
    std::vector<IdMapping> gid_mappings;
};

struct Root {
    std::string path;
    bool readonly = false;
};

struct ConsoleSize {
    uint64_t height = 0;
    uint64_t width = 0;
};

struct User {
    uint32_t uid = 0;
    uint32_t gid = 0;
    std::optional<uint32_t> umask;
    std::vector<uint32_t> additional_gids;
    std::string username;
};

struct Capabilities {
    // Names as written ("CAP_CHOWN"); validated against the known table.
    std::optional<std::vector<std::string>> bounding, effective, inheritable, permitted, ambient;
};

struct Rlimit {
    std::string type;  // "RLIMIT_NOFILE"; validated against the known table
    uint64_t soft = 0;
    uint64_t hard = 0;
};

struct Scheduler {
    std::string policy;  // "SCHED_OTHER" ...
    std::optional<int32_t> nice;
    std::optional<int32_t> priority;
    std::vector<std::string> flags;
    std::optional<uint64_t> runtime, deadline, period;
};

struct IoPriority {
    std::string klass;  // "IOPRIO_CLASS_RT" | "IOPRIO_CLASS_BE" | "IOPRIO_CLASS_IDLE"
    int32_t priority = 0;
};

struct ExecCpuAffinity {
    std::string initial;
    std::string final_;
};

struct Process {
    bool terminal = false;
    std::optional<ConsoleSize> console_size;
    User user;
    std::vector<std::string> args;
    std::string command_line;
    std::vector<std::string> env;
    std::string cwd;
    std::optional<Capabilities> capabilities;
    std::vector<Rlimit> rlimits;
    bool no_new_privileges = false;
    std::string apparmor_profile;
    std::optional<int> oom_score_adj;
    std::string selinux_label;
    std::optional<IoPriority> io_priority;
    std::optional<Scheduler> scheduler;
    std::optional<ExecCpuAffinity> exec_cpu_affinity;
};

struct Hook {
    std::string path;
    std::vector<std::string> args;
    std::vector<std::string> env;
    std::optional<int> timeout;  // seconds, > 0
};

struct Hooks {
    std::vector<Hook> prestart, create_runtime, create_container, start_container, poststart, poststop;
    bool empty() const {
        return prestart.empty() && create_runtime.empty() && create_container.empty() &&
               start_container.empty() && poststart.empty() && poststop.empty();
    }
};

enum class NamespaceType { Mount, Pid, Network, Uts, Ipc, User, Cgroup, Time };

struct Namespace {
    NamespaceType type = NamespaceType::Mount;
    std::string path;  // empty: create a new one; otherwise join it
};

struct TimeOffset {
    int64_t secs = 0;
    uint32_t nanosecs = 0;
};

struct Device {
    std::string type;  // "c", "b", "u", "p"
    std::string path;
    std::optional<int64_t> major, minor;
    std::optional<uint32_t> file_mode;
    std::optional<uint32_t> uid, gid;
};

struct DeviceRule {  // linux.resources.devices[]
    bool allow = false;
    std::string type;  // "a", "c", "b" or empty (= all)
    std::optional<int64_t> major, minor;
    std::string access;  // subset of "rwm"
};

struct MemoryResources {
    std::optional<int64_t> limit, reservation, swap, kernel, kernel_tcp;
    std::optional<uint64_t> swappiness;
    std::optional<bool> disable_oom_killer, use_hierarchy, check_before_update;
};

struct CpuResources {
    std::optional<uint64_t> shares;
    std::optional<int64_t> quota;
    std::optional<uint64_t> burst, period;
    std::optional<int64_t> realtime_runtime;
    std::optional<uint64_t> realtime_period;
    std::string cpus, mems;
    std::optional<int64_t> idle;
};

struct PidsResources {
    std::optional<int64_t> limit;
};

struct BlockIoDeviceWeight {
    int64_t major = 0, minor = 0;
    std::optional<uint16_t> weight, leaf_weight;
};

struct BlockIoDeviceThrottle {
    int64_t major = 0, minor = 0;
    uint64_t rate = 0;
};

struct BlockIoResources {
    std::optional<uint16_t> weight, leaf_weight;
    std::vector<BlockIoDeviceWeight> weight_device;
    std::vector<BlockIoDeviceThrottle> throttle_read_bps_device, throttle_write_bps_device,
        throttle_read_iops_device, throttle_write_iops_device;
};

struct HugepageLimit {
    std::string page_size;  // "2MB"
    uint64_t limit = 0;
};

struct NetworkPriority {
    std::string name;
    uint32_t priority = 0;
};

struct NetworkResources {
    std::optional<uint32_t> class_id;
    std::vector<NetworkPriority> priorities;
};

struct RdmaLimit {
    std::optional<uint32_t> hca_handles, hca_objects;
};

struct Resources {
    std::vector<DeviceRule> devices;
    std::optional<MemoryResources> memory;
    std::optional<CpuResources> cpu;
    std::optional<PidsResources> pids;
    std::optional<BlockIoResources> block_io;
    std::vector<HugepageLimit> hugepage_limits;
    std::optional<NetworkResources> network;
    std::map<std::string, RdmaLimit> rdma;
    std::map<std::string, std::string> unified;
};

enum class SeccompAction { Kill, KillProcess, KillThread, Trap, Errno, Trace, Allow, Log, Notify };
enum class SeccompOperator { NotEqual, LessThan, LessEqual, Equal, GreaterEqual, GreaterThan, MaskedEqual };

struct SeccompArg {
    uint32_t index = 0;
    uint64_t value = 0;
    uint64_t value_two = 0;
    SeccompOperator op = SeccompOperator::Equal;
};

struct SeccompSyscall {
    std::vector<std::string> names;
    SeccompAction action = SeccompAction::Allow;
    std::optional<uint32_t> errno_ret;
    std::vector<SeccompArg> args;
};

struct Seccomp {
    SeccompAction default_action = SeccompAction::Allow;
    std::optional<uint32_t> default_errno_ret;
    std::vector<std::string> architectures;  // "SCMP_ARCH_X86_64" ...
    std::vector<std::string> flags;          // "SECCOMP_FILTER_FLAG_LOG" ...
    std::string listener_path;
    std::string listener_metadata;
    std::vector<SeccompSyscall> syscalls;
};

struct IntelRdt {
    std::string clos_id, l3_cache_schema, mem_bw_schema;
    std::vector<std::string> schemata;
    bool enable_monitoring = false;
};

struct MemoryPolicy {
    std::string mode;  // "MPOL_BIND" ...
    std::string nodes;
    std::vector<std::string> flags;
};

struct Personality {
    std::string domain;  // "LINUX" | "LINUX32"
    std::vector<std::string> flags;
};

struct NetDevice {
    std::string name;  // name inside the container; empty = keep the host name
};

// The "linux" object. Named linux_ because g++ predefines `linux` as 1.
struct LinuxConfig {
    std::vector<Namespace> namespaces;
    std::vector<IdMapping> uid_mappings, gid_mappings;
    std::map<std::string, TimeOffset> time_offsets;  // "boottime" | "monotonic"
    std::vector<Device> devices;
    std::map<std::string, NetDevice> net_devices;
    std::string cgroups_path;
    std::optional<Resources> resources;
    std::optional<IntelRdt> intel_rdt;
    std::optional<MemoryPolicy> memory_policy;
    std::map<std::string, std::string> sysctl;
    std::optional<Seccomp> seccomp;
    std::string rootfs_propagation;  // "" | "private" | "shared" | "slave" | "unbindable", or an "r" form ("rslave")
    std::vector<std::string> masked_paths, readonly_paths;
    std::string mount_label;
    std::optional<Personality> personality;

    const Namespace *find_namespace(NamespaceType type) const {
        for (const auto &ns : namespaces)
            if (ns.type == type) return &ns;
        return nullptr;
    }
};

struct Config {
    std::string oci_version;
    Root root;
    std::vector<Mount> mounts;
    std::optional<Process> process;
    std::string hostname;
    std::string domainname;
    Hooks hooks;
    std::map<std::string, std::string> annotations;
    std::optional<LinuxConfig> linux_;
};

}  // namespace ocrt::spec
