#include <ocrt/linux/process_setup.hpp>
#include <ocrt/spec/vocabulary.hpp>

#include <ocrt/base/fs.hpp>
#include <ocrt/base/text.hpp>

#include <fcntl.h>
#include <linux/close_range.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <cstdlib>

namespace ocrt::os {

namespace {

constexpr const char *kDefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

using text::quoted;

// Why setrlimit said EPERM: the two cases the kernel has.
std::string eperm_reason(int resource, uint64_t hard) {
    struct rlimit current {};
    if (::getrlimit(static_cast<__rlimit_resource>(resource), &current) == 0 && hard > current.rlim_max)
        return "raising a hard limit above the current one needs CAP_SYS_RESOURCE";
    if (resource == RLIMIT_NOFILE) {
        auto nr_open = fs::read_file("/proc/sys/fs/nr_open");
        unsigned long long max_files = nr_open ? std::strtoull(nr_open->c_str(), nullptr, 10) : 0;
        if (max_files != 0 && hard > max_files)
            return "the hard limit is above fs.nr_open (" + std::to_string(max_files) + ")";
    }
    return "";
}

// Go's exec.LookPath rule: a regular file the caller may execute.
bool is_executable(const std::string &path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || S_ISDIR(st.st_mode) || (st.st_mode & 0111) == 0) return false;
    if (::faccessat(AT_FDCWD, path.c_str(), X_OK, AT_EACCESS) == 0) return true;
    if (errno != EPERM && errno != ENOSYS) return false;
    // The filter loaded before the lookup (noNewPrivileges false) refused the call.
    std::vector<gid_t> groups(static_cast<size_t>(std::max(::getgroups(0, nullptr), 0)));
    int count = groups.empty() ? 0 : ::getgroups(static_cast<int>(groups.size()), groups.data());
    groups.resize(static_cast<size_t>(std::max(count, 0)));
    return mode_allows_exec(st.st_mode, st.st_uid, st.st_gid, ::geteuid(), ::getegid(), groups);
}

std::string path_from_env(const std::vector<std::string> &env) {
    std::string path = kDefaultPath;
    for (const auto &entry : env)  // the last definition wins, as for getenv after putenv
        if (entry.rfind("PATH=", 0) == 0) path = entry.substr(5);
    return path;
}

}  // namespace

std::optional<int> rlimit_resource(std::string_view name) {
    return spec::rlimit_number(name);  // one table, shared with the parser and `features`
}

Result<void> set_uts_names(const spec::Config &config, Kernel &kernel) {
    if (!config.hostname.empty()) OCRT_TRY(kernel.sethostname(config.hostname));
    if (!config.domainname.empty()) OCRT_TRY(kernel.setdomainname(config.domainname));
    return ok();
}

Result<void> apply_rlimits(const std::vector<spec::Rlimit> &rlimits, Kernel &kernel) {
    for (const auto &limit : rlimits) {
        auto resource = rlimit_resource(limit.type);
        if (!resource) return Error(EINVAL, "unknown rlimit " + quoted(limit.type));
        auto set = kernel.setrlimit(*resource, limit.soft, limit.hard);
        if (set) continue;
        std::string what = "setrlimit " + limit.type + " (soft " + std::to_string(limit.soft) + ", hard " +
                           std::to_string(limit.hard) + ")";
        int code = set.error().code();
        if (code == EPERM) {
            if (std::string reason = eperm_reason(*resource, limit.hard); !reason.empty()) what += ": " + reason;
        }
        return Error(code, what);
    }
    return ok();
}

Result<void> apply_user(const spec::User &user, Kernel &kernel) {
    // In a user namespace whose setgroups is "deny" the call always fails; with no
    // additional gids there is nothing to ask for, so skip it there.
    auto setgroups_state = fs::read_file("/proc/self/setgroups");
    bool denied = setgroups_state && setgroups_state->rfind("deny", 0) == 0;
    if (denied && !user.additional_gids.empty())
        return Error(EPERM, "set additional gids: setgroups is denied in this user namespace");
    if (!denied) {
        std::vector<gid_t> groups(user.additional_gids.begin(), user.additional_gids.end());
        if (auto set = kernel.setgroups(groups); !set) return std::move(set).error().wrap("set additional gids");
    }
    if (auto set = kernel.setresgid(user.gid, user.gid, user.gid); !set)
        return std::move(set).error().wrap("set gid " + std::to_string(user.gid));
    if (auto set = kernel.setresuid(user.uid, user.uid, user.uid); !set)
        return std::move(set).error().wrap("set uid " + std::to_string(user.uid));
    if (user.umask) kernel.umask(static_cast<mode_t>(*user.umask));
    return ok();
}

Result<void> enter_cwd(const spec::Process &process, Kernel &kernel) {
    const std::string cwd = process.cwd.empty() ? "/" : process.cwd;
    if (auto changed = kernel.chdir(cwd); !changed) return std::move(changed).error().wrap("enter process.cwd");
    std::string actual(PATH_MAX, '\0');
    // getcwd fails with ENOENT, or (older libcs) returns "(unreachable)/...", for a
    // directory outside our root.
    bool reachable = ::getcwd(actual.data(), actual.size()) != nullptr;
    int code = reachable ? ENOENT : errno;
    if (!reachable || actual[0] != '/')
        return Error(code, "process.cwd " + quoted(cwd) + " is outside the container root (possible container breakout)");
    return ok();
}

bool mode_allows_exec(mode_t mode, uid_t owner, gid_t group, uid_t euid, gid_t egid,
                      const std::vector<gid_t> &groups) {
    if (euid == 0) return (mode & 0111) != 0;
    if (euid == owner) return (mode & S_IXUSR) != 0;
    if (egid == group || std::find(groups.begin(), groups.end(), group) != groups.end()) return (mode & S_IXGRP) != 0;
    return (mode & S_IXOTH) != 0;
}

Result<std::string> find_executable(const spec::Process &process) {
    if (process.args.empty() || process.args[0].empty()) return Error(EINVAL, "process.args must not be empty");
    const std::string &name = process.args[0];
    if (name.find('/') != std::string::npos) {
        struct stat st {};
        if (::stat(name.c_str(), &st) != 0) {
            int code = errno;
            return Error(code, "exec: " + quoted(name) + ": stat " + name);
        }
        if (!is_executable(name)) return Error(EACCES, "exec: " + quoted(name));
        return name;
    }
    const std::string search = path_from_env(process.env);
    size_t start = 0;
    while (start <= search.size()) {
        size_t end = search.find(':', start);
        if (end == std::string::npos) end = search.size();
        std::string dir = search.substr(start, end - start);
        if (dir.empty()) dir = ".";  // an empty PATH element means the current directory
        std::string candidate = dir + "/" + name;
        if (is_executable(candidate)) return candidate;
        start = end + 1;
    }
    return Error("exec: " + quoted(name) + ": executable file not found in $PATH");
}

Result<void> exec_process(const spec::Process &process, const std::string &executable, int preserve_fds,
                          Kernel &kernel, const std::function<Result<void>()> &before_execve) {
    unsigned int first = 3 + static_cast<unsigned int>(preserve_fds < 0 ? 0 : preserve_fds);
    if (auto marked = kernel.close_range(first, ~0U, CLOSE_RANGE_CLOEXEC); !marked)
        return std::move(marked).error().wrap("close inherited file descriptors");
    if (auto reset = kernel.reset_signals(); !reset) return std::move(reset).error().wrap("reset signals");
    if (before_execve) OCRT_TRY(before_execve());
    return kernel.execve(executable, process.args, process.env);
}

}  // namespace ocrt::os
