// The OCI state document (runtime.md "State", schema/state-schema.json),
// plus the extra fields runc prints (rootfs, created, owner).
#pragma once

#include <ocrt/spec/diagnostic.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocrt::spec {

struct State {
    std::string oci_version;
    std::string id;
    std::string status;  // "creating" | "created" | "running" | "paused" | "stopped"
    int pid = 0;         // 0 when stopped
    std::string bundle;  // absolute
    std::string rootfs;  // absolute
    std::string created; // RFC 3339 UTC with nanoseconds
    std::string owner;   // "" in `state`, user name or "#uid" in `list`
    std::map<std::string, std::string> annotations;
};

// Pretty JSON, 2-space indent, no trailing newline (as runc prints it).
// annotations omitted when empty; owner included only when include_owner.
std::string state_to_json(const State &state, bool include_owner = false, bool pretty = true);

// The state object of runtime.md "State" alone (ociVersion, id, status, pid, bundle,
// annotations), compact: what hooks read on stdin and a seccomp listener receives.
std::string runtime_state_json(const State &state);

struct ParsedState {
    std::optional<State> state;
    std::vector<Diagnostic> errors;
};
ParsedState parse_state(std::string_view json_text);

}  // namespace ocrt::spec
