// exec's flag -> process translation (cli-contract.md section 13, runc's exec), pure.
#include <ocrt/container/exec.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace ocrt;
using namespace ocrt::container;

namespace {

spec::Process config_process() {
    spec::Process p;
    p.args = {"sleep", "600"};
    p.env = {"PATH=/bin", "TERM=xterm"};
    p.cwd = "/";
    p.user.uid = 10;
    p.user.gid = 20;
    p.user.additional_gids = {30};
    p.user.username = "app";
    p.terminal = true;
    p.no_new_privileges = false;
    spec::Capabilities caps;
    caps.bounding = std::vector<std::string>{"CAP_KILL"};
    caps.effective = std::vector<std::string>{"CAP_KILL"};
    caps.permitted = std::vector<std::string>{"CAP_KILL"};
    p.capabilities = caps;
    p.rlimits = {{"RLIMIT_NOFILE", 10, 20}};
    return p;
}

spec::Process translate(const ExecProcessFlags &flags) {
    auto process = process_from_flags(config_process(), flags);
    INFO((process ? std::string() : process.error().render()));
    REQUIRE(process.has_value());
    return std::move(process).value();
}

}  // namespace

TEST_CASE("exec without flags: the config's process with the command replaced", "[exec]") {
    ExecProcessFlags flags;
    flags.args = {"ls", "-l"};
    spec::Process p = translate(flags);
    CHECK(p.args == std::vector<std::string>{"ls", "-l"});
    CHECK(p.env == config_process().env);
    CHECK(p.cwd == "/");
    CHECK(p.user.uid == 10);
    CHECK(p.user.gid == 20);
    CHECK(p.user.additional_gids == std::vector<uint32_t>{30});
    CHECK(p.capabilities->effective == std::vector<std::string>{"CAP_KILL"});
    CHECK(p.rlimits.size() == 1);
    CHECK_FALSE(p.no_new_privileges);
    CHECK_FALSE(p.terminal);  // terminal = --tty, as runc
}

TEST_CASE("exec --env appends, --cwd and labels replace, --tty and --no-new-privs turn on", "[exec]") {
    ExecProcessFlags flags;
    flags.args = {"true"};
    flags.env = {"FOO=bar", "PATH=/usr/bin"};
    flags.cwd = "/tmp";
    flags.tty = true;
    flags.no_new_privs = true;
    flags.apparmor = "profile";
    flags.process_label = "system_u:system_r:container_t:s0";
    spec::Process p = translate(flags);
    CHECK(p.env == std::vector<std::string>{"PATH=/usr/bin", "TERM=xterm", "FOO=bar"});
    CHECK(p.cwd == "/tmp");
    CHECK(p.terminal);
    CHECK(p.no_new_privileges);
    CHECK(p.apparmor_profile == "profile");
    CHECK(p.selinux_label == "system_u:system_r:container_t:s0");
}

TEST_CASE("exec --env: the last value of a key wins, other keys keep their place", "[exec]") {
    spec::Process base = config_process();
    base.env = {"A=1", "PATH=/bin", "AB=2", "A=dup"};
    ExecProcessFlags flags;
    flags.args = {"true"};
    flags.env = {"A=3", "B=4", "B=5", "EMPTY="};
    auto p = process_from_flags(base, flags);
    REQUIRE(p.has_value());
    CHECK(p->env == std::vector<std::string>{"A=3", "PATH=/bin", "AB=2", "B=5", "EMPTY="});
}

TEST_CASE("exec --no-new-privs=false never clears the config's noNewPrivileges", "[exec]") {
    spec::Process base = config_process();
    base.no_new_privileges = true;
    ExecProcessFlags flags;
    flags.args = {"true"};
    auto p = process_from_flags(base, flags);
    REQUIRE(p.has_value());
    CHECK(p->no_new_privileges);
}

TEST_CASE("exec --user and --additional-gids", "[exec]") {
    ExecProcessFlags flags;
    flags.args = {"id"};
    flags.user = "1000:1001";
    flags.additional_gids = {"5", "6"};
    spec::Process p = translate(flags);
    CHECK(p.user.uid == 1000);
    CHECK(p.user.gid == 1001);
    CHECK(p.user.additional_gids == std::vector<uint32_t>{30, 5, 6});
    CHECK(p.user.username.empty());

    flags.user = "7";
    flags.additional_gids.clear();
    p = translate(flags);
    CHECK(p.user.uid == 7);
    CHECK(p.user.gid == 20);  // uid alone keeps the gid
}

