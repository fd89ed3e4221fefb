// linux.seccomp translation (config-linux.md "Seccomp"): the plan, and proof that
// libseccomp accepts it (the filter is built and exported as BPF, never loaded).
#include <ocrt/linux/seccomp.hpp>

#include "fake_kernel.hpp"

#include <catch2/catch.hpp>

#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

using ocrt::spec::Seccomp;
using ocrt::spec::SeccompAction;
using ocrt::spec::SeccompArg;
using ocrt::spec::SeccompOperator;
using ocrt::spec::SeccompSyscall;

namespace {

SeccompSyscall entry(std::vector<std::string> names, SeccompAction action, std::optional<uint32_t> errno_ret = {},
                     std::vector<SeccompArg> args = {}) {
    SeccompSyscall s;
    s.names = std::move(names);
    s.action = action;
    s.errno_ret = errno_ret;
    s.args = std::move(args);
    return s;
}

Seccomp profile(SeccompAction default_action, std::vector<SeccompSyscall> syscalls = {}) {
    Seccomp s;
    s.default_action = default_action;
    s.syscalls = std::move(syscalls);
    return s;
}

// Bytes of BPF libseccomp produced for the plan.
off_t exported_size(const ocrt::os::SeccompPlan &plan) {
    auto filter = ocrt::os::build_seccomp_filter(plan);
    REQUIRE(filter);
    int fd = ::memfd_create("seccomp-test", MFD_CLOEXEC);
    REQUIRE(fd >= 0);
    auto exported = ocrt::os::export_seccomp_bpf(*filter, fd);
    struct stat st {};
    ::fstat(fd, &st);
    ::close(fd);
    REQUIRE(exported);
    return st.st_size;
}

}  // namespace

TEST_CASE("seccomp actions map to libseccomp action words", "[seccomp]") {
    using ocrt::os::seccomp_action_word;
    CHECK(seccomp_action_word(SeccompAction::Kill, 0) == SCMP_ACT_KILL);
    CHECK(seccomp_action_word(SeccompAction::KillProcess, 0) == SCMP_ACT_KILL_PROCESS);
    CHECK(seccomp_action_word(SeccompAction::KillThread, 0) == SCMP_ACT_KILL_THREAD);
    CHECK(seccomp_action_word(SeccompAction::Trap, 0) == SCMP_ACT_TRAP);
    CHECK(seccomp_action_word(SeccompAction::Errno, 42) == SCMP_ACT_ERRNO(42));
    CHECK(seccomp_action_word(SeccompAction::Trace, 7) == SCMP_ACT_TRACE(7));
    CHECK(seccomp_action_word(SeccompAction::Allow, 0) == SCMP_ACT_ALLOW);
    CHECK(seccomp_action_word(SeccompAction::Log, 0) == SCMP_ACT_LOG);
    CHECK(seccomp_action_word(SeccompAction::Notify, 0) == SCMP_ACT_NOTIFY);
}

TEST_CASE("errnoRet and defaultErrnoRet default to EPERM and are refused where no errno fits", "[seccomp]") {
    auto s = profile(SeccompAction::Errno, {entry({"getcwd"}, SeccompAction::Errno, 38),
                                            entry({"chmod"}, SeccompAction::Errno),
                                            entry({"read"}, SeccompAction::Allow)});
    auto plan = ocrt::os::plan_seccomp(s);
    REQUIRE(plan);
    CHECK(plan->default_action == SCMP_ACT_ERRNO(EPERM));
    REQUIRE(plan->rules.size() == 2);  // the ERRNO(EPERM) chmod rule repeats the default: dropped
    CHECK(plan->rules[0].name == "getcwd");
    CHECK(plan->rules[0].number == SYS_getcwd);
    CHECK(plan->rules[0].action == SCMP_ACT_ERRNO(38));
    CHECK(plan->rules[1].action == SCMP_ACT_ALLOW);

    s.default_errno_ret = 13;
    plan = ocrt::os::plan_seccomp(s);
    REQUIRE(plan);
    CHECK(plan->default_action == SCMP_ACT_ERRNO(13));
    CHECK(plan->rules.size() == 3);  // now chmod's EPERM differs from the default

    auto bad = profile(SeccompAction::Allow, {entry({"getcwd"}, SeccompAction::KillProcess, 1)});
    auto refused = ocrt::os::plan_seccomp(bad);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message() ==
          "config.json: /linux/seccomp/syscalls/0/errnoRet: SCMP_ACT_KILL_PROCESS takes no errno");

    auto bad_default = profile(SeccompAction::Allow);
    bad_default.default_errno_ret = 1;
    refused = ocrt::os::plan_seccomp(bad_default);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message() == "config.json: /linux/seccomp/defaultErrnoRet: SCMP_ACT_ALLOW takes no errno");
}

