// process.ioPriority, process.scheduler and process.execCPUAffinity (config.md
// "Linux Process"): what the kernel is told, and when.
//
// ioPriority and the scheduler are set by the process on itself (the init and
// every exec process), after the rlimits (RLIMIT_RTPRIO/RLIMIT_NICE may be what
// allows them) and before the user switch drops CAP_SYS_NICE (a realtime policy,
// a lower nice value, IOPRIO_CLASS_RT). The CPU affinity is for exec processes
// only and is set by `ocrt exec` on the not yet started process around its move
// into the container's cgroup.
#pragma once

#include <ocrt/base/kernel.hpp>
#include <ocrt/spec/config.hpp>

#include <functional>
#include <optional>
#include <vector>

namespace ocrt::os {

// Pure: the sched_setattr fields of process.scheduler (absent values are 0, as
// config.md says). Unknown words fail (the config parser refuses them first).
Result<SchedAttr> scheduler_attributes(const spec::Scheduler &scheduler);

// Pure: the ioprio_set value of process.ioPriority (class << 13 | priority).
Result<int> io_priority_value(const spec::IoPriority &priority);

// ioprio_set(IOPRIO_WHO_PROCESS, 0, ...) then sched_setattr(0, ...), each only
// when the process has it. A refusal names the field and, for EPERM, what the
// kernel wants (CAP_SYS_NICE, realtime runtime in the cpu cgroup).
Result<void> apply_process_scheduling(const spec::Process &process, Kernel &kernel);

// execCPUAffinity as CPU numbers; an absent or empty list is nullopt (leave the
// affinity alone).
struct ExecAffinity {
    std::optional<std::vector<unsigned>> initial, final_;
};
Result<ExecAffinity> exec_affinity(const spec::Process &process);

// For `ocrt exec`, on the waiting exec process `pid`: the initial affinity, then
// join_cgroup() (which, with a cpuset, resets the affinity to the cgroup's
// CPUs), then the final affinity.
Result<void> place_exec_process(pid_t pid, const ExecAffinity &affinity, Kernel &kernel,
                                const std::function<Result<void>()> &join_cgroup);

}  // namespace ocrt::os
