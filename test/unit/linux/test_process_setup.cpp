#include <ocrt/linux/process_setup.hpp>

#include "fake_kernel.hpp"
#include "temp_dir.hpp"

#include <catch2/catch.hpp>

#include <linux/close_range.h>
#include <fcntl.h>
#include <seccomp.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

using ocrt::testing::FakeKernel;
using ocrt::testing::TempDir;

namespace {

void make_file(const TempDir &dir, const std::string &relative, mode_t mode) {
    dir.write(relative, "#!/bin/sh\n");
    REQUIRE(::chmod((dir / relative).c_str(), mode) == 0);
}

ocrt::spec::Process process_with(std::vector<std::string> args, std::vector<std::string> env) {
    ocrt::spec::Process process;
    process.args = std::move(args);
    process.env = std::move(env);
    return process;
}

}  // namespace

TEST_CASE("rlimit names map to RLIMIT_ numbers") {
    const std::vector<std::pair<const char *, int>> table = {
        {"RLIMIT_CPU", RLIMIT_CPU},       {"RLIMIT_FSIZE", RLIMIT_FSIZE},       {"RLIMIT_DATA", RLIMIT_DATA},
        {"RLIMIT_STACK", RLIMIT_STACK},   {"RLIMIT_CORE", RLIMIT_CORE},         {"RLIMIT_RSS", RLIMIT_RSS},
        {"RLIMIT_NPROC", RLIMIT_NPROC},   {"RLIMIT_NOFILE", RLIMIT_NOFILE},     {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
        {"RLIMIT_AS", RLIMIT_AS},         {"RLIMIT_LOCKS", RLIMIT_LOCKS},       {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
        {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE}, {"RLIMIT_NICE", RLIMIT_NICE},     {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
        {"RLIMIT_RTTIME", RLIMIT_RTTIME},
    };
    for (auto [name, number] : table) {
        INFO(name);
        CHECK(ocrt::os::rlimit_resource(name) == number);
    }
    CHECK_FALSE(ocrt::os::rlimit_resource("RLIMIT_BOGUS").has_value());
    CHECK_FALSE(ocrt::os::rlimit_resource("nofile").has_value());
}

TEST_CASE("apply_rlimits sets each limit in order") {
    FakeKernel kernel;
    REQUIRE(ocrt::os::apply_rlimits({{"RLIMIT_NOFILE", 1024, 4096}, {"RLIMIT_CORE", 0, 0}}, kernel));
    CHECK(kernel.calls_of<FakeKernel::SetrlimitCall>() ==
          std::vector<FakeKernel::SetrlimitCall>{{RLIMIT_NOFILE, 1024, 4096}, {RLIMIT_CORE, 0, 0}});

    auto unknown = ocrt::os::apply_rlimits({{"RLIMIT_BOGUS", 1, 1}}, kernel);
    REQUIRE_FALSE(unknown);
    CHECK(unknown.error().message() == "unknown rlimit \"RLIMIT_BOGUS\"");
}

TEST_CASE("apply_rlimits explains EPERM when the hard limit goes up") {
    struct rlimit current {};
    REQUIRE(::getrlimit(RLIMIT_NOFILE, &current) == 0);
    REQUIRE(current.rlim_max != RLIM_INFINITY);
    uint64_t higher = current.rlim_max + 1;
    FakeKernel kernel;
    kernel.fail_next(FakeKernel::Op::Setrlimit, EPERM);
    auto set = ocrt::os::apply_rlimits({{"RLIMIT_NOFILE", 2048, higher}}, kernel);
    REQUIRE_FALSE(set);
    CHECK(set.error().code() == EPERM);
    CHECK(set.error().render() == "setrlimit RLIMIT_NOFILE (soft 2048, hard " + std::to_string(higher) +
                                      "): raising a hard limit above the current one needs CAP_SYS_RESOURCE: " +
                                      "operation not permitted");

    kernel.fail_next(FakeKernel::Op::Setrlimit, EINVAL);
    auto invalid = ocrt::os::apply_rlimits({{"RLIMIT_CORE", 10, 5}}, kernel);
    REQUIRE_FALSE(invalid);
    CHECK(invalid.error().render() == std::string("setrlimit RLIMIT_CORE (soft 10, hard 5): invalid argument"));
}

TEST_CASE("apply_user: groups, then gid, then uid, then umask") {
    ocrt::spec::User user;
    user.uid = 1000;
    user.gid = 100;
    user.additional_gids = {10, 20};
    user.umask = 027;
    FakeKernel kernel;
    REQUIRE(ocrt::os::apply_user(user, kernel));
    const std::vector<FakeKernel::Call> expected = {
        FakeKernel::SetgroupsCall{{10, 20}},
        FakeKernel::SetresgidCall{100, 100, 100},
        FakeKernel::SetresuidCall{1000, 1000, 1000},
        FakeKernel::UmaskCall{027},
    };
    CHECK(kernel.calls() == expected);
}

TEST_CASE("apply_user clears supplementary groups and leaves umask alone when unset") {
    FakeKernel kernel;
    REQUIRE(ocrt::os::apply_user(ocrt::spec::User{}, kernel));
    const std::vector<FakeKernel::Call> expected = {
        FakeKernel::SetgroupsCall{{}},
        FakeKernel::SetresgidCall{0, 0, 0},
        FakeKernel::SetresuidCall{0, 0, 0},
    };
    CHECK(kernel.calls() == expected);
}

TEST_CASE("apply_user stops at the first failure and says what it was doing") {
    ocrt::spec::User user;
    user.uid = 5;
    user.gid = 6;
    FakeKernel kernel;
    kernel.fail_next(FakeKernel::Op::Setresgid, EINVAL);
    auto applied = ocrt::os::apply_user(user, kernel);
    REQUIRE_FALSE(applied);
    CHECK(applied.error().render().rfind("set gid 6: ", 0) == 0);
    CHECK(kernel.calls_of<FakeKernel::SetresuidCall>().empty());
}

TEST_CASE("set_uts_names sets only what is configured") {
    ocrt::spec::Config config;
    FakeKernel none;
    REQUIRE(ocrt::os::set_uts_names(config, none));
    CHECK(none.calls().empty());

    config.hostname = "box";
    config.domainname = "example.org";
    FakeKernel kernel;
    REQUIRE(ocrt::os::set_uts_names(config, kernel));
    const std::vector<FakeKernel::Call> expected = {FakeKernel::SethostnameCall{"box"},
                                                    FakeKernel::SetdomainnameCall{"example.org"}};
    CHECK(kernel.calls() == expected);
}

TEST_CASE("find_executable with a path uses runc's wording") {
    TempDir dir;
    make_file(dir, "bin/tool", 0755);
    make_file(dir, "bin/data", 0644);
    dir.mkdir("bin/subdir");

    auto found = ocrt::os::find_executable(process_with({dir / "bin/tool"}, {}));
    REQUIRE(found);
    CHECK(*found == dir / "bin/tool");

    auto missing = ocrt::os::find_executable(process_with({dir / "bin/nope"}, {}));
    REQUIRE_FALSE(missing);
    CHECK(missing.error().code() == ENOENT);
    CHECK(missing.error().render() == "exec: \"" + dir / "bin/nope" + "\": stat " + dir / "bin/nope" + ": " +
                                          ocrt::errno_text(ENOENT));

    for (const char *denied : {"bin/data", "bin/subdir"}) {
        auto result = ocrt::os::find_executable(process_with({dir / denied}, {}));
        REQUIRE_FALSE(result);
        CHECK(result.error().code() == EACCES);
        CHECK(result.error().render() == "exec: \"" + dir / denied + "\": " + ocrt::errno_text(EACCES));
    }
}

TEST_CASE("find_executable searches PATH from process.env") {
    TempDir dir;
    make_file(dir, "first/tool", 0644);  // not executable: skipped
    make_file(dir, "second/tool", 0755);
    make_file(dir, "second/other", 0755);
    dir.mkdir("first/other");  // a directory: skipped

    std::string path = "PATH=" + dir / "first" + ":" + dir / "second";
    auto found = ocrt::os::find_executable(process_with({"tool"}, {"HOME=/", path}));
    REQUIRE(found);
    CHECK(*found == dir / "second/tool");
    auto other = ocrt::os::find_executable(process_with({"other"}, {path}));
    REQUIRE(other);
    CHECK(*other == dir / "second/other");

    auto missing = ocrt::os::find_executable(process_with({"nope"}, {path}));
    REQUIRE_FALSE(missing);
    CHECK(missing.error().render() == "exec: \"nope\": executable file not found in $PATH");

    // Without PATH in env the default applies, which has /bin.
    auto sh = ocrt::os::find_executable(process_with({"sh"}, {"TERM=xterm"}));
    REQUIRE(sh);
    CHECK((*sh == "/usr/local/sbin/sh" || *sh == "/usr/local/bin/sh" || *sh == "/usr/sbin/sh" ||
           *sh == "/usr/bin/sh" || *sh == "/sbin/sh" || *sh == "/bin/sh"));

    auto empty = ocrt::os::find_executable(process_with({}, {}));
    REQUIRE_FALSE(empty);
}

TEST_CASE("mode_allows_exec follows the owner, group and other execute bits") {
    using ocrt::os::mode_allows_exec;
    CHECK(mode_allows_exec(0100, 5, 6, 0, 0, {}));    // root: any execute bit
    CHECK(mode_allows_exec(0001, 5, 6, 0, 0, {}));
    CHECK_FALSE(mode_allows_exec(0644, 5, 6, 0, 0, {}));
    CHECK(mode_allows_exec(0700, 5, 6, 5, 9, {}));     // owner
    CHECK_FALSE(mode_allows_exec(0077, 5, 6, 5, 6, {}));  // owner bits decide for the owner
    CHECK(mode_allows_exec(0010, 5, 6, 7, 6, {}));     // group by egid
    CHECK(mode_allows_exec(0010, 5, 6, 7, 8, {3, 6}));  // group by a supplementary group
    CHECK_FALSE(mode_allows_exec(0701, 5, 6, 7, 6, {}));  // group bits decide for the group
    CHECK(mode_allows_exec(0001, 5, 6, 7, 8, {}));     // other
    CHECK_FALSE(mode_allows_exec(0770, 5, 6, 7, 8, {}));
}

// runtime-tools' default profile (and old Docker ones) predate faccessat2 and
// answer EPERM for it; with noNewPrivileges false the filter is loaded before the
// lookup, so the lookup must not take that EPERM as "not executable".
TEST_CASE("find_executable still finds a program when seccomp refuses faccessat2 with EPERM") {
    TempDir dir;
    make_file(dir, "bin/tool", 0755);
    make_file(dir, "bin/data", 0644);
    std::string path = "PATH=" + dir / "bin";
    pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
        bool loaded = ctx && seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(faccessat2), 0) == 0 &&
                      seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(faccessat), 0) == 0 &&
                      seccomp_load(ctx) == 0;
        if (!loaded) ::_exit(10);
        if (::faccessat(AT_FDCWD, (dir / "bin/tool").c_str(), X_OK, AT_EACCESS) == 0 || errno != EPERM) ::_exit(11);
        auto found = ocrt::os::find_executable(process_with({"tool"}, {path}));
        if (!found || *found != dir / "bin/tool") ::_exit(12);
        auto data = ocrt::os::find_executable(process_with({"data"}, {path}));
        if (data) ::_exit(13);  // still not executable: no execute bit
        ::_exit(0);
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);  // 10: no filter, 11: the filter did not apply, 12/13: wrong lookup
}