TEST_CASE("every operator becomes its comparison; repeated indexes split into rules", "[seccomp]") {
    std::vector<std::pair<SeccompOperator, int>> ops = {
        {SeccompOperator::NotEqual, SCMP_CMP_NE},     {SeccompOperator::LessThan, SCMP_CMP_LT},
        {SeccompOperator::LessEqual, SCMP_CMP_LE},    {SeccompOperator::Equal, SCMP_CMP_EQ},
        {SeccompOperator::GreaterEqual, SCMP_CMP_GE}, {SeccompOperator::GreaterThan, SCMP_CMP_GT},
        {SeccompOperator::MaskedEqual, SCMP_CMP_MASKED_EQ}};
    for (auto [op, cmp] : ops) {
        auto s = profile(SeccompAction::Allow, {entry({"personality"}, SeccompAction::Errno, 1, {{0, 8, 2, op}})});
        auto plan = ocrt::os::plan_seccomp(s);
        REQUIRE(plan);
        REQUIRE(plan->rules.size() == 1);
        REQUIRE(plan->rules[0].comparisons.size() == 1);
        const auto &c = plan->rules[0].comparisons[0];
        CHECK(c.op == cmp);
        CHECK(c.index == 0);
        CHECK(c.value == 8);
        CHECK(c.value_two == 2);
        CHECK(exported_size(*plan) > 0);
    }

    // Two indexes: one rule, both must match.
    auto both = profile(SeccompAction::Allow,
                        {entry({"socket"}, SeccompAction::Errno, 1,
                               {{0, 2, 0, SeccompOperator::Equal}, {1, 3, 0, SeccompOperator::Equal}})});
    auto plan = ocrt::os::plan_seccomp(both);
    REQUIRE(plan);
    REQUIRE(plan->rules.size() == 1);
    CHECK(plan->rules[0].comparisons.size() == 2);
    CHECK(exported_size(*plan) > 0);

    // One index twice: libseccomp takes one comparison per index, so one rule each.
    auto twice = profile(SeccompAction::Allow,
                         {entry({"personality"}, SeccompAction::Errno, 1,
                                {{0, 8, 0, SeccompOperator::Equal}, {0, 9, 0, SeccompOperator::Equal}})});
    plan = ocrt::os::plan_seccomp(twice);
    REQUIRE(plan);
    REQUIRE(plan->rules.size() == 2);
    CHECK(plan->rules[0].comparisons[0].value == 8);
    CHECK(plan->rules[1].comparisons[0].value == 9);
    CHECK(exported_size(*plan) > 0);

    auto bad_index = profile(SeccompAction::Allow,
                             {entry({"read"}, SeccompAction::Errno, 1, {{6, 0, 0, SeccompOperator::Equal}})});
    auto refused = ocrt::os::plan_seccomp(bad_index);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message() ==
          "config.json: /linux/seccomp/syscalls/0/args/0/index: argument index 6 is not 0..5");
}

TEST_CASE("unknown syscall names are listed once and skipped", "[seccomp]") {
    auto s = profile(SeccompAction::Allow, {entry({"no_such_call", "getcwd", "no_such_call"}, SeccompAction::Errno)});
    auto plan = ocrt::os::plan_seccomp(s);
    REQUIRE(plan);
    CHECK(plan->unknown_syscalls == std::vector<std::string>{"no_such_call"});
    REQUIRE(plan->rules.size() == 1);
    CHECK(plan->rules[0].name == "getcwd");
    CHECK(exported_size(*plan) > 0);
}

