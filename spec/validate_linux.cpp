// Semantic checks of linux.sysctl and linux.seccomp.
#include "json_reader.hpp"
#include "validate_support.hpp"

#include <ocrt/spec/vocabulary.hpp>

#include <array>

namespace ocrt::spec::detail {
namespace {

// The IPC namespace's sysctls (ipc_namespaces(7)); fs.mqueue.* is matched by prefix.
constexpr std::array<std::string_view, 8> kIpcSysctls = {
    "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni",  "kernel.sem",
    "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
};

// A key is "a.b.c", or "a/b/c" when a component itself holds dots
// (net/ipv4/conf/eth0.1/rp_filter). No empty, "." or ".." components.
std::optional<std::string> dotted_sysctl_key(const std::string &key) {
    char sep = key.find('/') != std::string::npos ? '/' : '.';
    std::string dotted;
    std::size_t start = 0;
    while (true) {
        std::size_t end = key.find(sep, start);
        std::string part = key.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (part.empty() || part == "." || part == "..") return std::nullopt;
        if (!dotted.empty()) dotted += '.';
        dotted += part;
        if (end == std::string::npos) return dotted;
        start = end + 1;
    }
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

bool allows_errno(SeccompAction action) {
    return action == SeccompAction::Errno || action == SeccompAction::Trace;
}

}  // namespace

void check_sysctls(const Config &config, Report &report) {
    if (!config.linux_) return;
    const LinuxConfig &os = *config.linux_;
    for (const auto &[key, value] : os.sysctl) {
        std::string ptr = child_pointer("/linux/sysctl", key);
        auto dotted = dotted_sysctl_key(key);
        if (!dotted) {
            report.error(ptr, "invalid sysctl name " + quote_value(key));
            continue;
        }
        bool ipc = starts_with(*dotted, "fs.mqueue.");
        for (auto name : kIpcSysctls) ipc = ipc || *dotted == name;
        if (ipc) {
            if (!os.find_namespace(NamespaceType::Ipc))
                report.error(ptr, "sysctl " + quote_value(key) + " needs a private IPC namespace");
        } else if (starts_with(*dotted, "net.")) {
            if (!os.find_namespace(NamespaceType::Network))
                report.error(ptr, "sysctl " + quote_value(key) + " needs a private network namespace");
        } else if (*dotted == "kernel.hostname" || *dotted == "kernel.domainname") {
            if (!os.find_namespace(NamespaceType::Uts))
                report.error(ptr, "sysctl " + quote_value(key) + " needs a private UTS namespace");
        } else {
            report.error(ptr, "sysctl " + quote_value(key) + " is not namespaced and cannot be set for a container");
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
