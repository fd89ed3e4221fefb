// ocrt run: create + start, then (in the foreground) wait for the init, passing on
// the signals ocrt receives, and delete the container afterwards.
//
// ocrt is the init's parent (launch_init clones it; across a second fork it is
// subreaper), so waitpid sees its exit. Signals are blocked before create and read
// from a signalfd, so none that arrives while the container is set up is lost;
// the init's own mask is reset before its execve.
#include "foreground.hpp"
#include "lifecycle_internal.hpp"

#include <ocrt/base/log.hpp>
#include <ocrt/container/inherited_fds.hpp>

#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <utility>

namespace ocrt::container {
namespace {

// start, or on failure the container goes again (the init is killed and reaped).
// notify_main_pid: the MAINPID relayed with READY (0: the init's).
Result<void> start_or_discard(const CreateOptions &options, pid_t init, pid_t notify_main_pid) {
    auto started = start(options.root, options.id, options.notify_socket, notify_main_pid);
    if (started) return ok();
    Error failure = std::move(started).error();
    if (auto removed = remove(options.root, options.id, /*force=*/true); !removed)
        failure = detail::with_cleanup_failure(std::move(failure), removed.error());
    while (::waitpid(init, nullptr, 0) < 0 && errno == EINTR) {
    }
    return failure;
}

}  // namespace

using detail::SignalRouting;

Result<int> run(const RunOptions &options) {
    CreateOptions create = options.create;
    create.detach = options.detach;
    // First, before the signalfd or anything else could take a missing fd's number.
    OCRT_TRY(check_inherited_fds(create.listen_fds, create.preserve_fds));
    if (options.detach) {
        detail::CreatedInit init = OCRT_TRY(detail::create_container(create));
        OCRT_TRY(start_or_discard(create, init.pid, 0));
        return 0;
    }
    SignalRouting routing = OCRT_TRY(SignalRouting::install());
    // Orphans of a container sharing our pid namespace come back to us to be reaped.
    ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    detail::CreatedInit init = OCRT_TRY(detail::create_container(create));
    // process.terminal without a console socket: we are the user's end of the pty.
    std::optional<tty::TerminalProxy> terminal;
    if (init.console_master) {
        auto attached = tty::TerminalProxy::attach(std::move(init.console_master));
        if (!attached) {
            Error failure = std::move(attached).error();
            if (auto removed = remove(create.root, create.id, /*force=*/true); !removed)
                failure = detail::with_cleanup_failure(std::move(failure), removed.error());
            while (::waitpid(init.pid, nullptr, 0) < 0 && errno == EINTR) {
            }
            return failure;
        }
        terminal.emplace(std::move(*attached));
    }
    // In the foreground we are the unit's main process (runc does the same): the
    // container's init may live in a cgroup systemd would not accept as MAINPID.
    OCRT_TRY(start_or_discard(create, init.pid, ::getpid()));
    int code = terminal ? OCRT_TRY(detail::forward_until_exit(routing, init.pid, *terminal))
                        : OCRT_TRY(detail::forward_until_exit(routing, init.pid));
    if (terminal) terminal->restore();
    if (!options.keep) {
        // The exit code is the result that matters; a failed delete is only reported.
        if (auto removed = remove(create.root, create.id, /*force=*/false); !removed)
            log::error("delete container \"" + create.id + "\": " + removed.error().render());
    }
    return code;
}

}  // namespace ocrt::container