TEST_CASE("architectures resolve to libseccomp tokens, unknown ones are skipped", "[seccomp]") {
    CHECK(ocrt::os::seccomp_arch_token("SCMP_ARCH_X86_64") == SCMP_ARCH_X86_64);
    CHECK(ocrt::os::seccomp_arch_token("SCMP_ARCH_X86") == SCMP_ARCH_X86);
    CHECK(ocrt::os::seccomp_arch_token("SCMP_ARCH_X32") == SCMP_ARCH_X32);
    CHECK(ocrt::os::seccomp_arch_token("SCMP_ARCH_AARCH64") == SCMP_ARCH_AARCH64);
    CHECK(ocrt::os::seccomp_arch_token("SCMP_ARCH_PPC64LE") == SCMP_ARCH_PPC64LE);
    CHECK(ocrt::os::seccomp_arch_token("X86_64") == 0);

    auto s = profile(SeccompAction::Allow, {entry({"getcwd"}, SeccompAction::Errno)});
    s.architectures = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"};
    auto plan = ocrt::os::plan_seccomp(s);
    REQUIRE(plan);
    CHECK(plan->architectures == std::vector<uint32_t>{SCMP_ARCH_X86_64, SCMP_ARCH_X86, SCMP_ARCH_X32});
    // A filter for three ABIs is bigger than the native-only one.
    auto native = ocrt::os::plan_seccomp(profile(SeccompAction::Allow, {entry({"getcwd"}, SeccompAction::Errno)}));
    REQUIRE(native);
    CHECK(exported_size(*plan) > exported_size(*native));

    // The spec's list goes beyond what libseccomp 2.5 builds for.
    s.architectures = {"SCMP_ARCH_X86_64", "SCMP_ARCH_NOT_AN_ARCH"};
    plan = ocrt::os::plan_seccomp(s);
    REQUIRE(plan);
    CHECK(plan->architectures == std::vector<uint32_t>{SCMP_ARCH_X86_64});
    CHECK(plan->unknown_architectures == std::vector<std::string>{"SCMP_ARCH_NOT_AN_ARCH"});
    CHECK(exported_size(*plan) > 0);
}

TEST_CASE("seccomp flags set filter attributes; WAIT_KILLABLE_RECV only with a notify rule", "[seccomp]") {
    auto s = profile(SeccompAction::Allow, {entry({"getcwd"}, SeccompAction::Errno)});
    s.flags = {"SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_TSYNC"};
    auto plan = ocrt::os::plan_seccomp(s);
    REQUIRE(plan);
    CHECK(plan->log);
    CHECK(plan->spec_allow);
    CHECK(plan->tsync);
    CHECK(exported_size(*plan) > 0);

    s.flags = {"SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"};
    auto refused = ocrt::os::plan_seccomp(s);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message() == "config.json: /linux/seccomp/flags/1: "
                                       "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV needs an SCMP_ACT_NOTIFY rule");

    auto notifying = profile(SeccompAction::Allow, {entry({"getpriority"}, SeccompAction::Notify)});
    notifying.listener_path = "/run/listener.sock";
    notifying.flags = {"SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"};
    auto accepted = ocrt::os::plan_seccomp(notifying);
    REQUIRE(accepted);
    CHECK(accepted->wait_killable_recv);
    CHECK(ocrt::os::seccomp_load_flags(*accepted) ==
          (SECCOMP_FILTER_FLAG_NEW_LISTENER | ocrt::os::kSeccompFlagWaitKillableRecv));
}

TEST_CASE("SCMP_ACT_NOTIFY needs a listener and is kept off the init's own calls", "[seccomp]") {
    auto s = profile(SeccompAction::Allow, {entry({"getpriority"}, SeccompAction::Notify)});
    auto refused = ocrt::os::plan_seccomp(s);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message() ==
          "config.json: /linux/seccomp/listenerPath: SCMP_ACT_NOTIFY needs a listener socket path");

    s.listener_path = "/run/agent.sock";
    s.listener_metadata = "meta";
    auto plan = ocrt::os::plan_seccomp(s);
    REQUIRE(plan);
    CHECK(plan->uses_notify);
    CHECK(ocrt::os::seccomp_needs_early_load(*plan));
    CHECK(plan->listener_path == "/run/agent.sock");
    CHECK(plan->listener_metadata == "meta");
    CHECK(plan->rules[0].action == SCMP_ACT_NOTIFY);
    CHECK(exported_size(*plan) > 0);

    // Without a notify rule the listener is ignored (config-linux.md) and the load stays late.
    auto no_notify = profile(SeccompAction::Allow, {entry({"getpriority"}, SeccompAction::Errno)});
    no_notify.listener_path = "/run/agent.sock";
    plan = ocrt::os::plan_seccomp(no_notify);
    REQUIRE(plan);
    CHECK_FALSE(plan->uses_notify);
    CHECK(plan->listener_path.empty());

    auto metadata_alone = profile(SeccompAction::Allow);
    metadata_alone.listener_metadata = "meta";
    refused = ocrt::os::plan_seccomp(metadata_alone);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message() ==
          "config.json: /linux/seccomp/listenerMetadata: must not be set without listenerPath");

    auto as_default = profile(SeccompAction::Notify);
    as_default.listener_path = "/run/agent.sock";
    refused = ocrt::os::plan_seccomp(as_default);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message() ==
          "config.json: /linux/seccomp/defaultAction: SCMP_ACT_NOTIFY cannot be the default action");

    auto on_sendmsg = profile(SeccompAction::Allow, {entry({"sendmsg"}, SeccompAction::Notify)});
    on_sendmsg.listener_path = "/run/agent.sock";
    refused = ocrt::os::plan_seccomp(on_sendmsg);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message() ==
          "config.json: /linux/seccomp/syscalls/0/names: SCMP_ACT_NOTIFY cannot be used for \"sendmsg\"");
}

