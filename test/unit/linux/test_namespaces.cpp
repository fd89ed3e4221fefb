#include <ocrt/linux/namespaces.hpp>

#include "fake_kernel.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sched.h>

using ocrt::os::NamespacePlan;
using ocrt::os::plan_namespaces;
using ocrt::spec::LinuxConfig;
using ocrt::spec::Namespace;
using NT = ocrt::spec::NamespaceType;
using ocrt::testing::FakeKernel;

namespace {

LinuxConfig with(std::vector<Namespace> namespaces) {
    LinuxConfig config;
    config.namespaces = std::move(namespaces);
    return config;
}

struct PlanCase {
    const char *name;
    LinuxConfig config;
    int clone_flags;
    std::vector<NT> join_order;
    int unshare_flags;
    bool new_user;
    bool second_fork;
};

}  // namespace

TEST_CASE("namespace names and flags") {
    CHECK(ocrt::os::clone_flag(NT::Mount) == CLONE_NEWNS);
    CHECK(ocrt::os::clone_flag(NT::Time) == CLONE_NEWTIME);
    CHECK(std::string(ocrt::os::proc_ns_name(NT::Mount)) == "mnt");
    CHECK(std::string(ocrt::os::proc_ns_name(NT::Network)) == "net");
    CHECK(std::string(ocrt::os::spec_ns_name(NT::Network)) == "network");
    CHECK(std::string(ocrt::os::spec_ns_name(NT::Cgroup)) == "cgroup");
}

TEST_CASE("no linux object means no namespaces") {
    NamespacePlan plan = plan_namespaces(nullptr);
    CHECK(plan.clone_flags == 0);
    CHECK(plan.joins.empty());
    CHECK(plan.unshare_flags == 0);
    CHECK_FALSE(plan.new_user);
    CHECK_FALSE(plan.needs_second_fork);
}

TEST_CASE("namespace plans") {
    const std::vector<PlanCase> cases = {
        {"all new except time: everything in clone",
         with({{NT::Pid, ""}, {NT::Network, ""}, {NT::Ipc, ""}, {NT::Uts, ""}, {NT::Mount, ""}, {NT::Cgroup, ""}}),
         CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNS | CLONE_NEWCGROUP, {}, 0, false,
         false},
        {"new user namespace with the others", with({{NT::User, ""}, {NT::Mount, ""}, {NT::Pid, ""}}),
         CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID, {}, 0, true, false},
        {"new time namespace is unshared and needs a second fork", with({{NT::Mount, ""}, {NT::Time, ""}}),
         CLONE_NEWNS, {}, CLONE_NEWTIME, false, true},
        {"joined network: nothing in clone, new ones unshared",
         with({{NT::Mount, ""}, {NT::Network, "/run/netns/x"}, {NT::Uts, ""}}), 0, {NT::Network},
         CLONE_NEWNS | CLONE_NEWUTS, false, false},
        {"joined pid needs a second fork", with({{NT::Mount, ""}, {NT::Pid, "/proc/1/ns/pid"}}), 0, {NT::Pid},
         CLONE_NEWNS, false, true},
        {"new pid by unshare needs a second fork", with({{NT::Pid, ""}, {NT::Ipc, "/proc/1/ns/ipc"}}), 0, {NT::Ipc},
         CLONE_NEWPID, false, true},
        {"joins are ordered user first and mount last",
         with({{NT::Mount, "/m"}, {NT::Network, "/n"}, {NT::User, "/u"}, {NT::Ipc, "/i"}, {NT::Pid, ""}}), 0,
         {NT::User, NT::Ipc, NT::Network, NT::Mount}, CLONE_NEWPID, false, true},
        {"new user with a joined namespace: user is unshared after the join",
         with({{NT::User, ""}, {NT::Network, "/n"}, {NT::Mount, ""}}), 0, {NT::Network},
         CLONE_NEWUSER | CLONE_NEWNS, true, false},
        {"joined time needs a second fork", with({{NT::Time, "/t"}}), 0, {NT::Time}, 0, false, true},
    };
    for (const auto &c : cases) {
        SECTION(c.name) {
            NamespacePlan plan = plan_namespaces(&c.config);
            CHECK(plan.clone_flags == c.clone_flags);
            std::vector<NT> order;
            for (const auto &join : plan.joins) order.push_back(join.type);
            CHECK(order == c.join_order);
            CHECK(plan.unshare_flags == c.unshare_flags);
            CHECK(plan.new_user == c.new_user);
            CHECK(plan.needs_second_fork == c.second_fork);
        }
    }
}

TEST_CASE("enter_namespaces opens every path, joins in order, then unshares") {
    LinuxConfig config = with({{NT::Mount, "/proc/self/ns/mnt"}, {NT::User, "/proc/self/ns/user"}, {NT::Uts, ""}});
    NamespacePlan plan = plan_namespaces(&config);
    FakeKernel kernel;
    REQUIRE(ocrt::os::enter_namespaces(plan, kernel));
    const std::vector<FakeKernel::Call> expected = {
        FakeKernel::OpenatCall{"/proc/self/ns/user", O_RDONLY | O_CLOEXEC, 0},
        FakeKernel::OpenatCall{"/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC, 0},
        FakeKernel::SetnsCall{"/dev/null", CLONE_NEWUSER},
        FakeKernel::SetnsCall{"/dev/null", CLONE_NEWNS},
        FakeKernel::UnshareCall{CLONE_NEWUTS},
    };
    CHECK(kernel.calls() == expected);
}

TEST_CASE("enter_namespaces names the path and type on failure") {
    LinuxConfig config = with({{NT::Network, "/run/netns/gone"}});
    NamespacePlan plan = plan_namespaces(&config);
    FakeKernel kernel;
    kernel.fail_next(FakeKernel::Op::Openat, ENOENT);
    auto opened = ocrt::os::enter_namespaces(plan, kernel);
    REQUIRE_FALSE(opened);
    CHECK(opened.error().code() == ENOENT);
    CHECK(opened.error().render().rfind("open network namespace \"/run/netns/gone\": ", 0) == 0);

    FakeKernel second;
    second.fail_next(FakeKernel::Op::Setns, EINVAL);
    auto joined = ocrt::os::enter_namespaces(plan, second);
    REQUIRE_FALSE(joined);
    CHECK(joined.error().render().rfind("join network namespace \"/run/netns/gone\": ", 0) == 0);
    CHECK(second.calls_of<FakeKernel::UnshareCall>().empty());
}
