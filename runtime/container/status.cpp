#include <ocrt/container/status.hpp>

#include <ocrt/base/fs.hpp>
#include <ocrt/cgroups/manager.hpp>
#include <ocrt/init/launch.hpp>

#include <array>
#include <utility>

namespace ocrt::container {
namespace {

constexpr std::array<std::pair<Status, std::string_view>, 5> kNames = {{
    {Status::Creating, "creating"},
    {Status::Created, "created"},
    {Status::Running, "running"},
    {Status::Paused, "paused"},
    {Status::Stopped, "stopped"},
}};

}  // namespace

std::string_view status_name(Status status) {
    for (const auto &[value, name] : kNames)
        if (value == status) return name;
    return "unknown";
}

std::optional<Status> parse_status(std::string_view name) {
    for (const auto &[value, text] : kNames)
        if (text == name) return value;
    return std::nullopt;
}

Status derive_status(const Record &record, const std::string &state_dir, bool creator_running) {
    Observation seen;
    seen.recorded_creating = record.oci.status == status_name(Status::Creating);
    seen.creator_running = creator_running;
    if (!seen.recorded_creating) {
        seen.init = probe_process(record.oci.pid, record.init_start_time);
        // Only a live init can be waiting; skip the lstat otherwise.
        if (seen.init == ProcessState::Alive) seen.init_waiting = init::init_waiting(state_dir);
        if (seen.init == ProcessState::Alive) seen.frozen = cgroups::frozen_dirs(record.cgroup_dirs);
    }
    return classify(seen);
}

}  // namespace ocrt::container
