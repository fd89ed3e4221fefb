// Choosing a driver and resolving where a container's cgroups go.
#include <ocrt/cgroups/manager.hpp>

#include <ocrt/base/fs.hpp>
#include <ocrt/cgroups/cgroup_path.hpp>
#include <ocrt/cgroups/host.hpp>

#include <algorithm>
#include <cerrno>
#include <set>

namespace ocrt::cgroups {
namespace {

Error no_cgroup() { return Error(ENOTSUP, "the container has no cgroup (created with --cgroup-manager=disabled)"); }

class DisabledManager final : public Manager {
public:
    explicit DisabledManager(Placement placement) : placement_(std::move(placement)) {}
    const Placement &placement() const override { return placement_; }
    Result<void> create() override { return ok(); }
    Result<void> apply(const spec::Resources &) override { return ok(); }
    Result<void> place(pid_t) override { return ok(); }
    Result<void> freeze() override { return no_cgroup(); }
    Result<void> thaw() override { return no_cgroup(); }
    Result<bool> frozen() override { return false; }
    Result<std::vector<pid_t>> pids() override { return no_cgroup(); }
    Result<void> signal_all(int) override { return no_cgroup(); }
    Result<nlohmann::ordered_json> stats() override { return no_cgroup(); }
    Result<void> destroy() override { return ok(); }

private:
    Placement placement_;
};

// Parents first: the missing directories from the mount point down to dir.
std::vector<std::string> missing_directories(const std::string &mount_point, const std::string &dir,
                                             CgroupFiles &files) {
    std::vector<std::string> missing;
    for (std::string at = dir; at.size() > mount_point.size() && !files.exists(at); at = parent_directory(at))
        missing.push_back(at);
    std::reverse(missing.begin(), missing.end());
    return missing;
}

}  // namespace

bool unified_only(const Placement &placement) {
    auto unified = placement.dirs.find(kUnifiedKey);
    if (unified == placement.dirs.end()) return false;
    for (const auto &[controller, dir] : placement.dirs)
        if (dir != unified->second) return false;
    return true;
}

std::vector<std::string> unique_dirs(const Placement &placement) {
    std::vector<std::string> dirs;
    for (const auto &[controller, dir] : placement.dirs)
        if (std::find(dirs.begin(), dirs.end(), dir) == dirs.end()) dirs.push_back(dir);
    return dirs;
}

bool is_frozen_state(const std::string &freezer_state) {
    return freezer_state.rfind("FROZEN", 0) == 0;
}

Result<Placement> resolve_cgroupfs_placement(const HostLayout &host, const std::map<std::string, std::string> &own,
                                             const std::string &cgroups_path, const std::string &id,
                                             CgroupFiles &files) {
    CgroupPath path = OCRT_TRY(resolve_cgroups_path(cgroups_path, id));
    Placement placement;
    placement.driver = "cgroupfs";
    std::set<std::string> seen;
    auto own_cgroup = [&](const std::string &key) {
        auto found = own.find(key);
        std::string cgroup = found == own.end() ? std::string("/") : found->second;
        // cgroup v2 has no internal processes: our own cgroup (a systemd service's,
        // with its shell in it) cannot get controllers for a child, so relative
        // paths go below its parent, as runc does; never change the caller's cgroup.
        if (key.empty() && cgroup != "/") cgroup = parent_directory(cgroup);
        return cgroup;
    };
    for (const Hierarchy &hierarchy : host.hierarchies) {
        std::string key = hierarchy.unified ? "" : hierarchy.controllers.front();
        std::string dir = directory_of(hierarchy, cgroup_in_hierarchy(path, own_cgroup(key)));
        if (hierarchy.unified) {
            placement.dirs[kUnifiedKey] = dir;
            // Controllers only cgroup2 has on a hybrid host (hugetlb here) are served there.
            for (const std::string &controller : hierarchy.controllers)
                if (host.find(controller) == &hierarchy) placement.dirs[controller] = dir;
        } else {
            for (const std::string &controller : hierarchy.controllers) placement.dirs[controller] = dir;
        }
        if (!seen.insert(dir).second) continue;
        for (std::string &missing : missing_directories(hierarchy.mount_point, dir, files))
            placement.created.push_back(std::move(missing));
    }
    return placement;
}

Result<std::unique_ptr<Manager>> manager_for_create(const std::string &driver, const std::string &cgroups_path,
                                                    const std::string &id, CgroupFiles &files,
                                                    const std::map<std::string, std::string> &annotations) {
    if (driver == "disabled") return std::unique_ptr<Manager>(new DisabledManager(Placement{"disabled", {}, {}, {}}));
    if (driver != "cgroupfs" && driver != "systemd" && !driver.empty())
        return Error("invalid cgroup manager \"" + driver + "\"");
    if (driver == "systemd" && !built_with_systemd())
        return Error(ENOTSUP, "ocrt was built without systemd support: the systemd cgroup manager is not available");
    HostLayout host = OCRT_TRY(detect_host());
    if (driver == "systemd")
        return systemd_manager_for_create(host, cgroups_path, id, annotations, files, connect_systemd_bus);
    std::string self = OCRT_TRY(fs::read_file("/proc/self/cgroup"));
    Placement placement = OCRT_TRY(resolve_cgroupfs_placement(host, parse_proc_cgroup(self), cgroups_path, id, files));
    return cgroupfs_manager(std::move(placement), files, std::move(host));
}

std::unique_ptr<Manager> manager_for_placement(Placement placement, CgroupFiles &files) {
    if (placement.driver == "cgroupfs") return cgroupfs_manager(std::move(placement), files);
    if (placement.driver == "systemd") return systemd_manager(std::move(placement), files, connect_systemd_bus);
    return std::unique_ptr<Manager>(new DisabledManager(std::move(placement)));
}

}  // namespace ocrt::cgroups
