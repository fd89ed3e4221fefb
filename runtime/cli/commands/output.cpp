#include "output.hpp"

#include <unistd.h>

#include <cerrno>

namespace ocrt::cli {

Result<void> write_stdout(std::string_view text) {
    while (!text.empty()) {
        ssize_t n = ::write(STDOUT_FILENO, text.data(), text.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return errno_error("write to stdout");
        text.remove_prefix(static_cast<size_t>(n));
    }
    return ok();
}

}  // namespace ocrt::cli
