// ocrt.yaml, ocrt's own settings. The only yaml-cpp user; exceptions stop here.
#include <ocrt/spec/settings.hpp>

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <initializer_list>

namespace ocrt::spec {
namespace {

std::string quote(const std::string &s) { return "\"" + s + "\""; }

// "must be \"a\", \"b\" or \"c\"".
std::string one_of(std::initializer_list<std::string_view> words) {
    std::string out = "must be ";
    std::size_t i = 0;
    for (auto w : words) {
        if (i > 0) out += (i + 1 == words.size()) ? " or " : ", ";
        out += "\"" + std::string(w) + "\"";
        ++i;
    }
    return out;
}

Result<void> check_word(const std::string &file, const std::string &key, const std::string &value,
                        std::initializer_list<std::string_view> words) {
    if (value.empty() || std::find(words.begin(), words.end(), value) != words.end()) return ok();
    return Error(file + ": " + key + ": " + one_of(words) + ", got " + quote(value));
}

Result<void> check_absolute(const std::string &file, const std::string &key, const std::string &value) {
    if (value.empty() || value[0] == '/') return ok();
    return Error(file + ": " + key + ": must be an absolute path, got " + quote(value));
}

Result<Settings> read_settings(const YAML::Node &doc, const std::string &file) {
    Settings s;
    if (doc.IsNull()) return s;  // an empty file: all defaults
    if (!doc.IsMap()) return Error(file + ": expected a mapping of settings at the top level");

    for (const auto &entry : doc) {
        if (!entry.first.IsScalar()) return Error(file + ": setting names must be plain strings");
        std::string key = entry.first.Scalar();
        const YAML::Node &value = entry.second;
        std::string text;
        if (value.IsScalar())
            text = value.Scalar();
        else if (!value.IsNull())
            return Error(file + ": " + key + ": expected a string");

        if (key == "root")
            s.root = text;
        else if (key == "cgroup_manager")
            s.cgroup_manager = text;
        else if (key == "log_level")
            s.log_level = text;
        else if (key == "log_format")
            s.log_format = text;
        else if (key == "log")
            s.log = text;
        else
            return Error(file + ": " + key + ": unknown setting");
    }

    OCRT_TRY(check_absolute(file, "root", s.root));
    OCRT_TRY(check_word(file, "cgroup_manager", s.cgroup_manager, {"cgroupfs", "systemd", "disabled"}));
    OCRT_TRY(check_word(file, "log_level", s.log_level, {"debug", "info", "warning", "error"}));
    OCRT_TRY(check_word(file, "log_format", s.log_format, {"text", "json"}));
    OCRT_TRY(check_absolute(file, "log", s.log));
    return s;
}

}  // namespace

Result<Settings> parse_settings(std::string_view yaml_text, const std::string &file_name) {
    try {
        return read_settings(YAML::Load(std::string(yaml_text)), file_name);
    } catch (const YAML::Exception &e) {
        // yaml-cpp marks are 0-based.
        return Error(file_name + ": line " + std::to_string(e.mark.line + 1) + ", column " +
                     std::to_string(e.mark.column + 1) + ": " + e.msg);
    }
}

}  // namespace ocrt::spec
