// What <root>/<id>/state.json holds: the OCI state document plus the facts later
// commands need but are never told again (they arrive without --systemd-cgroup,
// often with an almost empty environment), under the key "ocrt".
#pragma once

#include <ocrt/base/result.hpp>
#include <ocrt/spec/config.hpp>
#include <ocrt/spec/state.hpp>

#include <time.h>

#include <map>
#include <vector>

#include <string>
#include <string_view>

namespace ocrt::container {

struct Record {
    spec::State oci;                        // status as last written; the live one is derived
    unsigned long long init_start_time = 0; // /proc/<pid>/stat field 22: pid + this names one process
    bool private_pid_namespace = false;     // a new pid namespace: killing the init kills everything
    std::string cgroup_manager;             // "cgroupfs" | "systemd" | "disabled"
    std::string cgroups_path;               // linux.cgroupsPath as configured
    std::map<std::string, std::string> cgroup_dirs;  // controller -> the container's cgroup directory
    std::vector<std::string> cgroups_created;        // directories ocrt made (parents first); delete removes only these
    std::string cgroup_unit;                // the systemd driver's transient unit ("ocrt-<id>.scope")
    bool no_new_keyring = false;            // create --no-new-keyring: exec keeps the caller's keyring too
};

// One JSON document (pretty, trailing newline).
std::string record_to_json(const Record &record);
// Errors name the first problem found; the OCI part is checked by spec::parse_state.
Result<Record> record_from_json(std::string_view text);

// RFC 3339 in UTC with nanoseconds: "2026-08-01T12:00:00.123456789Z".
std::string rfc3339_nano_utc(const timespec &when);
std::string now_rfc3339_nano_utc();

// True when the config asks for a new pid namespace (no "path" to join).
bool has_private_pid_namespace(const spec::Config &config);

}  // namespace ocrt::container
