#include <ocrt/base/log.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>

namespace ocrt::log {
namespace {

struct Sink {
    Level threshold = Level::warning;
    Format format = Format::text;
    int fd = STDERR_FILENO;
    bool is_file = false;
};

Sink &sink() {
    static Sink instance;
    return instance;
}

// Length of the valid UTF-8 sequence starting at text[i], or 0 if it is invalid
// (bad lead byte, truncated, overlong, surrogate or beyond U+10FFFF).
size_t utf8_sequence_length(std::string_view text, size_t i) {
    auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
    unsigned char lead = byte(i);
    size_t length;
    unsigned char low = 0x80, high = 0xBF;  // allowed range of the second byte
    if (lead < 0x80) return 1;
    if (lead >= 0xC2 && lead <= 0xDF) length = 2;
    else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        if (lead == 0xE0) low = 0xA0;   // overlong
        if (lead == 0xED) high = 0x9F;  // surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        if (lead == 0xF0) low = 0x90;   // overlong
        if (lead == 0xF4) high = 0x8F;  // above U+10FFFF
    } else {
        return 0;
    }
    if (i + length > text.size()) return 0;
    if (byte(i + 1) < low || byte(i + 1) > high) return 0;
    for (size_t k = 2; k < length; ++k)
        if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
    return length;
}

void append_control_escape(std::string &out, unsigned char c) {
    switch (c) {
    case '\n': out += "\\n"; return;
    case '\r': out += "\\r"; return;
    case '\t': out += "\\t"; return;
    case '\b': out += "\\b"; return;
    case '\f': out += "\\f"; return;
    default: {
        static const char hex[] = "0123456789abcdef";
        out += "\\u00";
        out += hex[c >> 4];
        out += hex[c & 0xF];
    }
    }
}

}  // namespace

std::optional<Level> parse_level(std::string_view name) {
    if (name == "debug") return Level::debug;
    if (name == "info") return Level::info;
    if (name == "warning" || name == "warn") return Level::warning;
    if (name == "error") return Level::error;
    return std::nullopt;
}

std::optional<Format> parse_format(std::string_view name) {
    if (name == "text") return Format::text;
    if (name == "json") return Format::json;
    return std::nullopt;
}

std::string_view level_name(Level level) {
    switch (level) {
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::warning: return "warning";
    case Level::error: return "error";
    }
    return "error";
}

std::string rfc3339_utc(std::chrono::system_clock::time_point when) {
    std::time_t seconds = std::chrono::system_clock::to_time_t(when);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char buffer[32];
    size_t length = std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return std::string(buffer, length);
}

std::string json_quote(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 2);
    out += '"';
    for (size_t i = 0; i < text.size();) {
        auto c = static_cast<unsigned char>(text[i]);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
            ++i;
        } else if (c < 0x20 || c == 0x7F) {
            append_control_escape(out, c);
            ++i;
        } else if (size_t length = utf8_sequence_length(text, i); length > 0) {
            out.append(text.substr(i, length));
            i += length;
        } else {
            out += "\\ufffd";
            ++i;
        }
    }
    out += '"';
    return out;
}

std::string format_entry(Format format, Level level, std::string_view message,
                         std::chrono::system_clock::time_point when) {
    std::string time = rfc3339_utc(when);
    std::string line;
    if (format == Format::json) {
        // Keys sorted like logrus writes them: level, msg, time.
        line = "{\"level\":\"";
        line += level_name(level);
        line += "\",\"msg\":";
        line += json_quote(message);
        line += ",\"time\":\"" + time + "\"}";
    } else {
        line = "time=\"" + time + "\" level=";
        line += level_name(level);
        line += " msg=";
        line += json_quote(message);
    }
    line += '\n';
    return line;
}

void set_threshold(Level level) { sink().threshold = level; }
Level threshold() { return sink().threshold; }
void set_format(Format format) { sink().format = format; }

Result<void> open_file(const std::string &path) {
    // CLOEXEC: the container's processes must not inherit the runtime's log.
    int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) return errno_error("open log file \"" + path + "\"");
    Sink &current = sink();
    if (current.is_file) ::close(current.fd);
    current.fd = fd;
    current.is_file = true;
    return ok();
}

bool writes_to_file() { return sink().is_file; }

void write(Level level, std::string_view message) {
    const Sink &current = sink();
    if (level < current.threshold) return;
    std::string line = format_entry(current.format, level, message, std::chrono::system_clock::now());
    size_t done = 0;
    while (done < line.size()) {
        ssize_t n = ::write(current.fd, line.data() + done, line.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;  // nowhere left to report a logging failure
        done += static_cast<size_t>(n);
    }
}

}  // namespace ocrt::log
