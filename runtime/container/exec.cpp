// ocrt exec: checks the container and the process, then hands over to
// init::launch_exec (the namespace joins and the process's stages).
#include <ocrt/container/exec.hpp>

#include "console_socket.hpp"
#include "foreground.hpp"
#include "lifecycle_internal.hpp"

#include <ocrt/base/fs.hpp>
#include <ocrt/base/text.hpp>
#include <ocrt/container/config_snapshot.hpp>
#include <ocrt/container/id.hpp>
#include <ocrt/container/inherited_fds.hpp>
#include <ocrt/container/pid_file.hpp>
#include <ocrt/init/exec.hpp>
#include <ocrt/spec/load.hpp>
#include <ocrt/spec/vocabulary.hpp>

#include <signal.h>
#include <sys/prctl.h>

#include <algorithm>
#include <charconv>
#include <cerrno>

namespace ocrt::container {
namespace {

using text::quoted;

Result<uint32_t> parse_id_number(std::string_view text, std::string_view what) {
    uint32_t value = 0;
    auto [end, status] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || status != std::errc() || end != text.data() + text.size())
        return Error(EINVAL, std::string(what) + " " + quoted(text) + " is not a decimal number");
    return value;
}

// --env KEY=V replaces an earlier KEY (where it stood) and adds a new one at the end:
// the last value wins, as runc's exec sees it, and PATH lookup and getenv agree.
void set_env(std::vector<std::string> &env, const std::string &entry) {
    std::string key = entry.substr(0, entry.find('='));
    auto same_key = [&key](const std::string &existing) {
        return existing.compare(0, key.size(), key) == 0 &&
               (existing.size() == key.size() || existing[key.size()] == '=');
    };
    auto found = std::find_if(env.begin(), env.end(), same_key);
    if (found == env.end()) {
        env.push_back(entry);
        return;
    }
    *found = entry;
    env.erase(std::remove_if(found + 1, env.end(), same_key), env.end());
}

void add_once(std::optional<std::vector<std::string>> &set, const std::string &name) {
    if (!set) set.emplace();
    if (std::find(set->begin(), set->end(), name) == set->end()) set->push_back(name);
}

Error exec_refused(Status status) {
    switch (status) {
    case Status::Stopped: return Error("cannot exec in a stopped container");
    case Status::Paused: return Error("cannot exec in a paused container (use --ignore-paused to override)");
    default: return Error("cannot exec in a container in the " + std::string(status_name(status)) + " state");
    }
}

// runtime.md: a process may be added to a created or running container; runc also
// allows a paused one on request. Paused is only ever reported once the cgroups
// layer can see a frozen cgroup (HOOK(cgroups): derive_status).
Result<void> check_status(Status status, bool ignore_paused) {
    if (status == Status::Created || status == Status::Running) return ok();
    if (status == Status::Paused && ignore_paused) return ok();
    return exec_refused(status);
}

// --process FILE: a spec Process object; problems name the field inside that file.
Result<spec::Process> read_process_file(const std::string &path) {
    std::string text = OCRT_TRY(fs::read_file(path));
    spec::ParsedProcess parsed = spec::parse_process(text);
    if (!parsed.errors.empty()) {
        std::string all;
        for (const spec::Diagnostic &diagnostic : parsed.errors) {
            if (!all.empty()) all += "\n";
            all += spec::render(diagnostic, path);
        }
        return Error(all);
    }
    return std::move(*parsed.process);
}

Result<spec::Process> process_for(const spec::Config &config, const ExecOptions &options) {
    if (!options.process_file.empty()) return read_process_file(absolute_path(options.process_file, options.cwd));
    if (!config.process) return Error("config.json of the container has no \"process\" to start from");
    return process_from_flags(*config.process, options.flags);
}

// runc's rules and wording (cli-contract.md section 8), with our name.
Result<void> check_terminal(const spec::Process &process, const ExecOptions &options) {
    if (process.terminal && options.detach && options.console_socket.empty())
        return Error("cannot allocate tty if ocrt will detach without setting console socket");
    if (!options.console_socket.empty() && !(options.detach && process.terminal))
        return Error("cannot use console socket if ocrt will not detach or allocate tty");
    return ok();
}

// The exec process (the intermediate, before it enters the container; the process
// inherits its cgroup) joins the container's cgroups as recorded at create.
Result<void> join_container_cgroup(const Record &record, pid_t pid) {
    return detail::join_recorded_cgroups(record, pid);
}

// The pid file must only exist once the process runs (conmon takes a missing file
// as failure); if it cannot be written the process must not stay behind unseen.
Result<void> record_pid(const ExecOptions &options, pid_t pid) {
    if (options.pid_file.empty()) return ok();
    auto written = write_pid_file(absolute_path(options.pid_file, options.cwd), pid);
    if (!written) ::kill(pid, SIGKILL);
    return written;
}

}  // namespace

