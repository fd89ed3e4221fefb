#include <ocrt/linux/sysctl.hpp>

#include <cerrno>

namespace ocrt::os {

namespace {

std::string quoted(const std::string &s) { return "\"" + s + "\""; }

}  // namespace

Result<std::string> sysctl_path(const std::string &key) {
    const char separator = key.find('/') != std::string::npos ? '/' : '.';
    std::string path = "/proc/sys";
    size_t start = 0;
    while (true) {
        size_t end = key.find(separator, start);
        std::string part = key.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (part.empty() || part == "." || part == "..") return Error(EINVAL, "invalid sysctl name " + quoted(key));
        path += "/" + part;
        if (end == std::string::npos) return path;
        start = end + 1;
    }
}

Result<void> apply_sysctls(const std::map<std::string, std::string> &sysctls, Kernel &kernel) {
    for (const auto &[key, value] : sysctls) {
        std::string path = OCRT_TRY(sysctl_path(key));
        if (auto written = kernel.write_file(path, value); !written)
            return std::move(written).error().wrap("set sysctl " + quoted(key) + " to " + quoted(value));
    }
    return ok();
}

}  // namespace ocrt::os
