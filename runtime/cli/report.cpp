#include <ocrt/cli/report.hpp>

#include <unistd.h>

#include <string>

namespace ocrt::cli {

void report(log::Level level, std::string_view message) {
    log::write(level, message);
    if (!log::writes_to_file()) return;
    std::string line(message);
    line += '\n';
    // Best effort: stderr may be closed; there is nowhere else to say so.
    [[maybe_unused]] ssize_t written = ::write(STDERR_FILENO, line.data(), line.size());
}

}  // namespace ocrt::cli
