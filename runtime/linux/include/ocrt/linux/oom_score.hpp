// process.oomScoreAdj. ocrt (host root, in the initial user namespace) writes it
// into the init's /proc/<pid>/oom_score_adj before letting the init continue: the
// user process inherits it across fork and execve, and lowering the value is
// judged against ocrt's own CAP_SYS_RESOURCE, not against a user namespace's.
#pragma once

#include <ocrt/base/kernel.hpp>

#include <sys/types.h>

namespace ocrt::os {

// Writes value (through the verified procfs). A refusal names /process/oomScoreAdj.
Result<void> set_oom_score_adj(pid_t pid, int value, Kernel &kernel);

}  // namespace ocrt::os
