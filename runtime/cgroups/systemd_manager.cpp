// The systemd driver: the container's cgroup is a transient unit (a scope holding the
// init, or a slice) that systemd creates over D-Bus, with the resources as unit
// properties so systemd keeps them (a daemon-reload rewrites the cgroup files from
// the unit). The resources are then also written to the cgroup files by the cgroupfs
// writers, so the result equals the cgroupfs driver; pause, ps, kill --all and stats
// use the same files.
//
// A scope can only be started with a pid in it: create() and apply() only prepare,
// place() of the init (before it runs any user code) starts the unit.
#include <ocrt/cgroups/manager.hpp>

#include <ocrt/base/log.hpp>
#include <ocrt/cgroups/cgroup_path.hpp>
#include <ocrt/cgroups/systemd_path.hpp>
#include <ocrt/cgroups/systemd_properties.hpp>

#include <algorithm>
#include <cerrno>
#include <sstream>

namespace ocrt::cgroups {
namespace {

// What a new unit is made of, besides the placement.
struct NewUnit {
    std::string id;
    std::string slice;
    std::vector<UnitProperty> annotation_properties;
};

class SystemdManager final : public Manager {
public:
    SystemdManager(Placement placement, CgroupFiles &files, SystemdBusFactory connect, std::optional<HostLayout> host,
                   std::optional<NewUnit> new_unit)
        : placement_(std::move(placement)),
          files_(files),
          connect_(std::move(connect)),
          host_(std::move(host)),
          new_unit_(std::move(new_unit)) {}

    const Placement &placement() const override { return placement_; }
    const HostLayout *host_layout() const override { return host_ ? &*host_ : nullptr; }

    // Nothing to make before the init exists; systemd must answer now, though, so a
    // host without it fails before any process does.
    Result<void> create() override {
        if (!new_unit_) return ok();
        SystemdBus &bus = OCRT_TRY(connected());
        auto version = bus.manager_version();
        if (!version) return std::move(version).error().wrap("systemd cgroup driver");
        version_ = *version;
        return ok();
    }

    Result<void> apply(const spec::Resources &resources) override {
        if (new_unit_ && !started_) {
            // Properties are checked now (before the clone); the files once the unit is up.
            pending_properties_ = OCRT_TRY(resource_properties(resources, target()));
            pending_ = resources;
            return ok();
        }
        SystemdBus &bus = OCRT_TRY(connected());
        if (version_ == 0)
            if (auto version = bus.manager_version()) version_ = *version;
        std::vector<UnitProperty> properties = OCRT_TRY(resource_properties(resources, target()));
        // systemd applies a property at once: what the file writes below would refuse
        // (a memory limit below the usage under checkBeforeUpdate, which systemd would
        // meet with an OOM kill) is refused before systemd is asked.
        OCRT_TRY(files_manager()->check(resources));
        if (!properties.empty()) OCRT_TRY(bus.set_unit_properties(placement_.unit, properties));
        return files_manager()->apply(resources);
    }

    Result<void> place(pid_t pid) override {
        if (new_unit_ && !started_) return start(pid);
        return files_manager()->place(pid);
    }

    Result<void> freeze() override { return files_manager()->freeze(); }
    Result<void> thaw() override { return files_manager()->thaw(); }
    Result<bool> frozen() override { return files_manager()->frozen(); }
    Result<std::vector<pid_t>> pids() override { return files_manager()->pids(); }
    Result<void> signal_all(int signal) override { return files_manager()->signal_all(signal); }
    Result<nlohmann::ordered_json> stats() override { return files_manager()->stats(); }

    // Stops the unit (systemd kills what is left and removes its cgroup), then makes
    // sure the directories are gone. A create that never got its unit has nothing to stop.
    Result<void> destroy() override {
        if (new_unit_ && !unit_ours_) return ok();
        std::optional<Error> failure;
        auto bus = connected();
        if (!bus) {
            failure = std::move(bus).error();
        } else {
            auto stopped = bus->get().stop_unit(placement_.unit);
            if (!stopped && stopped.error().code() != ENOENT) failure = std::move(stopped).error();
            (void)bus->get().reset_failed_unit(placement_.unit);  // a failed unit would keep its name
        }
        auto removed = files_manager()->destroy();
        if (failure) return *failure;
        return removed;
    }

private:
    Result<std::reference_wrapper<SystemdBus>> connected() {
        if (!bus_) bus_ = OCRT_TRY(connect_());
        return std::ref(*bus_);
    }

