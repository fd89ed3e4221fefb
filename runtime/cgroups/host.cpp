#include <ocrt/cgroups/host.hpp>

#include <ocrt/base/fs.hpp>

#include <linux/magic.h>
#include <sys/vfs.h>

#include <algorithm>
#include <cerrno>
#include <set>
#include <sstream>

namespace ocrt::cgroups {
namespace {

// The v1 controllers the kernel knows (/proc/cgroups); anything else in the super
// options of a cgroup mount is an option such as "rw" or "xattr".
const std::set<std::string, std::less<>> kV1Controllers = {
    "cpuset",  "cpu",     "cpuacct", "blkio", "memory", "devices", "freezer",
    "net_cls", "perf_event", "net_prio", "hugetlb", "pids",  "rdma",  "misc",
};

std::vector<std::string> split(std::string_view text, char separator) {
    std::vector<std::string> parts;
    size_t start = 0;
    while (start <= text.size()) {
        size_t end = text.find(separator, start);
        if (end == std::string_view::npos) end = text.size();
        parts.emplace_back(text.substr(start, end - start));
        start = end + 1;
    }
    return parts;
}

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape(std::string_view field) {
    std::string out;
    for (size_t i = 0; i < field.size(); ++i) {
        if (field[i] == '\\' && i + 3 < field.size()) {
            std::string_view digits = field.substr(i + 1, 3);
            bool octal = std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '7'; });
            if (octal) {
                out += static_cast<char>((digits[0] - '0') * 64 + (digits[1] - '0') * 8 + (digits[2] - '0'));
                i += 3;
                continue;
            }
        }
        out += field[i];
    }
    return out;
}

std::vector<std::string> v1_controllers(std::string_view super_options) {
    std::vector<std::string> found;
    for (const std::string &option : split(super_options, ','))
        if (kV1Controllers.count(option) || option.rfind("name=", 0) == 0) found.push_back(option);
    return found;
}

bool same_hierarchy(const Hierarchy &a, const Hierarchy &b) {
    return a.unified == b.unified && a.controllers == b.controllers;
}

}  // namespace

std::string_view mode_name(HostMode mode) {
    switch (mode) {
    case HostMode::Legacy: return "v1";
    case HostMode::Hybrid: return "hybrid";
    case HostMode::Unified: return "unified";
    }
    return "unknown";
}

const Hierarchy *HostLayout::find(std::string_view controller) const {
    for (const Hierarchy &h : hierarchies)
        if (!h.unified && std::find(h.controllers.begin(), h.controllers.end(), controller) != h.controllers.end())
            return &h;
    for (const Hierarchy &h : hierarchies)
        if (h.unified && std::find(h.controllers.begin(), h.controllers.end(), controller) != h.controllers.end())
            return &h;
    return nullptr;
}

const Hierarchy *HostLayout::unified() const {
    for (const Hierarchy &h : hierarchies)
        if (h.unified) return &h;
    return nullptr;
}

std::vector<Hierarchy> parse_mountinfo(std::string_view text) {
    std::vector<Hierarchy> found;
    for (const std::string &line : split(text, '\n')) {
        // id parent major:minor root mount-point options [optional...] - fstype source super-options
        std::vector<std::string> fields;
        std::istringstream in(line);
        for (std::string field; in >> field;) fields.push_back(field);
        auto dash = std::find(fields.begin(), fields.end(), "-");
        if (fields.size() < 5 || dash == fields.end() || fields.end() - dash < 4) continue;
        const std::string &fstype = *(dash + 1);
        if (fstype != "cgroup" && fstype != "cgroup2") continue;
        Hierarchy hierarchy;
        hierarchy.root = unescape(fields[3]);
        hierarchy.mount_point = unescape(fields[4]);
        hierarchy.unified = fstype == "cgroup2";
        if (!hierarchy.unified) {
            hierarchy.controllers = v1_controllers(*(dash + 3));
            if (hierarchy.controllers.empty()) continue;
        }
        bool seen = std::any_of(found.begin(), found.end(),
                                [&](const Hierarchy &other) { return same_hierarchy(other, hierarchy); });
        if (!seen) found.push_back(std::move(hierarchy));
    }
    return found;
}

HostMode classify_mode(const std::vector<Hierarchy> &hierarchies, bool cgroup2_at_sys_fs_cgroup) {
    if (cgroup2_at_sys_fs_cgroup) return HostMode::Unified;
    bool has_v1 = std::any_of(hierarchies.begin(), hierarchies.end(), [](const Hierarchy &h) { return !h.unified; });
    bool has_v2 = std::any_of(hierarchies.begin(), hierarchies.end(), [](const Hierarchy &h) { return h.unified; });
    if (!has_v1 && has_v2) return HostMode::Unified;
    return has_v2 ? HostMode::Hybrid : HostMode::Legacy;
}

std::map<std::string, std::string> parse_proc_cgroup(std::string_view text) {
    std::map<std::string, std::string> paths;
    for (const std::string &line : split(text, '\n')) {
        size_t first = line.find(':');
        if (first == std::string::npos) continue;
        size_t second = line.find(':', first + 1);
        if (second == std::string::npos) continue;
        std::string controllers = line.substr(first + 1, second - first - 1);
        std::string path = line.substr(second + 1);
        if (controllers.empty()) {
            paths[""] = path;
            continue;
        }
        for (const std::string &controller : split(controllers, ',')) paths[controller] = path;
    }
    return paths;
}

Result<HostLayout> detect_host() {
    std::string mountinfo = OCRT_TRY(fs::read_file("/proc/self/mountinfo"));
    HostLayout layout;
    layout.hierarchies = parse_mountinfo(mountinfo);
    struct statfs info {};
    bool cgroup2_root = ::statfs("/sys/fs/cgroup", &info) == 0 && info.f_type == CGROUP2_SUPER_MAGIC;
    layout.mode = classify_mode(layout.hierarchies, cgroup2_root);
    for (Hierarchy &hierarchy : layout.hierarchies) {
        if (!hierarchy.unified) continue;
        // On a hybrid host the cgroup2 mount usually has no controllers (here: hugetlb only).
        if (auto controllers = fs::read_file(hierarchy.mount_point + "/cgroup.controllers")) {
            std::istringstream in(*controllers);
            for (std::string name; in >> name;) hierarchy.controllers.push_back(name);
        }
    }
    if (layout.hierarchies.empty()) return Error("no cgroup hierarchy is mounted");
    return layout;
}

}  // namespace ocrt::cgroups
