// linux.seccomp (config-linux.md "Seccomp") with libseccomp, in two steps:
//  - plan_seccomp: pure translation of the spec model into libseccomp's numbers
//    (action words with their errno, arch tokens, filter attributes, rules with arg
//    comparisons). Every config problem is found here, named by its JSON pointer.
//  - build_seccomp_filter / seccomp_program: libseccomp compiles the plan into a
//    BPF program in `ocrt create` (or `ocrt exec`); the process that is confined
//    only makes the one seccomp(2) call, through Kernel::seccomp_set_filter, with
//    seccomp_load_flags. The init decides WHEN to load (seccomp_setup.hpp).
#pragma once

#include <ocrt/base/kernel.hpp>
#include <ocrt/base/result.hpp>
#include <ocrt/base/unique_fd.hpp>
#include <ocrt/spec/config.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace ocrt::os {

struct SeccompComparison {
    unsigned int index = 0;  // syscall argument 0..5
    int op = 0;              // enum scmp_compare
    uint64_t value = 0;      // datum_a (the mask for SCMP_CMP_MASKED_EQ)
    uint64_t value_two = 0;  // datum_b
};

struct SeccompRule {
    std::string name;
    int number = 0;   // native syscall number, as libseccomp resolved the name
    uint32_t action = 0;
    // All must match (AND). libseccomp takes one comparison per argument index in
    // a rule, so several comparisons on one index become several rules (OR), one
    // per comparison, as the spec's args list on one index can only mean "any".
    std::vector<SeccompComparison> comparisons;
};

struct SeccompPlan {
    uint32_t default_action = 0;
    std::vector<uint32_t> architectures;  // SCMP_ARCH_* tokens besides the native one
    // Spec arches this libseccomp cannot build for (2.5 lacks LOONGARCH64, M68K, SH,
    // SHEB): none can be the host's, so they are skipped with a warning.
    std::vector<std::string> unknown_architectures;
    bool log = false;         // SECCOMP_FILTER_FLAG_LOG
    bool spec_allow = false;  // SECCOMP_FILTER_FLAG_SPEC_ALLOW
    bool tsync = false;       // SECCOMP_FILTER_FLAG_TSYNC
    bool wait_killable_recv = false;       // SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (with notify only)
    std::string wait_killable_recv_field;  // its JSON pointer, for the error without notify
    std::vector<SeccompRule> rules;
    // Names neither the kernel headers nor libseccomp know: skipped, warned about.
    std::vector<std::string> unknown_syscalls;
    bool uses_notify = false;  // some rule is SCMP_ACT_NOTIFY: a listener gets the fd
    std::string listener_path;
    std::string listener_metadata;
};

// Pure: the plan for config.linux.seccomp. Errors name the field, e.g.
// `config.json: /linux/seccomp/syscalls/2/errnoRet: SCMP_ACT_ALLOW takes no errno`.
Result<SeccompPlan> plan_seccomp(const spec::Seccomp &seccomp);

// The libseccomp action word for a spec action; errno_ret is used by ERRNO and TRACE.
uint32_t seccomp_action_word(spec::SeccompAction action, uint32_t errno_ret);

// libseccomp's arch token for "SCMP_ARCH_X86_64"...; 0 when libseccomp does not know it.
uint32_t seccomp_arch_token(const std::string &name);

// True when this plan's filter must be loaded while the init can still send its
// notify fd to `ocrt create` (before Ready), whatever noNewPrivileges says.
inline bool seccomp_needs_early_load(const SeccompPlan &plan) { return plan.uses_notify; }

// A built libseccomp filter context (scmp_filter_ctx), released on destruction.
class SeccompFilter {
public:
    SeccompFilter() = default;
    explicit SeccompFilter(void *ctx);
    SeccompFilter(SeccompFilter &&) noexcept = default;
    SeccompFilter &operator=(SeccompFilter &&) noexcept = default;
    void *get() const { return ctx_.get(); }
    explicit operator bool() const { return ctx_ != nullptr; }

private:
    struct Release {
        void operator()(void *ctx) const;
    };
    std::unique_ptr<void, Release> ctx_;
};

// Builds the filter (no syscall is made: libseccomp only compiles in memory).
Result<SeccompFilter> build_seccomp_filter(const SeccompPlan &plan);

// Writes the filter's BPF program to fd (seccomp_export_bpf).
Result<void> export_seccomp_bpf(const SeccompFilter &filter, int fd);

// The filter's BPF program, as seccomp(2) takes it (exported through a memfd).
Result<std::vector<sock_filter>> seccomp_program(const SeccompFilter &filter);

// Linux 5.19's value; older kernel headers lack the name.
inline constexpr unsigned int kSeccompFlagWaitKillableRecv = 1U << 5;

// Pure: the seccomp(2) flags of a plan: SECCOMP_FILTER_FLAG_LOG, _SPEC_ALLOW, _TSYNC,
// _WAIT_KILLABLE_RECV as asked, and _NEW_LISTENER when a rule notifies.
unsigned int seccomp_load_flags(const SeccompPlan &plan);

// seccomp(2) through the Kernel seam: the notify listener fd when the plan
// notifies, an empty unique_fd otherwise. No no_new_privs is set here: the caller
// does it from process.noNewPrivileges (without it the kernel needs CAP_SYS_ADMIN).
Result<unique_fd> load_seccomp_program(std::span<const sock_filter> program, unsigned int flags, Kernel &kernel);

}  // namespace ocrt::os
