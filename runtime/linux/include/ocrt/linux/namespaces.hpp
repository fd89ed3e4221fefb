// Which namespaces the init creates, which it joins, and in what order.
//
// Ordering rules (plan_namespaces):
// - Nothing joined by path (fast path): every new namespace is created by
//   clone() itself, the user namespace with the others so they are owned by it.
//   The exception is time: CLONE_NEWTIME must be unshare()d, its offsets written
//   to /proc/self/timens_offsets before any process is inside, and only children
//   enter it, so the child forks once more (needs_second_fork).
// - Some namespace joined by path: clone() creates nothing. The child opens every
//   path first (before a setns changes what paths mean), setns()es into the user
//   namespace first (so it holds the capabilities the other joins need), then
//   ipc, uts, network, pid, cgroup, time, and mount last (it moves root and cwd).
//   Then it unshare()s all new namespaces in one call; a new user namespace is
//   created by that call before the others, so it owns them.
// - Joining or unsharing a pid namespace only affects children, and so does
//   entering a time namespace: any of these sets needs_second_fork.
// - new_user: the parent writes the id maps once the child has its new user
//   namespace (right after clone on the fast path, after unshare otherwise).
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
