#include <ocrt/linux/oom_score.hpp>

#include <ocrt/base/fs.hpp>

#include <cerrno>

namespace ocrt::os {

Result<void> set_oom_score_adj(pid_t pid, int value, Kernel &kernel) {
    const std::string path = "/proc/" + std::to_string(pid) + "/oom_score_adj";
    auto written = kernel.write_file(path, std::to_string(value));
    if (written) return ok();
    std::string what = "config.json: /process/oomScoreAdj: cannot set oom_score_adj to " + std::to_string(value);
    int code = written.error().code();
    if (code == EACCES || code == EPERM) {
        // The kernel's only reason to refuse root here: going below the current floor.
        auto current = fs::read_file(path);
        std::string now = current ? current->substr(0, current->find('\n')) : std::string("?");
        what += " (lowering it below the current " + now + " needs CAP_SYS_RESOURCE)";
    }
    return std::move(written).error().wrap(what);
}

}  // namespace ocrt::os
