// ocrt exec: one more process in a created or running container (runc's exec,
// cli-contract.md section 13). Without --process the process is the container's
// config process (from the config snapshot) with the command-line overrides below.
#pragma once

#include <ocrt/base/result.hpp>
#include <ocrt/spec/config.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocrt::container {

// The process flags of `exec`, as given (ignored when --process is used).
struct ExecProcessFlags {
    std::vector<std::string> args;             // <cmd> [args...]
    std::vector<std::string> env;              // --env/-e: KEY=V set (replaces KEY, else appended)
    std::string cwd;                           // --cwd, replaces
    std::string user;                          // --user/-u "uid[:gid]", numeric only
    std::vector<std::string> additional_gids;  // --additional-gids/-g, appended
    std::vector<std::string> caps;             // --cap/-c: bounding, effective, permitted only
    bool tty = false;                          // --tty/-t: process.terminal
    bool no_new_privs = false;                 // --no-new-privs: only ever turns it on
    std::string apparmor;                      // --apparmor
    std::string process_label;                 // --process-label
};

// Pure: "uid" or "uid:gid", decimal (a name is never looked up: CVE-2016-3697).
struct ExecUser {
    uint32_t uid = 0;
    std::optional<uint32_t> gid;
};
Result<ExecUser> parse_exec_user(std::string_view text);

// Pure: the container's process with the flags applied, as runc's exec does:
// args replaced, env entries set (last value of a key wins), cwd/user/labels replaced when given, gids appended,
// capabilities added to bounding/effective/permitted (never inheritable or ambient,
// CVE-2022-29162), terminal = --tty. Unknown capability names are rejected.
Result<spec::Process> process_from_flags(const spec::Process &base, const ExecProcessFlags &flags);

// Pure: what exec requires of the final process (runc's checks): args not empty,
// cwd present and absolute.
Result<void> check_exec_process(const spec::Process &process);

struct ExecOptions {
    std::string root;            // state root, absolute
    std::string id;
    std::string cwd;             // the invocation's, for relative --process and --pid-file
    std::string process_file;    // --process/-p; when set, the flags are ignored
    ExecProcessFlags flags;
    bool detach = false;
    std::string pid_file;
    std::string console_socket;
    int preserve_fds = 0;
    bool ignore_paused = false;
};

// Foreground: the process's exit code (128+N when killed by signal N), with the
// signals ocrt receives passed on. Detached: 0 once the process has called execve
// and the pid file is written.
Result<int> exec(const ExecOptions &options);

}  // namespace ocrt::container
