// ocrt ps [--format table|json] <id> [ps-args...]: the processes in the container's
// cgroup. json: an array of host pids (containerd parses it). table: the host's ps
// run with ps-args (default -ef), its header plus the lines of the container's pids.
#include "commands.hpp"
#include "output.hpp"

#include <ocrt/base/unique_fd.hpp>
#include <ocrt/cli/command_flags.hpp>
#include <ocrt/container/cgroup_commands.hpp>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <sstream>

namespace ocrt::cli {
namespace {

std::string as_json(const std::vector<pid_t> &pids) {
    if (pids.empty()) return "null\n";  // runc prints a nil slice this way
    std::string out = "[";
    for (size_t i = 0; i < pids.size(); ++i) out += (i ? "," : "") + std::to_string(pids[i]);
    return out + "]\n";
}

// Runs `ps args...` and returns what it printed on stdout.
Result<std::string> run_ps(const std::vector<std::string> &args) {
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return errno_error("create pipe for ps");
    unique_fd read_end(pipe_fds[0]), write_end(pipe_fds[1]);
    std::vector<char *> argv;
    std::string name = "ps";
    argv.push_back(name.data());
    std::vector<std::string> copies = args;
    for (std::string &arg : copies) argv.push_back(arg.data());
    argv.push_back(nullptr);
    pid_t child = ::fork();
    if (child < 0) return errno_error("fork ps");
    if (child == 0) {
        ::dup2(write_end.get(), STDOUT_FILENO);
        ::execvp("ps", argv.data());
        _exit(127);
    }
    write_end.reset();
    std::string out;
    char buffer[8192];
    for (;;) {
        ssize_t n = ::read(read_end.get(), buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        out.append(buffer, static_cast<size_t>(n));
    }
    int status = 0;
    while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return Error("ps failed (exit status " + std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status)) + ")");
    return out;
}

// The header and the lines whose PID column is one of pids.
Result<std::string> filter_ps(const std::string &output, const std::vector<pid_t> &pids) {
    std::istringstream lines(output);
    std::string header;
    std::getline(lines, header);
    std::istringstream header_fields(header);
    std::vector<std::string> columns;
    for (std::string field; header_fields >> field;) columns.push_back(field);
    auto pid_column = std::find(columns.begin(), columns.end(), "PID");
    if (pid_column == columns.end()) return Error("couldn't find PID field in ps output");
    size_t index = static_cast<size_t>(pid_column - columns.begin());
    std::string out = header + "\n";
    for (std::string line; std::getline(lines, line);) {
        std::istringstream fields(line);
        std::string field;
        for (size_t i = 0; i <= index && fields >> field; ++i) {
        }
        char *end = nullptr;
        long pid = std::strtol(field.c_str(), &end, 10);
        if (end != field.c_str() && std::binary_search(pids.begin(), pids.end(), static_cast<pid_t>(pid)))
            out += line + "\n";
    }
    return out;
}

Result<int> run_ps_command(const Invocation &call) {
    std::string format = call.flags.value("format", "table");
    if (format != "table" && format != "json") return Error("invalid format option");
    std::vector<pid_t> pids = OCRT_TRY(container::pids(call.globals.root, call.args.at(0)));
    if (format == "json") {
        OCRT_TRY(write_stdout(as_json(pids)));
        return 0;
    }
    std::vector<std::string> ps_args(call.args.begin() + 1, call.args.end());
    if (ps_args.empty()) ps_args = {"-ef"};
    std::string output = OCRT_TRY(run_ps(ps_args));
    OCRT_TRY(write_stdout(OCRT_TRY(filter_ps(output, pids))));
    return 0;
}

}  // namespace

const Command ps_command{
    .name = "ps",
    .summary = "list the processes running in a container",
    .arguments = "<container-id> [ps options]",
    .flags = ps_flags(),
    .min_args = 1,
    .max_args = 1000,
    .order = FlagOrder::stop_at_first_positional,
    .run = run_ps_command,
};

}  // namespace ocrt::cli