TEST_CASE("exec_process marks fds close-on-exec, resets signals, then execs") {
    ocrt::spec::Process process = process_with({"/bin/app", "-x"}, {"A=1"});
    FakeKernel kernel;
    REQUIRE(ocrt::os::exec_process(process, "/bin/app", 2, kernel));
    const std::vector<FakeKernel::Call> expected = {
        FakeKernel::CloseRangeCall{5, ~0U, CLOSE_RANGE_CLOEXEC},
        FakeKernel::ResetSignalsCall{},
        FakeKernel::ExecveCall{"/bin/app", {"/bin/app", "-x"}, {"A=1"}},
    };
    CHECK(kernel.calls() == expected);

    FakeKernel failing;
    failing.fail_next(FakeKernel::Op::Execve, ENOEXEC);
    auto failed = ocrt::os::exec_process(process, "/bin/app", 0, failing);
    REQUIRE_FALSE(failed);
    CHECK(failed.error().code() == ENOEXEC);
}

TEST_CASE("enter_cwd changes directory and checks it is reachable") {
    ocrt::spec::Process process;
    process.cwd = "/work";
    FakeKernel kernel;
    REQUIRE(ocrt::os::enter_cwd(process, kernel));
    CHECK(kernel.calls_of<FakeKernel::ChdirCall>() == std::vector<FakeKernel::ChdirCall>{{"/work"}});

    kernel.fail_next(FakeKernel::Op::Chdir, ENOENT);
    auto failed = ocrt::os::enter_cwd(process, kernel);
    REQUIRE_FALSE(failed);
    CHECK(failed.error().render().rfind("enter process.cwd: ", 0) == 0);
}
