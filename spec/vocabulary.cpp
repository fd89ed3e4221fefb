// The spec's word tables. Numbers come from the system headers where they are
// plain constants; everything else is written out so that spec/ does not need
// libseccomp or libcap.
#include <ocrt/spec/vocabulary.hpp>

#include <sys/resource.h>

#include <algorithm>
#include <array>

namespace ocrt::spec {
namespace {

constexpr std::array kNamespaces = {
    Word{"mount", int64_t(NamespaceType::Mount)},   Word{"pid", int64_t(NamespaceType::Pid)},
    Word{"network", int64_t(NamespaceType::Network)}, Word{"uts", int64_t(NamespaceType::Uts)},
    Word{"ipc", int64_t(NamespaceType::Ipc)},       Word{"user", int64_t(NamespaceType::User)},
    Word{"cgroup", int64_t(NamespaceType::Cgroup)}, Word{"time", int64_t(NamespaceType::Time)},
};

// capabilities(7); the numbers are part of the kernel ABI.
constexpr std::array kCapabilities = {
    Word{"CAP_CHOWN", 0},           Word{"CAP_DAC_OVERRIDE", 1},    Word{"CAP_DAC_READ_SEARCH", 2},
    Word{"CAP_FOWNER", 3},          Word{"CAP_FSETID", 4},          Word{"CAP_KILL", 5},
    Word{"CAP_SETGID", 6},          Word{"CAP_SETUID", 7},          Word{"CAP_SETPCAP", 8},
    Word{"CAP_LINUX_IMMUTABLE", 9}, Word{"CAP_NET_BIND_SERVICE", 10}, Word{"CAP_NET_BROADCAST", 11},
    Word{"CAP_NET_ADMIN", 12},      Word{"CAP_NET_RAW", 13},        Word{"CAP_IPC_LOCK", 14},
    Word{"CAP_IPC_OWNER", 15},      Word{"CAP_SYS_MODULE", 16},     Word{"CAP_SYS_RAWIO", 17},
    Word{"CAP_SYS_CHROOT", 18},     Word{"CAP_SYS_PTRACE", 19},     Word{"CAP_SYS_PACCT", 20},
    Word{"CAP_SYS_ADMIN", 21},      Word{"CAP_SYS_BOOT", 22},       Word{"CAP_SYS_NICE", 23},
    Word{"CAP_SYS_RESOURCE", 24},   Word{"CAP_SYS_TIME", 25},       Word{"CAP_SYS_TTY_CONFIG", 26},
    Word{"CAP_MKNOD", 27},          Word{"CAP_LEASE", 28},          Word{"CAP_AUDIT_WRITE", 29},
    Word{"CAP_AUDIT_CONTROL", 30},  Word{"CAP_SETFCAP", 31},        Word{"CAP_MAC_OVERRIDE", 32},
    Word{"CAP_MAC_ADMIN", 33},      Word{"CAP_SYSLOG", 34},         Word{"CAP_WAKE_ALARM", 35},
    Word{"CAP_BLOCK_SUSPEND", 36},  Word{"CAP_AUDIT_READ", 37},     Word{"CAP_PERFMON", 38},
    Word{"CAP_BPF", 39},            Word{"CAP_CHECKPOINT_RESTORE", 40},
};

constexpr std::array kRlimits = {
    Word{"RLIMIT_CPU", RLIMIT_CPU},           Word{"RLIMIT_FSIZE", RLIMIT_FSIZE},
    Word{"RLIMIT_DATA", RLIMIT_DATA},         Word{"RLIMIT_STACK", RLIMIT_STACK},
    Word{"RLIMIT_CORE", RLIMIT_CORE},         Word{"RLIMIT_RSS", RLIMIT_RSS},
    Word{"RLIMIT_NPROC", RLIMIT_NPROC},       Word{"RLIMIT_NOFILE", RLIMIT_NOFILE},
    Word{"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},   Word{"RLIMIT_AS", RLIMIT_AS},
    Word{"RLIMIT_LOCKS", RLIMIT_LOCKS},       Word{"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    Word{"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE}, Word{"RLIMIT_NICE", RLIMIT_NICE},
    Word{"RLIMIT_RTPRIO", RLIMIT_RTPRIO},     Word{"RLIMIT_RTTIME", RLIMIT_RTTIME},
};

constexpr std::array kSeccompActions = {
    Word{"SCMP_ACT_KILL", int64_t(SeccompAction::Kill)},
    Word{"SCMP_ACT_KILL_PROCESS", int64_t(SeccompAction::KillProcess)},
    Word{"SCMP_ACT_KILL_THREAD", int64_t(SeccompAction::KillThread)},
    Word{"SCMP_ACT_TRAP", int64_t(SeccompAction::Trap)},
    Word{"SCMP_ACT_ERRNO", int64_t(SeccompAction::Errno)},
    Word{"SCMP_ACT_TRACE", int64_t(SeccompAction::Trace)},
    Word{"SCMP_ACT_ALLOW", int64_t(SeccompAction::Allow)},
    Word{"SCMP_ACT_LOG", int64_t(SeccompAction::Log)},
    Word{"SCMP_ACT_NOTIFY", int64_t(SeccompAction::Notify)},
};

constexpr std::array kSeccompOperators = {
    Word{"SCMP_CMP_NE", int64_t(SeccompOperator::NotEqual)},
    Word{"SCMP_CMP_LT", int64_t(SeccompOperator::LessThan)},
    Word{"SCMP_CMP_LE", int64_t(SeccompOperator::LessEqual)},
    Word{"SCMP_CMP_EQ", int64_t(SeccompOperator::Equal)},
    Word{"SCMP_CMP_GE", int64_t(SeccompOperator::GreaterEqual)},
    Word{"SCMP_CMP_GT", int64_t(SeccompOperator::GreaterThan)},
    Word{"SCMP_CMP_MASKED_EQ", int64_t(SeccompOperator::MaskedEqual)},
};

constexpr std::array kSeccompArchs = {
    Word{"SCMP_ARCH_X86", 0},         Word{"SCMP_ARCH_X86_64", 1},      Word{"SCMP_ARCH_X32", 2},
    Word{"SCMP_ARCH_ARM", 3},         Word{"SCMP_ARCH_AARCH64", 4},     Word{"SCMP_ARCH_LOONGARCH64", 5},
    Word{"SCMP_ARCH_M68K", 6},        Word{"SCMP_ARCH_MIPS", 7},        Word{"SCMP_ARCH_MIPS64", 8},
    Word{"SCMP_ARCH_MIPS64N32", 9},   Word{"SCMP_ARCH_MIPSEL", 10},     Word{"SCMP_ARCH_MIPSEL64", 11},
    Word{"SCMP_ARCH_MIPSEL64N32", 12}, Word{"SCMP_ARCH_PPC", 13},       Word{"SCMP_ARCH_PPC64", 14},
    Word{"SCMP_ARCH_PPC64LE", 15},    Word{"SCMP_ARCH_S390", 16},       Word{"SCMP_ARCH_S390X", 17},
    Word{"SCMP_ARCH_SH", 18},         Word{"SCMP_ARCH_SHEB", 19},       Word{"SCMP_ARCH_PARISC", 20},
    Word{"SCMP_ARCH_PARISC64", 21},   Word{"SCMP_ARCH_RISCV64", 22},
};

// <linux/seccomp.h> SECCOMP_FILTER_FLAG_* bits.
constexpr std::array kSeccompFlags = {
    Word{"SECCOMP_FILTER_FLAG_TSYNC", 1},
    Word{"SECCOMP_FILTER_FLAG_LOG", 2},
    Word{"SECCOMP_FILTER_FLAG_SPEC_ALLOW", 4},
    Word{"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", 32},
};

// sched(7) policies and sched_setattr(2) flags.
constexpr std::array kSchedulerPolicies = {
    Word{"SCHED_OTHER", 0}, Word{"SCHED_FIFO", 1}, Word{"SCHED_RR", 2},      Word{"SCHED_BATCH", 3},
    Word{"SCHED_ISO", 4},   Word{"SCHED_IDLE", 5}, Word{"SCHED_DEADLINE", 6},
};

constexpr std::array kSchedulerFlags = {
    Word{"SCHED_FLAG_RESET_ON_FORK", 0x01},  Word{"SCHED_FLAG_RECLAIM", 0x02},
    Word{"SCHED_FLAG_DL_OVERRUN", 0x04},     Word{"SCHED_FLAG_KEEP_POLICY", 0x08},
    Word{"SCHED_FLAG_KEEP_PARAMS", 0x10},    Word{"SCHED_FLAG_UTIL_CLAMP_MIN", 0x20},
    Word{"SCHED_FLAG_UTIL_CLAMP_MAX", 0x40},
};

constexpr std::array kIoprioClasses = {
    Word{"IOPRIO_CLASS_RT", 1}, Word{"IOPRIO_CLASS_BE", 2}, Word{"IOPRIO_CLASS_IDLE", 3},
};

// set_mempolicy(2) modes and mode flags.
constexpr std::array kMempolicyModes = {
    Word{"MPOL_DEFAULT", 0},   Word{"MPOL_PREFERRED", 1},      Word{"MPOL_BIND", 2},
    Word{"MPOL_INTERLEAVE", 3}, Word{"MPOL_LOCAL", 4},         Word{"MPOL_PREFERRED_MANY", 5},
    Word{"MPOL_WEIGHTED_INTERLEAVE", 6},
};

constexpr std::array kMempolicyFlags = {
    Word{"MPOL_F_NUMA_BALANCING", 1 << 13},
    Word{"MPOL_F_RELATIVE_NODES", 1 << 14},
    Word{"MPOL_F_STATIC_NODES", 1 << 15},
};

// personality(2) PER_LINUX and PER_LINUX32.
constexpr std::array kPersonalityDomains = {Word{"LINUX", 0x0000}, Word{"LINUX32", 0x0008}};

constexpr std::array kDeviceTypes = {Word{"c", 'c'}, Word{"b", 'b'}, Word{"u", 'u'}, Word{"p", 'p'}};
constexpr std::array kDeviceRuleTypes = {Word{"a", 'a'}, Word{"c", 'c'}, Word{"b", 'b'}};

constexpr std::array kTimeClocks = {Word{"boottime", 0}, Word{"monotonic", 1}};

constexpr std::array kRootfsPropagation = {
    Word{"private", 0},  Word{"shared", 1},  Word{"slave", 2},  Word{"unbindable", 3},
    Word{"rprivate", 4}, Word{"rshared", 5}, Word{"rslave", 6}, Word{"runbindable", 7},
};

constexpr std::array kHooks = {
    Word{"prestart", 0},       Word{"createRuntime", 1}, Word{"createContainer", 2},
    Word{"startContainer", 3}, Word{"poststart", 4},     Word{"poststop", 5},
};

constexpr std::array kMountOptions = {
    Word{"async", 0},        Word{"atime", 0},        Word{"bind", 0},          Word{"defaults", 0},
    Word{"dev", 0},          Word{"diratime", 0},     Word{"dirsync", 0},       Word{"exec", 0},
    Word{"iversion", 0},     Word{"lazytime", 0},     Word{"loud", 0},          Word{"mand", 0},
    Word{"noatime", 0},      Word{"nodev", 0},        Word{"nodiratime", 0},    Word{"noexec", 0},
    Word{"noiversion", 0},   Word{"nolazytime", 0},   Word{"nomand", 0},        Word{"norelatime", 0},
    Word{"nostrictatime", 0}, Word{"nosuid", 0},      Word{"nosymfollow", 0},   Word{"private", 0},
    Word{"ratime", 0},       Word{"rbind", 0},        Word{"rdev", 0},          Word{"rdiratime", 0},
    Word{"relatime", 0},     Word{"remount", 0},      Word{"rexec", 0},         Word{"rnoatime", 0},
    Word{"rnodiratime", 0},  Word{"rnoexec", 0},      Word{"rnorelatime", 0},   Word{"rnostrictatime", 0},
    Word{"rnosuid", 0},      Word{"rnosymfollow", 0}, Word{"ro", 0},            Word{"rprivate", 0},
    Word{"rrelatime", 0},    Word{"rrw", 0},          Word{"rshared", 0},       Word{"rslave", 0},
    Word{"rstrictatime", 0}, Word{"rsuid", 0},        Word{"rsymfollow", 0},    Word{"runbindable", 0},
    Word{"rw", 0},           Word{"shared", 0},       Word{"silent", 0},        Word{"slave", 0},
    Word{"strictatime", 0},  Word{"suid", 0},         Word{"symfollow", 0},     Word{"sync", 0},
    Word{"tmpcopyup", 0},    Word{"unbindable", 0},
};

std::string_view name_of(std::span<const Word> table, int64_t value) {
    for (const auto &w : table)
        if (w.value == value) return w.name;
    return {};
}

}  // namespace

bool is_known(std::span<const Word> table, std::string_view name) {
    return lookup(table, name).has_value();
}

std::optional<int64_t> lookup(std::span<const Word> table, std::string_view name) {
    auto it = std::find_if(table.begin(), table.end(), [&](const Word &w) { return w.name == name; });
    if (it == table.end()) return std::nullopt;
    return it->value;
}

std::span<const Word> namespace_words() { return kNamespaces; }
std::span<const Word> capability_words() { return kCapabilities; }
std::span<const Word> rlimit_words() { return kRlimits; }
std::span<const Word> seccomp_action_words() { return kSeccompActions; }
std::span<const Word> seccomp_operator_words() { return kSeccompOperators; }
std::span<const Word> seccomp_arch_words() { return kSeccompArchs; }
std::span<const Word> seccomp_flag_words() { return kSeccompFlags; }
std::span<const Word> scheduler_policy_words() { return kSchedulerPolicies; }
std::span<const Word> scheduler_flag_words() { return kSchedulerFlags; }
std::span<const Word> ioprio_class_words() { return kIoprioClasses; }
std::span<const Word> mempolicy_mode_words() { return kMempolicyModes; }
std::span<const Word> mempolicy_flag_words() { return kMempolicyFlags; }
std::span<const Word> personality_domain_words() { return kPersonalityDomains; }
std::span<const Word> device_type_words() { return kDeviceTypes; }
std::span<const Word> device_rule_type_words() { return kDeviceRuleTypes; }
std::span<const Word> time_clock_words() { return kTimeClocks; }
std::span<const Word> rootfs_propagation_words() { return kRootfsPropagation; }
std::span<const Word> hook_words() { return kHooks; }
std::span<const Word> mount_option_words() { return kMountOptions; }

std::optional<NamespaceType> namespace_type(std::string_view name) {
    auto v = lookup(kNamespaces, name);
    if (!v) return std::nullopt;
    return NamespaceType(*v);
}

std::string_view namespace_name(NamespaceType type) { return name_of(kNamespaces, int64_t(type)); }

std::optional<int> capability_number(std::string_view name) {
    auto v = lookup(kCapabilities, name);
    if (!v) return std::nullopt;
    return int(*v);
}

std::optional<int> rlimit_number(std::string_view name) {
    auto v = lookup(kRlimits, name);
    if (!v) return std::nullopt;
    return int(*v);
}

std::optional<SeccompAction> seccomp_action(std::string_view name) {
    auto v = lookup(kSeccompActions, name);
    if (!v) return std::nullopt;
    return SeccompAction(*v);
}

std::string_view seccomp_action_name(SeccompAction action) {
    return name_of(kSeccompActions, int64_t(action));
}

std::optional<SeccompOperator> seccomp_operator(std::string_view name) {
    auto v = lookup(kSeccompOperators, name);
    if (!v) return std::nullopt;
    return SeccompOperator(*v);
}

std::string_view seccomp_operator_name(SeccompOperator op) {
    return name_of(kSeccompOperators, int64_t(op));
}

}  // namespace ocrt::spec
