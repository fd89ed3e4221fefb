#include <ocrt/init/sequence.hpp>

namespace ocrt::init {

bool uses_init_hooks(const spec::Hooks &hooks) {
    return !hooks.prestart.empty() || !hooks.create_runtime.empty() || !hooks.create_container.empty() ||
           !hooks.start_container.empty();
}

ExpectedSequence::ExpectedSequence(SequencePlan plan) {
    if (plan.new_user) steps_.push_back(MsgType::IdMapRequest);
    if (plan.second_fork) steps_.push_back(MsgType::ChildPid);
    if (plan.runtime_hooks) steps_.push_back(MsgType::RuntimeHooks);
    if (plan.terminal) steps_.push_back(MsgType::ConsoleMaster);
    if (plan.seccomp_notify) steps_.push_back(MsgType::SeccompNotifyFd);
    steps_.push_back(MsgType::Ready);
}

std::optional<MsgType> ExpectedSequence::expected() const {
    if (done()) return std::nullopt;
    return steps_[next_];
}

Result<void> ExpectedSequence::accept(MsgType got) {
    if (done()) return Error("protocol violation: got " + msg_type_name(got) + " after Ready");
    if (got != steps_[next_])
        return Error("protocol violation: got " + msg_type_name(got) + " while expecting " +
                     msg_type_name(steps_[next_]));
    ++next_;
    return ok();
}

}  // namespace ocrt::init
