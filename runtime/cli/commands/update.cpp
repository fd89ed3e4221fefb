// ocrt update [--resources FILE|-] [resource flags] <id>: change a live container's
// cgroup limits. With --resources the individual flags are ignored (as runc does).
#include "commands.hpp"

#include <ocrt/base/fs.hpp>
#include <ocrt/cli/command_flags.hpp>
#include <ocrt/cli/resource_flags.hpp>
#include <ocrt/container/cgroup_commands.hpp>
#include <ocrt/spec/load.hpp>

#include <unistd.h>

#include <cerrno>

namespace ocrt::cli {
namespace {

Result<std::string> read_stdin() {
    std::string text;
    char buffer[8192];
    for (;;) {
        ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return errno_error("read resources from stdin");
        if (n == 0) return text;
        text.append(buffer, static_cast<size_t>(n));
    }
}

Result<spec::Resources> resources_from_json(const std::string &source, const std::string &cwd, std::string &text) {
    if (source == "-") {
        text = OCRT_TRY(read_stdin());
    } else {
        std::string path = source.front() == '/' ? source : cwd + "/" + source;
        text = OCRT_TRY(fs::read_file(path));
    }
    spec::ParsedResources parsed = spec::parse_resources(text);
    if (!parsed.errors.empty()) {
        std::string all;
        for (const spec::Diagnostic &d : parsed.errors) all += (all.empty() ? "" : "\n") + spec::render(d, "resources");
        return Error(all);
    }
    return std::move(*parsed.resources);
}

Result<int> run_update(const Invocation &call) {
    std::string text;
    spec::Resources resources;
    if (call.flags.has("resources")) {
        resources = OCRT_TRY(resources_from_json(call.flags.value("resources"), call.cwd, text));
    } else {
        resources = OCRT_TRY(resources_from_flags(call.flags));
        text = resources_json(resources);
    }
    OCRT_TRY(container::update(call.globals.root, call.args.at(0), resources, text));
    return 0;
}

}  // namespace

const Command update_command{
    .name = "update",
    .summary = "update a container's resource limits",
    .arguments = "<container-id>",
    .flags = update_flags(),
    .min_args = 1,
    .max_args = 1,
    .order = FlagOrder::interspersed,
    .run = run_update,
};

}  // namespace ocrt::cli
