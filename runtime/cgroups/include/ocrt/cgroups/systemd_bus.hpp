// The systemd driver's seam to systemd (org.freedesktop.systemd1.Manager over D-Bus),
// so the driver's sequencing is unit-tested against a fake. connect_systemd_bus() is
// sd-bus (systemd_bus_sd.cpp), or a clear error when ocrt was built without it.
#pragma once

#include <ocrt/base/result.hpp>
#include <ocrt/cgroups/systemd_properties.hpp>

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

namespace ocrt::cgroups {

class SystemdBus {
public:
    virtual ~SystemdBus() = default;
    // StartTransientUnit(name, "replace", properties + PIDs=[pid] when pid > 0), then
    // waits for the job (JobRemoved) with a timeout; an error unless it ended "done".
    virtual Result<void> start_transient_unit(const std::string &name, pid_t pid,
                                              const std::vector<UnitProperty> &properties) = 0;
    // StopUnit(name, "replace") and waits for the job. A unit systemd does not know
    // (never started, or gone already) is an Error with code ENOENT.
    virtual Result<void> stop_unit(const std::string &name) = 0;
    // Forgets a failed unit, so its name can be used again (ENOENT: not loaded).
    virtual Result<void> reset_failed_unit(const std::string &name) = 0;
    // SetUnitProperties(name, runtime=true, properties).
    virtual Result<void> set_unit_properties(const std::string &name, const std::vector<UnitProperty> &properties) = 0;
    // The major number of Manager.Version ("252.38-1~deb12u1" -> 252).
    virtual Result<int> manager_version() = 0;
};

// Whether this ocrt was built with sd-bus (meson option "systemd").
bool built_with_systemd();

// Connects to systemd: its private socket when root (as systemctl does), else the
// system bus. Error "ocrt was built without systemd support" without sd-bus.
Result<std::unique_ptr<SystemdBus>> connect_systemd_bus();

}  // namespace ocrt::cgroups
