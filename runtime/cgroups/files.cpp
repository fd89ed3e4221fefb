#include <ocrt/cgroups/files.hpp>

#include <ocrt/base/fs.hpp>
#include <ocrt/base/text.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace ocrt::cgroups {
namespace {

using text::quoted;

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
        return fs::write_kernel_file(path, value);
    }

    Result<std::string> read(const std::string &path) override { return fs::read_file(path); }
};

}  // namespace

CgroupFiles &real_cgroup_files() {
    static RealCgroupFiles files;
    return files;
}

}  // namespace ocrt::cgroups
