// ocrt spec [-b DIR] [--rootless]: write an example config.json, never over an existing one.
#include "commands.hpp"

#include <ocrt/base/unique_fd.hpp>
#include <ocrt/cli/command_flags.hpp>
#include <ocrt/spec/defaults.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace ocrt::cli {
namespace {

Result<int> run_spec(const Invocation &call) {
    std::string bundle = call.flags.value("bundle");
    if (bundle.empty()) bundle = call.cwd;
    std::string path = bundle + "/config.json";
    std::string text = spec::default_config_json(call.flags.enabled("rootless"), ::geteuid(), ::getegid());

    // O_EXCL: refuse an existing file (or a dangling symlink planted in its place).
    unique_fd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666));
    if (!fd) {
        int error = errno;
        if (error == EEXIST) return Error("File config.json exists. Remove it first");
        return Error(error, "create \"" + path + "\"");
    }
    std::string_view rest = text;
    while (!rest.empty()) {
        ssize_t n = ::write(fd.get(), rest.data(), rest.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return errno_error("write \"" + path + "\"");
        rest.remove_prefix(static_cast<size_t>(n));
    }
    return 0;
}

}  // namespace

const Command spec_command{
    .name = "spec",
    .summary = "write an example config.json in the bundle directory",
    .arguments = "",
    .flags = spec_flags(),
    .min_args = 0,
    .max_args = 0,
    .order = FlagOrder::interspersed,
    .run = run_spec,
};

}  // namespace ocrt::cli
