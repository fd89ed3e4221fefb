#include <ocrt/cli/args.hpp>

#include <charconv>

namespace ocrt::cli {
namespace {

const FlagSpec implicit_help{"help", 'h', FlagKind::boolean, "show help"};

const FlagSpec *find_flag(std::span<const FlagSpec> table, std::string_view name) {
    for (const FlagSpec &flag : table) {
        if (flag.name == name) return &flag;
        if (name.size() == 1 && flag.alias != 0 && flag.alias == name[0]) return &flag;
    }
    if (name == implicit_help.name || name == "h") return &implicit_help;
    return nullptr;
}

// Go's strconv.ParseBool spellings.
std::optional<bool> parse_bool(std::string_view text) {
    for (std::string_view yes : {"1", "t", "T", "true", "TRUE", "True"})
        if (text == yes) return true;
    for (std::string_view no : {"0", "f", "F", "false", "FALSE", "False"})
        if (text == no) return false;
    return std::nullopt;
}

bool looks_like_flag(std::string_view arg) { return arg.size() > 1 && arg[0] == '-'; }

}  // namespace

void ParsedFlags::set(std::string_view name, std::string value) {
    all_values_[std::string(name)].push_back(value);
    values_[std::string(name)] = std::move(value);
}

std::vector<std::string> ParsedFlags::all(std::string_view name) const {
    auto it = all_values_.find(name);
    return it == all_values_.end() ? std::vector<std::string>{} : it->second;
}

bool ParsedFlags::has(std::string_view name) const { return values_.find(name) != values_.end(); }

std::string ParsedFlags::value(std::string_view name, std::string_view fallback) const {
    auto it = values_.find(name);
    return it == values_.end() ? std::string(fallback) : it->second;
}

bool ParsedFlags::enabled(std::string_view name) const {
    auto it = values_.find(name);
    return it != values_.end() && it->second == "true";
}

Result<ParsedArgs> parse_args(std::span<const FlagSpec> table, std::span<const std::string> args,
                              FlagOrder order) {
    ParsedArgs parsed;
    bool flags_ended = false;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string &arg = args[i];
        if (flags_ended || !looks_like_flag(arg)) {
            parsed.positionals.push_back(arg);
            if (order == FlagOrder::stop_at_first_positional) flags_ended = true;
            continue;
        }
        if (arg == "--") {
            flags_ended = true;
            continue;
        }
        // One or two dashes, then name[=value].
        std::string_view body(arg);
        body.remove_prefix(body.starts_with("--") ? 2 : 1);
        std::optional<std::string> inline_value;
        if (auto eq = body.find('='); eq != std::string_view::npos) {
            inline_value = std::string(body.substr(eq + 1));
            body = body.substr(0, eq);
        }
        const FlagSpec *flag = body.empty() || body.starts_with('-') ? nullptr : find_flag(table, body);
        if (flag == nullptr) return Error("flag provided but not defined: -" + std::string(body));
        if (flag == &implicit_help) {
            parsed.help_requested = true;
            return parsed;
        }
        if (flag->kind == FlagKind::boolean) {
            bool on = true;
            if (inline_value) {
                auto value = parse_bool(*inline_value);
                if (!value)
                    return Error("invalid boolean value \"" + *inline_value + "\" for -" + std::string(body));
                on = *value;
            }
            parsed.flags.set(flag->name, on ? "true" : "false");
        } else if (inline_value) {
            parsed.flags.set(flag->name, std::move(*inline_value));
        } else if (i + 1 < args.size()) {
            // The next word is the value whatever it looks like ("-", "-1", "--x").
            parsed.flags.set(flag->name, args[++i]);
        } else {
            return Error("flag needs an argument: -" + std::string(body));
        }
    }
    return parsed;
}

Result<unsigned> flag_as_unsigned(const ParsedFlags &flags, std::string_view name, unsigned fallback) {
    if (!flags.has(name)) return fallback;
    std::string text = flags.value(name);
    unsigned number = 0;
    auto [end, status] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (text.empty() || status != std::errc() || end != text.data() + text.size())
        return Error("invalid value \"" + text + "\" for flag -" + std::string(name) +
                     ": must be a non-negative integer");
    return number;
}

}  // namespace ocrt::cli
