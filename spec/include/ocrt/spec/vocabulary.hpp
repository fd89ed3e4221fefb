// The closed word lists of the OCI runtime spec (namespace types, capabilities,
// rlimits, seccomp words, ...) in one place, with the kernel numbers they stand
// for. The config parser validates against these tables and `ocrt features`
// advertises them, so the two can never disagree. Constants only, no syscalls.
#pragma once

#include <ocrt/spec/config.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace ocrt::spec {

// A spec word and the kernel/libseccomp number it maps to.
struct Word {
    std::string_view name;
    int64_t value;
};

bool is_known(std::span<const Word> table, std::string_view name);
std::optional<int64_t> lookup(std::span<const Word> table, std::string_view name);

// Namespaces, in NamespaceType order: "mount", "pid", "network", "uts", "ipc", "user", "cgroup", "time".
std::span<const Word> namespace_words();
std::optional<NamespaceType> namespace_type(std::string_view name);
std::string_view namespace_name(NamespaceType type);

// "CAP_CHOWN" (0) .. "CAP_CHECKPOINT_RESTORE" (40), ordered by number.
std::span<const Word> capability_words();
std::optional<int> capability_number(std::string_view name);

// Every RLIMIT_* Linux knows, valued with <sys/resource.h>'s numbers.
std::span<const Word> rlimit_words();
std::optional<int> rlimit_number(std::string_view name);

// Seccomp words as in libseccomp's seccomp.h and the spec's enums.
std::span<const Word> seccomp_action_words();     // value: SeccompAction
std::span<const Word> seccomp_operator_words();   // value: SeccompOperator
std::span<const Word> seccomp_arch_words();       // value: index only
std::span<const Word> seccomp_flag_words();       // value: SECCOMP_FILTER_FLAG_* bit
std::optional<SeccompAction> seccomp_action(std::string_view name);
std::string_view seccomp_action_name(SeccompAction action);
std::optional<SeccompOperator> seccomp_operator(std::string_view name);
std::string_view seccomp_operator_name(SeccompOperator op);

// process.scheduler: SCHED_* policy numbers and SCHED_FLAG_* bits.
std::span<const Word> scheduler_policy_words();
std::span<const Word> scheduler_flag_words();

// process.ioPriority.class: IOPRIO_CLASS_* numbers.
std::span<const Word> ioprio_class_words();

// linux.memoryPolicy: MPOL_* mode numbers and MPOL_F_* flag bits.
std::span<const Word> mempolicy_mode_words();
std::span<const Word> mempolicy_flag_words();

// linux.personality.domain: PER_LINUX, PER_LINUX32.
std::span<const Word> personality_domain_words();

// linux.devices[].type: "c", "b", "u", "p" (value: the character).
std::span<const Word> device_type_words();

// linux.resources.devices[].type: "a", "c", "b".
std::span<const Word> device_rule_type_words();

// linux.timeOffsets keys: "boottime", "monotonic".
std::span<const Word> time_clock_words();

// linux.rootfsPropagation: the schema's four words plus their recursive "r" forms.
std::span<const Word> rootfs_propagation_words();

// Hook names as they appear in config.json and features ("prestart", ...).
std::span<const Word> hook_words();

// Mount options ocrt recognises and advertises in `ocrt features`
// (config.md's table without rro, idmap and ridmap, which are not implemented yet).
std::span<const Word> mount_option_words();

}  // namespace ocrt::spec
