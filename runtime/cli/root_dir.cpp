#include <ocrt/cli/root_dir.hpp>

#include <sys/stat.h>

#include <cerrno>
#include <filesystem>
#include <fstream>

namespace ocrt::cli {

bool should_use_xdg_runtime_dir(const RootEnvironment &env) {
    if (env.euid != 0) return true;
    if (!env.in_user_namespace) return false;
    return env.user.value_or("") != "root";
}

DefaultRoot default_root(const RootEnvironment &env) {
    if (should_use_xdg_runtime_dir(env) && env.xdg_runtime_dir && !env.xdg_runtime_dir->empty())
        return {*env.xdg_runtime_dir + "/ocrt", true};
    return {"/run/ocrt", false};
}

Result<std::string> resolve_root(std::string_view given, std::string_view cwd) {
    if (given.empty()) return Error("invalid --root \"\": must not be empty");
    std::filesystem::path path = (std::filesystem::path(cwd) / given).lexically_normal();
    std::string text = path.string();
    while (text.size() > 1 && text.back() == '/') text.pop_back();
    if (text == "/") return Error("invalid --root \"" + std::string(given) + "\": must not be \"/\"");
    return text;
}

bool running_in_user_namespace() {
    std::ifstream file("/proc/self/uid_map");
    if (!file) return false;  // no /proc: assume the initial namespace
    unsigned long inside = 0, outside = 0, count = 0;
    file >> inside >> outside >> count;
    std::string extra;
    bool more_lines = static_cast<bool>(file >> extra);
    // The initial namespace maps the whole 32-bit range onto itself, once.
    return !(inside == 0 && outside == 0 && count == 4294967295UL && !more_lines);
}

Result<void> ensure_default_root(const DefaultRoot &root) {
    if (::mkdir(root.path.c_str(), 0700) != 0) {
        int error = errno;
        if (error == EEXIST) return ok();  // leave an existing directory's mode alone
        return Error(error, "create state root \"" + root.path + "\"");
    }
    if (root.in_xdg && ::chmod(root.path.c_str(), 0700 | S_ISVTX) != 0)
        return errno_error("set sticky bit on \"" + root.path + "\"");
    return ok();
}

}  // namespace ocrt::cli
