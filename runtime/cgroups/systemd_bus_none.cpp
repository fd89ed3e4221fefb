// connect_systemd_bus() of an ocrt built without sd-bus (meson -Dsystemd=disabled,
// or libsystemd missing): the systemd cgroup driver fails at create, clearly.
#include <ocrt/cgroups/systemd_bus.hpp>

#include <cerrno>

namespace ocrt::cgroups {

bool built_with_systemd() { return false; }

Result<std::unique_ptr<SystemdBus>> connect_systemd_bus() {
    return Error(ENOTSUP, "ocrt was built without systemd support; use --cgroup-manager=cgroupfs");
}

}  // namespace ocrt::cgroups
