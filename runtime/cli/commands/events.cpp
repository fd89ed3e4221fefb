// ocrt events [--stats] [--interval DUR] <id>: the container's cgroup statistics as
// runc prints them, {"type":"stats","id":...,"data":{...}}: once with --stats, else
// one line every interval until the container stops, with {"type":"oom","id":...}
// as soon as the kernel OOM-kills a process in the container's memory cgroup.
#include "commands.hpp"
#include "output.hpp"

#include <ocrt/cli/command_flags.hpp>
#include <ocrt/container/cgroup_commands.hpp>

#include <poll.h>
#include <time.h>

#include <cerrno>
#include <optional>

#include <algorithm>
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

double monotonic_ms() {
    timespec now{};
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    return static_cast<double>(now.tv_sec) * 1000 + static_cast<double>(now.tv_nsec) / 1e6;
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
    // No memory cgroup (cgroups disabled): stats only.
    std::optional<cgroups::OomWatch> oom;
    if (auto watch = container::watch_oom(call.globals.root, id)) oom.emplace(std::move(*watch));
    const std::string oom_line = nlohmann::ordered_json{{"type", "oom"}, {"id", id}}.dump() + "\n";
    const double interval_ms = interval * 1000;
    double next_stats = monotonic_ms() + interval_ms;
    for (;;) {
        double wait = next_stats - monotonic_ms();
        if (wait > 0) {
            pollfd watched{oom ? oom->fd() : -1, POLLIN, 0};
            int ready = ::poll(&watched, 1, static_cast<int>(std::ceil(std::min(wait, 3.6e6))));
            if (ready < 0 && errno != EINTR) return Error(errno, "poll");
            if (ready > 0 && oom) {
                auto kills = oom->consume();
                if (!kills) oom.reset();  // the cgroup is gone; the next stats report ends the stream
                else if (*kills > 0) OCRT_TRY(write_stdout(oom_line));
            }
            continue;
        }
        next_stats += interval_ms;
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
