#include <ocrt/cgroups/systemd_path.hpp>

#include <cctype>
#include <vector>

namespace ocrt::cgroups {
namespace {

constexpr const char *kDefaultSlice = "system.slice";
constexpr const char *kDefaultPrefix = "ocrt";
const std::string kSliceSuffix = ".slice";

Error path_error(const std::string &configured, const std::string &problem) {
    return Error("config.json: /linux/cgroupsPath: \"" + configured + "\" " + problem);
}

std::vector<std::string> split(const std::string &text, char separator) {
    std::vector<std::string> parts(1);
    for (char c : text) {
        if (c == separator)
            parts.emplace_back();
        else
            parts.back() += c;
    }
    return parts;
}

// systemd's unit name alphabet (without ':', which separates the parts here).
bool valid_unit_chars(const std::string &text) {
    for (unsigned char c : text)
        if (!std::isalnum(c) && c != '-' && c != '_' && c != '.' && c != '\\') return false;
    return true;
}

// The prefix and name must be usable inside a unit name.
Result<void> check_part(const std::string &configured, const std::string &what, const std::string &part) {
    if (part.find('/') != std::string::npos) return path_error(configured, "has a '/' in its " + what);
    if (part.find("..") != std::string::npos) return path_error(configured, "has \"..\" in its " + what);
    if (!valid_unit_chars(part))
        return path_error(configured, "has a character systemd does not allow in a unit name in its " + what);
    return ok();
}

}  // namespace

Result<std::string> expand_slice(const std::string &slice) {
    if (!slice.ends_with(kSliceSuffix) || slice.size() == kSliceSuffix.size())
        return Error("invalid slice name \"" + slice + "\": it must end with \".slice\"");
    if (slice.find('/') != std::string::npos) return Error("invalid slice name \"" + slice + "\": it contains '/'");
    std::string name = slice.substr(0, slice.size() - kSliceSuffix.size());
    if (name == "-") return std::string("/");  // the root slice
    if (!valid_unit_chars(name))
        return Error("invalid slice name \"" + slice + "\": a character systemd does not allow");
    // '-' separates the levels: "a--b", "-a" and "a-" would name an empty level.
    std::string path;
    std::string prefix;
    for (const std::string &level : split(name, '-')) {
        if (level.empty())
            return Error("invalid slice name \"" + slice + "\": \"--\" or a leading or trailing '-'");
        prefix += level;
        path += "/" + prefix + kSliceSuffix;
        prefix += "-";
    }
    return path;
}

Result<SystemdUnitPath> resolve_systemd_path(const std::string &configured, const std::string &id) {
    std::string slice = kDefaultSlice;
    std::string prefix = kDefaultPrefix;
    std::string name = id;
    if (!configured.empty()) {
        std::vector<std::string> parts = split(configured, ':');
        if (parts.size() != 3)
            return path_error(configured, "is not of the form \"slice:prefix:name\" the systemd cgroup driver expects");
        if (!parts[0].empty()) slice = parts[0];
        prefix = parts[1];
        name = parts[2];
    }
    if (name.empty()) return path_error(configured, "names no unit (\"slice:prefix:name\" with an empty name)");
    OCRT_TRY(check_part(configured, "name", name));
    OCRT_TRY(check_part(configured, "prefix", prefix));
    auto parent = expand_slice(slice);
    if (!parent) return path_error(configured, "has an " + parent.error().message());

    SystemdUnitPath path;
    path.slice = slice;
    if (name.ends_with(kSliceSuffix)) {
        // A slice's place in the tree is its name: "a-b.slice" is below "a.slice".
        auto own = expand_slice(name);
        if (!own) return path_error(configured, "has an " + own.error().message());
        if (*own == "/") return path_error(configured, "names the root slice; give a slice below it");
        path.unit = name;
        path.cgroup = *own;
        return path;
    }
    // An empty prefix gives "<name>.scope" (a unit name starting with '-' would be odd).
    path.unit = (prefix.empty() ? "" : prefix + "-") + name + ".scope";
    path.cgroup = (*parent == "/" ? "" : *parent) + "/" + path.unit;
    return path;
}

}  // namespace ocrt::cgroups