TEST_CASE("every action builds into a filter libseccomp accepts", "[seccomp]") {
    auto s = profile(SeccompAction::Errno,
                     {entry({"read", "write"}, SeccompAction::Allow), entry({"getcwd"}, SeccompAction::Kill),
                      entry({"chmod"}, SeccompAction::KillProcess), entry({"chown"}, SeccompAction::KillThread),
                      entry({"mkdir"}, SeccompAction::Trap), entry({"rmdir"}, SeccompAction::Trace, 3),
                      entry({"uname"}, SeccompAction::Log), entry({"getpriority"}, SeccompAction::Notify),
                      entry({"setpriority"}, SeccompAction::Errno, 5)});
    s.listener_path = "/run/agent.sock";
    auto plan = ocrt::os::plan_seccomp(s);
    REQUIRE(plan);
    CHECK(plan->rules.size() == 10);
    CHECK(exported_size(*plan) > 0);
}

TEST_CASE("the load flags follow the plan; notify asks for a listener", "[seccomp]") {
    ocrt::os::SeccompPlan plan;
    CHECK(ocrt::os::seccomp_load_flags(plan) == 0);
    plan.log = true;
    CHECK(ocrt::os::seccomp_load_flags(plan) == SECCOMP_FILTER_FLAG_LOG);
    plan.spec_allow = true;
    plan.tsync = true;
    plan.uses_notify = true;
    CHECK(ocrt::os::seccomp_load_flags(plan) == (SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_SPEC_ALLOW |
                                                 SECCOMP_FILTER_FLAG_TSYNC | SECCOMP_FILTER_FLAG_NEW_LISTENER));
}

TEST_CASE("the compiled program goes to the kernel in one seccomp call", "[seccomp]") {
    auto s = profile(SeccompAction::Allow, {entry({"getpriority"}, SeccompAction::Notify)});
    s.listener_path = "/run/agent.sock";
    s.flags = {"SECCOMP_FILTER_FLAG_LOG"};
    auto plan = ocrt::os::plan_seccomp(s);
    REQUIRE(plan);
    auto filter = ocrt::os::build_seccomp_filter(*plan);
    REQUIRE(filter);
    auto program = ocrt::os::seccomp_program(*filter);
    REQUIRE(program);
    CHECK(program->size() * sizeof(sock_filter) == static_cast<size_t>(exported_size(*plan)));

    ocrt::testing::FakeKernel kernel;
    unsigned int flags = ocrt::os::seccomp_load_flags(*plan);
    auto listener = ocrt::os::load_seccomp_program(*program, flags, kernel);
    REQUIRE(listener);
    CHECK(listener->valid());  // NEW_LISTENER: the notify fd comes back
    auto calls = kernel.calls_of<ocrt::testing::FakeKernel::SeccompCall>();
    REQUIRE(calls.size() == 1);
    CHECK(calls[0].instructions == program->size());
    CHECK(calls[0].flags == (SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_NEW_LISTENER));

    kernel.fail_next(ocrt::testing::FakeKernel::Op::Seccomp, EACCES);
    auto refused = ocrt::os::load_seccomp_program(*program, 0, kernel);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code() == EACCES);
}
