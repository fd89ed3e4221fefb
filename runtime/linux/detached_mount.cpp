#include <ocrt/linux/detached_mount.hpp>

#include <ocrt/base/fs.hpp>

namespace ocrt::os {

Result<void> attach_detached_mount(borrowed_fd root, const std::string &dest, borrowed_fd mount_fd, Kernel &kernel) {
    unique_fd target = OCRT_TRY(fs::mkdir_all_in_root(root, fs::clean_path(dest), 0755));
    if (auto moved = kernel.move_mount(mount_fd, target); !moved)
        return std::move(moved).error().wrap("attach mount at \"" + dest + "\"");
    return ok();
}

}  // namespace ocrt::os
