// ocrt [global flags] <command> [command flags] <container-id> [args]
//
// Order: global flags -> --help/--version -> settings file -> logging -> command
// flags -> argument count -> the command. Every failure ends here as one error
// (logged, and also on stderr when logging to a file) and exit status 1.
#include "commands/output.hpp"
#include "version.hpp"

#include <ocrt/base/log.hpp>
#include <ocrt/cli/args.hpp>
#include <ocrt/cli/command.hpp>
#include <ocrt/cli/global_options.hpp>
#include <ocrt/cli/report.hpp>
#include <ocrt/cli/settings_file.hpp>
#include <ocrt/cli/usage.hpp>

#include <span>
#include <string>
#include <vector>

namespace ocrt::cli {
namespace {

constexpr int exit_failure = 1;

int fail(const Error &error) {
    report(log::Level::error, error.render());
    return exit_failure;
}

// runc's shape: "Incorrect Usage." and the help on stdout, the reason on stderr.
int usage_failure(const std::string &help, const Error &error) {
    (void)write_stdout("Incorrect Usage.\n\n" + help);
    return fail(error);
}

int print(const std::string &text) {
    auto written = write_stdout(text);
    return written ? 0 : fail(written.error());
}

// `ocrt help` and `ocrt help <command>`.
int show_help(std::span<const std::string> topics) {
    if (topics.empty()) return print(program_help(all_commands()));
    const Command *command = find_command(topics[0]);
    if (command == nullptr) return fail(Error("no help topic for \"" + topics[0] + "\""));
    return print(command_help(*command));
}

Result<GlobalOptions> configure(const ParsedFlags &global_flags_seen, const Environment &env) {
    spec::Settings settings = OCRT_TRY(load_settings(settings_path()));
    GlobalOptions options = OCRT_TRY(resolve_global_options(global_flags_seen, settings, env));
    OCRT_TRY(apply_logging(options));
    return options;
}

int dispatch(const Command &command, const GlobalOptions &globals, const std::string &cwd,
             std::span<const std::string> words) {
    auto parsed = parse_args(command.flags, words, command.order);
    if (!parsed) return usage_failure(command_help(command), parsed.error());
    if (parsed->help_requested) return print(command_help(command));
    if (auto count = check_arg_count(command, parsed->positionals.size()); !count)
        return usage_failure(command_help(command), count.error());

    Invocation call{globals, parsed->flags, parsed->positionals, cwd};
    auto status = command.run(call);
    if (!status) return fail(status.error());
    return *status;
}

int run_main(std::span<const std::string> words) {
    auto global = parse_args(global_flags(), words, FlagOrder::stop_at_first_positional);
    if (!global) return usage_failure(program_help(all_commands()), global.error());
    if (global->help_requested) return print(program_help(all_commands()));
    if (global->flags.enabled("version")) return print(version_text());

    const std::vector<std::string> &rest = global->positionals;
    if (rest.empty()) return print(program_help(all_commands()));
    std::span<const std::string> command_words(rest.begin() + 1, rest.end());
    if (rest[0] == "help") return show_help(command_words);

    Environment env = current_environment();
    auto globals = configure(global->flags, env);
    if (!globals) return fail(globals.error());

    std::string command_line = "ocrt";
    for (const std::string &word : words) command_line += " " + word;
    log::debug("running: " + command_line);

    const Command *command = find_command(rest[0]);
    if (command == nullptr) return fail(Error("unknown command \"" + rest[0] + "\""));
    return dispatch(*command, *globals, env.cwd, command_words);
}

}  // namespace
}  // namespace ocrt::cli

int main(int argc, char **argv) {
    std::vector<std::string> words(argv + 1, argv + argc);
    return ocrt::cli::run_main(words);
}
