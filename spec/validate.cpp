// Semantic validation of a parsed config, as a table of small named checks
// (one rule each). Every check runs; all findings are reported together.
#include "validate.hpp"

#include "json_reader.hpp"
#include "validate_support.hpp"

#include <ocrt/spec/vocabulary.hpp>

#include <set>

namespace ocrt::spec::detail {
namespace {

using Check = void (*)(const Config &, Report &);

void check_root_path(const Config &c, Report &report) {
    if (c.root.path.empty()) report.error("/root/path", "must not be empty");
}

void check_process(const Config &c, Report &report) {
    if (c.process) validate_process(*c.process, "/process", report.errors);
}

void check_mounts(const Config &c, Report &report) {
    for (std::size_t i = 0; i < c.mounts.size(); ++i) {
        const Mount &m = c.mounts[i];
        std::string ptr = child_pointer("/mounts", i);
        if (m.destination.empty())
            report.error(ptr + "/destination", "must not be empty");
        else if (!is_absolute(m.destination))
            // config.md: relative destinations are deprecated, taken relative to "/".
            report.warn(ptr + "/destination", "relative mount destination " + quote_value(m.destination) +
                                                  " is deprecated; it is taken relative to \"/\"");
        if (m.uid_mappings.empty() != m.gid_mappings.empty())
            report.error(ptr + (m.uid_mappings.empty() ? "/uidMappings" : "/gidMappings"),
                         "uidMappings and gidMappings must be given together");
    }
}

void check_hostname_needs_uts(const Config &c, Report &report) {
    bool uts = c.linux_ && c.linux_->find_namespace(NamespaceType::Uts);
    if (!c.hostname.empty() && !uts)
        report.error("/hostname", "unable to set hostname without a private UTS namespace");
    if (!c.domainname.empty() && !uts)
        report.error("/domainname", "unable to set domainname without a private UTS namespace");
}

void check_hooks(const Config &c, Report &report) {
    auto check_list = [&](const std::vector<Hook> &hooks, const std::string &base) {
        for (std::size_t i = 0; i < hooks.size(); ++i) {
            std::string ptr = child_pointer(base, i);
            if (!is_absolute(hooks[i].path))
                report.error(ptr + "/path", "must be an absolute path, got " + quote_value(hooks[i].path));
            for (std::size_t k = 0; k < hooks[i].env.size(); ++k)
                if (!is_env_entry(hooks[i].env[k]))
                    report.error(child_pointer(ptr + "/env", k),
                                 "must be of the form KEY=VALUE, got " + quote_value(hooks[i].env[k]));
        }
    };
    check_list(c.hooks.prestart, "/hooks/prestart");
    check_list(c.hooks.create_runtime, "/hooks/createRuntime");
    check_list(c.hooks.create_container, "/hooks/createContainer");
    check_list(c.hooks.start_container, "/hooks/startContainer");
    check_list(c.hooks.poststart, "/hooks/poststart");
    check_list(c.hooks.poststop, "/hooks/poststop");
}

void check_namespaces(const Config &c, Report &report) {
    if (!c.linux_) return;
    std::set<NamespaceType> seen;
    for (std::size_t i = 0; i < c.linux_->namespaces.size(); ++i) {
        const Namespace &ns = c.linux_->namespaces[i];
        std::string ptr = child_pointer("/linux/namespaces", i);
        if (!seen.insert(ns.type).second)
            report.error(ptr + "/type", "duplicate namespace " + quote_value(namespace_name(ns.type)));
        if (!ns.path.empty() && !is_absolute(ns.path))
            report.error(ptr + "/path", "must be an absolute path, got " + quote_value(ns.path));
    }
}

// A new user namespace needs both maps; maps without a user namespace are meaningless.
void check_user_namespace_mappings(const Config &c, Report &report) {
    if (!c.linux_) return;
    const LinuxConfig &os = *c.linux_;
    const Namespace *userns = os.find_namespace(NamespaceType::User);
    if (!userns) {
        if (!os.uid_mappings.empty())
            report.error("/linux/uidMappings", "uid mappings given without a user namespace");
        if (!os.gid_mappings.empty())
            report.error("/linux/gidMappings", "gid mappings given without a user namespace");
    } else if (userns->path.empty()) {
        if (os.uid_mappings.empty())
            report.error("/linux/uidMappings", "user namespaces enabled, but no uid mappings found");
        if (os.gid_mappings.empty())
            report.error("/linux/gidMappings", "user namespaces enabled, but no gid mappings found");
    }
    auto check_sizes = [&](const std::vector<IdMapping> &maps, const std::string &base) {
        for (std::size_t i = 0; i < maps.size(); ++i)
            if (maps[i].size == 0) report.error(child_pointer(base, i) + "/size", "must be > 0");
    };
    check_sizes(os.uid_mappings, "/linux/uidMappings");
    check_sizes(os.gid_mappings, "/linux/gidMappings");
}

// Offsets can only be written before the first process enters a new time namespace.
void check_time_offsets(const Config &c, Report &report) {
    if (!c.linux_ || c.linux_->time_offsets.empty()) return;
    const Namespace *timens = c.linux_->find_namespace(NamespaceType::Time);
    if (!timens)
        report.error("/linux/timeOffsets", "time offsets need a time namespace");
    else if (!timens->path.empty())
        report.error("/linux/timeOffsets", "time offsets cannot be set when joining an existing time namespace");
}

void check_devices(const Config &c, Report &report) {
    if (!c.linux_) return;
    for (std::size_t i = 0; i < c.linux_->devices.size(); ++i) {
        const Device &d = c.linux_->devices[i];
        std::string ptr = child_pointer("/linux/devices", i);
        if (!is_absolute(d.path)) report.error(ptr + "/path", "must be an absolute path, got " + quote_value(d.path));
        if (d.type == "p") continue;  // a FIFO has no device numbers
        if (!d.major) report.error(ptr + "/major", "required for device type " + quote_value(d.type));
        if (!d.minor) report.error(ptr + "/minor", "required for device type " + quote_value(d.type));
    }
}

void check_masked_and_readonly_paths(const Config &c, Report &report) {
    if (!c.linux_) return;
    auto check_list = [&](const std::vector<std::string> &paths, const std::string &base) {
        for (std::size_t i = 0; i < paths.size(); ++i)
            if (!is_absolute(paths[i]))
                report.error(child_pointer(base, i), "must be an absolute path, got " + quote_value(paths[i]));
    };
    check_list(c.linux_->masked_paths, "/linux/maskedPaths");
    check_list(c.linux_->readonly_paths, "/linux/readonlyPaths");
}

// A ".." component would let the cgroup escape its parent.
void check_cgroups_path(const Config &c, Report &report) {
    if (!c.linux_) return;
    const std::string &path = c.linux_->cgroups_path;
    std::size_t start = 0;
    while (start <= path.size()) {
        std::size_t end = path.find('/', start);
        if (end == std::string::npos) end = path.size();
        std::string_view part(path.data() + start, end - start);
        if (part == "..") {
            report.error("/linux/cgroupsPath", "must not contain a \"..\" component, got " + quote_value(path));
            return;
        }
        start = end + 1;
    }
}

void check_memory_policy(const Config &c, Report &report) {
    if (!c.linux_ || !c.linux_->memory_policy) return;
    const MemoryPolicy &mp = *c.linux_->memory_policy;
    bool takes_no_nodes = mp.mode == "MPOL_DEFAULT" || mp.mode == "MPOL_LOCAL";
    bool needs_nodes = mp.mode == "MPOL_BIND" || mp.mode == "MPOL_INTERLEAVE" ||
                       mp.mode == "MPOL_WEIGHTED_INTERLEAVE" || mp.mode == "MPOL_PREFERRED_MANY";
    if (takes_no_nodes && !mp.nodes.empty())
        report.error("/linux/memoryPolicy/nodes", "must be empty for mode " + mp.mode);
    if (needs_nodes && mp.nodes.empty())
        report.error("/linux/memoryPolicy/nodes", "required for mode " + mp.mode);
}

void check_personality(const Config &c, Report &report) {
    if (!c.linux_ || !c.linux_->personality) return;
    const auto &flags = c.linux_->personality->flags;
    for (std::size_t i = 0; i < flags.size(); ++i)
        report.error(child_pointer("/linux/personality/flags", i),
                     "unsupported personality flag " + quote_value(flags[i]));
}

struct NamedCheck {
    std::string_view name;
    Check run;
};

constexpr NamedCheck kChecks[] = {
    {"root.path set", check_root_path},
    {"process", check_process},
    {"mount destinations and idmaps", check_mounts},
    {"hostname needs UTS namespace", check_hostname_needs_uts},
    {"hooks absolute with KEY=VALUE env", check_hooks},
    {"namespaces unique", check_namespaces},
    {"user namespace mappings", check_user_namespace_mappings},
    {"time offsets need time namespace", check_time_offsets},
    {"devices", check_devices},
    {"masked/readonly paths absolute", check_masked_and_readonly_paths},
    {"cgroupsPath without ..", check_cgroups_path},
    {"memory policy nodes", check_memory_policy},
    {"personality flags", check_personality},
    {"sysctls namespaced", check_sysctls},
    {"seccomp", check_seccomp},
    {"no NUL bytes", check_no_nul_bytes},
};

}  // namespace

void validate_config(const Config &config, std::vector<Diagnostic> &errors, std::vector<Diagnostic> &warnings) {
    Report report{errors, warnings};
    for (const auto &check : kChecks) check.run(config, report);
}

}  // namespace ocrt::spec::detail
