#include "create_options.hpp"

#include <ocrt/base/log.hpp>
#include <ocrt/cli/root_dir.hpp>
#include <ocrt/container/inherited_fds.hpp>

#include <unistd.h>

#include <cstdlib>

namespace ocrt::cli {

Result<container::CreateOptions> prepare_create(const Invocation &call) {
    const GlobalOptions &globals = call.globals;
    if (globals.root_is_default) OCRT_TRY(ensure_default_root({globals.root, globals.root_in_xdg}));

    container::CreateOptions options;
    options.root = globals.root;
    options.id = call.args.at(0);
    options.bundle = call.flags.value("bundle");
    if (options.bundle.empty()) options.bundle = call.cwd;
    options.pid_file = call.flags.value("pid-file");
    options.console_socket = call.flags.value("console-socket");
    options.no_pivot = call.flags.enabled("no-pivot");
    options.no_new_keyring = call.flags.enabled("no-new-keyring");
    options.preserve_fds = static_cast<int>(OCRT_TRY(flag_as_unsigned(call.flags, "preserve-fds")));
    options.listen_fds =
        container::socket_activation_fds(std::getenv("LISTEN_PID"), std::getenv("LISTEN_FDS"), ::getpid());
    if (const char *notify = std::getenv("NOTIFY_SOCKET")) options.notify_socket = notify;
    options.cgroup_manager = globals.cgroup_manager;
    if (call.flags.has("pidfd-socket")) log::debug("--pidfd-socket is not supported yet: ignored");
    return options;
}

}  // namespace ocrt::cli
