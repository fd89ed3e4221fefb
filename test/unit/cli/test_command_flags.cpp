// Real client command lines (cli-contract.md §5, §10, §11, §6) against the real flag tables.
#include <ocrt/cli/args.hpp>
#include <ocrt/cli/command_flags.hpp>
#include <ocrt/cli/global_options.hpp>

#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

using namespace ocrt::cli;

namespace {

ParsedArgs parse_ok(std::span<const FlagSpec> table, std::vector<std::string> args,
                    FlagOrder order = FlagOrder::interspersed) {
    auto parsed = parse_args(table, args, order);
    INFO((parsed ? std::string() : parsed.error().render()));
    REQUIRE(parsed.has_value());
    return std::move(parsed).value();
}

}  // namespace

TEST_CASE("containerd's global flags and create", "[command_flags]") {
    std::vector<std::string> argv = {"--root", "/run/containerd/runc/k8s.io", "--log", "/b/log.json",
                                     "--log-format", "json", "--systemd-cgroup", "create", "--bundle", "/b",
                                     "--pid-file", "/b/init.pid", "--console-socket", "/tmp/pty.sock",
                                     "--no-pivot", "--no-new-keyring", "--preserve-fds", "2", "abc"};
    ParsedArgs global = parse_ok(global_flags(), argv, FlagOrder::stop_at_first_positional);
    CHECK(global.flags.value("root") == "/run/containerd/runc/k8s.io");
    CHECK(global.flags.value("log") == "/b/log.json");
    CHECK(global.flags.value("log-format") == "json");
    CHECK(global.flags.enabled("systemd-cgroup"));
    REQUIRE(global.positionals.size() == 12);
    CHECK(global.positionals[0] == "create");

    std::vector<std::string> rest(global.positionals.begin() + 1, global.positionals.end());
    ParsedArgs create = parse_ok(create_flags(), rest);
    CHECK(create.flags.value("bundle") == "/b");
    CHECK(create.flags.value("pid-file") == "/b/init.pid");
    CHECK(create.flags.value("console-socket") == "/tmp/pty.sock");
    CHECK(create.flags.enabled("no-pivot"));
    CHECK(create.flags.enabled("no-new-keyring"));
    CHECK(create.flags.value("preserve-fds") == "2");
    CHECK(create.positionals == std::vector<std::string>{"abc"});
}

TEST_CASE("conmon-rs repeats global flags and uses the = form", "[command_flags]") {
    std::vector<std::string> argv = {"--root=/r", "--systemd-cgroup", "--root=/r", "--systemd-cgroup", "create",
                                     "--bundle", "/b", "--pid-file", "/p", "--console-socket=/s", "id"};
    ParsedArgs global = parse_ok(global_flags(), argv, FlagOrder::stop_at_first_positional);
    CHECK(global.flags.value("root") == "/r");
    std::vector<std::string> rest(global.positionals.begin() + 1, global.positionals.end());
    ParsedArgs create = parse_ok(create_flags(), rest);
    CHECK(create.flags.value("console-socket") == "/s");
    CHECK(create.positionals == std::vector<std::string>{"id"});
}

TEST_CASE("go-runc's --rootless=true and -v", "[command_flags]") {
    ParsedArgs global = parse_ok(global_flags(), {"--rootless=true", "state", "id"}, FlagOrder::stop_at_first_positional);
    CHECK(global.flags.value("rootless") == "true");
    ParsedArgs version = parse_ok(global_flags(), {"-v"}, FlagOrder::stop_at_first_positional);
    CHECK(version.flags.enabled("version"));
}

TEST_CASE("run: create flags plus -d, --keep, -no-subreaper", "[command_flags]") {
    ParsedArgs run = parse_ok(run_flags(), {"-d", "--keep", "-no-subreaper", "-b", "/b", "--pidfd-socket=/x", "id"});
    CHECK(run.flags.enabled("detach"));
    CHECK(run.flags.enabled("keep"));
    CHECK(run.flags.enabled("no-subreaper"));
    CHECK(run.flags.value("bundle") == "/b");
    CHECK(run.flags.value("pidfd-socket") == "/x");
    CHECK(run.positionals == std::vector<std::string>{"id"});
}

