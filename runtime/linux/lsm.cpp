#include <ocrt/linux/lsm.hpp>

#include <ocrt/base/fs.hpp>
#include <ocrt/base/text.hpp>
#include <ocrt/linux/mount_options.hpp>

#include <linux/magic.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cerrno>

namespace ocrt::os {

namespace {

using text::quoted;

bool apparmor_enabled() {
    if (::access("/sys/kernel/security/apparmor", F_OK) != 0) return false;
    auto enabled = fs::read_file("/sys/module/apparmor/parameters/enabled");
    return enabled && !enabled->empty() && (*enabled)[0] == 'Y';
}

bool selinux_enabled() {
    struct statfs st {};
    return ::statfs("/sys/fs/selinux", &st) == 0 && st.f_type == SELINUX_MAGIC;
}

// pointer empty: no "config.json: <pointer>: " in front.
Error not_enabled(const std::string &pointer, const std::string &what, const std::string &value,
                  const std::string &lsm) {
    std::string where = pointer.empty() ? "" : "config.json: " + pointer + ": ";
    return Error(where + what + " " + quoted(value) + " requested but " + lsm + " is not enabled on this host");
}

// base: "/process" for config.json, "" for an exec process.
Result<void> check_process_labels(const spec::Process &process, const LsmSupport &support, const std::string &base) {
    auto at = [&base](const char *field) { return base.empty() ? std::string() : base + "/" + field; };
    if (!process.apparmor_profile.empty() && !support.apparmor)
        return not_enabled(at("apparmorProfile"), "apparmor profile", process.apparmor_profile, "AppArmor");
    if (!process.selinux_label.empty() && !support.selinux)
        return not_enabled(at("selinuxLabel"), "selinux label", process.selinux_label, "SELinux");
    return ok();
}

}  // namespace

LsmSupport detect_lsm_support() { return LsmSupport{apparmor_enabled(), selinux_enabled()}; }

Result<void> check_lsm_requests(const spec::Config &config, const LsmSupport &support) {
    if (config.process) OCRT_TRY(check_process_labels(*config.process, support, "/process"));
    if (config.linux_ && !config.linux_->mount_label.empty() && !support.selinux)
        return not_enabled("/linux/mountLabel", "selinux mount label", config.linux_->mount_label, "SELinux");
    return ok();
}

Result<void> check_exec_lsm_requests(const spec::Process &process, const LsmSupport &support) {
    return check_process_labels(process, support, "");
}

Result<void> set_apparmor_exec_profile(const std::string &profile, Kernel &kernel) {
    const std::string request = "exec " + profile;
    auto written = kernel.write_file("/proc/self/attr/apparmor/exec", request);
    // Kernels before 5.8 have only the shared attr/exec.
    if (!written && written.error().code() == ENOENT) written = kernel.write_file("/proc/self/attr/exec", request);
    if (!written) return std::move(written).error().wrap("set apparmor profile " + quoted(profile));
    return ok();
}

Result<void> set_selinux_exec_label(const std::string &label, Kernel &kernel) {
    if (auto written = kernel.write_file("/proc/self/attr/exec", label); !written)
        return std::move(written).error().wrap("set selinux process label " + quoted(label));
    return ok();
}

Result<void> set_selinux_key_label(const std::string &label, Kernel &kernel) {
    if (auto written = kernel.write_file("/proc/self/attr/keycreate", label); !written)
        return std::move(written).error().wrap("set selinux keyring label " + quoted(label));
    return ok();
}

Result<void> apply_process_labels(const spec::Process &process, Kernel &kernel) {
    if (!process.apparmor_profile.empty()) OCRT_TRY(set_apparmor_exec_profile(process.apparmor_profile, kernel));
    if (!process.selinux_label.empty()) OCRT_TRY(set_selinux_exec_label(process.selinux_label, kernel));
    return ok();
}

std::string mount_label_option(const std::string &label) { return "context=\"" + label + "\""; }

bool takes_mount_label(const spec::Mount &mount) {
    if (mount.type == "bind" || parse_mount_options(mount.options).is_bind) return false;
    for (const char *type : {"proc", "sysfs", "mqueue", "cgroup", "cgroup2"})
        if (mount.type == type) return false;
    return true;
}

spec::Mount with_mount_label(spec::Mount mount, const std::string &label) {
    if (!label.empty() && takes_mount_label(mount)) mount.options.push_back(mount_label_option(label));
    return mount;
}

}  // namespace ocrt::os
