// Private to spec/: what the validate*.cpp check tables share.
#pragma once

#include <ocrt/spec/config.hpp>
#include <ocrt/spec/diagnostic.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace ocrt::spec::detail {

struct Report {
    std::vector<Diagnostic> &errors;
    std::vector<Diagnostic> &warnings;

    void error(std::string pointer, std::string message) {
        errors.push_back(Diagnostic{std::move(pointer), std::move(message)});
    }
    void warn(std::string pointer, std::string message) {
        warnings.push_back(Diagnostic{std::move(pointer), std::move(message)});
    }
};

inline bool is_absolute(std::string_view path) { return !path.empty() && path[0] == '/'; }

// "KEY=VALUE" with a non-empty KEY.
inline bool is_env_entry(std::string_view entry) {
    auto eq = entry.find('=');
    return eq != std::string_view::npos && eq > 0;
}

// Reports every string of the config that ends up in a system call and holds a
// NUL byte: the kernel would silently cut it there (runc #3287).
void check_no_nul_bytes(const Config &config, Report &report);
void check_process_no_nul_bytes(const Process &process, const std::string &base, Report &report);

// linux.sysctl: only keys that live in a namespace the container owns.
void check_sysctls(const Config &config, Report &report);

// linux.seccomp: errno actions, the notify listener, argument indexes.
void check_seccomp(const Config &config, Report &report);

}  // namespace ocrt::spec::detail
