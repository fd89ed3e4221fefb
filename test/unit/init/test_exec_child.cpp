// The first stages of an `ocrt exec` child, against a FakeKernel: not dumpable
// before anything else, every namespace in one setns(pidfd), the per-namespace
// fallback in the right order, and the init's root.
#include "exec_child.hpp"

#include "fake_kernel.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <string>

using namespace ocrt;
using namespace ocrt::init;
using ocrt::testing::FakeKernel;

namespace {

struct Fixture {
    spec::Config config;
    spec::Process process;
    FakeKernel kernel;
    std::string keyring;

    // A live pidfd (our own process) stands for the init's.
    ExecChild child(int join_flags) {
        unique_fd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, ::getpid(), 0)));
        REQUIRE(pidfd.valid());
        unique_fd root(::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
        return ExecChild{config, process, kernel, ChildChannel(), std::move(pidfd), std::move(root), ::getpid(),
                         join_flags, 0, keyring, ::getppid()};
    }
};

}  // namespace

TEST_CASE("exec child: parent-death signal, then not dumpable, first of all", "[exec]") {
    Fixture f;
    ExecChild ctx = f.child(0);
    REQUIRE(guard_exec_child(ctx));
    auto prctls = f.kernel.calls_of<FakeKernel::PrctlCall>();
    REQUIRE(prctls.size() == 2);
    CHECK(prctls[0] == FakeKernel::PrctlCall{PR_SET_PDEATHSIG, SIGKILL});
    CHECK(prctls[1] == FakeKernel::PrctlCall{PR_SET_DUMPABLE, 0});
    CHECK(f.kernel.calls().size() == 2);
}

TEST_CASE("exec child: every differing namespace in one setns on the pidfd", "[exec]") {
    Fixture f;
    int flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWTIME;
    ExecChild ctx = f.child(flags);
    REQUIRE(join_container_namespaces(ctx));
    auto joins = f.kernel.calls_of<FakeKernel::SetnsCall>();
    REQUIRE(joins.size() == 1);
    CHECK(joins[0].nstype == flags);
    CHECK(joins[0].path.find("pidfd") != std::string::npos);
}

TEST_CASE("exec child: nothing to join, no setns", "[exec]") {
    Fixture f;
    ExecChild ctx = f.child(0);
    REQUIRE(join_container_namespaces(ctx));
    CHECK(f.kernel.calls().empty());
}

TEST_CASE("exec child: without setns(pidfd) each namespace is opened first, then joined user first, mount last",
          "[exec]") {
    Fixture f;
    f.kernel.fail_next(FakeKernel::Op::Setns, EINVAL);
    ExecChild ctx = f.child(CLONE_NEWNS | CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWPID);
    REQUIRE(join_container_namespaces(ctx));
    std::string ns_dir = "/proc/" + std::to_string(::getpid()) + "/ns/";
    auto opens = f.kernel.calls_of<FakeKernel::OpenatCall>();
    REQUIRE(opens.size() == 4);
    CHECK(opens[0].path == ns_dir + "user");
    CHECK(opens[1].path == ns_dir + "net");
    CHECK(opens[2].path == ns_dir + "pid");
    CHECK(opens[3].path == ns_dir + "mnt");
    auto joins = f.kernel.calls_of<FakeKernel::SetnsCall>();
    REQUIRE(joins.size() == 5);  // the failed pidfd attempt, then one per namespace
    CHECK(joins[1].nstype == CLONE_NEWUSER);
    CHECK(joins[2].nstype == CLONE_NEWNET);
    CHECK(joins[3].nstype == CLONE_NEWPID);
    CHECK(joins[4].nstype == CLONE_NEWNS);
    // Every open comes before the first per-namespace join.
    size_t last_open = 0, first_join = 0, seen_joins = 0;
    for (size_t i = 0; i < f.kernel.calls().size(); ++i) {
        if (std::holds_alternative<FakeKernel::OpenatCall>(f.kernel.calls()[i])) last_open = i;
        if (std::holds_alternative<FakeKernel::SetnsCall>(f.kernel.calls()[i]) && ++seen_joins == 2) first_join = i;
    }
    CHECK(last_open < first_join);
}

TEST_CASE("exec child: a setns failure other than EINVAL is reported, no fallback", "[exec]") {
    Fixture f;
    f.kernel.fail_next(FakeKernel::Op::Setns, EPERM);
    ExecChild ctx = f.child(CLONE_NEWNS);
    auto joined = join_container_namespaces(ctx);
    REQUIRE_FALSE(joined);
    CHECK(joined.error().code() == EPERM);
    CHECK(f.kernel.calls_of<FakeKernel::OpenatCall>().empty());
}

TEST_CASE("exec child: the root becomes the init's root (fchdir + chroot)", "[exec]") {
    Fixture f;
    ExecChild ctx = f.child(0);
    REQUIRE(enter_init_root(ctx));
    REQUIRE(f.kernel.calls().size() == 2);
    CHECK(std::holds_alternative<FakeKernel::FchdirCall>(f.kernel.calls()[0]));
    REQUIRE(std::holds_alternative<FakeKernel::ChrootCall>(f.kernel.calls()[1]));
    CHECK(std::get<FakeKernel::ChrootCall>(f.kernel.calls()[1]).path == ".");
    CHECK_FALSE(ctx.init_root.valid());
}
