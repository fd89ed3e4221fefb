// Which namespaces the init creates, which it joins, and in what order.
#pragma once

#include <ocrt/base/kernel.hpp>
#include <ocrt/spec/config.hpp>

#include <string>
#include <vector>

namespace ocrt::os {

int clone_flag(spec::NamespaceType type);          // CLONE_NEWNS ...
const char *proc_ns_name(spec::NamespaceType type); // "mnt", "pid", ... (as in /proc/<pid>/ns/)
const char *spec_ns_name(spec::NamespaceType type); // "mount", "pid", "network", ... (as in config.json)

struct NamespaceJoin {
    spec::NamespaceType type;
    std::string path;
};

struct NamespacePlan {
    int clone_flags = 0;                // namespaces created by clone() itself (fast path)
    std::vector<NamespaceJoin> joins;   // setns() in this order (user first) inside the child
    int unshare_flags = 0;              // namespaces created by unshare() after the joins
    bool new_user = false;              // a new user namespace: the parent must write id maps
    bool needs_second_fork = false;     // pid/time namespace joined or unshared: fork once more
};

// Pure: derives the plan from linux.namespaces (nullptr: no linux object).
NamespacePlan plan_namespaces(const spec::LinuxConfig *linux_config);

// Child side: opens each join path and setns()es into it, in plan order; then unshare(unshare_flags).
Result<void> enter_namespaces(const NamespacePlan &plan, Kernel &kernel);

}  // namespace ocrt::os
