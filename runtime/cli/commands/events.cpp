// ocrt events [--stats] [--interval DUR] <id>: the container's cgroup statistics as
// runc prints them, {"type":"stats","id":...,"data":{...}}: once with --stats, else
// one line every interval until the container stops.
#include "commands.hpp"
#include "output.hpp"

#include <ocrt/cli/command_flags.hpp>
#include <ocrt/container/cgroup_commands.hpp>

#include <time.h>

#include <cctype>
#include <cmath>

namespace ocrt::cli {
namespace {

// Go's time.ParseDuration for the forms clients send: "5s", "500ms", "1m30s", "1.5s".
Result<double> parse_duration_seconds(const std::string &text) {
    if (text.empty()) return Error("invalid duration \"\"");
    double total = 0;
    size_t i = 0;
    while (i < text.size()) {
        size_t start = i;
        while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) ++i;
        if (start == i) return Error("invalid duration \"" + text + "\"");
        double number = std::stod(text.substr(start, i - start));
        size_t unit_start = i;
        while (i < text.size() && !std::isdigit(static_cast<unsigned char>(text[i])) && text[i] != '.') ++i;
        std::string unit = text.substr(unit_start, i - unit_start);
        double scale;
        if (unit == "ns") scale = 1e-9;
        else if (unit == "us" || unit == "\u00b5s") scale = 1e-6;
        else if (unit == "ms") scale = 1e-3;
        else if (unit == "s") scale = 1;
        else if (unit == "m") scale = 60;
        else if (unit == "h") scale = 3600;
        else return Error("invalid duration \"" + text + "\"");
        total += number * scale;
    }
    return total;
}

Result<std::string> stats_line(const std::string &root, const std::string &id) {
    nlohmann::ordered_json data = OCRT_TRY(container::stats(root, id));
    nlohmann::ordered_json event = {{"type", "stats"}, {"id", id}, {"data", std::move(data)}};
    return event.dump() + "\n";
}

Result<int> run_events(const Invocation &call) {
    const std::string &id = call.args.at(0);
    double interval = OCRT_TRY(parse_duration_seconds(call.flags.value("interval", "5s")));
    if (interval <= 0) return Error("duration interval must be greater than 0");
    if (call.flags.enabled("stats")) {
        OCRT_TRY(write_stdout(OCRT_TRY(stats_line(call.globals.root, id))));
        return 0;
    }
    // The first report also checks the container is running; afterwards its end is the end of the stream.
    OCRT_TRY(write_stdout(OCRT_TRY(stats_line(call.globals.root, id))));
    for (;;) {
        timespec delay{static_cast<time_t>(interval), static_cast<long>(std::fmod(interval, 1.0) * 1e9)};
        ::nanosleep(&delay, nullptr);
        auto line = stats_line(call.globals.root, id);
        if (!line) return 0;
        OCRT_TRY(write_stdout(*line));
    }
}

}  // namespace

const Command events_command{
    .name = "events",
    .summary = "display container statistics",
    .arguments = "<container-id>",
    .flags = events_flags(),
    .min_args = 1,
    .max_args = 1,
    .order = FlagOrder::interspersed,
    .run = run_events,
};

}  // namespace ocrt::cli
