// The child's half of the create protocol (sync.hpp): the init's stages from the
// clone to execve. Nothing here returns into the parent's frames.
#pragma once

#include <ocrt/base/kernel.hpp>
#include <ocrt/init/channel.hpp>
#include <ocrt/init/launch.hpp>
#include <ocrt/linux/namespaces.hpp>
#include <ocrt/spec/config.hpp>

#include <string>

namespace ocrt::init {

struct SeccompSetup;

struct ChildContext {
    const spec::Config &config;
    const LaunchOptions &options;
    const os::NamespacePlan &plan;
    Kernel &kernel;
    ChildChannel channel;
    unique_fd start_listener;  // inherited listening start.sock
    pid_t parent_pid;          // ocrt create, as seen before the clone
    Stage stage = Stage::Spawn;
    pid_t host_pid = 0;        // our pid as the runtime sees it; known once RuntimeHooksDone came
    const SeccompSetup *seccomp = nullptr;  // linux.seccomp, built before the clone
    bool seccomp_loaded = false;

    const spec::Process &process() const { return *config.process; }
    int first_private_fd() const { return 3 + options.preserve_fds; }
};

// process.terminal, right after pivot_root (console_stage.cpp): the pty from the
// container's devpts becomes fds 0-2, controlling terminal and /dev/console; its
// master goes to the parent (ConsoleMaster). Nothing without a terminal.
Result<void> set_up_console(ChildContext &ctx);

// The entry point right after the clone: runs every stage, reports the one Error
// (errno, stage, text) on failure and _exits. Never returns.
[[noreturn]] void run_child(ChildContext &ctx) noexcept;

// After Ready: waits for `ocrt start`, then execs the user process; a failure is
// written to the start connection. Never returns.
[[noreturn]] void wait_and_exec(ChildContext &ctx, const std::string &executable);

// Lets `ocrt kill` end a created init: PID 1 ignores signals it has no handler for.
Result<void> install_wait_signal_handlers();

// Preserved fds 3..3+N-1 must reach the user process whatever flags the caller gave them.
Result<void> clear_cloexec_on_preserved(int preserve_fds);

// _exit, flushing coverage data first in coverage builds; never exit().
[[noreturn]] void child_exit(int code);

}  // namespace ocrt::init
