// Private to runtime/init: the exec child's context and its first stages, apart
// so their system-call order can be checked against a FakeKernel (exec.hpp draws
// the whole protocol).
#pragma once

#include <ocrt/base/kernel.hpp>
#include <ocrt/init/channel.hpp>
#include <ocrt/spec/config.hpp>

#include <string>

namespace ocrt::init {

struct ExecChild {
    const spec::Config &config;
    const spec::Process &process;
    Kernel &kernel;
    ChildChannel channel;
    unique_fd pidfd;      // the init
    unique_fd init_root;  // O_PATH /proc/<init>/root, opened while the init was verified alive
    pid_t init_pid;
    int join_flags;
    int preserve_fds;
    const std::string &keyring_id;
    pid_t parent_pid;
    Stage stage = Stage::Spawn;
};

// pdeathsig, the check that ocrt is still our parent, then not dumpable until
// execve: the container's processes must not ptrace us or read our /proc files
// while we hold host fds (CVE-2016-9962).
Result<void> guard_exec_child(ExecChild &ctx);

// setns(pidfd, join_flags): every differing namespace of the init at once. On
// EINVAL (kernel < 5.8) each /proc/<init>/ns/<name> is opened first, the init
// checked alive, then joined one by one, user first and mount last.
Result<void> join_container_namespaces(ExecChild &ctx);

// fchdir(init_root) + chroot("."): exactly the init's root, whatever it is.
Result<void> enter_init_root(ExecChild &ctx);

}  // namespace ocrt::init
