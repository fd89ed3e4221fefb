// The state document printed by `ocrt state` and given to hooks on stdin.
#include <ocrt/spec/state.hpp>

#include "json_reader.hpp"

#include <array>

namespace ocrt::spec {
namespace {

constexpr std::array kStatuses = {
    Word{"creating", 0}, Word{"created", 1}, Word{"running", 2}, Word{"paused", 3}, Word{"stopped", 4},
};

}  // namespace

std::string runtime_state_json(const State &state) {
    nlohmann::ordered_json j;
    j["ociVersion"] = state.oci_version;
    j["id"] = state.id;
    j["status"] = state.status;
    j["pid"] = state.pid;
    j["bundle"] = state.bundle;
    if (!state.annotations.empty()) j["annotations"] = state.annotations;
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string state_to_json(const State &state, bool include_owner, bool pretty) {
    // Key order as runc prints it; clients parse by name, people read it in this order.
    nlohmann::ordered_json j;
    j["ociVersion"] = state.oci_version;
    j["id"] = state.id;
    j["pid"] = state.pid;
    j["status"] = state.status;
    j["bundle"] = state.bundle;
    j["rootfs"] = state.rootfs;
    j["created"] = state.created;
    if (include_owner) j["owner"] = state.owner;
    if (!state.annotations.empty()) j["annotations"] = state.annotations;
    // Replace invalid UTF-8 rather than throwing: ids and paths are checked elsewhere.
    return pretty ? j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
                  : j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

ParsedState parse_state(std::string_view json_text) {
    using namespace detail;
    ParsedState result;
    auto doc = parse_document(json_text, result.errors);
    if (!doc) return result;

    State state;
    ObjectReader r(*doc, "", result.errors);
    r.field("ociVersion", state.oci_version, Need::Required);
    r.field("id", state.id, Need::Required);
    r.word("status", state.status, kStatuses, "status", Need::Required);
    if (r.field("pid", state.pid) && state.pid < 0)
        fail(result.errors, "/pid", "must not be negative, got " + std::to_string(state.pid));
    r.field("bundle", state.bundle, Need::Required);
    r.field("rootfs", state.rootfs);
    r.field("created", state.created);
    r.field("owner", state.owner);
    r.field("annotations", state.annotations);
    if (result.errors.empty()) result.state = std::move(state);
    return result;
}

}  // namespace ocrt::spec
