// ocrt start / state / kill / delete / list. Mutating commands hold the
// container's lock from reading the record to the last change.
#include "lifecycle_internal.hpp"

#include <ocrt/cgroups/manager.hpp>
#include <ocrt/container/id.hpp>
#include <ocrt/container/notify_socket.hpp>
#include <ocrt/init/launch.hpp>

#include <dirent.h>
#include <pwd.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <csignal>

namespace ocrt::container {
namespace detail {

Status live_status(const ContainerDir &dir, const Record &record) {
    return derive_status(record, dir.path(), dir.locked_by_other());
}

Result<void> kill_and_wait(const Record &record) {
    auto init = ProcessHandle::open(record.oci.pid, record.init_start_time);
    if (!init) return ok();  // already gone
    if (auto sent = init->signal(SIGKILL); !sent && sent.error().code() != ESRCH) return std::move(sent).error();
    if (!init->wait_exit(kKillTimeout))
        return Error("init " + std::to_string(record.oci.pid) + " still running " +
                     std::to_string(kKillTimeout.count()) + "s after SIGKILL");
    return ok();
}

}  // namespace detail

namespace {

using detail::live_status;

Error start_refused(Status status) {
    switch (status) {
    case Status::Stopped: return Error("cannot start a container that has stopped");
    case Status::Running: return Error("cannot start an already running container");
    default: return Error("cannot start a container in the " + std::string(status_name(status)) + " state");
    }
}

// The OCI document as `state` prints it: live status, pid 0 unless an init lives.
spec::State present(Record record, Status status) {
    record.oci.status = std::string(status_name(status));
    if (!has_live_init(status)) record.oci.pid = 0;
    return std::move(record.oci);
}

// "#uid" when the owner has no name, as runc's list does.
std::string owner_name(uid_t uid) {
    passwd entry{};
    passwd *found = nullptr;
    char buffer[4096];
    if (::getpwuid_r(uid, &entry, buffer, sizeof buffer, &found) == 0 && found != nullptr) return found->pw_name;
    return "#" + std::to_string(uid);
}

Result<std::vector<std::string>> container_names(const std::string &root) {
    DIR *stream = ::opendir(root.c_str());
    if (stream == nullptr) {
        int err = errno;
        if (err == ENOENT) return std::vector<std::string>{};
        return Error(err, "open state root \"" + root + "\"");
    }
    std::vector<std::string> names;
    while (dirent *entry = ::readdir(stream)) {
        std::string name = entry->d_name;
        // Skips ".", "..", claims in progress ("~creating-...") and anything foreign.
        if (entry->d_type != DT_DIR && entry->d_type != DT_UNKNOWN) continue;
        if (validate_id(name)) names.push_back(std::move(name));
    }
    ::closedir(stream);
    std::sort(names.begin(), names.end());
    return names;
}

}  // namespace

Result<void> start(const std::string &root, const std::string &id, const std::string &notify_socket,
                   pid_t notify_main_pid) {
    OCRT_TRY(validate_id(id));
    ContainerDir dir = OCRT_TRY(open_container_dir(root, id, /*lock=*/true));
    Record record = OCRT_TRY(dir.read_record());
    Status status = live_status(dir, record);
    if (!can_start(status)) return start_refused(status);
    spec::Hooks hooks = detail::saved_hooks(dir.path());
    // Bound before the release, so the process can notify from its first instruction.
    unique_fd notify;
    if (!notify_socket.empty() && notify_prepared(dir.path())) notify = OCRT_TRY(bind_notify_socket(dir.path()));
    OCRT_TRY(init::release_init(dir.path()));
    // Informational only: readers derive the status from the live init.
    record.oci.status = std::string(status_name(Status::Running));
    OCRT_TRY(dir.write_record(record));
    // Unlocked first: a poststart hook may itself call ocrt on this container, and
    // waiting for READY may take long: kill and delete must not queue behind us.
    dir.unlock();
    // config.md: after the user process started, before start returns.
    detail::run_poststart_hooks(hooks, record);
    if (!notify) return ok();
    pid_t main_pid = notify_main_pid > 0 ? notify_main_pid : record.oci.pid;
    return relay_ready(notify, notify_socket, record.oci.pid, record.init_start_time, main_pid);
}

Result<spec::State> state(const std::string &root, const std::string &id) {
    OCRT_TRY(validate_id(id));
    ContainerDir dir = OCRT_TRY(open_container_dir(root, id, /*lock=*/false));
    Record record = OCRT_TRY(dir.read_record());
    return present(record, live_status(dir, record));
}

Result<void> kill(const std::string &root, const std::string &id, int signal, bool all) {
    OCRT_TRY(validate_id(id));
    ContainerDir dir = OCRT_TRY(open_container_dir(root, id, /*lock=*/true));
    Record record = OCRT_TRY(dir.read_record());
    // --all signals every process in the container's cgroup, even after the init is gone.
    if (all && !record.cgroup_dirs.empty()) return detail::signal_cgroup(record, signal);
    // --all on a container with no process left has nothing to do (containerd relies on it).
    if (!can_kill(live_status(dir, record))) return all ? ok() : Error("container not running");
    auto init = ProcessHandle::open(record.oci.pid, record.init_start_time);
    if (!init) return all ? ok() : Error("container not running");
    if (auto sent = init->signal(signal); !sent) {
        if (sent.error().code() == ESRCH) return all ? ok() : Error("container not running");
        return std::move(sent).error();
    }
    return ok();
}

Result<void> remove(const std::string &root, const std::string &id, bool force) {
    OCRT_TRY(validate_id(id));
    // --force is how clients converge after crashes: clear dead creates' claims too.
    if (force) (void)sweep_abandoned_claims(root);
    auto opened = open_container_dir(root, id, /*lock=*/true);
    if (!opened) {
        // --force also clears what a crashed create or delete left behind.
        if (force) return remove_tree(root + "/" + id);
        return std::move(opened).error();
    }
    ContainerDir dir = std::move(opened).value();
    auto record = dir.read_record();
    if (!record) {
        if (force) return dir.destroy();
        return std::move(record).error();
    }
    Status status = live_status(dir, *record);
    if (!force && !can_delete(status))
        return Error("cannot delete container " + id + " that is not stopped: " + std::string(status_name(status)));
    // Every process of the cgroup goes (thawing a paused one), then the cgroups ocrt made.
    if (has_live_init(status) && !record->cgroup_dirs.empty()) OCRT_TRY(detail::signal_cgroup(*record, SIGKILL));
    if (has_live_init(status)) OCRT_TRY(detail::kill_and_wait(*record));
    OCRT_TRY(detail::remove_cgroups(*record));
    spec::Hooks hooks = detail::saved_hooks(dir.path());
    OCRT_TRY(dir.destroy());
    // config.md: after the container is deleted, before delete returns.
    detail::run_poststop_hooks(hooks, *record);
    return ok();
}

Result<std::vector<spec::State>> list(const std::string &root, std::vector<std::string> &warnings) {
    std::vector<spec::State> states;
    for (const std::string &id : OCRT_TRY(container_names(root))) {
        auto loaded = state(root, id);
        // Deleted between readdir and now: not an error, just gone.
        if (!loaded && loaded.error().message() == "container does not exist") continue;
        if (!loaded) {
            warnings.push_back("container \"" + id + "\": " + loaded.error().render());
            continue;
        }
        struct stat info;
        if (::stat((root + "/" + id).c_str(), &info) == 0) loaded->owner = owner_name(info.st_uid);
        states.push_back(std::move(loaded).value());
    }
    return states;
}

}  // namespace ocrt::container
