// What create and run share: turning their flags into container::CreateOptions.
#pragma once

#include <ocrt/base/result.hpp>
#include <ocrt/cli/command.hpp>
#include <ocrt/container/container.hpp>

namespace ocrt::cli {

// Creates the default state root when it is the one in use (0700, sticky under XDG),
// then reads --bundle, --pid-file, --console-socket, --no-pivot, --no-new-keyring and
// --preserve-fds. --pidfd-socket is accepted and ignored.
Result<container::CreateOptions> prepare_create(const Invocation &call);

}  // namespace ocrt::cli
