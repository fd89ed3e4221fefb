// One interface over the ways a container's cgroups can be managed. The driver is
// chosen at create (--cgroup-manager / --systemd-cgroup / settings file) and the
// Placement it resolves is kept in the container's state record, so later commands
// (which clients call without those flags) reopen the same cgroups.
#pragma once

#include <ocrt/base/result.hpp>
#include <ocrt/cgroups/files.hpp>
#include <ocrt/cgroups/host.hpp>
#include <ocrt/cgroups/systemd_bus.hpp>
#include <ocrt/spec/config.hpp>

#include <nlohmann/json.hpp>

#include <sys/types.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ocrt::cgroups {

// What the state record keeps of a container's cgroups.
struct Placement {
    std::string driver;                        // "cgroupfs" | "systemd" | "disabled"
    std::map<std::string, std::string> dirs;   // controller ("memory", "name=systemd", "unified") -> directory
    std::vector<std::string> created;          // the directories ocrt made, parents first; only these are removed
    std::string unit;                          // systemd: the transient unit ("ocrt-<id>.scope")
};

inline constexpr const char *kUnifiedKey = "unified";

// Every controller in the one cgroup2 directory: a pure v2 host's placement.
bool unified_only(const Placement &placement);
// The placement's directories, each once, in controller order.
std::vector<std::string> unique_dirs(const Placement &placement);

class Manager {
public:
    virtual ~Manager() = default;
    virtual const Placement &placement() const = 0;
    // The host's hierarchies as detected when the container was created; null for a
    // manager rebuilt from the state record (later commands do not need them).
    virtual const HostLayout *host_layout() const { return nullptr; }

    // Makes the missing directories (recorded in placement().created); a failure
    // removes what this call made.
    virtual Result<void> create() = 0;
    // Writes the resources (create: all of linux.resources; update: only what is set).
    virtual Result<void> apply(const spec::Resources &resources) = 0;
    // Refuses what apply() would refuse, judged against the cgroup as it is now
    // (checkBeforeUpdate's usage), writing nothing.
    virtual Result<void> check(const spec::Resources &resources) {
        (void)resources;
        return ok();
    }
    // Moves pid into the container's cgroup in every hierarchy.
    virtual Result<void> place(pid_t pid) = 0;

    virtual Result<void> freeze() = 0;
    virtual Result<void> thaw() = 0;
    virtual Result<bool> frozen() = 0;
    // Every process in the container's cgroup, sorted.
    virtual Result<std::vector<pid_t>> pids() = 0;
    // Freezes, signals each pid, thaws: nothing can fork away meanwhile. A paused
    // container stays paused, unless the signal is SIGKILL.
    virtual Result<void> signal_all(int signal) = 0;
    // runc's "stats" data object: cpu, memory, pids, blkio, hugetlb.
    virtual Result<nlohmann::ordered_json> stats() = 0;
    // Removes the directories in placement().created, deepest first: the container's
    // own, retrying for a short while as long as the kernel reports them busy; a parent
    // only when no other cgroup lives in it any more. Missing ones are fine.
    virtual Result<void> destroy() = 0;
};

// Resolves where a new container's cgroups go. driver: "cgroupfs" | "systemd" | "disabled".
// Errors: a bad cgroupsPath names /linux/cgroupsPath. annotations: the config's, for the
// systemd driver's org.systemd.property.* unit properties.
Result<std::unique_ptr<Manager>> manager_for_create(const std::string &driver, const std::string &cgroups_path,
                                                    const std::string &id, CgroupFiles &files = real_cgroup_files(),
                                                    const std::map<std::string, std::string> &annotations = {});

// Reopens what create recorded (empty driver: a record from before cgroups; no cgroup).
std::unique_ptr<Manager> manager_for_placement(Placement placement, CgroupFiles &files = real_cgroup_files());

// The cgroupfs v1 (and hybrid) driver over a resolved placement; used by the two above
// and by tests with a fake CgroupFiles.
std::unique_ptr<Manager> cgroupfs_manager(Placement placement, CgroupFiles &files,
                                          std::optional<HostLayout> host = std::nullopt);

// The systemd driver (systemd_manager.cpp). For create: the unit of cgroups_path
// ("slice:prefix:name") on this host, started by place() of the init; connect is
// called once, by create(). Reopened from a recorded placement: the same files as
// cgroupfs, the bus only for update (properties) and destroy (StopUnit).
using SystemdBusFactory = std::function<Result<std::unique_ptr<SystemdBus>>()>;
Result<std::unique_ptr<Manager>> systemd_manager_for_create(const HostLayout &host, const std::string &cgroups_path,
                                                            const std::string &id,
                                                            const std::map<std::string, std::string> &annotations,
                                                            CgroupFiles &files, SystemdBusFactory connect);
std::unique_ptr<Manager> systemd_manager(Placement placement, CgroupFiles &files, SystemdBusFactory connect);

// The placement of a cgroupfs container: each hierarchy's directory for the
// configured path, and the directories that do not exist yet. Pure but for `files.exists`.
Result<Placement> resolve_cgroupfs_placement(const HostLayout &host,
                                             const std::map<std::string, std::string> &own_cgroups,
                                             const std::string &cgroups_path, const std::string &id,
                                             CgroupFiles &files);

// True when the freezer state text says the cgroup is frozen.
bool is_frozen_state(const std::string &freezer_state);
// Whether the container's cgroup (as recorded) is frozen: freezer.state on v1,
// cgroup.freeze on a pure v2 host.
bool frozen_dirs(const std::map<std::string, std::string> &dirs, CgroupFiles &files = real_cgroup_files());

}  // namespace ocrt::cgroups
