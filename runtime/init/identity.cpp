#include "identity.hpp"

#include <ocrt/linux/capabilities.hpp>
#include <ocrt/linux/process_setup.hpp>
#include <ocrt/linux/scheduling.hpp>

#include <linux/keyctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include <optional>

namespace ocrt::init {

Result<void> join_container_keyring(const std::string &container_id, const WarningSink &note) {
    std::string name = "_ses." + container_id;
    if (::syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name.c_str(), 0, 0, 0) >= 0) return ok();
    int err = errno;
    if (err == ENOSYS || err == EACCES) {
        note("session keyring not created: " + Error(err, "").render());
        return ok();
    }
    return Error(err, "join session keyring \"" + name + "\"");
}

// The user switch drops privileges, so it comes after the limits.
Result<void> apply_process_identity(const spec::Process &process, Kernel &kernel, const WarningSink &warn,
                                    const std::function<Result<void>()> &before_user_switch) {
    OCRT_TRY(os::apply_rlimits(process.rlimits, kernel));
    // ioPriority and scheduler: after the rlimits (RLIMIT_RTPRIO/NICE), while CAP_SYS_NICE is held.
    OCRT_TRY(os::apply_process_scheduling(process, kernel));
    std::optional<os::CapabilitySets> sets;
    int last_cap = os::kernel_last_capability();
    if (const auto &capabilities = process.capabilities) {
        sets = OCRT_TRY(os::capability_sets(*capabilities));
        // config.md: warn about, but do not fail on, what cannot be granted.
        for (const auto &name : os::remove_ungrantable(*sets, os::grantable_capabilities(last_cap)))
            warn("capability \"" + name + "\" cannot be granted: skipped");
    }
    if (before_user_switch) OCRT_TRY(before_user_switch());
    OCRT_TRY(os::switch_user(process.user, sets ? &*sets : nullptr, last_cap, kernel));
    if (sets) OCRT_TRY(os::set_capability_sets(*sets, last_cap));
    if (process.no_new_privileges) OCRT_TRY(kernel.prctl(PR_SET_NO_NEW_PRIVS, 1));
    return os::enter_cwd(process, kernel);
}

}  // namespace ocrt::init
