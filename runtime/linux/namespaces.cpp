#include <ocrt/linux/namespaces.hpp>
#include <ocrt/spec/vocabulary.hpp>

#include <fcntl.h>
#include <sched.h>

#include <array>

namespace ocrt::os {

using spec::NamespaceType;

namespace {

// Join order: user first, mount last (see the header).
constexpr std::array kJoinOrder = {
    NamespaceType::User,    NamespaceType::Ipc,    NamespaceType::Uts,  NamespaceType::Network,
    NamespaceType::Pid,     NamespaceType::Cgroup, NamespaceType::Time, NamespaceType::Mount,
};

}  // namespace

int clone_flag(NamespaceType type) {
    switch (type) {
    case NamespaceType::Mount: return CLONE_NEWNS;
    case NamespaceType::Pid: return CLONE_NEWPID;
    case NamespaceType::Network: return CLONE_NEWNET;
    case NamespaceType::Uts: return CLONE_NEWUTS;
    case NamespaceType::Ipc: return CLONE_NEWIPC;
    case NamespaceType::User: return CLONE_NEWUSER;
    case NamespaceType::Cgroup: return CLONE_NEWCGROUP;
    case NamespaceType::Time: return CLONE_NEWTIME;
    }
    return 0;
}

const char *proc_ns_name(NamespaceType type) {
    switch (type) {
    case NamespaceType::Mount: return "mnt";
    case NamespaceType::Pid: return "pid";
    case NamespaceType::Network: return "net";
    case NamespaceType::Uts: return "uts";
    case NamespaceType::Ipc: return "ipc";
    case NamespaceType::User: return "user";
    case NamespaceType::Cgroup: return "cgroup";
    case NamespaceType::Time: return "time";
    }
    return "?";
}

const char *spec_ns_name(NamespaceType type) {
    std::string_view name = spec::namespace_name(type);  // the vocabulary's words are string literals
    return name.empty() ? "?" : name.data();
}

NamespacePlan plan_namespaces(const spec::LinuxConfig *linux_config) {
    NamespacePlan plan;
    if (linux_config == nullptr) return plan;

    int created = 0;
    bool any_join = false;
    for (NamespaceType type : kJoinOrder) {
        const spec::Namespace *ns = linux_config->find_namespace(type);
        if (ns == nullptr) continue;
        if (ns->path.empty()) {
            created |= clone_flag(type);
        } else {
            any_join = true;
            plan.joins.push_back({type, ns->path});
        }
    }
    plan.new_user = (created & CLONE_NEWUSER) != 0;

    if (!any_join) {
        plan.clone_flags = created & ~CLONE_NEWTIME;
        plan.unshare_flags = created & CLONE_NEWTIME;
        plan.needs_second_fork = (created & CLONE_NEWTIME) != 0;
        return plan;
    }

    plan.unshare_flags = created;
    bool joins_pid_or_time = false;
    for (const auto &join : plan.joins)
        joins_pid_or_time |= join.type == NamespaceType::Pid || join.type == NamespaceType::Time;
    plan.needs_second_fork = joins_pid_or_time || (created & (CLONE_NEWPID | CLONE_NEWTIME)) != 0;
    return plan;
}

Result<void> enter_namespaces(const NamespacePlan &plan, Kernel &kernel) {
    // Open everything first: after setns(mount) or setns(user) a path may mean something else.
    std::vector<unique_fd> fds;
    fds.reserve(plan.joins.size());
    for (const auto &join : plan.joins) {
        auto fd = kernel.openat(AT_FDCWD, join.path, O_RDONLY | O_CLOEXEC, 0);
        if (!fd)
            return std::move(fd).error().wrap(std::string("open ") + spec_ns_name(join.type) + " namespace \"" +
                                              join.path + "\"");
        fds.push_back(std::move(fd).value());
    }
    for (size_t i = 0; i < plan.joins.size(); ++i) {
        const auto &join = plan.joins[i];
        if (auto joined = kernel.setns(fds[i], clone_flag(join.type)); !joined)
            return std::move(joined).error().wrap(std::string("join ") + spec_ns_name(join.type) + " namespace \"" +
                                                  join.path + "\"");
    }
    fds.clear();
    if (plan.unshare_flags != 0) {
        if (auto unshared = kernel.unshare(plan.unshare_flags); !unshared)
            return std::move(unshared).error().wrap("create namespaces");
    }
    return ok();
}

}  // namespace ocrt::os
