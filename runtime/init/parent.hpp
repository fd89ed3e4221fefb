// The parent's half of the create protocol (sync.hpp), run right after the clone.
#pragma once

#include <ocrt/base/kernel.hpp>
#include <ocrt/cgroups/manager.hpp>
#include <ocrt/init/channel.hpp>
#include <ocrt/init/launch.hpp>
#include <ocrt/linux/namespaces.hpp>
#include <ocrt/spec/config.hpp>

namespace ocrt::init {

// Drives the child with the given pid until Ready. On any failure the child (or the
// grandchild) is killed and reaped, and the child's own error wins over ours.
// options (id, bundle) fill the state of the prestart and createRuntime hooks this
// runs when the child asks; without them a RuntimeHooks request is an error.
Result<LaunchedInit> drive_init(pid_t pid, ParentChannel &channel, const spec::Config &config,
                                const os::NamespacePlan &plan, Kernel &kernel,
                                const LaunchOptions *options = nullptr);

}  // namespace ocrt::init
