// ocrt list [-f table|json] [-q]: every container under --root.
// A missing default root means "no containers yet"; a missing explicit root is an error.
#include "commands.hpp"
#include "output.hpp"

#include <ocrt/cli/command_flags.hpp>
#include <ocrt/cli/report.hpp>
#include <ocrt/cli/text_table.hpp>
#include <ocrt/container/container.hpp>
#include <ocrt/spec/state.hpp>

#include <sys/stat.h>

#include <cerrno>

namespace ocrt::cli {
namespace {

Result<std::vector<spec::State>> load_containers(const GlobalOptions &globals) {
    struct stat info {};
    if (::stat(globals.root.c_str(), &info) != 0) {
        int error = errno;
        if (error == ENOENT && globals.root_is_default) return std::vector<spec::State>{};
        return Error(error, "open state root \"" + globals.root + "\"");
    }
    std::vector<std::string> warnings;
    std::vector<spec::State> states = OCRT_TRY(container::list(globals.root, warnings));
    for (const std::string &warning : warnings) report(log::Level::warning, warning);
    return states;
}

std::string as_json(const std::vector<spec::State> &states) {
    if (states.empty()) return "null\n";
    std::string out = "[";
    for (const spec::State &state : states) {
        if (out.size() > 1) out += ',';
        out += spec::state_to_json(state, /*include_owner=*/true, /*pretty=*/false);
    }
    return out + "]\n";
}

std::string as_table(const std::vector<spec::State> &states) {
    std::vector<std::vector<std::string>> rows = {{"ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"}};
    for (const spec::State &s : states)
        rows.push_back({s.id, std::to_string(s.pid), s.status, s.bundle, s.created, s.owner});
    return format_table(rows);
}

Result<int> run_list(const Invocation &call) {
    std::string format = call.flags.value("format", "table");
    if (format != "table" && format != "json") return Error("invalid format option \"" + format + "\"");
    std::vector<spec::State> states = OCRT_TRY(load_containers(call.globals));
    std::string out;
    if (call.flags.enabled("quiet")) {
        for (const spec::State &state : states) out += state.id + "\n";
    } else {
        out = format == "json" ? as_json(states) : as_table(states);
    }
    OCRT_TRY(write_stdout(out));
    return 0;
}

}  // namespace

const Command list_command{
    .name = "list",
    .summary = "list the containers under --root",
    .arguments = "",
    .flags = list_flags(),
    .min_args = 0,
    .max_args = 0,
    .order = FlagOrder::interspersed,
    .run = run_list,
};

}  // namespace ocrt::cli
