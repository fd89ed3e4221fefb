#include <ocrt/linux/userns.hpp>

#include <ocrt/base/fs.hpp>

#include <linux/capability.h>

#include <cstdlib>
#include <sstream>

namespace ocrt::os {

namespace {

// Whether this process has CAP_SETGID in its own user namespace (the parent of
// the child's new one), read from CapEff in /proc/self/status.
bool has_cap_setgid() {
    auto status = fs::read_file("/proc/self/status");
    if (!status) return false;
    std::istringstream lines(*status);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.rfind("CapEff:", 0) != 0) continue;
        unsigned long long effective = std::strtoull(line.c_str() + 7, nullptr, 16);
        return (effective >> CAP_SETGID) & 1ULL;
    }
    return false;
}

std::string proc_file(pid_t pid, const char *name) { return "/proc/" + std::to_string(pid) + "/" + name; }

}  // namespace

std::string render_id_map(const std::vector<spec::IdMapping> &mappings) {
    std::string out;
    for (const auto &m : mappings)
        out += std::to_string(m.container_id) + " " + std::to_string(m.host_id) + " " + std::to_string(m.size) + "\n";
    return out;
}

Result<void> write_id_maps(pid_t pid, const spec::LinuxConfig &linux_config, Kernel &kernel) {
    // Without CAP_SETGID over the parent namespace the kernel only accepts a
    // gid_map once setgroups(2) is disabled in the child's namespace.
    if (!linux_config.gid_mappings.empty() && !has_cap_setgid()) {
        if (auto denied = kernel.write_file(proc_file(pid, "setgroups"), "deny"); !denied)
            return std::move(denied).error().wrap("disable setgroups for the user namespace");
    }
    if (!linux_config.uid_mappings.empty()) {
        if (auto written = kernel.write_file(proc_file(pid, "uid_map"), render_id_map(linux_config.uid_mappings));
            !written)
            return std::move(written).error().wrap("write uid mappings");
    }
    if (!linux_config.gid_mappings.empty()) {
        if (auto written = kernel.write_file(proc_file(pid, "gid_map"), render_id_map(linux_config.gid_mappings));
            !written)
            return std::move(written).error().wrap("write gid mappings");
    }
    return ok();
}

std::string render_time_offsets(const std::map<std::string, spec::TimeOffset> &offsets) {
    std::string out;
    for (const auto &[clock, offset] : offsets)
        out += clock + " " + std::to_string(offset.secs) + " " + std::to_string(offset.nanosecs) + "\n";
    return out;
}

}  // namespace ocrt::os
