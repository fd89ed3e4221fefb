// The lifecycle API the CLI calls (runtime.md "Operations"). Each call validates the
// id, takes the container's lock when it mutates, and derives the status from the
// live process. Errors carry runc's wording ("container does not exist", ...).
#pragma once

#include <ocrt/base/result.hpp>
#include <ocrt/spec/state.hpp>

#include <sys/types.h>

#include <string>
#include <vector>

namespace ocrt::container {

struct CreateOptions {
    std::string root;            // state root, absolute
    std::string id;
    std::string bundle;          // as given (default cwd); made absolute
    std::string pid_file;        // as given; relative to the invocation cwd
    std::string console_socket;
    bool no_pivot = false;
    bool no_new_keyring = false;
    int preserve_fds = 0;
    int listen_fds = 0;          // socket activation fds (LISTEN_FDS for us); passed before preserve_fds
    std::string notify_socket;   // the host's $NOTIFY_SOCKET; empty: no sd_notify passthrough
    std::string cgroup_manager;  // "cgroupfs" | "systemd" | "disabled" (recorded; issue 4 applies it)
    // false only for a foreground `run`: a terminal then needs no console socket,
    // ocrt proxies the pty itself (cli-contract.md section 8).
    bool detach = true;
};

Result<void> create(const CreateOptions &options);
// notify_socket: the host's $NOTIFY_SOCKET; when set and create prepared the
// container for it, start returns only once READY=1 was relayed or the init exited.
// MAINPID goes with it: notify_main_pid, or (0) the init's host pid.
Result<void> start(const std::string &root, const std::string &id, const std::string &notify_socket = "",
                   pid_t notify_main_pid = 0);
Result<spec::State> state(const std::string &root, const std::string &id);
Result<void> kill(const std::string &root, const std::string &id, int signal, bool all);
Result<void> remove(const std::string &root, const std::string &id, bool force);
// Every container under root; entries that fail to load are reported in warnings and skipped.
Result<std::vector<spec::State>> list(const std::string &root, std::vector<std::string> &warnings);

struct RunOptions {
    CreateOptions create;
    bool detach = false;
    bool keep = false;  // do not delete after the init exits
};
// Foreground: returns the init's exit code (128+N when killed by signal N),
// forwarding SIGINT/SIGTERM/... to it. Detached: returns 0 after start.
Result<int> run(const RunOptions &options);

}  // namespace ocrt::container
