// The starter config.json written by `ocrt spec`, in the spirit of `runc spec`.
// Security choices: empty inheritable and ambient sets (CVE-2022-24769), a
// read-only /sys/fs/cgroup (CVE-2023-25809), noNewPrivileges.
#include <ocrt/spec/defaults.hpp>

#include <nlohmann/json.hpp>

namespace ocrt::spec {
namespace {

using ordered_json = nlohmann::ordered_json;

ordered_json mount(const char *destination, const char *type, const char *source, ordered_json options) {
    ordered_json m;
    m["destination"] = destination;
    m["type"] = type;
    m["source"] = source;
    if (!options.empty()) m["options"] = std::move(options);
    return m;
}

ordered_json default_mounts(bool rootless) {
    ordered_json mounts = ordered_json::array();
    mounts.push_back(mount("/proc", "proc", "proc", ordered_json::array()));
    mounts.push_back(mount("/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}));
    // gid=5 (tty) is usually not mapped in a rootless user namespace.
    ordered_json devpts = {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"};
    if (!rootless) devpts.push_back("gid=5");
    mounts.push_back(mount("/dev/pts", "devpts", "devpts", devpts));
    mounts.push_back(mount("/dev/shm", "tmpfs", "shm", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}));
    mounts.push_back(mount("/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"}));
    // Without a new network namespace sysfs cannot be mounted; bind the host's read-only.
    if (rootless)
        mounts.push_back(mount("/sys", "none", "/sys", {"rbind", "nosuid", "noexec", "nodev", "ro"}));
    else
        mounts.push_back(mount("/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"}));
    mounts.push_back(
        mount("/sys/fs/cgroup", "cgroup", "cgroup", {"nosuid", "noexec", "nodev", "relatime", "ro"}));
    return mounts;
}

ordered_json default_process() {
    const ordered_json caps = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"};
    ordered_json p;
    p["terminal"] = true;
    p["user"] = {{"uid", 0}, {"gid", 0}};
    p["args"] = {"sh"};
    p["env"] = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"};
    p["cwd"] = "/";
    p["capabilities"] = {{"bounding", caps},
                         {"effective", caps},
                         {"permitted", caps},
                         {"inheritable", ordered_json::array()},
                         {"ambient", ordered_json::array()}};
    p["rlimits"] = ordered_json::array({{{"type", "RLIMIT_NOFILE"}, {"hard", 1024}, {"soft", 1024}}});
    p["noNewPrivileges"] = true;
    return p;
}

ordered_json namespaces(bool rootless) {
    ordered_json out = ordered_json::array();
    const char *types[] = {"pid", "network", "ipc", "uts", "mount", "cgroup"};
    for (const char *t : types) {
        if (rootless && std::string_view(t) == "network") continue;  // rootless keeps the host network
        out.push_back({{"type", t}});
    }
    if (rootless) out.push_back({{"type", "user"}});
    return out;
}

ordered_json default_linux(bool rootless, unsigned uid, unsigned gid) {
    ordered_json os;
    if (rootless) {
        os["uidMappings"] = ordered_json::array({{{"containerID", 0}, {"hostID", uid}, {"size", 1}}});
        os["gidMappings"] = ordered_json::array({{{"containerID", 0}, {"hostID", gid}, {"size", 1}}});
    } else {
        // Deny every device; the default devices are allowed by the runtime itself.
        os["resources"] = {{"devices", ordered_json::array({{{"allow", false}, {"access", "rwm"}}})}};
    }
    os["namespaces"] = namespaces(rootless);
    os["maskedPaths"] = {"/proc/acpi",        "/proc/asound",        "/proc/interrupts", "/proc/kcore",
                         "/proc/keys",        "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
                         "/proc/sched_debug", "/proc/scsi",          "/sys/firmware",
                         "/sys/devices/virtual/powercap"};
    os["readonlyPaths"] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"};
    return os;
}

}  // namespace

std::string default_config_json(bool rootless, unsigned uid, unsigned gid) {
    ordered_json j;
    j["ociVersion"] = "1.3.0";
    j["process"] = default_process();
    j["root"] = {{"path", "rootfs"}, {"readonly", true}};
    j["hostname"] = "ocrt";
    j["mounts"] = default_mounts(rootless);
    j["linux"] = default_linux(rootless, uid, gid);
    return j.dump(1, '\t');
}

}  // namespace ocrt::spec