TEST_CASE("kill: flags before the id, signal after it", "[command_flags]") {
    ParsedArgs crio = parse_ok(kill_flags(), {"-a", "id", "9"}, FlagOrder::stop_at_first_positional);
    CHECK(crio.flags.enabled("all"));
    CHECK(crio.positionals == std::vector<std::string>{"id", "9"});
    ParsedArgs dashed = parse_ok(kill_flags(), {"id", "-9"}, FlagOrder::stop_at_first_positional);
    CHECK_FALSE(dashed.flags.enabled("all"));
    CHECK(dashed.positionals == std::vector<std::string>{"id", "-9"});
}

TEST_CASE("delete -f, list -f json -q, spec -b --rootless", "[command_flags]") {
    CHECK(parse_ok(delete_flags(), {"-f", "id"}).flags.enabled("force"));
    CHECK(parse_ok(delete_flags(), {"id", "--force"}).flags.enabled("force"));
    ParsedArgs list = parse_ok(list_flags(), {"-f", "json", "-q"});
    CHECK(list.flags.value("format") == "json");
    CHECK(list.flags.enabled("quiet"));
    ParsedArgs spec = parse_ok(spec_flags(), {"-b", "/b", "--rootless"});
    CHECK(spec.flags.value("bundle") == "/b");
    CHECK(spec.flags.enabled("rootless"));
}

TEST_CASE("start/state/features take no flags", "[command_flags]") {
    auto parsed = parse_args(no_flags(), std::vector<std::string>{"--bundle", "x", "id"}, FlagOrder::interspersed);
    REQUIRE_FALSE(parsed.has_value());
    CHECK(parsed.error().render() == "flag provided but not defined: -bundle");
}

TEST_CASE("no table defines a name or alias twice", "[command_flags]") {
    for (auto table : {global_flags(), create_flags(), run_flags(), kill_flags(), delete_flags(), list_flags(),
                       spec_flags()}) {
        std::set<std::string> names;
        for (const FlagSpec &flag : table) {
            CHECK(names.insert(std::string(flag.name)).second);
            if (flag.alias != 0) CHECK(names.insert(std::string(1, flag.alias)).second);
            CHECK_FALSE(flag.help.empty());
        }
        CHECK(names.count("help") == 0);
        CHECK(names.count("h") == 0);
    }
}

TEST_CASE("exec command lines of conmon-rs, containerd and by hand", "[command_flags]") {
    // conmon-rs: flags, the id, then the command whose own flags are not ours.
    ParsedArgs conmon_rs = parse_ok(exec_flags(),
                                    {"-d", "--pid-file=/run/p.pid", "abc", "sh", "-c", "echo -e x", "--tty"},
                                    FlagOrder::stop_at_first_positional);
    CHECK(conmon_rs.flags.enabled("detach"));
    CHECK(conmon_rs.flags.value("pid-file") == "/run/p.pid");
    CHECK_FALSE(conmon_rs.flags.has("tty"));
    CHECK(conmon_rs.positionals == std::vector<std::string>{"abc", "sh", "-c", "echo -e x", "--tty"});

    ParsedArgs containerd = parse_ok(exec_flags(),
                                     {"--process", "/tmp/runc-process1", "--detach", "--pid-file", "/b/e.pid",
                                      "--console-socket", "/tmp/pty.sock", "abc"},
                                     FlagOrder::stop_at_first_positional);
    CHECK(containerd.flags.value("process") == "/tmp/runc-process1");
    CHECK(containerd.flags.value("console-socket") == "/tmp/pty.sock");
    CHECK(containerd.positionals == std::vector<std::string>{"abc"});

    ParsedArgs hand = parse_ok(exec_flags(),
                               {"-e", "A=1", "--env=B=2", "-c", "CAP_KILL", "--cap", "CAP_SYS_ADMIN", "-g", "5",
                                "--additional-gids=6", "-u", "1:2", "-t", "-p", "p.json", "--no-new-privs",
                                "--cwd", "/tmp", "--preserve-fds", "2", "--ignore-paused", "abc", "true"},
                               FlagOrder::stop_at_first_positional);
    CHECK(hand.flags.all("env") == std::vector<std::string>{"A=1", "B=2"});
    CHECK(hand.flags.all("cap") == std::vector<std::string>{"CAP_KILL", "CAP_SYS_ADMIN"});
    CHECK(hand.flags.all("additional-gids") == std::vector<std::string>{"5", "6"});
    CHECK(hand.flags.value("user") == "1:2");
    CHECK(hand.flags.enabled("tty"));
    CHECK(hand.flags.value("process") == "p.json");
    CHECK(hand.flags.enabled("no-new-privs"));
    CHECK(hand.flags.enabled("ignore-paused"));
    CHECK(hand.flags.all("missing").empty());
}
