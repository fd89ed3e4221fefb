// The config's "org.systemd.property.<Name>" annotations (runc's convention, see its
// docs/systemd-properties.md) as unit properties. runc hands the value to GVariant's
// text parser ("uint64 123", "true", "'inactive-or-failed'"); ocrt knows the type of
// each property it passes, so it takes that text and the plain one ("123", "10s",
// "yes", "inactive-or-failed") alike.
#include <ocrt/cgroups/systemd_properties.hpp>

#include <ocrt/base/text.hpp>
#include <ocrt/spec/diagnostic.hpp>

#include <cctype>
#include <charconv>
#include <limits>
#include <optional>
#include <string_view>

namespace ocrt::cgroups {
namespace {

using text::parse_u64;
using text::trim;

constexpr std::string_view kPrefix = "org.systemd.property.";
constexpr uint64_t kInfinity = std::numeric_limits<uint64_t>::max();

enum class Kind {
    Bool,
    Number,  // t: a plain count or weight
    Limit,   // t: a number or "infinity"
    Usec,    // t: microseconds, "infinity", or a number with an "s", "ms" or "us" suffix
    String,  // s: one of `choices`
};

struct Known {
    const char *name;
    Kind kind;
    std::vector<std::string_view> choices = {};
};

// Properties of a scope unit with simple types. Others (Description, Slice, PIDs,
// Delegate) belong to the driver; array-typed ones are not taken from annotations.
const std::vector<Known> &known_properties() {
    static const std::vector<Known> table = {
        {"BlockIOAccounting", Kind::Bool},
        {"BlockIOWeight", Kind::Number},
        {"CPUAccounting", Kind::Bool},
        {"CPUQuotaPerSecUSec", Kind::Usec},
        {"CPUQuotaPeriodUSec", Kind::Usec},
        {"CPUShares", Kind::Number},
        {"CPUWeight", Kind::Number},
        {"CollectMode", Kind::String, {"inactive", "inactive-or-failed"}},
        {"DefaultDependencies", Kind::Bool},
        {"IOAccounting", Kind::Bool},
        {"IOWeight", Kind::Number},
        {"KillMode", Kind::String, {"control-group", "mixed", "process", "none"}},
        {"ManagedOOMMemoryPressure", Kind::String, {"auto", "kill"}},
        {"ManagedOOMSwap", Kind::String, {"auto", "kill"}},
        {"MemoryAccounting", Kind::Bool},
        {"MemoryHigh", Kind::Limit},
        {"MemoryLimit", Kind::Limit},
        {"MemoryLow", Kind::Limit},
        {"MemoryMax", Kind::Limit},
        {"MemoryMin", Kind::Limit},
        {"MemorySwapMax", Kind::Limit},
        {"OOMPolicy", Kind::String, {"continue", "stop", "kill"}},
        {"RuntimeMaxUSec", Kind::Usec},
        {"SendSIGHUP", Kind::Bool},
        {"SendSIGKILL", Kind::Bool},
        {"StartupCPUWeight", Kind::Number},
        {"StartupIOWeight", Kind::Number},
        {"TasksAccounting", Kind::Bool},
        {"TasksMax", Kind::Limit},
        {"TimeoutStopUSec", Kind::Usec},
    };
    return table;
}

using text::quoted;

// Drops a GVariant type annotation ("uint64 5", "@t 5") in front of a value.
std::string_view drop_prefix(std::string_view text, std::initializer_list<std::string_view> prefixes, bool &typed) {
    for (std::string_view p : prefixes)
        if (text.starts_with(p)) {
            typed = true;
            return trim(text.substr(p.size()));
        }
    return text;
}

// count * unit, unless that does not fit below infinity.
std::optional<uint64_t> scaled(std::optional<uint64_t> count, uint64_t unit) {
    if (!count || *count > (kInfinity - 1) / unit) return std::nullopt;
    return *count * unit;
}

// A t value. `unit` scales a number without a suffix: 1 for the USec properties,
// 1000000 for a <Name>Sec alias (seconds).
std::optional<uint64_t> parse_uint64(std::string_view text, Kind kind, uint64_t unit = 1) {
    bool typed = false;
    text = drop_prefix(text, {"uint64 ", "@t "}, typed);
    if (auto value = parse_u64(text)) return scaled(value, unit);
    if (typed || kind == Kind::Number) return std::nullopt;  // GVariant's integers have no units
    if (text == "infinity") return kInfinity;
    if (kind != Kind::Usec) return std::nullopt;
    struct Suffix { std::string_view text; uint64_t usec; };
    for (Suffix suffix : {Suffix{"us", 1}, Suffix{"ms", 1000}, Suffix{"s", 1000000}})
        if (text.ends_with(suffix.text))
            return scaled(parse_u64(text.substr(0, text.size() - suffix.text.size())), suffix.usec);
    return std::nullopt;
}

std::optional<bool> parse_bool(std::string_view text) {
    bool typed = false;
    text = drop_prefix(text, {"boolean ", "@b "}, typed);
    if (text == "true" || text == "yes" || text == "on" || text == "1") return true;
    if (text == "false" || text == "no" || text == "off" || text == "0") return false;
    return std::nullopt;
}

// A GVariant string literal ('x' or "x", backslash escapes the next character) or plain text.
std::optional<std::string> parse_string(std::string_view text) {
    bool typed = false;
    text = drop_prefix(text, {"@s "}, typed);
    if (text.empty() || (text.front() != '\'' && text.front() != '"')) {
        if (typed) return std::nullopt;
        return std::string(text);
    }
    char quote = text.front();
    std::string out;
    for (size_t i = 1; i < text.size(); ++i) {
        char c = text[i];
        if (c == '\\' && i + 1 < text.size()) out += text[++i];
        else if (c == quote) return i + 1 == text.size() ? std::optional<std::string>(out) : std::nullopt;
        else out += c;
    }
    return std::nullopt;  // no closing quote
}

std::string joined(const std::vector<std::string_view> &words) {
    std::string out;
    for (std::string_view w : words) out += (out.empty() ? "" : ", ") + std::string(w);
    return out;
}

std::string expected(Kind kind, uint64_t unit) {
    switch (kind) {
    case Kind::Bool: return "a boolean (true, false, yes, no, 1, 0)";
    case Kind::Number: return "an unsigned number (e.g. 100 or \"uint64 100\")";
    case Kind::Limit: return "an unsigned number or \"infinity\"";
    case Kind::Usec:
        return std::string("a time span (") + (unit == 1 ? "microseconds as 5000000 or \"uint64 5000000\"" : "seconds as 5 or \"uint64 5\"") +
               ", or 5s, 500ms, 10us, infinity)";
    case Kind::String: break;
    }
    return "one of the listed values";
}

const Known *find(std::string_view name) {
    for (const Known &k : known_properties())
        if (name == k.name) return &k;
    return nullptr;
}

// systemd documents its time properties as <Name>Sec (seconds) but names them
// <Name>USec on the bus. As runc does, a <Name>Sec annotation (a lower case letter
// before "Sec") is taken as <Name>USec with its plain numbers in seconds.
const Known *seconds_alias(std::string_view name) {
    if (!name.ends_with("Sec") || name.size() < 4 || !std::islower(static_cast<unsigned char>(name[name.size() - 4])))
        return nullptr;
    const Known *known = find(std::string(name.substr(0, name.size() - 3)) + "USec");
    return known && known->kind == Kind::Usec ? known : nullptr;
}

Result<UnitProperty> annotation_property(const std::string &key, const std::string &raw) {
    std::string name = key.substr(kPrefix.size());
    auto fail = [&](const std::string &problem) {
        return Error("config.json: " + spec::child_pointer("/annotations", key) + ": " + problem);
    };
    const Known *known = find(name);
    uint64_t unit = 1;
    if (!known && (known = seconds_alias(name))) {
        name = known->name;
        unit = 1000000;
    }
    if (!known) {
        std::vector<std::string_view> names;
        for (const Known &k : known_properties()) names.push_back(k.name);
        return fail("systemd property " + quoted(name) + " is not one ocrt passes (it passes " + joined(names) + ")");
    }
    const std::string_view value = trim(raw);
    switch (known->kind) {
    case Kind::Bool:
        if (auto b = parse_bool(value)) return UnitProperty{name, *b};
        break;
    case Kind::Number:
    case Kind::Limit:
    case Kind::Usec:
        if (auto n = parse_uint64(value, known->kind, unit)) return UnitProperty{name, *n};
        break;
    case Kind::String:
        if (auto s = parse_string(value)) {
            for (std::string_view choice : known->choices)
                if (*s == choice) return UnitProperty{name, *s};
            return fail(quoted(raw) + " is not one of " + joined(known->choices));
        }
        return fail(quoted(raw) + " is not a string (plain or GVariant-quoted)");
    }
    return fail(quoted(raw) + " is not " + expected(known->kind, unit));
}

}  // namespace

Result<std::vector<UnitProperty>> annotation_properties(const std::map<std::string, std::string> &annotations) {
    std::vector<UnitProperty> out;
    for (const auto &[key, value] : annotations)
        if (std::string_view(key).starts_with(kPrefix)) out.push_back(OCRT_TRY(annotation_property(key, value)));
    return out;
}

}  // namespace ocrt::cgroups
