#include <ocrt/spec/sysctl.hpp>

#include "json_reader.hpp"

#include <array>
#include <string_view>

namespace ocrt::spec {

namespace {

// fs.mqueue.* is matched by prefix.
constexpr std::array<std::string_view, 8> kIpcSysctls = {
    "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni",  "kernel.sem",
    "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
};


}  // namespace

std::optional<std::string> dotted_sysctl_key(const std::string &key) {
    char sep = key.find('/') != std::string::npos ? '/' : '.';
    std::string dotted;
    std::size_t start = 0;
    while (true) {
        std::size_t end = key.find(sep, start);
        std::string part = key.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (part.empty() || part == "." || part == "..") return std::nullopt;
        if (!dotted.empty()) dotted += '.';
        dotted += part;
        if (end == std::string::npos) return dotted;
        start = end + 1;
    }
}

std::optional<NamespaceType> sysctl_namespace(const std::string &key) {
    auto dotted = dotted_sysctl_key(key);
    if (!dotted) return std::nullopt;
    if (dotted->starts_with("fs.mqueue.")) return NamespaceType::Ipc;
    for (auto name : kIpcSysctls)
        if (*dotted == name) return NamespaceType::Ipc;
    if (dotted->starts_with("net.")) return NamespaceType::Network;
    if (*dotted == "kernel.hostname" || *dotted == "kernel.domainname") return NamespaceType::Uts;
    return std::nullopt;
}

std::string sysctl_pointer(const std::string &key) { return detail::child_pointer("/linux/sysctl", key); }

}  // namespace ocrt::spec
