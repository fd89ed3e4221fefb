// ocrt exec [flags] <container-id> <command> [args...]: run one more process in a
// container. Like runc, any failure after the argument count is "exec failed: ..."
// with exit status 255, so a caller can tell it from the process's own status.
#include "commands.hpp"

#include <ocrt/base/log.hpp>
#include <ocrt/cli/command_flags.hpp>
#include <ocrt/cli/report.hpp>
#include <ocrt/container/exec.hpp>

namespace ocrt::cli {
namespace {

constexpr int kExecSetupFailure = 255;

Result<container::ExecOptions> exec_options(const Invocation &call) {
    container::ExecOptions options;
    options.root = call.globals.root;
    options.id = call.args.at(0);
    options.cwd = call.cwd;
    options.process_file = call.flags.value("process");
    options.detach = call.flags.enabled("detach");
    options.pid_file = call.flags.value("pid-file");
    options.console_socket = call.flags.value("console-socket");
    options.preserve_fds = static_cast<int>(OCRT_TRY(flag_as_unsigned(call.flags, "preserve-fds")));
    options.ignore_paused = call.flags.enabled("ignore-paused");
    if (call.flags.has("pidfd-socket")) log::debug("--pidfd-socket is not supported yet: ignored");
    if (call.flags.has("cgroup")) return Error("--cgroup is not supported yet");

    container::ExecProcessFlags &process = options.flags;
    process.args.assign(call.args.begin() + 1, call.args.end());
    process.env = call.flags.all("env");
    process.cwd = call.flags.value("cwd");
    process.user = call.flags.value("user");
    process.additional_gids = call.flags.all("additional-gids");
    process.caps = call.flags.all("cap");
    process.tty = call.flags.enabled("tty");
    process.no_new_privs = call.flags.enabled("no-new-privs");
    process.apparmor = call.flags.value("apparmor");
    process.process_label = call.flags.value("process-label");
    // runc: without --process the command is required.
    if (options.process_file.empty() && process.args.empty()) return Error("exec: command is required");
    return options;
}

Result<int> run_exec(const Invocation &call) {
    auto options = exec_options(call);
    auto status = options ? container::exec(*options) : Result<int>(std::move(options).error());
    if (status) return *status;
    report(log::Level::error, "exec failed: " + status.error().render());
    return kExecSetupFailure;
}

}  // namespace

const Command exec_command{
    .name = "exec",
    .summary = "run a process in a created or running container",
    .arguments = "<container-id> <command> [args...]",
    .flags = exec_flags(),
    .min_args = 1,
    .max_args = static_cast<size_t>(-1),
    .order = FlagOrder::stop_at_first_positional,
    .run = run_exec,
};

}  // namespace ocrt::cli
