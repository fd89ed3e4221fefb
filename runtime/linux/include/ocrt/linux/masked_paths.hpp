// linux.maskedPaths and linux.readonlyPaths, applied after pivot_root and before
// the user process runs. Every path is resolved inside the container root without
// following a symlink out of it, and mounted by fd.
#pragma once

#include <ocrt/base/kernel.hpp>

#include <string>
#include <vector>

namespace ocrt::os {

// A masked file gets a verified /dev/null (char 1:3) bound over it; a masked
// directory an empty read-only tmpfs. Paths that do not exist are skipped.
Result<void> mask_paths(const std::vector<std::string> &paths, Kernel &kernel);

// Each path is bound onto itself and remounted read-only. Missing paths are skipped.
Result<void> make_paths_readonly(const std::vector<std::string> &paths, Kernel &kernel);

}  // namespace ocrt::os
