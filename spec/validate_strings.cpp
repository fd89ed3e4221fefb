// The NUL-byte check: every config string that reaches a system call.
#include "json_reader.hpp"
#include "validate_support.hpp"

namespace ocrt::spec::detail {
namespace {

void check_one(const std::string &value, const std::string &pointer, Report &report) {
    if (value.find('\0') != std::string::npos) report.error(pointer, "must not contain a NUL byte");
}

void check_list(const std::vector<std::string> &values, const std::string &pointer, Report &report) {
    for (std::size_t i = 0; i < values.size(); ++i) check_one(values[i], child_pointer(pointer, i), report);
}

void check_hooks(const std::vector<Hook> &hooks, const std::string &pointer, Report &report) {
    for (std::size_t i = 0; i < hooks.size(); ++i) {
        std::string ptr = child_pointer(pointer, i);
        check_one(hooks[i].path, ptr + "/path", report);
        check_list(hooks[i].args, ptr + "/args", report);
        check_list(hooks[i].env, ptr + "/env", report);
    }
}

void check_linux(const LinuxConfig &os, Report &report) {
    for (std::size_t i = 0; i < os.namespaces.size(); ++i)
        check_one(os.namespaces[i].path, child_pointer("/linux/namespaces", i) + "/path", report);
    for (std::size_t i = 0; i < os.devices.size(); ++i)
        check_one(os.devices[i].path, child_pointer("/linux/devices", i) + "/path", report);
    for (const auto &[host_name, device] : os.net_devices) {
        std::string ptr = child_pointer("/linux/netDevices", host_name);
        check_one(host_name, ptr, report);
        check_one(device.name, ptr + "/name", report);
    }
    check_one(os.cgroups_path, "/linux/cgroupsPath", report);
    for (const auto &[key, value] : os.sysctl) {
        std::string ptr = child_pointer("/linux/sysctl", key);
        check_one(key, ptr, report);
        check_one(value, ptr, report);
    }
    check_list(os.masked_paths, "/linux/maskedPaths", report);
    check_list(os.readonly_paths, "/linux/readonlyPaths", report);
    check_one(os.mount_label, "/linux/mountLabel", report);
    if (os.seccomp) {
        check_one(os.seccomp->listener_path, "/linux/seccomp/listenerPath", report);
        for (std::size_t i = 0; i < os.seccomp->syscalls.size(); ++i)
            check_list(os.seccomp->syscalls[i].names, child_pointer("/linux/seccomp/syscalls", i) + "/names",
                       report);
    }
    if (os.resources)
        for (const auto &[key, value] : os.resources->unified) {
            std::string ptr = child_pointer("/linux/resources/unified", key);
            check_one(key, ptr, report);
            check_one(value, ptr, report);
        }
}

}  // namespace

void check_process_no_nul_bytes(const Process &p, const std::string &base, Report &report) {
    check_list(p.args, base + "/args", report);
    check_list(p.env, base + "/env", report);
    check_one(p.cwd, base + "/cwd", report);
    check_one(p.user.username, base + "/user/username", report);
    check_one(p.apparmor_profile, base + "/apparmorProfile", report);
    check_one(p.selinux_label, base + "/selinuxLabel", report);
}

void check_no_nul_bytes(const Config &config, Report &report) {
    check_one(config.root.path, "/root/path", report);
    for (std::size_t i = 0; i < config.mounts.size(); ++i) {
        const Mount &m = config.mounts[i];
        std::string ptr = child_pointer("/mounts", i);
        check_one(m.destination, ptr + "/destination", report);
        check_one(m.source, ptr + "/source", report);
        check_one(m.type, ptr + "/type", report);
        check_list(m.options, ptr + "/options", report);
    }
    check_one(config.hostname, "/hostname", report);
    check_one(config.domainname, "/domainname", report);
    const Hooks &h = config.hooks;
    check_hooks(h.prestart, "/hooks/prestart", report);
    check_hooks(h.create_runtime, "/hooks/createRuntime", report);
    check_hooks(h.create_container, "/hooks/createContainer", report);
    check_hooks(h.start_container, "/hooks/startContainer", report);
    check_hooks(h.poststart, "/hooks/poststart", report);
    check_hooks(h.poststop, "/hooks/poststop", report);
    if (config.linux_) check_linux(*config.linux_, report);
    // process strings are covered by validate_process.
}

}  // namespace ocrt::spec::detail
