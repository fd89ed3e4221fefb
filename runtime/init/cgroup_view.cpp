#include "cgroup_view.hpp"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>

namespace ocrt::init {

namespace {

constexpr std::string_view kCgroupRoot = "/sys/fs/cgroup/";

std::string join(const std::vector<std::string> &words) {
    std::string out;
    for (const std::string &word : words) out += (out.empty() ? "" : ",") + word;
    return out;
}

}  // namespace

os::CgroupView make_cgroup_view(const cgroups::HostLayout &host, const std::map<std::string, std::string> &dirs,
                                bool own_namespace) {
    os::CgroupView view;
    view.pure_v2 = host.mode == cgroups::HostMode::Unified;
    view.own_namespace = own_namespace;
    for (const cgroups::Hierarchy &hierarchy : host.hierarchies) {
        os::CgroupHierarchyView entry;
        if (view.pure_v2) {
            if (!hierarchy.unified) continue;
        } else {
            // Only the hierarchies of the usual layout: /sys/fs/cgroup/<name>.
            const std::string &point = hierarchy.mount_point;
            if (point.rfind(kCgroupRoot, 0) != 0) continue;
            entry.name = point.substr(kCgroupRoot.size());
            if (entry.name.empty() || entry.name.find('/') != std::string::npos) continue;
        }
        entry.fs_type = hierarchy.unified ? "cgroup2" : "cgroup";
        if (hierarchy.unified) {
            auto found = dirs.find(cgroups::kUnifiedKey);
            if (found != dirs.end()) entry.own_dir = found->second;
        } else {
            entry.data = join(hierarchy.controllers);
            for (const std::string &controller : hierarchy.controllers) {
                auto found = dirs.find(controller);
                if (found == dirs.end()) continue;
                entry.own_dir = found->second;
                break;
            }
        }
        view.hierarchies.push_back(std::move(entry));
    }
    return view;
}

std::vector<std::pair<std::string, std::string>> host_cgroup_symlinks(const std::string &dir) {
    std::vector<std::pair<std::string, std::string>> links;
    DIR *stream = ::opendir(dir.c_str());
    if (!stream) return links;
    while (dirent *entry = ::readdir(stream)) {
        std::string name = entry->d_name;
        std::string path = dir + "/" + name;
        struct stat st {};
        if (::lstat(path.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) continue;
        std::array<char, 256> target{};
        ssize_t n = ::readlink(path.c_str(), target.data(), target.size() - 1);
        if (n <= 0) continue;
        std::string to(target.data(), static_cast<size_t>(n));
        if (to.find('/') != std::string::npos) continue;
        links.emplace_back(name, to);
    }
    ::closedir(stream);
    return links;
}

}  // namespace ocrt::init
