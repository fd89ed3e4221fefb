#include <ocrt/container/pid_file.hpp>

#include <ocrt/base/fs.hpp>

#include <fcntl.h>

namespace ocrt::container {

std::string absolute_path(const std::string &path, const std::string &cwd) {
    if (!path.empty() && path.front() == '/') return fs::clean_path(path);
    return fs::clean_path(cwd + "/" + path);
}

Result<void> write_pid_file(const std::string &path, pid_t pid) {
    size_t slash = path.rfind('/');
    if (slash == std::string::npos) return Error("pid file path \"" + path + "\" is not absolute");
    std::string dir = slash == 0 ? "/" : path.substr(0, slash);
    std::string name = path.substr(slash + 1);
    auto written = [&]() -> Result<void> {
        unique_fd dir_fd = OCRT_TRY(fs::open_path(dir, O_PATH | O_DIRECTORY));
        return fs::write_file_atomic(dir_fd, name, std::to_string(pid), 0644);
    }();
    if (!written) return std::move(written).error().wrap("write pid file \"" + path + "\"");
    return ok();
}

}  // namespace ocrt::container
