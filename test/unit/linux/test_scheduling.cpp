// process.ioPriority, process.scheduler and execCPUAffinity (config.md "Linux
// Process"): the values handed to the kernel and the order of the calls.
#include <ocrt/linux/scheduling.hpp>

#include "fake_kernel.hpp"

#include <catch2/catch.hpp>

#include <linux/ioprio.h>
#include <sched.h>

#include <cerrno>

using ocrt::SchedAttr;
using ocrt::testing::FakeKernel;
using namespace ocrt::os;

namespace {

ocrt::spec::Scheduler scheduler(std::string policy) {
    ocrt::spec::Scheduler s;
    s.policy = std::move(policy);
    return s;
}

}  // namespace

TEST_CASE("scheduler: policy, flags and values map to sched_attr; absent values are 0") {
    auto fifo = scheduler("SCHED_FIFO");
    fifo.priority = 10;
    fifo.flags = {"SCHED_FLAG_RESET_ON_FORK", "SCHED_FLAG_KEEP_PARAMS"};
    CHECK(*scheduler_attributes(fifo) == SchedAttr{SCHED_FIFO, 0x01 | 0x10, 0, 10, 0, 0, 0});

    auto batch = scheduler("SCHED_BATCH");
    batch.nice = 7;
    CHECK(*scheduler_attributes(batch) == SchedAttr{SCHED_BATCH, 0, 7, 0, 0, 0, 0});

    auto deadline = scheduler("SCHED_DEADLINE");
    deadline.runtime = 1000000;
    deadline.deadline = 2000000;
    deadline.period = 3000000;
    CHECK(*scheduler_attributes(deadline) == SchedAttr{6, 0, 0, 0, 1000000, 2000000, 3000000});

    CHECK(scheduler_attributes(scheduler("SCHED_IDLE"))->policy == SCHED_IDLE);
    CHECK(scheduler_attributes(scheduler("SCHED_ISO"))->policy == 4);
    CHECK(scheduler_attributes(scheduler("SCHED_FAST")).error().message() == "unknown scheduler policy \"SCHED_FAST\"");
    auto bad_flag = scheduler("SCHED_OTHER");
    bad_flag.flags = {"SCHED_FLAG_X"};
    CHECK(scheduler_attributes(bad_flag).error().message() == "unknown scheduler flag \"SCHED_FLAG_X\"");
}

TEST_CASE("ioPriority: class in the top bits, priority in the low ones") {
    CHECK(*io_priority_value({"IOPRIO_CLASS_RT", 0}) == (1 << 13));
    CHECK(*io_priority_value({"IOPRIO_CLASS_BE", 4}) == ((2 << 13) | 4));
    CHECK(*io_priority_value({"IOPRIO_CLASS_IDLE", 7}) == ((3 << 13) | 7));
    CHECK_FALSE(io_priority_value({"IOPRIO_CLASS_NONE", 0}));
    CHECK_FALSE(io_priority_value({"IOPRIO_CLASS_BE", 8}));
}

TEST_CASE("apply_process_scheduling: ioprio_set then sched_setattr, both on the calling process") {
    ocrt::spec::Process process;
    process.io_priority = ocrt::spec::IoPriority{"IOPRIO_CLASS_IDLE", 5};
    process.scheduler = scheduler("SCHED_RR");
    process.scheduler->priority = 3;
    FakeKernel kernel;
    REQUIRE(apply_process_scheduling(process, kernel));
    REQUIRE(kernel.calls().size() == 2);
    CHECK(std::get<FakeKernel::IoprioSetCall>(kernel.calls()[0]) ==
          FakeKernel::IoprioSetCall{IOPRIO_WHO_PROCESS, 0, (3 << 13) | 5});
    CHECK(std::get<FakeKernel::SchedSetattrCall>(kernel.calls()[1]) ==
          FakeKernel::SchedSetattrCall{0, SchedAttr{SCHED_RR, 0, 0, 3, 0, 0, 0}});
}

TEST_CASE("apply_process_scheduling: nothing configured, nothing called") {
    FakeKernel kernel;
    REQUIRE(apply_process_scheduling(ocrt::spec::Process{}, kernel));
    CHECK(kernel.calls().empty());
}

