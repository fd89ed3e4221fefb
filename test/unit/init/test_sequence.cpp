#include <ocrt/init/sequence.hpp>

#include <catch2/catch.hpp>

#include <vector>

using namespace ocrt;
using namespace ocrt::init;

namespace {

struct SequenceCase {
    SequencePlan plan;
    std::vector<MsgType> order;
};

const SequenceCase kCases[] = {
    {{false, false}, {MsgType::Ready}},
    {{true, false}, {MsgType::IdMapRequest, MsgType::Ready}},
    {{false, true}, {MsgType::ChildPid, MsgType::Ready}},
    {{true, true}, {MsgType::IdMapRequest, MsgType::ChildPid, MsgType::Ready}},
    // config.md: the runtime hooks come after the namespaces exist (and the init's pid is known).
    {{false, false, true}, {MsgType::RuntimeHooks, MsgType::Ready}},
    {{true, true, true}, {MsgType::IdMapRequest, MsgType::ChildPid, MsgType::RuntimeHooks, MsgType::Ready}},
    {{false, false, false, true, false}, {MsgType::SeccompNotifyFd, MsgType::Ready}},
    {{true, true, true, true, false},
     {MsgType::IdMapRequest, MsgType::ChildPid, MsgType::RuntimeHooks, MsgType::SeccompNotifyFd, MsgType::Ready}},
    // process.terminal: the pty is opened after pivot_root, so after the hooks and before Ready.
    {{false, false, false, false, true}, {MsgType::ConsoleMaster, MsgType::Ready}},
    {{true, true, true, false, true},
     {MsgType::IdMapRequest, MsgType::ChildPid, MsgType::RuntimeHooks, MsgType::ConsoleMaster, MsgType::Ready}},
    // Both: the pty (after pivot_root) comes before the notify fd (the filter loads last).
    {{true, true, true, true, true},
     {MsgType::IdMapRequest, MsgType::ChildPid, MsgType::RuntimeHooks, MsgType::ConsoleMaster,
      MsgType::SeccompNotifyFd, MsgType::Ready}},
};

}  // namespace

TEST_CASE("ExpectedSequence derives the message order from the plan", "[init][sequence]") {
    for (const auto &c : kCases) {
        ExpectedSequence sequence(c.plan);
        CHECK(sequence.steps() == c.order);
        for (MsgType type : c.order) {
            REQUIRE(sequence.expected() == type);
            REQUIRE(sequence.accept(type).has_value());
        }
        CHECK(sequence.done());
        CHECK_FALSE(sequence.expected().has_value());
    }
}

TEST_CASE("ExpectedSequence rejects every out-of-order message", "[init][sequence]") {
    const MsgType all[] = {MsgType::Continue, MsgType::IdMapRequest, MsgType::IdMapDone, MsgType::ChildPid,
                           MsgType::Ready,    MsgType::Error,        MsgType::Log,
                           MsgType::Committed, MsgType::RuntimeHooks, MsgType::RuntimeHooksDone,
                           MsgType::SeccompNotifyFd};
    for (const auto &c : kCases) {
        for (size_t position = 0; position < c.order.size(); ++position) {
            for (MsgType wrong : all) {
                if (wrong == c.order[position]) continue;
                ExpectedSequence sequence(c.plan);
                for (size_t i = 0; i < position; ++i) REQUIRE(sequence.accept(c.order[i]).has_value());
                auto rejected = sequence.accept(wrong);
                REQUIRE_FALSE(rejected.has_value());
                CHECK(rejected.error().render() == "protocol violation: got " + msg_type_name(wrong) +
                                                       " while expecting " + msg_type_name(c.order[position]));
                // A rejected message does not advance the machine.
                CHECK(sequence.expected() == c.order[position]);
            }
        }
    }
}

TEST_CASE("ExpectedSequence rejects messages after Ready", "[init][sequence]") {
    ExpectedSequence sequence({true, false});
    REQUIRE(sequence.accept(MsgType::IdMapRequest).has_value());
    REQUIRE(sequence.accept(MsgType::Ready).has_value());
    auto late = sequence.accept(MsgType::Ready);
    REQUIRE_FALSE(late.has_value());
    CHECK(late.error().render() == "protocol violation: got Ready after Ready");
}

TEST_CASE("ExpectedSequence names the concrete violation of a skipped id map", "[init][sequence]") {
    ExpectedSequence sequence({true, true});
    auto skipped = sequence.accept(MsgType::ChildPid);
    REQUIRE_FALSE(skipped.has_value());
    CHECK(skipped.error().render() == "protocol violation: got ChildPid while expecting IdMapRequest");
}

TEST_CASE("only the hooks that involve the init make it stop for the runtime hooks", "[init][sequence]") {
    spec::Hooks hooks;
    CHECK_FALSE(uses_init_hooks(hooks));
    hooks.poststart.push_back({"/bin/true", {}, {}, {}});
    hooks.poststop.push_back({"/bin/true", {}, {}, {}});
    CHECK_FALSE(uses_init_hooks(hooks));
    for (auto list : {&spec::Hooks::prestart, &spec::Hooks::create_runtime, &spec::Hooks::create_container,
                      &spec::Hooks::start_container}) {
        spec::Hooks one;
        (one.*list).push_back({"/bin/true", {}, {}, {}});
        CHECK(uses_init_hooks(one));
    }
}
