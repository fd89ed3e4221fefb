// linux.resources -> cgroup v2 file writes on a pure cgroup v2 host, with the v1
// values converted as runc and crun do (shares -> cpu.weight, blkio weight ->
// io.weight, memory+swap -> memory.swap.max). Pure, like v1_resources.
#pragma once

#include <ocrt/cgroups/v1_resources.hpp>

namespace ocrt::cgroups {

// ResourceProbe::has_file answers for the container's one cgroup2 directory
// (controller is always "unified"); has_controller for cgroup.controllers entries.
// Device rules are not written here: they become an eBPF program (device_filter_v2.hpp).
Result<std::vector<FileWrite>> plan_v2_writes(const spec::Resources &resources, const ResourceProbe &probe);

// runc's conversions: shares 2..262144 -> weight 1..10000; blkio 10..1000 -> io 1..10000.
uint64_t cpu_weight_from_shares(uint64_t shares);
uint64_t io_weight_from_blkio(uint64_t weight);

}  // namespace ocrt::cgroups
