// config.json "process" (also the standalone document of `exec --process`).
#include "config_parts.hpp"

namespace ocrt::spec::detail {
namespace {

void parse_console_size(const json &j, const std::string &ptr, Errors &errors, ConsoleSize &out) {
    ObjectReader r(j, ptr, errors);
    r.field("height", out.height, Need::Required);
    r.field("width", out.width, Need::Required);
}

void parse_user(const json &j, const std::string &ptr, Errors &errors, User &out) {
    ObjectReader r(j, ptr, errors);
    r.field("uid", out.uid);
    r.field("gid", out.gid);
    r.field("umask", out.umask);
    r.field("additionalGids", out.additional_gids);
    r.field("username", out.username);
}

void parse_capability_set(const ObjectReader &r, std::string_view key,
                          std::optional<std::vector<std::string>> &out) {
    std::vector<std::string> names;
    if (!r.find(key)) return;
    r.words(key, names, capability_words(), "capability");
    out = std::move(names);
}

void parse_capabilities(const json &j, const std::string &ptr, Errors &errors, Capabilities &out) {
    ObjectReader r(j, ptr, errors);
    parse_capability_set(r, "bounding", out.bounding);
    parse_capability_set(r, "effective", out.effective);
    parse_capability_set(r, "inheritable", out.inheritable);
    parse_capability_set(r, "permitted", out.permitted);
    parse_capability_set(r, "ambient", out.ambient);
}

void parse_rlimit(const json &j, const std::string &ptr, Errors &errors, Rlimit &out) {
    ObjectReader r(j, ptr, errors);
    r.word("type", out.type, rlimit_words(), "rlimit", Need::Required);
    r.field("soft", out.soft, Need::Required);
    r.field("hard", out.hard, Need::Required);
}

void parse_io_priority(const json &j, const std::string &ptr, Errors &errors, IoPriority &out) {
    ObjectReader r(j, ptr, errors);
    r.word("class", out.klass, ioprio_class_words(), "ioPriority class", Need::Required);
    r.field("priority", out.priority);
}

void parse_scheduler(const json &j, const std::string &ptr, Errors &errors, Scheduler &out) {
    ObjectReader r(j, ptr, errors);
    r.word("policy", out.policy, scheduler_policy_words(), "scheduler policy", Need::Required);
    r.field("nice", out.nice);
    r.field("priority", out.priority);
    r.words("flags", out.flags, scheduler_flag_words(), "scheduler flag");
    r.field("runtime", out.runtime);
    r.field("deadline", out.deadline);
    r.field("period", out.period);
}

// config-schema.json: "^[0-9, -]*$".
void read_cpu_list(const ObjectReader &r, std::string_view key, std::string &out) {
    if (!r.field(key, out)) return;
    if (out.find_first_not_of("0123456789, -") != std::string::npos)
        fail(r.errors(), r.at(key), "invalid CPU list " + quote_value(out));
}

void parse_exec_cpu_affinity(const json &j, const std::string &ptr, Errors &errors, ExecCpuAffinity &out) {
    ObjectReader r(j, ptr, errors);
    read_cpu_list(r, "initial", out.initial);
    read_cpu_list(r, "final", out.final_);
}

}  // namespace

void parse_process_object(const json &j, const std::string &ptr, Errors &errors, Process &out) {
    ObjectReader r(j, ptr, errors);
    r.field("terminal", out.terminal);
    r.object("consoleSize", out.console_size, parse_console_size);
    r.object("user", out.user, parse_user);
    r.field("args", out.args);
    r.field("commandLine", out.command_line);
    r.field("env", out.env);
    r.field("cwd", out.cwd);
    r.object("capabilities", out.capabilities, parse_capabilities);
    r.array("rlimits", out.rlimits, parse_rlimit);
    r.field("noNewPrivileges", out.no_new_privileges);
    r.field("apparmorProfile", out.apparmor_profile);
    r.field("oomScoreAdj", out.oom_score_adj);
    r.field("selinuxLabel", out.selinux_label);
    r.object("ioPriority", out.io_priority, parse_io_priority);
    r.object("scheduler", out.scheduler, parse_scheduler);
    r.object("execCPUAffinity", out.exec_cpu_affinity, parse_exec_cpu_affinity);
}

}  // namespace ocrt::spec::detail
