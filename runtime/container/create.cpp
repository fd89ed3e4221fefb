// ocrt create: config -> claimed state dir -> init waiting for start -> state.json
// and pid file. Any failure undoes everything done so far.
#include "console_socket.hpp"
#include "lifecycle_internal.hpp"

#include <ocrt/base/fs.hpp>
#include <ocrt/cgroups/manager.hpp>
#include <ocrt/container/config_snapshot.hpp>
#include <ocrt/container/id.hpp>
#include <ocrt/container/inherited_fds.hpp>
#include <ocrt/container/notify_socket.hpp>
#include <ocrt/container/pid_file.hpp>
#include <ocrt/init/launch.hpp>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <csignal>

namespace ocrt::container {
namespace detail {
namespace {

std::string in_quotes(const std::string &text) { return "\"" + text + "\""; }

Result<std::string> current_dir() {
    char buffer[PATH_MAX];
    if (::getcwd(buffer, sizeof buffer) == nullptr) {
        int err = errno;
        return Error(err, "get current directory");
    }
    return std::string(buffer);
}

// runc's checks and wording (cli-contract.md section 8): a detached terminal needs
// a console socket to hand the pty master to; a console socket needs both.
Result<void> check_terminal(const spec::Config &config, const CreateOptions &options) {
    bool terminal = config.process && config.process->terminal;
    if (terminal && options.detach && options.console_socket.empty())
        return Error("cannot allocate tty if ocrt will detach without setting console socket");
    if (!options.console_socket.empty() && !(terminal && options.detach))
        return Error("cannot use console socket if ocrt will not detach or allocate tty");
    return ok();
}

Result<void> check_rootfs(const std::string &rootfs) {
    struct stat info;
    if (::stat(rootfs.c_str(), &info) != 0) {
        int err = errno;
        return Error(err, "stat rootfs " + in_quotes(rootfs));
    }
    if (!S_ISDIR(info.st_mode)) return Error("rootfs " + in_quotes(rootfs) + " is not a directory");
    return ok();
}

Record initial_record(const CreateOptions &options, const spec::Config &config, const std::string &bundle,
                      const std::string &rootfs) {
    Record record;
    record.oci.oci_version = config.oci_version;
    record.oci.id = options.id;
    record.oci.status = std::string(status_name(Status::Creating));
    record.oci.bundle = bundle;
    record.oci.rootfs = rootfs;
    record.oci.created = now_rfc3339_nano_utc();
    record.oci.annotations = config.annotations;
    record.private_pid_namespace = has_private_pid_namespace(config);
    record.cgroup_manager = options.cgroup_manager;
    record.no_new_keyring = options.no_new_keyring;
    if (config.linux_) record.cgroups_path = config.linux_->cgroups_path;
    return record;
}

init::LaunchOptions launch_options(const CreateOptions &options, const Record &record, const std::string &state_dir,
                                   cgroups::Manager &cgroups) {
    init::LaunchOptions launch;
    launch.id = options.id;
    launch.bundle = record.oci.bundle;
    launch.rootfs = record.oci.rootfs;
    launch.state_dir = state_dir;
    launch.no_pivot = options.no_pivot;
    launch.no_new_keyring = options.no_new_keyring;
    // Socket activation fds come first; together they are one run from fd 3.
    launch.preserve_fds = options.listen_fds + options.preserve_fds;
    launch.console_socket = options.console_socket;
    launch.cgroups = &cgroups;
    return launch;
}

// The init is our child (launch_init clones it, and is subreaper across a second
// fork): kill it and reap it so nothing of a failed create stays behind.
void kill_launched_init(const init::LaunchedInit &launched) {
    if (auto handle = ProcessHandle::open(launched.pid, launched.start_time)) (void)handle->signal(SIGKILL);
    while (::waitpid(launched.pid, nullptr, 0) < 0 && errno == EINTR) {
    }
}

Error roll_back(ContainerDir &dir, cgroups::Manager &cgroups, Error failure) {
    if (auto removed = cgroups.destroy(); !removed) failure = with_cleanup_failure(std::move(failure), removed.error());
    if (auto removed = dir.destroy(); !removed) return with_cleanup_failure(std::move(failure), removed.error());
    return failure;
}

// After launch: the record and the pid file must exist before create returns.
Result<void> record_init(ContainerDir &dir, Record &record, const init::LaunchedInit &launched,
                         const std::string &pid_file) {
    record.oci.status = std::string(status_name(Status::Created));
    record.oci.pid = launched.pid;
    record.init_start_time = launched.start_time;
    OCRT_TRY(dir.write_record(record));
    if (!pid_file.empty()) OCRT_TRY(write_pid_file(pid_file, launched.pid));
    return ok();
}

// LISTEN_FDS/LISTEN_PID as sd_listen_fds(3) in the container expects them.
void pass_socket_activation(const CreateOptions &options, spec::Config &config) {
    if (options.listen_fds <= 0 || !config.process) return;
    set_env(config.process->env, "LISTEN_FDS", std::to_string(options.listen_fds));
    set_env(config.process->env, "LISTEN_PID", "1");
}

}  // namespace

Error with_cleanup_failure(Error primary, const Error &cleanup) {
    Error combined(primary.code(), primary.message() + " (clean-up failed too: " + cleanup.render() + ")");
    for (const std::string &frame : primary.context()) combined.wrap(frame);
    return combined;
}

Result<CreatedInit> create_container(const CreateOptions &options) {
    OCRT_TRY(validate_id(options.id));
    std::string cwd = OCRT_TRY(current_dir());
    std::string bundle = absolute_path(options.bundle.empty() ? cwd : options.bundle, cwd);
    std::string pid_file = options.pid_file.empty() ? "" : absolute_path(options.pid_file, cwd);
    std::string config_text = OCRT_TRY(fs::read_file(bundle + "/config.json"));
    spec::Config config = OCRT_TRY(parse_config_text(config_text));
    pass_socket_activation(options, config);
    std::string rootfs = absolute_path(config.root.path, bundle);
    OCRT_TRY(check_terminal(config, options));
    OCRT_TRY(check_rootfs(rootfs));

    Record record = initial_record(options, config, bundle, rootfs);
    // Resolved before anything exists, so a bad cgroupsPath leaves nothing behind; the
    // directories about to be made are in the first record already, so a crashed create
    // still tells delete what to remove.
    auto cgroups = OCRT_TRY(cgroups::manager_for_create(options.cgroup_manager, record.cgroups_path, options.id,
                                                        cgroups::real_cgroup_files(), config.annotations));
    record_cgroups(record, cgroups->placement());
    ContainerDir dir = OCRT_TRY(claim_container_dir(options.root, options.id, record));
    if (auto saved = save_config_snapshot(dir, config_text); !saved)
        return roll_back(dir, *cgroups, std::move(saved).error());
    init::LaunchOptions launch = launch_options(options, record, dir.path(), *cgroups);
    unique_fd notify_dir;  // attached at /run/notify by the init; ours until it is launched
    if (!options.notify_socket.empty()) {
        auto prepared = prepare_notify(dir.path(), config);
        if (!prepared) return roll_back(dir, *cgroups, std::move(prepared).error());
        notify_dir = std::move(prepared).value();
        launch.detached_mounts.push_back({notify_dir.get(), kNotifyDirInContainer});
    }
    auto launched = init::launch_init(config, launch);
    if (!launched) {
        Error failure = roll_back(dir, *cgroups, std::move(launched).error());
        // runtime.md Lifecycle steps 3-5: a failed create continues at delete, and
        // delete ends with the poststop hooks (step 13).
        run_poststop_hooks(config.hooks, record);
        return failure;
    }
    record_cgroups(record, cgroups->placement());
    if (auto recorded = record_init(dir, record, *launched, pid_file); !recorded) {
        kill_launched_init(*launched);
        return roll_back(dir, *cgroups, std::move(recorded).error());
    }
    if (!options.console_socket.empty()) {
        // Before Committed: if the client cannot take the pty, the init still dies with us.
        if (auto sent = detail::send_console_master(options.console_socket, launched->console_master); !sent) {
            kill_launched_init(*launched);
            if (!pid_file.empty()) ::unlink(pid_file.c_str());
            return roll_back(dir, *cgroups, std::move(sent).error());
        }
        launched->console_master.reset();
    }
    if (auto committed = init::commit_init(*launched); !committed) {
        kill_launched_init(*launched);
        if (!pid_file.empty()) ::unlink(pid_file.c_str());
        return roll_back(dir, *cgroups, std::move(committed).error().wrap("release init"));
    }
    dir.unlock();
    return CreatedInit{launched->pid, launched->start_time, std::move(launched->console_master)};
}

}  // namespace detail

Result<void> create(const CreateOptions &options) {
    // First, before ocrt opens anything that could take a missing fd's number.
    OCRT_TRY(check_inherited_fds(options.listen_fds, options.preserve_fds));
    OCRT_TRY(detail::create_container(options));
    return ok();
}

}  // namespace ocrt::container
