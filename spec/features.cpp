// `ocrt features`: what this build recognises and implements (features.md).
// Word lists come from vocabulary.cpp, the same tables the parser checks against.
#include <ocrt/spec/features.hpp>
#include <ocrt/spec/vocabulary.hpp>

#include <nlohmann/json.hpp>

#ifndef OCRT_LIBSECCOMP_VERSION
#define OCRT_LIBSECCOMP_VERSION "unknown"
#endif

namespace ocrt::spec {
namespace {

using ordered_json = nlohmann::ordered_json;

ordered_json names(std::span<const Word> table) {
    ordered_json out = ordered_json::array();
    for (const auto &w : table) out.push_back(w.name);
    return out;
}

ordered_json enabled(bool on) { return ordered_json{{"enabled", on}}; }

ordered_json seccomp_features() {
    ordered_json s;
    s["enabled"] = true;
    s["actions"] = names(seccomp_action_words());
    s["operators"] = names(seccomp_operator_words());
    s["archs"] = names(seccomp_arch_words());
    s["knownFlags"] = names(seccomp_flag_words());
    // ocrt makes the seccomp(2) call itself, so every flag reaches the kernel.
    s["supportedFlags"] = names(seccomp_flag_words());
    return s;
}

ordered_json linux_features() {
    ordered_json os;
    os["namespaces"] = names(namespace_words());
    os["capabilities"] = names(capability_words());
    os["cgroup"] = {{"v1", true}, {"v2", true}, {"systemd", OCRT_HAVE_SYSTEMD != 0}, {"systemdUser", false}, {"rdma", true}};
    os["seccomp"] = seccomp_features();
    os["apparmor"] = enabled(true);  // implemented; whether the host has it is checked at create
    os["selinux"] = enabled(true);
    os["intelRdt"] = enabled(false);
    os["mountExtensions"] = {{"idmap", enabled(false)}};
    os["netDevices"] = enabled(false);
    return os;
}

}  // namespace

std::string features_json() {
    ordered_json j;
    j["ociVersionMin"] = "1.0.0";
    j["ociVersionMax"] = "1.3.0";
    j["hooks"] = names(hook_words());
    j["mountOptions"] = names(mount_option_words());
    j["linux"] = linux_features();
    j["annotations"] = {{"io.github.seccomp.libseccomp.version", OCRT_LIBSECCOMP_VERSION}};
    return j.dump(2);
}

}  // namespace ocrt::spec
