#include <ocrt/cli/command_flags.hpp>

#include <array>
#include <cstddef>

namespace ocrt::cli {
namespace {

template <size_t N, size_t M>
constexpr std::array<FlagSpec, N + M> concat(const FlagSpec (&first)[N], const FlagSpec (&second)[M]) {
    std::array<FlagSpec, N + M> joined{};
    for (size_t i = 0; i < N; ++i) joined[i] = first[i];
    for (size_t i = 0; i < M; ++i) joined[N + i] = second[i];
    return joined;
}

constexpr FlagSpec create_table[] = {
    {"bundle", 'b', FlagKind::value, "path to the bundle directory (default: current directory)"},
    {"pid-file", 0, FlagKind::value, "write the container init's host pid to this file"},
    {"console-socket", 0, FlagKind::value, "AF_UNIX socket that receives the pty master of a terminal"},
    {"pidfd-socket", 0, FlagKind::value, "AF_UNIX socket for a pidfd of the init (accepted, ignored)"},
    {"no-pivot", 0, FlagKind::boolean, "use chroot instead of pivot_root (unsafe)"},
    {"no-new-keyring", 0, FlagKind::boolean, "keep the caller's session keyring"},
    {"preserve-fds", 0, FlagKind::value, "pass N extra fds (from fd 3) to the container"},
};

constexpr FlagSpec run_only_table[] = {
    {"detach", 'd', FlagKind::boolean, "return after starting the container"},
    {"keep", 0, FlagKind::boolean, "do not delete the container after it exits"},
    {"no-subreaper", 0, FlagKind::boolean, "do not make ocrt a child subreaper"},
};

constexpr auto run_table = concat(create_table, run_only_table);

constexpr FlagSpec kill_table[] = {
    {"all", 'a', FlagKind::boolean, "signal every process in the container's cgroup"},
};

constexpr FlagSpec delete_table[] = {
    {"force", 'f', FlagKind::boolean, "kill the container first if needed; succeed if it does not exist"},
};

constexpr FlagSpec list_table[] = {
    {"format", 'f', FlagKind::value, "output format: table or json (default: table)"},
    {"quiet", 'q', FlagKind::boolean, "print only container ids"},
};

constexpr FlagSpec spec_table[] = {
    {"bundle", 'b', FlagKind::value, "directory to write config.json in (default: current directory)"},
    {"rootless", 0, FlagKind::boolean, "write a config for an unprivileged user (user namespace)"},
};

constexpr FlagSpec ps_table[] = {
    {"format", 'f', FlagKind::value, "output format: table or json (default: table)"},
};

constexpr FlagSpec events_table[] = {
    {"interval", 0, FlagKind::value, "time between stats reports, e.g. 5s or 500ms (default: 5s)"},
    {"stats", 0, FlagKind::boolean, "print the container's stats once and exit"},
};

constexpr FlagSpec update_table[] = {
    {"resources", 'r', FlagKind::value, "a linux.resources JSON file, or - for stdin (other flags are then ignored)"},
    {"blkio-weight", 0, FlagKind::value, "block IO weight, 10 to 1000"},
    {"cpu-period", 0, FlagKind::value, "CPU CFS period in microseconds"},
    {"cpu-quota", 0, FlagKind::value, "CPU CFS quota in microseconds per period"},
    {"cpu-burst", 0, FlagKind::value, "CPU CFS burst in microseconds"},
    {"cpu-share", 0, FlagKind::value, "CPU shares (relative weight)"},
    {"cpu-shares", 0, FlagKind::value, "CPU shares (relative weight)"},
    {"cpu-rt-period", 0, FlagKind::value, "CPU realtime period in microseconds"},
    {"cpu-rt-runtime", 0, FlagKind::value, "CPU realtime runtime in microseconds"},
    {"cpuset-cpus", 0, FlagKind::value, "CPUs to run on, e.g. 0-3,7"},
    {"cpuset-mems", 0, FlagKind::value, "memory nodes to use, e.g. 0"},
    {"cpu-idle", 0, FlagKind::value, "1: SCHED_IDLE for the cgroup"},
    {"memory", 0, FlagKind::value, "memory limit, e.g. 512M (-1: unlimited)"},
    {"memory-reservation", 0, FlagKind::value, "memory soft limit"},
    {"memory-swap", 0, FlagKind::value, "memory plus swap limit (-1: unlimited)"},
    {"kernel-memory", 0, FlagKind::value, "kernel memory limit (where the kernel still has it)"},
    {"kernel-memory-tcp", 0, FlagKind::value, "kernel TCP buffer limit (where the kernel still has it)"},
    {"pids-limit", 0, FlagKind::value, "maximum number of tasks (-1: unlimited)"},
    {"l3-cache-schema", 0, FlagKind::value, "Intel RDT L3 cache schema (not supported)"},
    {"mem-bw-schema", 0, FlagKind::value, "Intel RDT memory bandwidth schema (not supported)"},
};

constexpr FlagSpec exec_table[] = {
    {"process", 'p', FlagKind::value, "path to a process.json (spec Process); the process flags are then ignored"},
    {"detach", 'd', FlagKind::boolean, "return once the process has started"},
    {"pid-file", 0, FlagKind::value, "write the process's host pid to this file"},
    {"tty", 't', FlagKind::boolean, "allocate a pseudo-terminal"},
    {"console-socket", 0, FlagKind::value, "AF_UNIX socket that receives the pty master of a terminal"},
    {"pidfd-socket", 0, FlagKind::value, "AF_UNIX socket for a pidfd of the process (accepted, ignored)"},
    {"cwd", 0, FlagKind::value, "current working directory in the container"},
    {"env", 'e', FlagKind::value, "set an environment variable KEY=VALUE (repeatable)"},
    {"user", 'u', FlagKind::value, "uid[:gid] to run the process as"},
    {"additional-gids", 'g', FlagKind::value, "an additional gid (repeatable)"},
    {"cap", 'c', FlagKind::value, "add a capability to the bounding, effective and permitted sets (repeatable)"},
    {"no-new-privs", 0, FlagKind::boolean, "set no_new_privs for the process"},
    {"apparmor", 0, FlagKind::value, "AppArmor profile for the process"},
    {"process-label", 0, FlagKind::value, "SELinux label for the process"},
    {"preserve-fds", 0, FlagKind::value, "pass N extra fds (from fd 3) to the process"},
    {"cgroup", 0, FlagKind::value, "sub-cgroup to run the process in (not supported yet)"},
    {"ignore-paused", 0, FlagKind::boolean, "allow exec in a paused container"},
};

}  // namespace

std::span<const FlagSpec> ps_flags() { return ps_table; }
std::span<const FlagSpec> events_flags() { return events_table; }
std::span<const FlagSpec> update_flags() { return update_table; }
std::span<const FlagSpec> exec_flags() { return exec_table; }
std::span<const FlagSpec> create_flags() { return create_table; }
std::span<const FlagSpec> run_flags() { return run_table; }
std::span<const FlagSpec> kill_flags() { return kill_table; }
std::span<const FlagSpec> delete_flags() { return delete_table; }
std::span<const FlagSpec> list_flags() { return list_table; }
std::span<const FlagSpec> spec_flags() { return spec_table; }
std::span<const FlagSpec> no_flags() { return {}; }

}  // namespace ocrt::cli
