#include <ocrt/cli/settings_file.hpp>

#include <ocrt/base/unique_fd.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

namespace ocrt::cli {

std::string settings_path() {
    const char *overridden = std::getenv("OCRT_CONFIG");
    if (overridden != nullptr && *overridden != '\0') return overridden;
    return "/etc/ocrt/ocrt.yaml";
}

Result<spec::Settings> load_settings(const std::string &path) {
    unique_fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) {
        int error = errno;
        if (error == ENOENT) return spec::Settings{};
        return Error(error, "open settings file \"" + path + "\"");
    }
    std::string text;
    char buffer[4096];
    for (;;) {
        ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return errno_error("read settings file \"" + path + "\"");
        if (n == 0) break;
        text.append(buffer, static_cast<size_t>(n));
    }
    return spec::parse_settings(text, path);
}

}  // namespace ocrt::cli
