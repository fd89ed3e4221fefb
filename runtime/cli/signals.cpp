#include <ocrt/cli/signals.hpp>

#include <charconv>
#include <csignal>
#include <optional>
#include <string>

namespace ocrt::cli {
namespace {

struct NamedSignal {
    std::string_view name;  // upper case, without "SIG"
    int number;
};

constexpr NamedSignal named_signals[] = {
    {"HUP", SIGHUP},     {"INT", SIGINT},       {"QUIT", SIGQUIT},   {"ILL", SIGILL},       {"TRAP", SIGTRAP},
    {"ABRT", SIGABRT},   {"IOT", SIGIOT},       {"BUS", SIGBUS},     {"FPE", SIGFPE},       {"KILL", SIGKILL},
    {"USR1", SIGUSR1},   {"SEGV", SIGSEGV},     {"USR2", SIGUSR2},   {"PIPE", SIGPIPE},     {"ALRM", SIGALRM},
    {"TERM", SIGTERM},   {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD},   {"CLD", SIGCHLD},      {"CONT", SIGCONT},
    {"STOP", SIGSTOP},   {"TSTP", SIGTSTP},     {"TTIN", SIGTTIN},   {"TTOU", SIGTTOU},     {"URG", SIGURG},
    {"XCPU", SIGXCPU},   {"XFSZ", SIGXFSZ},     {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF},   {"WINCH", SIGWINCH},
    {"IO", SIGIO},       {"POLL", SIGPOLL},     {"PWR", SIGPWR},     {"SYS", SIGSYS},
};

std::optional<int> parse_decimal(std::string_view text) {
    int number = 0;
    auto [end, status] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (text.empty() || status != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return number;
}

bool valid_number(int number) { return number >= 1 && number <= SIGRTMAX; }

// "RTMIN", "RTMIN+N", "RTMAX", "RTMAX-N" (already upper case, without SIG).
std::optional<int> parse_realtime(std::string_view name) {
    auto offset_from = [&](std::string_view base, int base_number, char sign) -> std::optional<int> {
        if (!name.starts_with(base)) return std::nullopt;
        std::string_view rest = name.substr(base.size());
        if (rest.empty()) return base_number;
        if (rest[0] != sign) return std::nullopt;
        auto offset = parse_decimal(rest.substr(1));
        if (!offset) return std::nullopt;
        int number = sign == '+' ? base_number + *offset : base_number - *offset;
        if (number < SIGRTMIN || number > SIGRTMAX) return std::nullopt;
        return number;
    };
    if (auto number = offset_from("RTMIN", SIGRTMIN, '+')) return number;
    return offset_from("RTMAX", SIGRTMAX, '-');
}

}  // namespace

Result<int> parse_signal(std::string_view text) {
    auto unknown = [&] { return Error("unknown signal \"" + std::string(text) + "\""); };
    if (auto number = parse_decimal(text)) {
        if (!valid_number(*number)) return unknown();
        return *number;
    }
    std::string name(text);
    for (char &c : name)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    std::string_view bare(name);
    if (bare.starts_with("SIG")) bare.remove_prefix(3);
    for (const NamedSignal &signal : named_signals)
        if (signal.name == bare) return signal.number;
    if (auto number = parse_realtime(bare)) return *number;
    return unknown();
}

}  // namespace ocrt::cli
