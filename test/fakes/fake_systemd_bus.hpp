// A SystemdBus that records the calls and answers as told, for the systemd driver's
// sequencing tests. Header-only.
#pragma once

#include <ocrt/cgroups/systemd_bus.hpp>

#include <cerrno>
#include <functional>
#include <set>
#include <string>
#include <vector>

namespace ocrt::test {

class FakeSystemdBus final : public cgroups::SystemdBus {
public:
    struct Started {
        std::string name;
        pid_t pid = 0;
        std::vector<cgroups::UnitProperty> properties;
    };
    struct Shared {
        std::vector<std::string> log;             // "start X", "stop X", "reset X", "set X", "version"
        std::vector<Started> started;
        std::vector<std::pair<std::string, std::vector<cgroups::UnitProperty>>> set;
        std::set<std::string> units;              // loaded units
        int start_error = 0;                      // errno of a failed start (EEXIST: UnitExists)
        bool start_fails_after_load = false;      // the job fails, leaving the unit loaded ("failed")
        int version = 252;
        int connections = 0;
        std::function<void(const std::string &)> on_start;  // systemd makes the unit's cgroup
        std::function<void(const std::string &)> on_stop;   // and removes it
        std::function<void(const std::string &)> on_set;
    };

    explicit FakeSystemdBus(Shared &shared) : s_(shared) { ++s_.connections; }

    Result<void> start_transient_unit(const std::string &name, pid_t pid,
                                      const std::vector<cgroups::UnitProperty> &properties) override {
        s_.log.push_back("start " + name);
        s_.started.push_back({name, pid, properties});
        if (s_.start_error == EEXIST) return Error(EEXIST, "start systemd unit \"" + name + "\": unit exists");
        if (s_.units.count(name)) return Error(EEXIST, "start systemd unit \"" + name + "\": unit exists");
        if (s_.start_fails_after_load) {
            s_.units.insert(name);
            return Error(EIO, "start systemd unit \"" + name + "\": the job ended \"failed\"");
        }
        if (s_.start_error) return Error(s_.start_error, "start systemd unit \"" + name + "\"");
        s_.units.insert(name);
        if (s_.on_start) s_.on_start(name);
        return ok();
    }
    Result<void> stop_unit(const std::string &name) override {
        s_.log.push_back("stop " + name);
        if (!s_.units.erase(name)) return Error(ENOENT, "unit \"" + name + "\" not loaded");
        if (s_.on_stop) s_.on_stop(name);
        return ok();
    }
    Result<void> reset_failed_unit(const std::string &name) override {
        s_.log.push_back("reset " + name);
        return ok();
    }
    Result<void> set_unit_properties(const std::string &name,
                                     const std::vector<cgroups::UnitProperty> &properties) override {
        s_.log.push_back("set " + name);
        s_.set.emplace_back(name, properties);
        if (s_.on_set) s_.on_set(name);
        if (!s_.units.count(name)) return Error(ENOENT, "unit \"" + name + "\" not loaded");
        return ok();
    }
    Result<int> manager_version() override {
        s_.log.push_back("version");
        return s_.version;
    }

    // A factory for the driver: each connection shares the same record.
    static cgroups::SystemdBusFactory factory(Shared &shared) {
        return [&shared]() -> Result<std::unique_ptr<cgroups::SystemdBus>> {
            return std::unique_ptr<cgroups::SystemdBus>(new FakeSystemdBus(shared));
        };
    }

private:
    Shared &s_;
};

}  // namespace ocrt::test
