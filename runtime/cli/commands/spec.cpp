// ocrt spec [-b DIR] [--rootless] [--seccomp-profile FILE]: write an example config.json,
// never over an existing one.
#include "commands.hpp"

#include <ocrt/base/fs.hpp>
#include <ocrt/base/unique_fd.hpp>
#include <ocrt/cli/command_flags.hpp>
#include <ocrt/spec/defaults.hpp>
#include <ocrt/spec/load.hpp>

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace ocrt::cli {
namespace {

// The default config with the profile (e.g. contrib/seccomp/default.json) as
// linux.seccomp, checked as create would check it.
Result<std::string> with_seccomp_profile(const std::string &config_text, const std::string &profile_path) {
    std::string profile_text = OCRT_TRY(fs::read_file(profile_path));
    auto profile = nlohmann::ordered_json::parse(profile_text, nullptr, false);
    if (profile.is_discarded() || !profile.is_object())
        return Error("seccomp profile \"" + profile_path + "\": not a JSON object");
    auto config = nlohmann::ordered_json::parse(config_text);
    config["linux"]["seccomp"] = std::move(profile);
    std::string text = config.dump(1, '\t');
    auto parsed = spec::parse_config(text);
    if (!parsed.errors.empty())
        return Error("seccomp profile \"" + profile_path + "\": " + spec::render(parsed.errors.front()));
    return text;
}

Result<int> run_spec(const Invocation &call) {
    std::string bundle = call.flags.value("bundle");
    if (bundle.empty()) bundle = call.cwd;
    std::string path = bundle + "/config.json";
    std::string text = spec::default_config_json(call.flags.enabled("rootless"), ::geteuid(), ::getegid());
    if (std::string profile = call.flags.value("seccomp-profile"); !profile.empty())
        text = OCRT_TRY(with_seccomp_profile(text, profile));

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
