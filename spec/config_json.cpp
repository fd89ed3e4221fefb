// config.json's top level: ociVersion, root, mounts, hostname, hooks, annotations,
// and the two public entry points. Sections live in config_json_*.cpp.
#include "config_parts.hpp"
#include "validate.hpp"

#include <ocrt/spec/load.hpp>

#include <charconv>

namespace ocrt::spec::detail {
namespace {

std::optional<unsigned> leading_number(std::string_view &rest) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), value);
    if (ec != std::errc() || end == rest.data()) return std::nullopt;
    // SemVer forbids leading zeros ("01").
    if (rest[0] == '0' && end - rest.data() > 1) return std::nullopt;
    rest.remove_prefix(end - rest.data());
    return value;
}

void parse_root(const json &j, const std::string &ptr, Errors &errors, Root &out) {
    ObjectReader r(j, ptr, errors);
    r.field("path", out.path, Need::Required);
    r.field("readonly", out.readonly);
}

void parse_hook(const json &j, const std::string &ptr, Errors &errors, Hook &out) {
    ObjectReader r(j, ptr, errors);
    r.field("path", out.path, Need::Required);
    r.field("args", out.args);
    r.field("env", out.env);
    if (r.field("timeout", out.timeout) && *out.timeout <= 0)
        fail(errors, r.at("timeout"), "hook timeout must be > 0, got " + std::to_string(*out.timeout));
}

}  // namespace

bool supported_oci_version(const std::string &version) {
    std::string_view rest = version;
    auto major = leading_number(rest);
    if (!major || rest.empty() || rest[0] != '.') return false;
    rest.remove_prefix(1);
    auto minor = leading_number(rest);
    if (!minor || rest.empty() || rest[0] != '.') return false;
    rest.remove_prefix(1);
    auto patch = leading_number(rest);
    if (!patch) return false;
    if (!rest.empty() && rest[0] != '-' && rest[0] != '+') return false;
    if (rest.size() == 1) return false;  // a bare "-" or "+"
    return *major == 1 && *minor <= 3;
}

void parse_id_mapping(const json &j, const std::string &ptr, Errors &errors, IdMapping &out) {
    ObjectReader r(j, ptr, errors);
    r.field("containerID", out.container_id, Need::Required);
    r.field("hostID", out.host_id, Need::Required);
    r.field("size", out.size, Need::Required);
}

void parse_mount(const json &j, const std::string &ptr, Errors &errors, Mount &out) {
    ObjectReader r(j, ptr, errors);
    r.field("destination", out.destination, Need::Required);
    r.field("type", out.type);
    r.field("source", out.source);
    r.field("options", out.options);
    r.array("uidMappings", out.uid_mappings, parse_id_mapping);
    r.array("gidMappings", out.gid_mappings, parse_id_mapping);
}

void parse_hooks(const json &j, const std::string &ptr, Errors &errors, Hooks &out) {
    ObjectReader r(j, ptr, errors);
    r.array("prestart", out.prestart, parse_hook);
    r.array("createRuntime", out.create_runtime, parse_hook);
    r.array("createContainer", out.create_container, parse_hook);
    r.array("startContainer", out.start_container, parse_hook);
    r.array("poststart", out.poststart, parse_hook);
    r.array("poststop", out.poststop, parse_hook);
}

}  // namespace ocrt::spec::detail

namespace ocrt::spec {

using namespace detail;

ParsedConfig parse_config(std::string_view json_text) {
    ParsedConfig result;
    auto doc = parse_document(json_text, result.errors);
    if (!doc) return result;

    Config config;
    ObjectReader r(*doc, "", result.errors);
    if (r.field("ociVersion", config.oci_version, Need::Required) && !supported_oci_version(config.oci_version))
        fail(result.errors, "/ociVersion",
             "unsupported ociVersion " + quote_value(config.oci_version) + " (supported: 1.0.0 to 1.3.x)");
    r.object("root", config.root, parse_root, Need::Required);
    r.array("mounts", config.mounts, parse_mount);
    r.object("process", config.process, parse_process_object);
    r.field("hostname", config.hostname);
    r.field("domainname", config.domainname);
    r.object("hooks", config.hooks, parse_hooks);
    r.field("annotations", config.annotations);
    r.object("linux", config.linux_, parse_linux_object);

    // Semantic checks assume well-typed data; running them on a half-parsed
    // model would report follow-on noise.
    if (result.errors.empty()) validate_config(config, result.errors, result.warnings);
    if (result.errors.empty()) result.config = std::move(config);
    return result;
}

ParsedProcess parse_process(std::string_view json_text) {
    ParsedProcess result;
    auto doc = parse_document(json_text, result.errors);
    if (!doc) return result;

    Process process;
    parse_process_object(*doc, "", result.errors, process);
    if (result.errors.empty()) validate_process(process, "", result.errors);
    if (result.errors.empty()) result.process = std::move(process);
    return result;
}

ParsedResources parse_resources(std::string_view json_text) {
    ParsedResources result;
    auto doc = parse_document(json_text, result.errors);
    if (!doc) return result;
    Resources resources;
    detail::parse_resources(*doc, "", result.errors, resources);
    if (result.errors.empty()) result.resources = std::move(resources);
    return result;
}

}  // namespace ocrt::spec
