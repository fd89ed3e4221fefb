#include <ocrt/container/record.hpp>

#include <nlohmann/json.hpp>

#include <cstdio>

namespace ocrt::container {
namespace {

constexpr const char *kOwnKey = "ocrt";

// Reads our own object; a missing key keeps the default so older records still load.
Result<void> read_own_fields(const nlohmann::json &own, Record &record) {
    if (!own.is_object()) return Error("state record: \"ocrt\" is not an object");
    try {
        if (own.contains("initStartTime")) record.init_start_time = own.at("initStartTime").get<unsigned long long>();
        if (own.contains("privatePidNamespace"))
            record.private_pid_namespace = own.at("privatePidNamespace").get<bool>();
        if (own.contains("cgroupManager")) record.cgroup_manager = own.at("cgroupManager").get<std::string>();
        if (own.contains("cgroupsPath")) record.cgroups_path = own.at("cgroupsPath").get<std::string>();
        if (own.contains("cgroupDirs"))
            record.cgroup_dirs = own.at("cgroupDirs").get<std::map<std::string, std::string>>();
        if (own.contains("cgroupsCreated"))
            record.cgroups_created = own.at("cgroupsCreated").get<std::vector<std::string>>();
        if (own.contains("systemdUnit")) record.cgroup_unit = own.at("systemdUnit").get<std::string>();
        if (own.contains("noNewKeyring")) record.no_new_keyring = own.at("noNewKeyring").get<bool>();
    } catch (const nlohmann::json::exception &e) {
        return Error(std::string("state record: \"ocrt\": ") + e.what());
    }
    return ok();
}

}  // namespace

std::string record_to_json(const Record &record) {
    nlohmann::ordered_json doc = nlohmann::ordered_json::parse(spec::state_to_json(record.oci));
    doc[kOwnKey] = {
        {"initStartTime", record.init_start_time},
        {"privatePidNamespace", record.private_pid_namespace},
        {"cgroupManager", record.cgroup_manager},
        {"cgroupsPath", record.cgroups_path},
        {"cgroupDirs", record.cgroup_dirs},
        {"cgroupsCreated", record.cgroups_created},
        {"systemdUnit", record.cgroup_unit},
        {"noNewKeyring", record.no_new_keyring},
    };
    return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

Result<Record> record_from_json(std::string_view text) {
    spec::ParsedState parsed = spec::parse_state(text);
    if (!parsed.state) {
        std::string problem = parsed.errors.empty() ? "invalid" : spec::render(parsed.errors.front(), "state.json");
        return Error("malformed state record: " + problem);
    }
    Record record;
    record.oci = std::move(*parsed.state);
    // parse_state accepted the text, so it is valid JSON.
    nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
    if (doc.is_object() && doc.contains(kOwnKey)) OCRT_TRY(read_own_fields(doc.at(kOwnKey), record));
    return record;
}

std::string rfc3339_nano_utc(const timespec &when) {
    tm utc{};
    gmtime_r(&when.tv_sec, &utc);
    char seconds[32];
    strftime(seconds, sizeof seconds, "%Y-%m-%dT%H:%M:%S", &utc);
    char text[64];
    std::snprintf(text, sizeof text, "%s.%09ldZ", seconds, static_cast<long>(when.tv_nsec));
    return text;
}

std::string now_rfc3339_nano_utc() {
    timespec now{};
    clock_gettime(CLOCK_REALTIME, &now);
    return rfc3339_nano_utc(now);
}

bool has_private_pid_namespace(const spec::Config &config) {
    if (!config.linux_) return false;
    for (const spec::Namespace &ns : config.linux_->namespaces)
        if (ns.type == spec::NamespaceType::Pid) return ns.path.empty();
    return false;
}

}  // namespace ocrt::container
