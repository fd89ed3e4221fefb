#include <ocrt/cgroups/cgroup_path.hpp>

#include <ocrt/base/fs.hpp>

namespace ocrt::cgroups {
namespace {

Error path_error(const std::string &configured, const std::string &problem) {
    return Error("config.json: /linux/cgroupsPath: \"" + configured + "\" " + problem);
}

std::string join(const std::vector<std::string> &parts, bool absolute) {
    std::string out = absolute ? "/" : "";
    for (size_t i = 0; i < parts.size(); ++i) {
        if (i > 0) out += "/";
        out += parts[i];
    }
    return out;
}

}  // namespace

Result<CgroupPath> resolve_cgroups_path(const std::string &configured, const std::string &id) {
    if (configured.empty()) {
        if (id.empty() || id == "." || id == "..") return Error("no container id to derive a cgroups path from");
        return CgroupPath{id, true};
    }
    if (configured.find('\0') != std::string::npos) return path_error(configured, "contains a NUL byte");
    bool absolute = configured.front() == '/';
    std::vector<std::string> kept;
    for (const std::string &part : fs::path_components(configured)) {
        if (part != "..") {
            kept.push_back(part);
            continue;
        }
        if (kept.empty())
            return path_error(configured, absolute ? "escapes the cgroup root with \"..\""
                                                   : "escapes ocrt's own cgroup with \"..\"");
        kept.pop_back();
    }
    if (kept.empty())
        return path_error(configured, absolute ? "names the root cgroup; give a cgroup below it"
                                               : "names ocrt's own cgroup; give a cgroup below it");
    return CgroupPath{join(kept, absolute), !absolute};
}

std::string cgroup_in_hierarchy(const CgroupPath &path, const std::string &own_cgroup) {
    if (!path.relative) return path.path;
    return fs::clean_path(own_cgroup + "/" + path.path);
}

std::string directory_of(const Hierarchy &hierarchy, const std::string &cgroup) {
    std::string inside = fs::clean_path(cgroup);
    std::string root = fs::clean_path(hierarchy.root);
    // A mount of a sub-cgroup (root "/x") shows "/x/y" at <mount>/y.
    if (root != "/" && (inside == root || inside.rfind(root + "/", 0) == 0)) inside = inside.substr(root.size());
    if (inside.empty() || inside == "/") return hierarchy.mount_point;
    return hierarchy.mount_point + inside;
}

std::string parent_directory(const std::string &path) {
    size_t slash = path.find_last_of('/');
    if (slash == std::string::npos) return ".";
    if (slash == 0) return "/";
    return path.substr(0, slash);
}

}  // namespace ocrt::cgroups
