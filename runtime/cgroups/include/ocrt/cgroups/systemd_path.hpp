// linux.cgroupsPath for the systemd cgroup driver (config-linux.md "Cgroups Path"
// leaves the form to the runtime; this is the one runc and crun use). Pure.
//   "slice:prefix:name"     the transient scope "<prefix>-<name>.scope" in <slice>
//   "slice:prefix:x.slice"  the slice "x.slice" itself is the unit
//   ":prefix:name"          <slice> defaults to "system.slice"
//   ""                      "system.slice:ocrt:<id>"
#pragma once

#include <ocrt/base/result.hpp>

#include <string>

namespace ocrt::cgroups {

struct SystemdUnitPath {
    std::string slice;   // the parent slice: "system.slice"
    std::string unit;    // "ocrt-<id>.scope", or "<name>.slice"
    std::string cgroup;  // the unit's cgroup below the cgroup2 root: "/system.slice/ocrt-<id>.scope"
};

// systemd's slice naming: "a-b-c.slice" -> "/a.slice/a-b.slice/a-b-c.slice", "-.slice" -> "/".
// Refuses a name without ".slice", with '/', "--", or a leading/trailing '-'.
Result<std::string> expand_slice(const std::string &slice);

// Errors name the field: `config.json: /linux/cgroupsPath: ...`.
Result<SystemdUnitPath> resolve_systemd_path(const std::string &configured, const std::string &id);

}  // namespace ocrt::cgroups
