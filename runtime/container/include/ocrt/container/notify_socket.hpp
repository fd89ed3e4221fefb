// sd_notify passthrough (cli-contract.md section 16). When ocrt runs with
// NOTIFY_SOCKET set (a systemd Type=notify unit), `create` gives the container a
// socket directory of its own, <state dir>/notify bound read-only at /run/notify,
// and NOTIFY_SOCKET=/run/notify/notify.sock. `start` binds the datagram socket
// there before releasing the init, waits for the container's READY=1 (or its exit)
// and relays it with MAINPID=<host pid of the init> to the host's socket.
#pragma once

#include <ocrt/base/result.hpp>
#include <ocrt/base/unique_fd.hpp>
#include <ocrt/spec/config.hpp>

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace ocrt::container {

inline constexpr const char *kNotifyDirInContainer = "/run/notify";
inline constexpr const char *kNotifySocketInContainer = "/run/notify/notify.sock";

// create: makes <state_dir>/notify (0755), sets NOTIFY_SOCKET in config's process
// env and returns a detached read-only, nosuid, nodev, noexec bind of that
// directory for the init to attach at /run/notify (init::DetachedMount): by fd,
// since an init in a user namespace could not walk the 0700 state dirs to it.
// Keep the fd open until the init is launched; it is close-on-exec.
Result<unique_fd> prepare_notify(const std::string &state_dir, spec::Config &config);

// True when create prepared the notify directory for this container.
bool notify_prepared(const std::string &state_dir);

// start: binds <state_dir>/notify/notify.sock (SOCK_DGRAM, mode 0777 so any
// container user may send), replacing a stale one.
Result<unique_fd> bind_notify_socket(const std::string &state_dir);

// Pure: the first line of a notify datagram that starts with "READY=", if any.
std::optional<std::string> ready_line(std::string_view datagram);

// Pure: what the host gets: the READY line and the init's host pid, in one datagram
// so that systemd takes both together.
std::string host_notify_message(std::string_view ready, pid_t init_pid);

// Waits for READY= on sock while the init (pid + start time) lives, then relays it
// with MAINPID=main_pid to host_socket (a path, or "@name" for an abstract socket),
// followed by a BARRIER=1 that waits up to barrier_timeout for the receiver to take
// it. Returns without relaying when the init exits first.
Result<void> relay_ready(borrowed_fd sock, const std::string &host_socket, pid_t init_pid,
                         unsigned long long init_start_time, pid_t main_pid,
                         std::chrono::milliseconds barrier_timeout = std::chrono::seconds(10));

}  // namespace ocrt::container
