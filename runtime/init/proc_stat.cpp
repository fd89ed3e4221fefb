#include "proc_stat.hpp"

#include <ocrt/base/unique_fd.hpp>
#include <ocrt/init/launch.hpp>

#include <fcntl.h>

#include <cerrno>
#include <charconv>
#include <string>

namespace ocrt::init {
namespace {

constexpr int kStartTimeField = 22;
constexpr int kParentPidField = 4;

Result<unsigned long long> read_stat_field(pid_t pid, int field) {
    std::string path = "/proc/" + std::to_string(pid) + "/stat";
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int err = errno;
        return Error(err, "open \"" + path + "\"");
    }
    unique_fd owner(fd);
    char buffer[1024];
    ssize_t got;
    do got = ::read(fd, buffer, sizeof buffer - 1);
    while (got < 0 && errno == EINTR);
    if (got < 0) {
        int err = errno;
        return Error(err, "read \"" + path + "\"");
    }
    auto value = parse_stat_field(std::string_view(buffer, static_cast<size_t>(got)), field);
    if (!value) return Error("malformed \"" + path + "\"");
    return *value;
}

}  // namespace

std::optional<unsigned long long> parse_stat_field(std::string_view line, int field) {
    // comm (field 2) may hold spaces and parentheses: count fields after the last ')'.
    size_t close = line.rfind(')');
    if (close == std::string_view::npos || field < 3) return std::nullopt;
    std::string_view rest = line.substr(close + 1);
    for (int current = 3;; ++current) {
        size_t begin = rest.find_first_not_of(" \n");
        if (begin == std::string_view::npos) return std::nullopt;
        rest = rest.substr(begin);
        size_t end = rest.find_first_of(" \n");
        std::string_view token = rest.substr(0, end);
        if (current == field) {
            unsigned long long value = 0;
            auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
            if (ec != std::errc() || ptr != token.data() + token.size()) return std::nullopt;
            return value;
        }
        if (end == std::string_view::npos) return std::nullopt;
        rest = rest.substr(end);
    }
}

std::optional<unsigned long long> parse_start_time(std::string_view line) {
    return parse_stat_field(line, kStartTimeField);
}

Result<unsigned long long> process_start_time(pid_t pid) { return read_stat_field(pid, kStartTimeField); }

Result<pid_t> process_parent_pid(pid_t pid) {
    unsigned long long parent = OCRT_TRY(read_stat_field(pid, kParentPidField));
    return static_cast<pid_t>(parent);
}

}  // namespace ocrt::init
