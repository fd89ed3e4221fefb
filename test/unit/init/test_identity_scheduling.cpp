// apply_process_identity (identity.hpp) and process.ioPriority / process.scheduler:
// set after the rlimits (RLIMIT_RTPRIO/NICE count) and while CAP_SYS_NICE is still
// held, i.e. before the seccomp hook and the user switch.
#include "identity.hpp"

#include "fake_kernel.hpp"

#include <catch2/catch.hpp>

#include <cerrno>

using ocrt::testing::FakeKernel;

namespace {

template <typename T>
long index_of(const FakeKernel &kernel) {
    const auto &calls = kernel.calls();
    for (size_t i = 0; i < calls.size(); ++i)
        if (std::holds_alternative<T>(calls[i])) return static_cast<long>(i);
    return -1;
}

ocrt::spec::Process process_with_scheduling() {
    ocrt::spec::Process process;
    process.user.uid = 1000;
    process.user.gid = 1000;
    process.cwd = "/";
    process.rlimits.push_back({"RLIMIT_RTPRIO", 10, 10});
    process.io_priority = ocrt::spec::IoPriority{"IOPRIO_CLASS_RT", 1};
    process.scheduler = ocrt::spec::Scheduler{};
    process.scheduler->policy = "SCHED_OTHER";
    process.scheduler->nice = -5;
    return process;
}

}  // namespace

TEST_CASE("ioPriority and scheduler come after the rlimits and before the hook and the user switch",
          "[init][sched]") {
    FakeKernel kernel;
    long hook_at = -1;
    REQUIRE(ocrt::init::apply_process_identity(process_with_scheduling(), kernel, [](const std::string &) {},
                                               [&]() -> ocrt::Result<void> {
                                                   hook_at = static_cast<long>(kernel.calls().size());
                                                   return ocrt::ok();
                                               }));
    long rlimit = index_of<FakeKernel::SetrlimitCall>(kernel);
    long ioprio = index_of<FakeKernel::IoprioSetCall>(kernel);
    long sched = index_of<FakeKernel::SchedSetattrCall>(kernel);
    long setresuid = index_of<FakeKernel::SetresuidCall>(kernel);
    REQUIRE(rlimit >= 0);
    REQUIRE(ioprio >= 0);
    REQUIRE(sched >= 0);
    REQUIRE(setresuid >= 0);
    CHECK(rlimit < ioprio);
    CHECK(ioprio < sched);
    CHECK(sched < hook_at);
    CHECK(hook_at <= setresuid);
    CHECK(kernel.calls_of<FakeKernel::SchedSetattrCall>().front().attr.nice == -5);
}

TEST_CASE("a refused scheduler stops before the user switch", "[init][sched]") {
    FakeKernel kernel;
    kernel.fail_next(FakeKernel::Op::SchedSetattr, EPERM);
    auto applied = ocrt::init::apply_process_identity(process_with_scheduling(), kernel, [](const std::string &) {});
    REQUIRE_FALSE(applied);
    CHECK(applied.error().code() == EPERM);
    CHECK(index_of<FakeKernel::SetresuidCall>(kernel) == -1);
}
