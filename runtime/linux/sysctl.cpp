#include <ocrt/linux/sysctl.hpp>

#include <ocrt/base/text.hpp>
#include <ocrt/linux/namespaces.hpp>
#include <ocrt/spec/sysctl.hpp>

#include <sys/stat.h>

#include <cerrno>

namespace ocrt::os {

namespace {

using text::quoted;

bool same_file(const std::string &a, const std::string &b) {
    struct stat first {}, second {};
    return ::stat(a.c_str(), &first) == 0 && ::stat(b.c_str(), &second) == 0 && first.st_dev == second.st_dev &&
           first.st_ino == second.st_ino;
}

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

Result<void> check_sysctl_namespaces(const spec::Config &config) {
    if (!config.linux_) return ok();
    for (const auto &[key, value] : config.linux_->sysctl) {
        auto type = spec::sysctl_namespace(key);
        if (!type) continue;  // refused by the config validation already
        const spec::Namespace *ns = config.linux_->find_namespace(*type);
        if (ns == nullptr || ns->path.empty()) continue;
        std::string own = std::string("/proc/self/ns/") + proc_ns_name(*type);
        if (same_file(ns->path, own))
            return Error("config.json: " + spec::sysctl_pointer(key) + ": sysctl " + quoted(key) +
                         " would change the host: the " + proc_ns_name(*type) + " namespace joined at " +
                         quoted(ns->path) + " is the one ocrt runs in");
    }
    return ok();
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
