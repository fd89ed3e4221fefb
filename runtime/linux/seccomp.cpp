#include <ocrt/linux/seccomp.hpp>

#include <ocrt/spec/vocabulary.hpp>

#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <set>

namespace ocrt::os {
namespace {

const std::string kPointer = "config.json: /linux/seccomp";

Error config_error(const std::string &field, const std::string &what) {
    return Error(kPointer + field + ": " + what);
}

bool takes_errno(spec::SeccompAction action) {
    return action == spec::SeccompAction::Errno || action == spec::SeccompAction::Trace;
}

std::string action_name(spec::SeccompAction action) {
    return std::string(spec::seccomp_action_name(action));
}

// errnoRet / defaultErrnoRet: only for actions that return one; EPERM when absent.
Result<uint32_t> action_word(spec::SeccompAction action, const std::optional<uint32_t> &errno_ret,
                             const std::string &field) {
    if (errno_ret && !takes_errno(action))
        return config_error(field, action_name(action) + " takes no errno");
    if (errno_ret && *errno_ret > 0xffff)
        return config_error(field, "errno " + std::to_string(*errno_ret) + " does not fit in 16 bits");
    return seccomp_action_word(action, errno_ret.value_or(EPERM));
}

int compare_op(spec::SeccompOperator op) {
    switch (op) {
    case spec::SeccompOperator::NotEqual: return SCMP_CMP_NE;
    case spec::SeccompOperator::LessThan: return SCMP_CMP_LT;
    case spec::SeccompOperator::LessEqual: return SCMP_CMP_LE;
    case spec::SeccompOperator::Equal: return SCMP_CMP_EQ;
    case spec::SeccompOperator::GreaterEqual: return SCMP_CMP_GE;
    case spec::SeccompOperator::GreaterThan: return SCMP_CMP_GT;
    case spec::SeccompOperator::MaskedEqual: return SCMP_CMP_MASKED_EQ;
    }
    return SCMP_CMP_EQ;
}

Result<void> apply_flag(SeccompPlan &plan, const std::string &flag, const std::string &field) {
    if (flag == "SECCOMP_FILTER_FLAG_LOG") {
        plan.log = true;
    } else if (flag == "SECCOMP_FILTER_FLAG_SPEC_ALLOW") {
        plan.spec_allow = true;
    } else if (flag == "SECCOMP_FILTER_FLAG_TSYNC") {
        plan.tsync = true;
    } else if (flag == "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV") {
        // libseccomp 2.5 has no attribute for it, but ocrt makes the seccomp(2) call
        // itself, so the kernel (5.19+) gets the flag directly.
        plan.wait_killable_recv = true;
        plan.wait_killable_recv_field = field;
    } else {
        return config_error(field, "unknown seccomp flag \"" + flag + "\"");
    }
    return ok();
}

// One rule per comparison set: a rule may hold at most one comparison per argument
// index, so repeated indexes split into one rule each (any of them matches).
void add_rules(SeccompPlan &plan, const std::string &name, int number, uint32_t action,
               const std::vector<spec::SeccompArg> &args) {
    std::vector<SeccompComparison> comparisons;
    std::set<unsigned int> indexes;
    bool repeated = false;
    for (const auto &arg : args) {
        comparisons.push_back({arg.index, compare_op(arg.op), arg.value, arg.value_two});
        repeated = repeated || !indexes.insert(arg.index).second;
    }
    if (!repeated) {
        plan.rules.push_back({name, number, action, std::move(comparisons)});
        return;
    }
    for (const auto &comparison : comparisons) plan.rules.push_back({name, number, action, {comparison}});
}

}  // namespace

uint32_t seccomp_action_word(spec::SeccompAction action, uint32_t errno_ret) {
    switch (action) {
    case spec::SeccompAction::Kill: return SCMP_ACT_KILL;
    case spec::SeccompAction::KillProcess: return SCMP_ACT_KILL_PROCESS;
    case spec::SeccompAction::KillThread: return SCMP_ACT_KILL_THREAD;
    case spec::SeccompAction::Trap: return SCMP_ACT_TRAP;
    case spec::SeccompAction::Errno: return SCMP_ACT_ERRNO(errno_ret);
    case spec::SeccompAction::Trace: return SCMP_ACT_TRACE(errno_ret);
    case spec::SeccompAction::Allow: return SCMP_ACT_ALLOW;
    case spec::SeccompAction::Log: return SCMP_ACT_LOG;
    case spec::SeccompAction::Notify: return SCMP_ACT_NOTIFY;
    }
    return SCMP_ACT_KILL_PROCESS;
}

uint32_t seccomp_arch_token(const std::string &name) {
    const std::string prefix = "SCMP_ARCH_";
    if (name.rfind(prefix, 0) != 0) return 0;
    // libseccomp names arches without the prefix and in lower case ("x86_64").
    std::string arch = name.substr(prefix.size());
    for (char &c : arch) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return seccomp_arch_resolve_name(arch.c_str());
}

Result<SeccompPlan> plan_seccomp(const spec::Seccomp &seccomp) {
    SeccompPlan plan;
    if (seccomp.default_action == spec::SeccompAction::Notify)
        // The init itself runs under the filter until execve: it would wait on a
        // listener that cannot have the fd yet.
        return config_error("/defaultAction", "SCMP_ACT_NOTIFY cannot be the default action");
    plan.default_action = OCRT_TRY(action_word(seccomp.default_action, seccomp.default_errno_ret, "/defaultErrnoRet"));
    for (const auto &name : seccomp.architectures) {
        if (uint32_t token = seccomp_arch_token(name); token != 0)
            plan.architectures.push_back(token);
        else
            plan.unknown_architectures.push_back(name);
    }
    for (size_t i = 0; i < seccomp.flags.size(); ++i)
        OCRT_TRY(apply_flag(plan, seccomp.flags[i], "/flags/" + std::to_string(i)));

    std::set<std::string> unknown;
    for (size_t i = 0; i < seccomp.syscalls.size(); ++i) {
        const auto &entry = seccomp.syscalls[i];
        std::string field = "/syscalls/" + std::to_string(i);
        uint32_t action = OCRT_TRY(action_word(entry.action, entry.errno_ret, field + "/errnoRet"));
        for (size_t a = 0; a < entry.args.size(); ++a)
            if (entry.args[a].index >= 6)
                return config_error(field + "/args/" + std::to_string(a) + "/index",
                                    "argument index " + std::to_string(entry.args[a].index) + " is not 0..5");
        bool notify = entry.action == spec::SeccompAction::Notify;
        for (const auto &name : entry.names) {
            // The init passes the notify fd with sendmsg(2) after loading the filter.
            if (notify && name == "sendmsg")
                return config_error(field + "/names", "SCMP_ACT_NOTIFY cannot be used for \"sendmsg\"");
            int number = seccomp_syscall_resolve_name(name.c_str());
            if (number == __NR_SCMP_ERROR) {
                if (unknown.insert(name).second) plan.unknown_syscalls.push_back(name);
                continue;
            }
            // libseccomp refuses a rule that repeats the default action; it is a no-op.
            if (action == plan.default_action) continue;
            plan.uses_notify = plan.uses_notify || notify;
            add_rules(plan, name, number, action, entry.args);
        }
    }
    if (!seccomp.listener_metadata.empty() && seccomp.listener_path.empty())
        return config_error("/listenerMetadata", "must not be set without listenerPath");
    // The kernel takes it only together with a notify listener (EINVAL otherwise).
    if (plan.wait_killable_recv && !plan.uses_notify)
        return config_error(plan.wait_killable_recv_field,
                            "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV needs an SCMP_ACT_NOTIFY rule");
    if (plan.uses_notify && seccomp.listener_path.empty())
        return config_error("/listenerPath", "SCMP_ACT_NOTIFY needs a listener socket path");
    if (plan.uses_notify) {
        plan.listener_path = seccomp.listener_path;
        plan.listener_metadata = seccomp.listener_metadata;
    }
    return plan;
}

SeccompFilter::SeccompFilter(void *ctx) : ctx_(ctx) {}

void SeccompFilter::Release::operator()(void *ctx) const { seccomp_release(static_cast<scmp_filter_ctx>(ctx)); }

namespace {

// libseccomp returns -errno.
Result<void> check(int rc, const std::string &what) {
    if (rc < 0) return Error(-rc, what);
    return ok();
}

}  // namespace

Result<SeccompFilter> build_seccomp_filter(const SeccompPlan &plan) {
    SeccompFilter filter(seccomp_init(plan.default_action));
    if (!filter)
        return Error(EINVAL, "create seccomp filter with default action " + std::to_string(plan.default_action));
    auto ctx = static_cast<scmp_filter_ctx>(filter.get());
    // The flags (LOG, SPEC_ALLOW, TSYNC, NEW_LISTENER) are seccomp(2) arguments, not
    // part of the program: seccomp_load_flags gives them to the load.
    for (uint32_t arch : plan.architectures) {
        int rc = seccomp_arch_add(ctx, arch);
        if (rc != -EEXIST) OCRT_TRY(check(rc, "add seccomp architecture " + std::to_string(arch)));
    }
    for (const auto &rule : plan.rules) {
        std::vector<scmp_arg_cmp> cmps;
        for (const auto &c : rule.comparisons)
            cmps.push_back({c.index, static_cast<scmp_compare>(c.op), c.value, c.value_two});
        // The native number: libseccomp translates it for every added architecture.
        int rc = seccomp_rule_add_array(ctx, rule.action, rule.number, static_cast<unsigned int>(cmps.size()),
                                        cmps.empty() ? nullptr : cmps.data());
        OCRT_TRY(check(rc, "add seccomp rule for \"" + rule.name + "\""));
    }
    return filter;
}

Result<void> export_seccomp_bpf(const SeccompFilter &filter, int fd) {
    return check(seccomp_export_bpf(static_cast<scmp_filter_ctx>(filter.get()), fd), "export seccomp filter");
}

Result<std::vector<sock_filter>> seccomp_program(const SeccompFilter &filter) {
    unique_fd memfd(::memfd_create("ocrt-seccomp", MFD_CLOEXEC));
    if (!memfd) return errno_error("create memfd for the seccomp program");
    OCRT_TRY(export_seccomp_bpf(filter, memfd.get()));
    struct stat st {};
    if (::fstat(memfd.get(), &st) != 0) return errno_error("stat the seccomp program");
    auto size = static_cast<size_t>(st.st_size);
    if (size == 0 || size % sizeof(sock_filter) != 0 || size / sizeof(sock_filter) > BPF_MAXINSNS)
        return Error(EINVAL, "seccomp program of " + std::to_string(size) + " bytes");
    std::vector<sock_filter> program(size / sizeof(sock_filter));
    ssize_t got = ::pread(memfd.get(), program.data(), size, 0);
    if (got < 0) return errno_error("read the seccomp program");
    if (static_cast<size_t>(got) != size) return Error(EIO, "short read of the seccomp program");
    return program;
}

unsigned int seccomp_load_flags(const SeccompPlan &plan) {
    unsigned int flags = 0;
    if (plan.log) flags |= SECCOMP_FILTER_FLAG_LOG;
    if (plan.spec_allow) flags |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
    if (plan.tsync) flags |= SECCOMP_FILTER_FLAG_TSYNC;
    if (plan.uses_notify) flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
    if (plan.wait_killable_recv) flags |= kSeccompFlagWaitKillableRecv;
    return flags;
}

Result<unique_fd> load_seccomp_program(std::span<const sock_filter> program, unsigned int flags, Kernel &kernel) {
    unique_fd listener = OCRT_TRY(kernel.seccomp_set_filter(program, flags));
    if ((flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) != 0 && !listener)
        return Error(EINVAL, "seccomp filter loaded without its notify fd");
    return listener;
}

}  // namespace ocrt::os
