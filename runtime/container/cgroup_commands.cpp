#include <ocrt/container/cgroup_commands.hpp>

#include "lifecycle_internal.hpp"

#include <ocrt/cgroups/manager.hpp>
#include <ocrt/base/fs.hpp>
#include <ocrt/container/config_snapshot.hpp>
#include <ocrt/container/id.hpp>

#include <cerrno>
#include <csignal>

namespace ocrt::container {
namespace detail {

void record_cgroups(Record &record, const cgroups::Placement &placement) {
    record.cgroup_manager = placement.driver;
    record.cgroup_dirs = placement.dirs;
    record.cgroups_created = placement.created;
    record.cgroup_unit = placement.unit;
}

std::unique_ptr<cgroups::Manager> recorded_cgroups(const Record &record) {
    cgroups::Placement placement;
    // A record without directories (cgroups disabled, or written before cgroups) has none to manage.
    placement.driver = record.cgroup_dirs.empty() ? "disabled" : record.cgroup_manager;
    placement.dirs = record.cgroup_dirs;
    placement.created = record.cgroups_created;
    placement.unit = record.cgroup_unit;
    return cgroups::manager_for_placement(std::move(placement));
}

Result<void> signal_cgroup(const Record &record, int signal) {
    auto signalled = recorded_cgroups(record)->signal_all(signal);
    if (!signalled && signalled.error().code() == ENOENT) return ok();
    return signalled;
}

Result<void> join_recorded_cgroups(const Record &record, pid_t pid) {
    return recorded_cgroups(record)->place(pid);
}

Result<void> remove_cgroups(const Record &record) {
    if (record.cgroups_created.empty()) return ok();
    auto cgroups = recorded_cgroups(record);
    // Processes outside a private pid namespace can outlive the init; they would keep
    // the cgroup busy. Only a cgroup ocrt made is emptied this way.
    auto members = cgroups->pids();
    if (members && !members->empty()) OCRT_TRY(signal_cgroup(record, SIGKILL));
    return cgroups->destroy();
}

}  // namespace detail

namespace {

struct Opened {
    ContainerDir dir;
    Record record;
    Status status;
};

Result<Opened> open_container(const std::string &root, const std::string &id, bool lock) {
    OCRT_TRY(validate_id(id));
    ContainerDir dir = OCRT_TRY(open_container_dir(root, id, lock));
    Record record = OCRT_TRY(dir.read_record());
    Status status = detail::live_status(dir, record);
    return Opened{std::move(dir), std::move(record), status};
}

}  // namespace

Result<void> pause(const std::string &root, const std::string &id) {
    Opened c = OCRT_TRY(open_container(root, id, /*lock=*/true));
    if (c.status != Status::Running && c.status != Status::Created) return Error("container not running");
    return detail::recorded_cgroups(c.record)->freeze();
}

Result<void> resume(const std::string &root, const std::string &id) {
    Opened c = OCRT_TRY(open_container(root, id, /*lock=*/true));
    if (c.status != Status::Paused) return Error("container not paused");
    return detail::recorded_cgroups(c.record)->thaw();
}

Result<std::vector<pid_t>> pids(const std::string &root, const std::string &id) {
    Opened c = OCRT_TRY(open_container(root, id, /*lock=*/false));
    auto members = detail::recorded_cgroups(c.record)->pids();
    // A stopped container whose cgroup is already gone has no processes.
    if (!members && members.error().code() == ENOENT) return std::vector<pid_t>{};
    return members;
}

namespace {

// The snapshot's linux.resources with the update merged in; absent snapshot: nothing to do.
Result<void> remember_update(ContainerDir &dir, const std::string &resources_json) {
    auto text = fs::read_file(dir.path() + "/" + kConfigSnapshotName);
    if (!text) return ok();
    nlohmann::json config = nlohmann::json::parse(*text, nullptr, false);
    nlohmann::json update = nlohmann::json::parse(resources_json, nullptr, false);
    if (config.is_discarded() || !config.is_object() || !update.is_object()) return ok();
    update.erase("devices");
    config["linux"]["resources"].merge_patch(update);
    return save_config_snapshot(dir, config.dump(2) + "\n");
}

}  // namespace

Result<void> update(const std::string &root, const std::string &id, const spec::Resources &resources,
                    const std::string &resources_json) {
    Opened c = OCRT_TRY(open_container(root, id, /*lock=*/true));
    if (c.status == Status::Stopped) return Error("container not running");
    // Device rules are fixed at create (runc's update has no device flags either).
    spec::Resources without_devices = resources;
    without_devices.devices.clear();
    // checkBeforeUpdate given at create (or by an earlier update) keeps guarding later
    // updates that do not say (runc keeps it in the container's cgroup config).
    if (without_devices.memory && !without_devices.memory->check_before_update) {
        auto snapshot = load_config_snapshot(c.dir.path());
        if (snapshot && snapshot->linux_ && snapshot->linux_->resources && snapshot->linux_->resources->memory)
            without_devices.memory->check_before_update = snapshot->linux_->resources->memory->check_before_update;
    }
    OCRT_TRY(detail::recorded_cgroups(c.record)->apply(without_devices));
    return remember_update(c.dir, resources_json);
}

Result<nlohmann::ordered_json> stats(const std::string &root, const std::string &id) {
    Opened c = OCRT_TRY(open_container(root, id, /*lock=*/false));
    if (c.status == Status::Stopped) return Error("container with id " + id + " is not running");
    return detail::recorded_cgroups(c.record)->stats();
}

Result<cgroups::OomWatch> watch_oom(const std::string &root, const std::string &id) {
    Opened c = OCRT_TRY(open_container(root, id, /*lock=*/false));
    if (c.status == Status::Stopped) return Error("container with id " + id + " is not running");
    cgroups::Placement placement;
    placement.driver = c.record.cgroup_manager;
    placement.dirs = c.record.cgroup_dirs;
    return cgroups::OomWatch::open(placement);
}

}  // namespace ocrt::container
