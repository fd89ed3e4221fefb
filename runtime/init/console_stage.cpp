// The init's terminal stage (sync.hpp: after pivot_root, before names and identity).
#include "child.hpp"

#include <ocrt/base/fs.hpp>
#include <ocrt/linux/console.hpp>

#include <fcntl.h>

namespace ocrt::init {

Result<void> set_up_console(ChildContext &ctx) {
    if (!ctx.process().terminal) return ok();
    ctx.stage = Stage::Devices;
    // Opened after the mounts and the pivot, so the pty belongs to the container's devpts.
    os::ContainerPty pty = OCRT_TRY(os::open_container_pty());
    if (const auto &size = ctx.process().console_size) OCRT_TRY(os::set_console_size(pty.master, *size));
    auto root = OCRT_TRY(fs::open_path("/", O_PATH | O_DIRECTORY));
    OCRT_TRY(os::bind_dev_console(root, pty.peer, ctx.kernel));
    OCRT_TRY(os::make_controlling_terminal(pty.peer));
    return send_console_master(ctx.channel, ctx.stage, pty.master, os::kConsoleMasterName);
}

}  // namespace ocrt::init
