// The commands that act on a container's cgroups: pause/resume, ps, update and
// events --stats. The cgroups come from the state record, never from flags.
#pragma once

#include <ocrt/base/result.hpp>
#include <ocrt/cgroups/oom_watch.hpp>
#include <ocrt/spec/config.hpp>

#include <nlohmann/json.hpp>

#include <sys/types.h>

#include <string>
#include <vector>

namespace ocrt::container {

// Freezes a running (or created) container: "container not running" otherwise.
Result<void> pause(const std::string &root, const std::string &id);
// Thaws a paused container: "container not paused" otherwise.
Result<void> resume(const std::string &root, const std::string &id);
// The host pids in the container's cgroup, sorted (empty once everything exited).
Result<std::vector<pid_t>> pids(const std::string &root, const std::string &id);
// Writes what resources sets into the live container's cgroups, then merges
// resources_json (the same settings as a linux.resources object, RFC 7386 merge
// patch) into the container's config snapshot so later commands see them.
Result<void> update(const std::string &root, const std::string &id, const spec::Resources &resources,
                    const std::string &resources_json);
// runc's stats "data" object; a stopped container: "container with id <id> is not running".
Result<nlohmann::ordered_json> stats(const std::string &root, const std::string &id);
// Watches the running container's memory cgroup for OOM kills (events); ENOENT
// when it has none.
Result<cgroups::OomWatch> watch_oom(const std::string &root, const std::string &id);

}  // namespace ocrt::container