    bool is_slice() const { return placement_.unit.ends_with(".slice"); }

    SystemdTarget target() const {
        SystemdTarget t;
        t.version = version_;
        t.unified = host_ ? host_->mode == HostMode::Unified : unified_only(placement_);
        return t;
    }

    std::unique_ptr<Manager> files_manager() { return cgroupfs_manager(placement_, files_, host_); }

    // What every unit of ocrt gets (as runc): no default dependencies, so stopping
    // never waits for shutdown. resource_properties() switches the accounting on.
    std::vector<UnitProperty> fixed_properties() const {
        std::vector<UnitProperty> properties;
        properties.push_back({"Description", std::string("ocrt container " + new_unit_->id)});
        if (is_slice()) {
            properties.push_back({"Wants", std::vector<std::string>{new_unit_->slice}});
        } else {
            properties.push_back({"Slice", new_unit_->slice});
            properties.push_back({"Delegate", true});
        }
        properties.push_back({"DefaultDependencies", false});
        return properties;
    }

    Result<void> start(pid_t pid) {
        SystemdBus &bus = OCRT_TRY(connected());
        std::vector<UnitProperty> properties = fixed_properties();
        properties.insert(properties.end(), pending_properties_.begin(), pending_properties_.end());
        // After the resources: systemd applies properties in order, the annotations win.
        const auto &annotations = new_unit_->annotation_properties;
        properties.insert(properties.end(), annotations.begin(), annotations.end());
        // A slice holds no pids of its own asking; the init is moved in below.
        auto started = bus.start_transient_unit(placement_.unit, is_slice() ? 0 : pid, properties);
        if (!started) {
            // Someone else's unit of that name: not ours to stop or remove.
            if (started.error().code() == EEXIST) return std::move(started).error();
            unit_ours_ = true;  // the job may have left a failed unit: destroy() clears it
            return std::move(started).error();
        }
        unit_ours_ = true;
        started_ = true;
        if (unified_only(placement_)) {
            enable_v2_controllers();
            if (is_slice()) OCRT_TRY(files_manager()->place(pid));
        } else {
            OCRT_TRY(join_v1_hierarchies(pid));
        }
        return files_manager()->apply(pending_);
    }

    // systemd enables only the controllers it manages below the slices (not hugetlb,
    // rdma, misc): pass every available one down to the unit's parent, as runc does.
    // Best effort: a limit on a controller that is still missing fails clearly later.
    void enable_v2_controllers() {
        const std::string &leaf = placement_.dirs.at(kUnifiedKey);
        const Hierarchy *unified = host_ ? host_->unified() : nullptr;
        if (!unified) return;
        std::vector<std::string> chain;
        for (std::string at = parent_directory(leaf); at.size() >= unified->mount_point.size(); at = parent_directory(at)) {
            chain.push_back(at);
            if (at == unified->mount_point) break;
        }
        std::reverse(chain.begin(), chain.end());
        for (const std::string &dir : chain) {
            auto available = files_.read(dir + "/cgroup.controllers");
            auto enabled = files_.read(dir + "/cgroup.subtree_control");
            if (!available || !enabled) continue;
            std::istringstream in(*available);
            std::string have = " " + *enabled + " ";
            for (char &c : have)
                if (c == '\n') c = ' ';
            for (std::string controller; in >> controller;)
                if (have.find(" " + controller + " ") == std::string::npos)
                    (void)files_.write(dir + "/cgroup.subtree_control", "+" + controller);
        }
    }

