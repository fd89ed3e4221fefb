// The create-time protocol between `ocrt create` (P, the parent) and the container's
// init (C, the child). This header is its single source of truth: message types,
// stages, the wire header and the order below. sequence.hpp checks the order.
//
//   parent (ocrt create)                          child (init)
//   --------------------                          ------------
//   socketpair(SEQPACKET), listen start.sock
//   clone(namespaces) ------------------------->  pdeathsig, ppid check, not dumpable
//   close child end                               close parent end
//   make cgroups, write resources, pid -> cgroup.procs (runtime/cgroups)
//   Continue ---------------------------------->
//                                                 [new userns]
//                 <------------------------------ IdMapRequest
//   write uid_map/gid_map
//   IdMapDone --------------------------------->  setresgid/setresuid(0)
//                                                 setns joins, unshare
//                                                 [pid/time ns joined or unshared]
//                                                 time offsets, fork; the intermediate sends
//                 <------------------------------ ChildPid(value = grandchild pid), _exit(0)
//   reap intermediate, guard the grandchild
//                                                 keyring, mounts
//                                                 [any prestart, createRuntime, createContainer
//                                                  or startContainer hooks configured]
//                 <------------------------------ RuntimeHooks
//   run prestart, then createRuntime hooks
//   (runtime namespace, state with the init's pid)
//   RuntimeHooksDone(value = init's host pid) -->  run createContainer hooks (container
//                                                 namespaces, before pivot_root)
//                                                 pivot_root
//                                                 [process.terminal] open /dev/ptmx,
//                                                 peer by TIOCGPTPEER, consoleSize,
//                                                 /dev/console, setsid, fds 0-2
//                 <------------------------------ ConsoleMaster(fd = pty master)
//   keep it: the console socket gets it once
//   state.json is written, `run` proxies it
//                                                 names,
//                                                 rlimits, ioPriority, scheduler,
//                                                 [seccomp load if !NNP], user,
//                                                 cwd, executable lookup
//                                                 [SCMP_ACT_NOTIFY: filter loaded by now]
//                 <------------------------------ SeccompNotifyFd(fd = listener fd)
//   connect linux.seccomp.listenerPath, send the
//   fd and the container process state, close
//                 <------------------------------ Ready
//   read start time, write state.json, pid file
//   Committed --------------------------------->  clear pdeathsig, close sync socket
//   (EOF) return "created"                        accept() on start.sock
//                                                 [seccomp load if NNP and no notify], execve
//
//   Until Committed the init dies with ocrt create (pdeathsig, or EOF for a grandchild):
//   no init is ever alive without a state.json that names it.
//
//   Any time: C -> P Log(level, text) is forwarded to the logger and skipped;
//             C -> P Error(errno, stage, text) ends the protocol, the child _exit(1)s.
//   EOF on the parent side means the init died: "init exited unexpectedly".
//
// Later, `ocrt start` connects to start.sock (start_socket.hpp): EOF without bytes
// means execve succeeded (the CLOEXEC connection closed), otherwise the bytes are the
// error text. Between accept() and execve the init runs the startContainer hooks (in
// the container, after pivot_root); their failure is such an error and the init exits.
//
// Transport: socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC). One datagram is one
// message: WireHeader followed by `len` bytes of text (at most kMaxPayload), with at
// most one fd (SCM_RIGHTS). A truncated datagram is a protocol error. Both sides are
// the same binary image, so the header is sent as raw bytes.
#pragma once

#include <ocrt/base/unique_fd.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

namespace ocrt::init {

enum class MsgType : std::uint8_t {
    // 0 is reserved: a zeroed buffer is never a valid message.
    Continue = 1,      // P->C: cgroup placement done, start the setup
    IdMapRequest = 2,  // C->P: new user namespace exists, write its id maps
    IdMapDone = 3,     // P->C: id maps written
    ChildPid = 4,      // C->P: second fork happened; value = grandchild's host pid
    Ready = 5,         // C->P: setup done, now waiting for start
    Error = 6,         // C->P: fatal; err, stage and text; the child _exits after it
    Log = 7,           // C->P: a log record; level in flags, text
    Committed = 8,     // P->C: state.json records the init; it may now outlive ocrt create
    RuntimeHooks = 9,  // C->P: mounts done, before pivot_root: run prestart and createRuntime hooks
    RuntimeHooksDone = 10,  // P->C: they succeeded; value = init's host pid (for the hooks' state)
    SeccompNotifyFd = 11,  // C->P: the seccomp notify fd travels with it, for linux.seccomp.listenerPath
    ConsoleMaster = 12,    // C->P: process.terminal: the pty master (fd), text = its name
};
inline constexpr std::uint8_t kMaxMsgType = 12;

enum class Stage : std::uint8_t {
    None = 0,
    Spawn,
    Cgroup,
    UserNs,
    Namespaces,
    Keyring,
    Mounts,
    RuntimeHooks,
    ContainerHooks,
    PivotRoot,
    Devices,
    Identity,
    Security,
    WaitStart,
    StartHooks,
    Exec,
};
inline constexpr std::uint8_t kMaxStage = static_cast<std::uint8_t>(Stage::Exec);

// "Continue", "IdMapRequest", ...; "type <n>" for an unknown value.
std::string msg_type_name(MsgType type);
// "spawn", "user namespace", "mounts", ... as used in "stage mounts: ...".
std::string stage_name(Stage stage);

// flags
inline constexpr std::uint8_t kFlagHasFd = 0x80;
inline constexpr std::uint8_t kFlagLevelMask = 0x03;  // log::Level for Log messages

struct WireHeader {
    std::uint8_t type;   // MsgType
    std::uint8_t stage;  // Stage
    std::uint8_t flags;
    std::uint8_t reserved;
    std::int32_t err;    // errno for Error
    std::int32_t value;  // e.g. the pid for ChildPid
    std::uint32_t len;   // payload bytes after the header
};
static_assert(std::is_trivially_copyable_v<WireHeader>);
static_assert(sizeof(WireHeader) == 16, "the wire header layout is part of the protocol");

inline constexpr std::size_t kMaxPayload = 4096;
inline constexpr std::size_t kMaxDatagram = sizeof(WireHeader) + kMaxPayload;

// A decoded message. fd is set only when one travelled with it.
struct Message {
    MsgType type{};
    Stage stage = Stage::None;
    std::uint8_t flags = 0;
    std::int32_t err = 0;
    std::int32_t value = 0;
    std::string text;
    unique_fd fd;
};

}  // namespace ocrt::init
