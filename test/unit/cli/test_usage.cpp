#include <ocrt/cli/command.hpp>
#include <ocrt/cli/command_flags.hpp>
#include <ocrt/cli/text_table.hpp>
#include <ocrt/cli/usage.hpp>

#include <catch2/catch.hpp>

using namespace ocrt::cli;

namespace {

Command test_command(size_t min_args, size_t max_args) {
    Command command;
    command.name = "kill";
    command.summary = "send a signal";
    command.arguments = "<container-id> [signal]";
    command.flags = kill_flags();
    command.min_args = min_args;
    command.max_args = max_args;
    return command;
}

std::string count_error(const Command &command, size_t count) {
    auto checked = check_arg_count(command, count);
    REQUIRE_FALSE(checked.has_value());
    return checked.error().render();
}

}  // namespace

TEST_CASE("argument counts in runc's words", "[usage]") {
    Command exact = test_command(1, 1);
    CHECK(check_arg_count(exact, 1).has_value());
    CHECK(count_error(exact, 0) == "\"kill\" requires exactly 1 argument(s)");
    CHECK(count_error(exact, 2) == "\"kill\" requires exactly 1 argument(s)");

    Command range = test_command(1, 2);
    CHECK(check_arg_count(range, 1).has_value());
    CHECK(check_arg_count(range, 2).has_value());
    CHECK(count_error(range, 0) == "\"kill\" requires a minimum of 1 argument(s)");
    CHECK(count_error(range, 3) == "\"kill\" requires a maximum of 2 argument(s)");

    Command none = test_command(0, 0);
    CHECK(check_arg_count(none, 0).has_value());
    CHECK(count_error(none, 1) == "\"kill\" requires exactly 0 argument(s)");
}

TEST_CASE("command help lists usage and every flag", "[usage]") {
    std::string help = command_help(test_command(1, 2));
    CHECK(help.find("ocrt kill - send a signal") != std::string::npos);
    CHECK(help.find("ocrt kill [command options] <container-id> [signal]") != std::string::npos);
    CHECK(help.find("--all, -a") != std::string::npos);
    CHECK(help.find("--help, -h") != std::string::npos);

    std::string lines = flag_lines(create_flags());
    CHECK(lines.find("--bundle value, -b value") != std::string::npos);
    CHECK(lines.find("--no-pivot ") != std::string::npos);
}

TEST_CASE("list table: columns padded to max(width + 3, 12), last column bare", "[usage]") {
    std::string table = format_table({
        {"ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"},
        {"a-very-long-container-id", "4242", "running", "/b", "2026-08-01T12:00:00.123456789Z", "root"},
    });
    CHECK(table ==
          "ID                         PID         STATUS      BUNDLE      CREATED                          OWNER\n"
          "a-very-long-container-id   4242        running     /b          2026-08-01T12:00:00.123456789Z   root\n");
    CHECK(format_table({{"ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"}}) ==
          "ID          PID         STATUS      BUNDLE      CREATED     OWNER\n");
}
