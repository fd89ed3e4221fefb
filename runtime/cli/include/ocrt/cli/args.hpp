// A small, table-driven command-line parser with the rules runc's clients rely on
// (cli-contract.md §1): "--flag value" and "--flag=value", one or two dashes for
// every name ("-no-subreaper"), one-letter aliases, repeated flags (last wins),
// a lone "-" is a value, "--" ends the flags.
#pragma once

#include <ocrt/base/result.hpp>

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ocrt::cli {

enum class FlagKind {
    boolean,  // "--x" sets it; "--x=false" clears it
    value,    // "--x v" or "--x=v"
};

struct FlagSpec {
    std::string_view name;        // long name, without dashes
    char alias = 0;               // one-letter alias, 0 when none
    FlagKind kind = FlagKind::boolean;
    std::string_view help;
};

// The flags seen, keyed by long name; booleans hold "true" or "false".
class ParsedFlags {
public:
    void set(std::string_view name, std::string value);
    bool has(std::string_view name) const;
    // The last value given, or fallback when the flag was absent.
    std::string value(std::string_view name, std::string_view fallback = {}) const;
    // For boolean flags: present and not set to false.
    bool enabled(std::string_view name) const;
    // Every value given, in order, for repeatable flags (exec --env/--cap).
    std::vector<std::string> all(std::string_view name) const;

private:
    std::map<std::string, std::string, std::less<>> values_;
    std::map<std::string, std::vector<std::string>, std::less<>> all_values_;
};

enum class FlagOrder {
    interspersed,              // flags may follow positionals ("delete <id> --force")
    stop_at_first_positional,  // everything after the first positional is positional (exec, kill, ps, global)
};

struct ParsedArgs {
    ParsedFlags flags;
    std::vector<std::string> positionals;
    bool help_requested = false;  // -h / --help seen (parsing stopped there)
};

// Parses args (without the program or command name) against table. "-h"/"--help"
// are implicit unless the table defines them. Errors use Go's flag wording:
// "flag provided but not defined: -x", "flag needs an argument: -x".
Result<ParsedArgs> parse_args(std::span<const FlagSpec> table, std::span<const std::string> args,
                              FlagOrder order);

// Reads an unsigned decimal flag value (e.g. --preserve-fds); absent: fallback.
Result<unsigned> flag_as_unsigned(const ParsedFlags &flags, std::string_view name, unsigned fallback = 0);

}  // namespace ocrt::cli