TEST_CASE("exec --user is numeric only (CVE-2016-3697)", "[exec]") {
    for (const char *bad : {"root", "0:root", "", ":5", "5:", "-1", "1:2:3", "4294967296", " 1"}) {
        INFO(bad);
        CHECK_FALSE(parse_exec_user(bad).has_value());
    }
    auto user = parse_exec_user("0:0");
    REQUIRE(user.has_value());
    CHECK(user->uid == 0);
    CHECK(user->gid == 0u);
    user = parse_exec_user("4294967295");
    REQUIRE(user.has_value());
    CHECK(user->uid == 4294967295u);
    CHECK_FALSE(user->gid.has_value());

    ExecProcessFlags flags;
    flags.args = {"true"};
    flags.user = "nobody";
    auto p = process_from_flags(config_process(), flags);
    REQUIRE_FALSE(p.has_value());
    CHECK(p.error().render().find("invalid --user \"nobody\"") != std::string::npos);
    flags.user.clear();
    flags.additional_gids = {"wheel"};
    CHECK_FALSE(process_from_flags(config_process(), flags).has_value());
}

TEST_CASE("exec --cap adds to bounding, effective and permitted only (CVE-2022-29162)", "[exec]") {
    ExecProcessFlags flags;
    flags.args = {"true"};
    flags.caps = {"CAP_SYS_ADMIN", "CAP_KILL", "CAP_SYS_ADMIN"};
    spec::Process p = translate(flags);
    const std::vector<std::string> expected{"CAP_KILL", "CAP_SYS_ADMIN"};
    CHECK(p.capabilities->bounding == expected);
    CHECK(p.capabilities->effective == expected);
    CHECK(p.capabilities->permitted == expected);
    CHECK_FALSE(p.capabilities->inheritable.has_value());
    CHECK_FALSE(p.capabilities->ambient.has_value());

    // Even when the config has inheritable/ambient sets, --cap leaves them alone.
    spec::Process base = config_process();
    base.capabilities->inheritable = std::vector<std::string>{"CAP_KILL"};
    base.capabilities->ambient = std::vector<std::string>{"CAP_KILL"};
    auto with_sets = process_from_flags(base, flags);
    REQUIRE(with_sets.has_value());
    CHECK(with_sets->capabilities->inheritable == std::vector<std::string>{"CAP_KILL"});
    CHECK(with_sets->capabilities->ambient == std::vector<std::string>{"CAP_KILL"});
}

TEST_CASE("exec --cap rejects unknown names", "[exec]") {
    ExecProcessFlags flags;
    flags.args = {"true"};
    flags.caps = {"CAP_BOGUS"};
    auto p = process_from_flags(config_process(), flags);
    REQUIRE_FALSE(p.has_value());
    CHECK(p.error().message() == "unknown capability \"CAP_BOGUS\"");
    flags.caps = {"sys_admin"};
    CHECK_FALSE(process_from_flags(config_process(), flags).has_value());
}

TEST_CASE("exec --cap with no capabilities object in the config leaves the sets alone", "[exec]") {
    spec::Process base = config_process();
    base.capabilities.reset();
    ExecProcessFlags flags;
    flags.args = {"true"};
    flags.caps = {"CAP_SYS_ADMIN"};
    auto p = process_from_flags(base, flags);
    REQUIRE(p.has_value());
    CHECK_FALSE(p->capabilities.has_value());
}

TEST_CASE("exec checks args and cwd of the final process", "[exec]") {
    spec::Process p = config_process();
    CHECK(check_exec_process(p).has_value());
    p.args.clear();
    CHECK(check_exec_process(p).error().message() == "args must not be empty");
    p = config_process();
    p.cwd.clear();
    CHECK(check_exec_process(p).error().message() == "cwd property must not be empty");
    p.cwd = "tmp";
    CHECK(check_exec_process(p).error().message() == "cwd must be an absolute path, got \"tmp\"");
}
