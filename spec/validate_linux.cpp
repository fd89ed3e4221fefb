// Semantic checks of linux.sysctl and linux.seccomp.
#include "json_reader.hpp"
#include "validate_support.hpp"

#include <ocrt/spec/sysctl.hpp>
#include <ocrt/spec/vocabulary.hpp>

#include <array>

namespace ocrt::spec::detail {
namespace {

bool allows_errno(SeccompAction action) {
    return action == SeccompAction::Errno || action == SeccompAction::Trace;
}

}  // namespace

void check_sysctls(const Config &config, Report &report) {
    if (!config.linux_) return;
    const LinuxConfig &os = *config.linux_;
    for (const auto &[key, value] : os.sysctl) {
        std::string ptr = sysctl_pointer(key);
        if (!dotted_sysctl_key(key)) {
            report.error(ptr, "invalid sysctl name " + quote_value(key));
            continue;
        }
        auto type = sysctl_namespace(key);
        if (!type) {
            report.error(ptr, "sysctl " + quote_value(key) + " is not namespaced and cannot be set for a container");
        } else if (!os.find_namespace(*type)) {
            const char *name = *type == NamespaceType::Ipc ? "IPC" : *type == NamespaceType::Network ? "network" : "UTS";
            report.error(ptr, "sysctl " + quote_value(key) + " needs a private " + name + " namespace");
        }
    }
}

void check_seccomp(const Config &config, Report &report) {
    if (!config.linux_ || !config.linux_->seccomp) return;
    const Seccomp &sc = *config.linux_->seccomp;
    const std::string base = "/linux/seccomp";
    bool uses_notify = false;

    if (sc.default_action == SeccompAction::Notify)
        report.error(base + "/defaultAction", "SCMP_ACT_NOTIFY cannot be the default action");
    if (sc.default_errno_ret && !allows_errno(sc.default_action))
        report.error(base + "/defaultErrnoRet",
                     "only allowed with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not " +
                         std::string(seccomp_action_name(sc.default_action)));

    for (std::size_t i = 0; i < sc.syscalls.size(); ++i) {
        const SeccompSyscall &call = sc.syscalls[i];
        std::string ptr = child_pointer(base + "/syscalls", i);
        uses_notify = uses_notify || call.action == SeccompAction::Notify;
        if (call.errno_ret && !allows_errno(call.action))
            report.error(ptr + "/errnoRet", "only allowed with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not " +
                                                std::string(seccomp_action_name(call.action)));
        for (std::size_t k = 0; k < call.args.size(); ++k)
            if (call.args[k].index > 5)
                report.error(child_pointer(ptr + "/args", k) + "/index",
                             "syscall argument index " + std::to_string(call.args[k].index) +
                                 " out of range (0..5)");
    }
    if (uses_notify && sc.listener_path.empty())
        report.error(base + "/listenerPath", "required when SCMP_ACT_NOTIFY is used");
    if (!sc.listener_metadata.empty() && sc.listener_path.empty())
        report.error(base + "/listenerMetadata", "must not be set without listenerPath");
}

}  // namespace ocrt::spec::detail
