#include <ocrt/linux/scheduling.hpp>

#include <ocrt/base/text.hpp>
#include <ocrt/spec/cpu_list.hpp>
#include <ocrt/spec/vocabulary.hpp>

#include <linux/ioprio.h>

#include <cerrno>

namespace ocrt::os {
namespace {

using text::quoted;

bool realtime(const std::string &policy) { return policy == "SCHED_FIFO" || policy == "SCHED_RR"; }

std::string describe(const spec::Scheduler &s) {
    std::string text = "policy " + s.policy;
    if (realtime(s.policy)) text += " priority " + std::to_string(s.priority.value_or(0));
    if (s.nice) text += " nice " + std::to_string(*s.nice);
    return text;
}

// EPERM has several causes; name the ones that fit the request.
std::string permission_hint(const spec::Scheduler &s) {
    if (realtime(s.policy))
        return " (a realtime policy needs CAP_SYS_NICE in the initial user namespace or RLIMIT_RTPRIO, and "
               "realtime runtime in the container's cpu cgroup: linux.resources.cpu.realtimeRuntime)";
    if (s.policy == "SCHED_DEADLINE")
        return " (SCHED_DEADLINE needs CAP_SYS_NICE in the initial user namespace and the CPUs of a whole "
               "root domain)";
    return " (a nice value below the current one needs CAP_SYS_NICE or RLIMIT_NICE)";
}

Result<std::optional<std::vector<unsigned>>> cpus_of(const std::string &list, const char *key) {
    auto cpus = spec::parse_cpu_list(list);
    if (!cpus) return Error("process.execCPUAffinity." + std::string(key) + ": invalid CPU list " + quoted(list) +
                            ": " + cpus.error().message());
    if (cpus->empty()) return std::optional<std::vector<unsigned>>();
    return std::optional<std::vector<unsigned>>(std::move(*cpus));
}

Result<void> set_affinity(pid_t pid, const std::optional<std::vector<unsigned>> &cpus, const char *key,
                          Kernel &kernel) {
    if (!cpus) return ok();
    if (auto set = kernel.sched_setaffinity(pid, *cpus); !set)
        return std::move(set).error().wrap("process.execCPUAffinity." + std::string(key) +
                                           ": cannot set the CPU affinity of the exec process");
    return ok();
}

}  // namespace

Result<SchedAttr> scheduler_attributes(const spec::Scheduler &scheduler) {
    SchedAttr attr;
    auto policy = spec::lookup(spec::scheduler_policy_words(), scheduler.policy);
    if (!policy) return Error("unknown scheduler policy " + quoted(scheduler.policy));
    attr.policy = static_cast<uint32_t>(*policy);
    for (const std::string &name : scheduler.flags) {
        auto flag = spec::lookup(spec::scheduler_flag_words(), name);
        if (!flag) return Error("unknown scheduler flag " + quoted(name));
        attr.flags |= static_cast<uint64_t>(*flag);
    }
    attr.nice = scheduler.nice.value_or(0);
    attr.priority = static_cast<uint32_t>(scheduler.priority.value_or(0));
    attr.runtime = scheduler.runtime.value_or(0);
    attr.deadline = scheduler.deadline.value_or(0);
    attr.period = scheduler.period.value_or(0);
    return attr;
}

Result<int> io_priority_value(const spec::IoPriority &priority) {
    auto klass = spec::lookup(spec::ioprio_class_words(), priority.klass);
    if (!klass) return Error("unknown ioPriority class " + quoted(priority.klass));
    if (priority.priority < 0 || priority.priority > 7)
        return Error("ioPriority priority " + std::to_string(priority.priority) + " out of range (0..7)");
    return static_cast<int>(IOPRIO_PRIO_VALUE(*klass, priority.priority));
}

Result<void> apply_process_scheduling(const spec::Process &process, Kernel &kernel) {
    if (const auto &io = process.io_priority) {
        int value = OCRT_TRY(io_priority_value(*io));
        if (auto set = kernel.ioprio_set(IOPRIO_WHO_PROCESS, 0, value); !set) {
            std::string what = "process.ioPriority: cannot set class " + io->klass + " priority " +
                               std::to_string(io->priority);
            if (set.error().code() == EPERM) what += " (IOPRIO_CLASS_RT needs CAP_SYS_ADMIN or CAP_SYS_NICE)";
            return std::move(set).error().wrap(what);
        }
    }
    if (const auto &scheduler = process.scheduler) {
        SchedAttr attr = OCRT_TRY(scheduler_attributes(*scheduler));
        if (auto set = kernel.sched_setattr(0, attr); !set) {
            std::string what = "process.scheduler: cannot set " + describe(*scheduler);
            int code = set.error().code();
            if (code == EPERM) what += permission_hint(*scheduler);
            if (code == EINVAL && scheduler->policy == "SCHED_ISO") what += " (this kernel has no SCHED_ISO)";
            return std::move(set).error().wrap(what);
        }
    }
    return ok();
}

Result<ExecAffinity> exec_affinity(const spec::Process &process) {
    ExecAffinity affinity;
    if (!process.exec_cpu_affinity) return affinity;
    affinity.initial = OCRT_TRY(cpus_of(process.exec_cpu_affinity->initial, "initial"));
    affinity.final_ = OCRT_TRY(cpus_of(process.exec_cpu_affinity->final_, "final"));
    return affinity;
}

Result<void> place_exec_process(pid_t pid, const ExecAffinity &affinity, Kernel &kernel,
                                const std::function<Result<void>()> &join_cgroup) {
    OCRT_TRY(set_affinity(pid, affinity.initial, "initial", kernel));
    if (join_cgroup) OCRT_TRY(join_cgroup());
    return set_affinity(pid, affinity.final_, "final", kernel);
}

}  // namespace ocrt::os