Result<ExecUser> parse_exec_user(std::string_view text) {
    ExecUser user;
    size_t colon = text.find(':');
    user.uid = OCRT_TRY(parse_id_number(text.substr(0, colon), "uid"));
    if (colon != std::string_view::npos) user.gid = OCRT_TRY(parse_id_number(text.substr(colon + 1), "gid"));
    return user;
}

Result<spec::Process> process_from_flags(const spec::Process &base, const ExecProcessFlags &flags) {
    spec::Process process = base;
    process.args = flags.args;
    for (const std::string &entry : flags.env) set_env(process.env, entry);
    if (!flags.cwd.empty()) process.cwd = flags.cwd;
    if (!flags.apparmor.empty()) process.apparmor_profile = flags.apparmor;
    if (!flags.process_label.empty()) process.selinux_label = flags.process_label;
    process.terminal = flags.tty;
    if (flags.no_new_privs) process.no_new_privileges = true;
    if (!flags.user.empty()) {
        auto user = parse_exec_user(flags.user);
        if (!user) return std::move(user).error().wrap("invalid --user " + quoted(flags.user));
        process.user.uid = user->uid;
        if (user->gid) process.user.gid = *user->gid;
        process.user.username.clear();
    }
    for (const std::string &gid : flags.additional_gids)
        process.user.additional_gids.push_back(OCRT_TRY(parse_id_number(gid, "additional gid")));
    for (const std::string &cap : flags.caps) {
        if (!spec::capability_number(cap)) return Error(EINVAL, "unknown capability " + quoted(cap));
        // No capabilities object means the sets are left as they are: nothing to add to.
        if (!process.capabilities) continue;
        add_once(process.capabilities->bounding, cap);
        add_once(process.capabilities->effective, cap);
        add_once(process.capabilities->permitted, cap);
    }
    return process;
}

Result<void> check_exec_process(const spec::Process &process) {
    if (process.args.empty()) return Error(EINVAL, "args must not be empty");
    if (process.cwd.empty()) return Error(EINVAL, "cwd property must not be empty");
    if (process.cwd[0] != '/') return Error(EINVAL, "cwd must be an absolute path, got " + quoted(process.cwd));
    return ok();
}

Result<int> exec(const ExecOptions &options) {
    OCRT_TRY(validate_id(options.id));
    // Before ocrt opens anything of its own that could land in the preserved range.
    OCRT_TRY(check_inherited_fds(0, options.preserve_fds));
    ContainerDir dir = OCRT_TRY(open_container_dir(options.root, options.id, /*lock=*/false));
    Record record = OCRT_TRY(dir.read_record());
    OCRT_TRY(check_status(detail::live_status(dir, record), options.ignore_paused));
    spec::Config config = OCRT_TRY(load_config_snapshot(dir.path()));
    spec::Process process = OCRT_TRY(process_for(config, options));
    OCRT_TRY(check_exec_process(process));
    OCRT_TRY(check_terminal(process, options));

    init::ExecLaunchOptions launch;
    launch.init_pid = record.oci.pid;
    launch.init_start_time = record.init_start_time;
    launch.preserve_fds = options.preserve_fds;
    if (!record.no_new_keyring) launch.keyring_id = options.id;
    launch.before_continue = [&record](pid_t pid) { return join_container_cgroup(record, pid); };
    launch.container_id = options.id;
    launch.bundle = record.oci.bundle;

    unique_fd console_master;
    launch.console_master = &console_master;
    if (options.detach) {
        // Not a subreaper: the process ends up with the caller's subreaper, which reaps it.
        pid_t pid = OCRT_TRY(init::launch_exec(config, process, launch));
        if (console_master) {
            if (auto sent = detail::send_console_master(options.console_socket, console_master); !sent) {
                ::kill(pid, SIGKILL);
                return std::move(sent).error();
            }
            console_master.reset();
        }
        OCRT_TRY(record_pid(options, pid));
        return 0;
    }
    // Signals blocked before the fork so none is lost; we become the process's
    // reaper once its intermediate parent exits.
    detail::SignalRouting routing = OCRT_TRY(detail::SignalRouting::install());
    if (::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) {
        int err = errno;
        return Error(err, "become child subreaper");
    }
    pid_t pid = OCRT_TRY(init::launch_exec(config, process, launch));
    if (!console_master) {
        OCRT_TRY(record_pid(options, pid));
        return detail::forward_until_exit(routing, pid);
    }
    // exec -t without a console socket: we are the user's end of the pty.
    auto terminal = tty::TerminalProxy::attach(std::move(console_master));
    if (!terminal) {
        ::kill(pid, SIGKILL);
        return std::move(terminal).error();
    }
    OCRT_TRY(record_pid(options, pid));
    return detail::forward_until_exit(routing, pid, *terminal);
}

}  // namespace ocrt::container
