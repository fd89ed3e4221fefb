// The fds a container inherits from ocrt: socket activation (LISTEN_FDS) first, then
// --preserve-fds, all numbered from 3 with no gap (cli-contract.md section 5). Every
// other fd is closed by the execve (the init marks them close-on-exec).
#pragma once

#include <ocrt/base/result.hpp>

#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

namespace ocrt::container {

// Pure: how many socket-activation fds were handed to the process `self`, from the
// values of $LISTEN_PID and $LISTEN_FDS (nullptr when unset). As with sd_listen_fds(3),
// anything but a LISTEN_PID naming us and a positive decimal LISTEN_FDS means none.
int socket_activation_fds(const char *listen_pid, const char *listen_fds, pid_t self);

// Every fd the container is to get must be open in ocrt and inherited (not
// close-on-exec): were one missing, a file ocrt or the init opens could take its
// number and reach the container. listen_fds are 3.., preserve_fds follow them;
// the errors use runc's wording for the latter.
Result<void> check_inherited_fds(int listen_fds, int preserve_fds);

// Pure: sets KEY=value in a process env, replacing every earlier KEY= entry so the
// container's getenv sees only ours.
void set_env(std::vector<std::string> &env, std::string_view key, std::string_view value);

}  // namespace ocrt::container