    // v1 and hybrid hosts: systemd made the unit's cgroup in the hierarchies it manages;
    // the others (cpuset, net_cls, ...) get the same path from us, and the init is
    // written into every one (as runc does). What we make is recorded for delete.
    Result<void> join_v1_hierarchies(pid_t pid) {
        std::vector<std::string> made;
        for (const Hierarchy &hierarchy : host_ ? host_->hierarchies : std::vector<Hierarchy>{}) {
            std::string key = hierarchy.unified ? std::string(kUnifiedKey) : hierarchy.controllers.front();
            auto found = placement_.dirs.find(key);
            if (found == placement_.dirs.end()) continue;
            std::vector<std::string> missing;
            for (std::string at = found->second; at.size() > hierarchy.mount_point.size() && !files_.exists(at);
                 at = parent_directory(at))
                missing.push_back(at);
            std::reverse(missing.begin(), missing.end());
            for (const std::string &dir : missing) {
                auto done = files_.mkdir(dir);
                if (!done && done.error().code() != EEXIST) return std::move(done).error().wrap("join the unit's cgroups");
                if (done) made.push_back(dir);
                if (std::find(hierarchy.controllers.begin(), hierarchy.controllers.end(), "cpuset") !=
                    hierarchy.controllers.end())
                    OCRT_TRY(inherit_cpuset(dir));
            }
        }
        // Parents first, then the unit's own directories.
        for (const std::string &dir : placement_.created)
            if (std::find(made.begin(), made.end(), dir) == made.end()) made.push_back(dir);
        placement_.created = made;
        for (const std::string &dir : unique_dirs(placement_))
            if (auto placed = files_.write(dir + "/cgroup.procs", std::to_string(pid)); !placed)
                return std::move(placed).error().wrap("place pid " + std::to_string(pid) + " in its cgroup");
        return ok();
    }

    // A new v1 cpuset cgroup has no cpus and no mems: no task may run there yet.
    Result<void> inherit_cpuset(const std::string &dir) {
        for (const char *file : {"cpuset.cpus", "cpuset.mems"}) {
            auto mine = files_.read(dir + "/" + file);
            if (mine && mine->find_first_not_of(" \n") != std::string::npos) continue;
            std::string inherited = OCRT_TRY(files_.read(parent_directory(dir) + "/" + file));
            OCRT_TRY(files_.write(dir + "/" + file, inherited));
        }
        return ok();
    }

    Placement placement_;
    CgroupFiles &files_;
    SystemdBusFactory connect_;
    std::unique_ptr<SystemdBus> bus_;
    std::optional<HostLayout> host_;
    std::optional<NewUnit> new_unit_;  // set for create: the unit still to be started
    std::vector<UnitProperty> pending_properties_;
    spec::Resources pending_;
    int version_ = 0;
    bool started_ = false;    // the unit is up (create path)
    bool unit_ours_ = false;  // a unit of this name was started by us (create path)
};

}  // namespace

Result<std::unique_ptr<Manager>> systemd_manager_for_create(const HostLayout &host, const std::string &cgroups_path,
                                                            const std::string &id,
                                                            const std::map<std::string, std::string> &annotations,
                                                            CgroupFiles &files, SystemdBusFactory connect) {
    SystemdUnitPath path = OCRT_TRY(resolve_systemd_path(cgroups_path, id));
    NewUnit unit{id, path.slice, OCRT_TRY(annotation_properties(annotations))};
    // The unit's cgroup is "/<slice path>/<unit>" in every hierarchy systemd runs.
    Placement placement = OCRT_TRY(resolve_cgroupfs_placement(host, {}, path.cgroup, id, files));
    placement.driver = "systemd";
    placement.unit = path.unit;
    // Only the unit's own directories: the slices above are systemd's.
    placement.created = unique_dirs(placement);
    return std::unique_ptr<Manager>(
        new SystemdManager(std::move(placement), files, std::move(connect), host, std::move(unit)));
}

std::unique_ptr<Manager> systemd_manager(Placement placement, CgroupFiles &files, SystemdBusFactory connect) {
    return std::make_unique<SystemdManager>(std::move(placement), files, std::move(connect), std::nullopt,
                                            std::nullopt);
}

}  // namespace ocrt::cgroups
