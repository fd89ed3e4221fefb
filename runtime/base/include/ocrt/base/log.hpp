// Process-wide logging: one sink (stderr or a --log file), text or JSON lines.
// The JSON shape is what containerd and Podman decode from --log:
//   {"level":"error","msg":"...","time":"2026-08-01T12:00:00Z"}
// ocrt is single-threaded; each entry is written with one write() so lines
// appended by concurrent ocrt processes to a shared file never interleave.
#pragma once

#include <ocrt/base/result.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace ocrt::log {

enum class Level { debug, info, warning, error };
enum class Format { text, json };

// "debug" | "info" | "warning" ("warn" too) | "error".
std::optional<Level> parse_level(std::string_view name);
// "text" | "json".
std::optional<Format> parse_format(std::string_view name);
std::string_view level_name(Level level);

// Pure formatting, exposed for tests.
// RFC 3339 in UTC with a "Z" zone, whole seconds: "2026-08-01T12:00:00Z".
std::string rfc3339_utc(std::chrono::system_clock::time_point when);
// A JSON string literal (with the quotes); invalid UTF-8 becomes U+FFFD.
std::string json_quote(std::string_view text);
// One complete line, newline included.
//   text: time="2026-08-01T12:00:00Z" level=error msg="..."
//   json: {"level":"error","msg":"...","time":"2026-08-01T12:00:00Z"}
std::string format_entry(Format format, Level level, std::string_view message,
                         std::chrono::system_clock::time_point when);

// Sink configuration. Defaults: stderr, text, threshold warning.
void set_threshold(Level level);
Level threshold();
void set_format(Format format);
// Opens path O_CREAT|O_WRONLY|O_APPEND (0644) and makes it the sink.
Result<void> open_file(const std::string &path);
// True when the sink is a --log file rather than stderr.
bool writes_to_file();

// Writes an entry when level >= threshold().
void write(Level level, std::string_view message);
inline void debug(std::string_view message) { write(Level::debug, message); }
inline void info(std::string_view message) { write(Level::info, message); }
inline void warning(std::string_view message) { write(Level::warning, message); }
inline void error(std::string_view message) { write(Level::error, message); }

}  // namespace ocrt::log
