// ExpectedSequence: the order in which the child may send protocol messages, derived
// from the plan, as a pure state machine. The parent feeds it every message it gets
// (Log and Error never reach it: the channel handles those) and stops at Ready.
#pragma once

#include <ocrt/base/result.hpp>
#include <ocrt/init/sync.hpp>
#include <ocrt/spec/config.hpp>

#include <cstddef>
#include <optional>
#include <vector>

namespace ocrt::init {

struct SequencePlan {
    bool new_user = false;     // the child asks for id maps
    bool second_fork = false;  // the child reports its grandchild's pid
    bool runtime_hooks = false;  // the child asks for the runtime hooks (uses_init_hooks)
    bool seccomp_notify = false;  // the child sends its seccomp notify fd before Ready (after RuntimeHooks)
    bool terminal = false;       // process.terminal: the child sends the pty master
};

// True when the init must stop before pivot_root for the hooks: any prestart,
// createRuntime, createContainer or startContainer hook (the last two run in the
// init and need the pid that RuntimeHooksDone carries).
bool uses_init_hooks(const spec::Hooks &hooks);

class ExpectedSequence {
public:
    explicit ExpectedSequence(SequencePlan plan);

    // Advances when got is the next expected message, otherwise
    // "protocol violation: got X while expecting Y" (or "... after Ready").
    Result<void> accept(MsgType got);

    // The next message the child must send; nullopt once Ready was accepted.
    std::optional<MsgType> expected() const;
    bool done() const { return next_ == steps_.size(); }
    // The whole order, for diagnostics and tests.
    const std::vector<MsgType> &steps() const { return steps_; }

private:
    std::vector<MsgType> steps_;
    std::size_t next_ = 0;
};

}  // namespace ocrt::init
