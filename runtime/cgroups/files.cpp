#include <ocrt/cgroups/files.hpp>

#include <ocrt/base/fs.hpp>
#include <ocrt/base/unique_fd.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace ocrt::cgroups {
namespace {

std::string quoted(const std::string &text) { return "\"" + text + "\""; }

class RealCgroupFiles final : public CgroupFiles {
public:
    bool exists(const std::string &path) override { return ::access(path.c_str(), F_OK) == 0; }

    Result<void> mkdir(const std::string &path) override {
        if (::mkdir(path.c_str(), 0755) == 0) return ok();
        int err = errno;
        return Error(err, "create cgroup " + quoted(path));
    }

    Result<void> rmdir(const std::string &path) override {
        if (::rmdir(path.c_str()) == 0) return ok();
        int err = errno;
        return Error(err, "remove cgroup " + quoted(path));
    }

    Result<void> write(const std::string &path, const std::string &value) override {
        int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
        if (fd < 0) {
            int err = errno;
            return Error(err, "open " + quoted(path));
        }
        unique_fd owned(fd);
        ssize_t n = ::write(owned.get(), value.data(), value.size());
        if (n < 0) {
            int err = errno;
            return Error(err, "write " + quoted(value) + " to " + quoted(path));
        }
        if (static_cast<size_t>(n) != value.size()) return Error(EIO, "short write to " + quoted(path));
        return ok();
    }

    Result<std::string> read(const std::string &path) override { return fs::read_file(path); }
};

}  // namespace

CgroupFiles &real_cgroup_files() {
    static RealCgroupFiles files;
    return files;
}

}  // namespace ocrt::cgroups
