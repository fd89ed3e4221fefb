// Semantic checks of a process object, as a table of small named checks.
// Shared by config.json's "process" and `exec --process`.
#include "json_reader.hpp"
#include "validate.hpp"
#include "validate_support.hpp"

#include <ocrt/spec/cpu_list.hpp>

#include <set>

namespace ocrt::spec::detail {
namespace {

using ProcessCheck = void (*)(const Process &, const std::string &base, Report &);

void check_cwd(const Process &p, const std::string &base, Report &report) {
    if (p.cwd.empty())
        report.error(base + "/cwd", "required field is missing");
    else if (!is_absolute(p.cwd))
        report.error(base + "/cwd", "must be an absolute path, got " + quote_value(p.cwd));
}

void check_args(const Process &p, const std::string &base, Report &report) {
    if (p.args.empty()) report.error(base + "/args", "must contain at least one entry");
}

void check_env(const Process &p, const std::string &base, Report &report) {
    for (std::size_t i = 0; i < p.env.size(); ++i)
        if (!is_env_entry(p.env[i]))
            report.error(child_pointer(base + "/env", i), "must be of the form KEY=VALUE, got " + quote_value(p.env[i]));
}

void check_rlimits(const Process &p, const std::string &base, Report &report) {
    std::set<std::string> seen;
    for (std::size_t i = 0; i < p.rlimits.size(); ++i) {
        const Rlimit &rl = p.rlimits[i];
        std::string ptr = child_pointer(base + "/rlimits", i);
        if (!seen.insert(rl.type).second) report.error(ptr + "/type", "duplicate rlimit " + quote_value(rl.type));
        if (rl.soft > rl.hard)
            report.error(ptr, "soft limit " + std::to_string(rl.soft) + " exceeds hard limit " +
                                  std::to_string(rl.hard));
    }
}

void check_oom_score_adj(const Process &p, const std::string &base, Report &report) {
    if (p.oom_score_adj && (*p.oom_score_adj < -1000 || *p.oom_score_adj > 1000))
        report.error(base + "/oomScoreAdj",
                     "value " + std::to_string(*p.oom_score_adj) + " out of range (-1000..1000)");
}

void check_io_priority(const Process &p, const std::string &base, Report &report) {
    if (p.io_priority && (p.io_priority->priority < 0 || p.io_priority->priority > 7))
        report.error(base + "/ioPriority/priority",
                     "value " + std::to_string(p.io_priority->priority) + " out of range (0..7)");
}

// sched(7): nice only matters for the normal policies, a static priority only
// for the real-time ones, runtime/deadline/period only for SCHED_DEADLINE.
void check_scheduler(const Process &p, const std::string &base, Report &report) {
    if (!p.scheduler) return;
    const Scheduler &s = *p.scheduler;
    std::string ptr = base + "/scheduler";
    if (s.nice && (*s.nice < -20 || *s.nice > 19))
        report.error(ptr + "/nice", "value " + std::to_string(*s.nice) + " out of range (-20..19)");
    bool realtime = s.policy == "SCHED_FIFO" || s.policy == "SCHED_RR";
    if (s.priority && *s.priority != 0) {
        if (!realtime)
            report.error(ptr + "/priority", "a static priority needs policy SCHED_FIFO or SCHED_RR");
        else if (*s.priority < 1 || *s.priority > 99)
            report.error(ptr + "/priority", "value " + std::to_string(*s.priority) + " out of range (1..99)");
    }
    bool deadline_fields = (s.runtime && *s.runtime) || (s.deadline && *s.deadline) || (s.period && *s.period);
    if (deadline_fields && s.policy != "SCHED_DEADLINE")
        report.error(ptr, "runtime, deadline and period need policy SCHED_DEADLINE");
    // sched_setattr(2): 0 < runtime <= deadline <= period (a period of 0 means the deadline).
    if (s.policy == "SCHED_DEADLINE") {
        uint64_t runtime = s.runtime.value_or(0), deadline = s.deadline.value_or(0), period = s.period.value_or(0);
        if (runtime == 0 || deadline == 0)
            report.error(ptr, "SCHED_DEADLINE needs a runtime and a deadline");
        else if (runtime > deadline || (period != 0 && deadline > period))
            report.error(ptr, "SCHED_DEADLINE needs runtime <= deadline <= period");
    }
}

// config.md: "0-3,7"; the parser only checked the characters.
void check_exec_cpu_affinity(const Process &p, const std::string &base, Report &report) {
    if (!p.exec_cpu_affinity) return;
    const std::pair<const char *, const std::string *> lists[] = {{"initial", &p.exec_cpu_affinity->initial},
                                                                  {"final", &p.exec_cpu_affinity->final_}};
    for (const auto &[key, list] : lists) {
        auto cpus = parse_cpu_list(*list);
        if (!cpus)
            report.error(base + "/execCPUAffinity/" + key,
                         "invalid CPU list " + quote_value(*list) + ": " + cpus.error().message());
    }
}

struct NamedProcessCheck {
    std::string_view name;
    ProcessCheck run;
};

constexpr NamedProcessCheck kProcessChecks[] = {
    {"cwd is absolute", check_cwd},
    {"args not empty", check_args},
    {"env is KEY=VALUE", check_env},
    {"rlimits unique, soft <= hard", check_rlimits},
    {"oomScoreAdj in range", check_oom_score_adj},
    {"ioPriority in range", check_io_priority},
    {"scheduler fields match policy", check_scheduler},
    {"execCPUAffinity lists parse", check_exec_cpu_affinity},
    {"no NUL bytes", check_process_no_nul_bytes},
};

}  // namespace

void validate_process(const Process &process, const std::string &base, std::vector<Diagnostic> &errors) {
    std::vector<Diagnostic> unused_warnings;
    Report report{errors, unused_warnings};
    for (const auto &check : kProcessChecks) check.run(process, base, report);
}

}  // namespace ocrt::spec::detail