TEST_CASE("apply_process_scheduling: a refusal names the field and what the kernel wants") {
    ocrt::spec::Process process;
    process.io_priority = ocrt::spec::IoPriority{"IOPRIO_CLASS_BE", 2};
    process.scheduler = scheduler("SCHED_FIFO");
    process.scheduler->priority = 10;
    FakeKernel kernel;
    kernel.fail_next(FakeKernel::Op::SchedSetattr, EPERM);
    auto applied = apply_process_scheduling(process, kernel);
    REQUIRE_FALSE(applied);
    CHECK(applied.error().code() == EPERM);
    std::string text = applied.error().render();
    CHECK(text.find("process.scheduler: cannot set policy SCHED_FIFO priority 10 (a realtime policy needs "
                    "CAP_SYS_NICE") == 0);
    CHECK(text.find("linux.resources.cpu.realtimeRuntime") != std::string::npos);

    FakeKernel io_refused;
    io_refused.fail_next(FakeKernel::Op::IoprioSet, EPERM);
    auto io = apply_process_scheduling(process, io_refused);
    REQUIRE_FALSE(io);
    CHECK(io.error().render().find("process.ioPriority: cannot set class IOPRIO_CLASS_BE priority 2") == 0);
    CHECK(io_refused.calls_of<FakeKernel::SchedSetattrCall>().empty());  // stops at the first failure
}

TEST_CASE("exec affinity: initial before the cgroup join, final after") {
    ocrt::spec::Process process;
    process.exec_cpu_affinity = ocrt::spec::ExecCpuAffinity{"1", "0-1,3"};
    ExecAffinity affinity = *exec_affinity(process);
    FakeKernel kernel;
    size_t calls_at_join = 99;
    auto join = [&]() -> ocrt::Result<void> {
        calls_at_join = kernel.calls().size();
        return ocrt::ok();
    };
    REQUIRE(place_exec_process(4242, affinity, kernel, join));
    CHECK(calls_at_join == 1);
    CHECK(kernel.calls_of<FakeKernel::SchedSetaffinityCall>() ==
          std::vector<FakeKernel::SchedSetaffinityCall>{{4242, {1}}, {4242, {0, 1, 3}}});
}

TEST_CASE("exec affinity: absent or empty lists leave the affinity alone") {
    ocrt::spec::Process process;
    CHECK_FALSE(exec_affinity(process)->initial);
    process.exec_cpu_affinity = ocrt::spec::ExecCpuAffinity{"0", ""};
    ExecAffinity affinity = *exec_affinity(process);
    FakeKernel kernel;
    bool joined = false;
    REQUIRE(place_exec_process(7, affinity, kernel, [&]() -> ocrt::Result<void> {
        joined = true;
        return ocrt::ok();
    }));
    CHECK(joined);
    CHECK(kernel.calls_of<FakeKernel::SchedSetaffinityCall>() ==
          std::vector<FakeKernel::SchedSetaffinityCall>{{7, {0}}});
}

TEST_CASE("exec affinity: failures name the list; a failed initial stops before the join") {
    ocrt::spec::Process process;
    process.exec_cpu_affinity = ocrt::spec::ExecCpuAffinity{"5", "3-1"};
    auto bad = exec_affinity(process);
    REQUIRE_FALSE(bad);
    CHECK(bad.error().message() ==
          "process.execCPUAffinity.final: invalid CPU list \"3-1\": range \"3-1\" ends before it starts");

    process.exec_cpu_affinity = ocrt::spec::ExecCpuAffinity{"5", "1"};
    FakeKernel kernel;
    kernel.fail_next(FakeKernel::Op::SchedSetaffinity, EINVAL);
    bool joined = false;
    auto placed = place_exec_process(7, *exec_affinity(process), kernel, [&]() -> ocrt::Result<void> {
        joined = true;
        return ocrt::ok();
    });
    REQUIRE_FALSE(placed);
    CHECK_FALSE(joined);
    CHECK(placed.error().render().find("process.execCPUAffinity.initial: cannot set the CPU affinity") == 0);
}
