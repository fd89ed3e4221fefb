// SystemdBus over sd-bus (libsystemd, loaded when the driver connects): method calls
// to org.freedesktop.systemd1 and the wait for a job's JobRemoved signal.
#include <ocrt/cgroups/systemd_bus.hpp>

#include "sd_bus_library.hpp"

#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <map>
#include <type_traits>

namespace ocrt::cgroups {
namespace {

// Set by connect_systemd_bus() before any bus object exists.
const SdBusLibrary *sd = nullptr;

constexpr const char *kDestination = "org.freedesktop.systemd1";
constexpr const char *kPath = "/org/freedesktop/systemd1";
constexpr const char *kManager = "org.freedesktop.systemd1.Manager";
constexpr const char *kPrivateSocket = "unix:path=/run/systemd/private";
// As runc: a unit that is not up after 30 s is given up.
constexpr uint64_t kJobTimeoutUsec = 30ULL * 1000 * 1000;

uint64_t now_usec() {
    timespec now{};
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    return static_cast<uint64_t>(now.tv_sec) * 1000000ULL + static_cast<uint64_t>(now.tv_nsec) / 1000ULL;
}

// sd-bus returns negative errno values.
Error bus_error(int r, const std::string &what) { return Error(r < 0 ? -r : EIO, what); }

// The error systemd answered with, by its D-Bus name and message.
Error reply_error(const sd_bus_error &error, int r, const std::string &what) {
    int code = sd->sd_bus_error_get_errno(&error);
    if (sd->sd_bus_error_has_name(&error, "org.freedesktop.systemd1.NoSuchUnit")) code = ENOENT;
    if (sd->sd_bus_error_has_name(&error, "org.freedesktop.systemd1.UnitExists")) code = EEXIST;
    std::string text = what;
    if (error.message) text += ": " + std::string(error.message);
    else if (error.name) text += ": " + std::string(error.name);
    return Error(code > 0 ? code : (r < 0 ? -r : EIO), text);
}

struct ErrorGuard {
    sd_bus_error error = SD_BUS_ERROR_NULL;
    ~ErrorGuard() { sd->sd_bus_error_free(&error); }
};

struct MessageGuard {
    sd_bus_message *message = nullptr;
    ~MessageGuard() { sd->sd_bus_message_unref(message); }
};

int append_value(sd_bus_message *m, const PropertyValue &value) {
    return std::visit(
        [m](const auto &v) -> int {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, bool>) {
                int b = v ? 1 : 0;
                return sd->sd_bus_message_append_basic(m, 'b', &b);
            } else if constexpr (std::is_same_v<T, std::uint64_t>) {
                return sd->sd_bus_message_append_basic(m, 't', &v);
            } else if constexpr (std::is_same_v<T, std::int64_t>) {
                return sd->sd_bus_message_append_basic(m, 'x', &v);
            } else if constexpr (std::is_same_v<T, std::string>) {
                return sd->sd_bus_message_append_basic(m, 's', v.c_str());
            } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
                int r = sd->sd_bus_message_open_container(m, 'a', "s");
                for (const std::string &s : v)
                    if (r >= 0) r = sd->sd_bus_message_append_basic(m, 's', s.c_str());
                return r < 0 ? r : sd->sd_bus_message_close_container(m);
            } else if constexpr (std::is_same_v<T, std::vector<std::uint8_t>>) {
                return sd->sd_bus_message_append_array(m, 'y', v.data(), v.size());
            } else if constexpr (std::is_same_v<T, StringPairs>) {
                int r = sd->sd_bus_message_open_container(m, 'a', "(ss)");
                for (const auto &[a, b] : v)
                    if (r >= 0) r = sd->sd_bus_message_append(m, "(ss)", a.c_str(), b.c_str());
                return r < 0 ? r : sd->sd_bus_message_close_container(m);
            } else {
                static_assert(std::is_same_v<T, StringUint64Pairs>);
                int r = sd->sd_bus_message_open_container(m, 'a', "(st)");
                for (const auto &[a, b] : v)
                    if (r >= 0) r = sd->sd_bus_message_append(m, "(st)", a.c_str(), static_cast<uint64_t>(b));
                return r < 0 ? r : sd->sd_bus_message_close_container(m);
            }
        },
        value);
}

// An a(sv) array of properties (plus PIDs=[pid] when pid > 0).
int append_properties(sd_bus_message *m, const std::vector<UnitProperty> &properties, pid_t pid) {
    int r = sd->sd_bus_message_open_container(m, 'a', "(sv)");
    for (const UnitProperty &property : properties) {
        if (r >= 0) r = sd->sd_bus_message_open_container(m, 'r', "sv");
        if (r >= 0) r = sd->sd_bus_message_append_basic(m, 's', property.name.c_str());
        if (r >= 0) r = sd->sd_bus_message_open_container(m, 'v', property_signature(property.value));
        if (r >= 0) r = append_value(m, property.value);
        if (r >= 0) r = sd->sd_bus_message_close_container(m);
        if (r >= 0) r = sd->sd_bus_message_close_container(m);
    }
    if (pid > 0 && r >= 0) r = sd->sd_bus_message_append(m, "(sv)", "PIDs", "au", 1, static_cast<uint32_t>(pid));
    return r < 0 ? r : sd->sd_bus_message_close_container(m);
}

class SdBus final : public SystemdBus {
public:
    explicit SdBus(sd_bus *bus) : bus_(bus) {}
    ~SdBus() override {
        sd->sd_bus_slot_unref(job_slot_);
        sd->sd_bus_flush_close_unref(bus_);
    }

    Result<void> start_transient_unit(const std::string &name, pid_t pid,
                                      const std::vector<UnitProperty> &properties) override {
        OCRT_TRY(watch_jobs());
        MessageGuard call;
        int r = sd->sd_bus_message_new_method_call(bus_, &call.message, kDestination, kPath, kManager, "StartTransientUnit");
        if (r >= 0) r = sd->sd_bus_message_append(call.message, "ss", name.c_str(), "replace");
        if (r >= 0) r = append_properties(call.message, properties, pid);
        if (r >= 0) r = sd->sd_bus_message_append(call.message, "a(sa(sv))", 0);
        if (r < 0) return bus_error(r, "build the StartTransientUnit call for \"" + name + "\"");
        std::string job = OCRT_TRY(call_for_job(call.message, "start systemd unit \"" + name + "\""));
        return wait_for_job(job, "start systemd unit \"" + name + "\"");
    }

    Result<void> stop_unit(const std::string &name) override {
        OCRT_TRY(watch_jobs());
        MessageGuard call;
        int r = sd->sd_bus_message_new_method_call(bus_, &call.message, kDestination, kPath, kManager, "StopUnit");
        if (r >= 0) r = sd->sd_bus_message_append(call.message, "ss", name.c_str(), "replace");
        if (r < 0) return bus_error(r, "build the StopUnit call for \"" + name + "\"");
        std::string job = OCRT_TRY(call_for_job(call.message, "stop systemd unit \"" + name + "\""));
        return wait_for_job(job, "stop systemd unit \"" + name + "\"");
    }

    Result<void> reset_failed_unit(const std::string &name) override {
        ErrorGuard error;
        int r = sd->sd_bus_call_method(bus_, kDestination, kPath, kManager, "ResetFailedUnit", &error.error, nullptr, "s",
                                   name.c_str());
        if (r < 0) return reply_error(error.error, r, "reset failed systemd unit \"" + name + "\"");
        return ok();
    }

    Result<void> set_unit_properties(const std::string &name, const std::vector<UnitProperty> &properties) override {
        MessageGuard call;
        int r = sd->sd_bus_message_new_method_call(bus_, &call.message, kDestination, kPath, kManager, "SetUnitProperties");
        if (r >= 0) r = sd->sd_bus_message_append(call.message, "sb", name.c_str(), 1);
        if (r >= 0) r = append_properties(call.message, properties, 0);
        if (r < 0) return bus_error(r, "build the SetUnitProperties call for \"" + name + "\"");
        ErrorGuard error;
        MessageGuard reply;
        r = sd->sd_bus_call(bus_, call.message, 0, &error.error, &reply.message);
        if (r < 0) return reply_error(error.error, r, "set the properties of systemd unit \"" + name + "\"");
        return ok();
    }

    Result<int> manager_version() override {
        ErrorGuard error;
        char *text = nullptr;
        int r = sd->sd_bus_get_property_string(bus_, kDestination, kPath, kManager, "Version", &error.error, &text);
        if (r < 0) return reply_error(error.error, r, "read systemd's version");
        int version = std::atoi(text);
        std::free(text);
        return version;
    }

private:
    // The match is added before the call, so the job's end cannot be missed.
    Result<void> watch_jobs() {
        if (job_slot_) return ok();
        // No sender: a direct connection (the private socket) carries none.
        int r = sd->sd_bus_match_signal(bus_, &job_slot_, nullptr, kPath, kManager, "JobRemoved", on_job_removed, this);
        if (r < 0) return bus_error(r, "watch systemd's jobs");
        return ok();
    }

    static int on_job_removed(sd_bus_message *m, void *userdata, sd_bus_error *) {
        uint32_t id = 0;
        const char *job = nullptr, *unit = nullptr, *result = nullptr;
        if (sd->sd_bus_message_read(m, "uoss", &id, &job, &unit, &result) >= 0 && job && result)
            static_cast<SdBus *>(userdata)->finished_[job] = result;
        return 0;
    }

    Result<std::string> call_for_job(sd_bus_message *call, const std::string &what) {
        ErrorGuard error;
        MessageGuard reply;
        int r = sd->sd_bus_call(bus_, call, 0, &error.error, &reply.message);
        if (r < 0) return reply_error(error.error, r, what);
        const char *job = nullptr;
        r = sd->sd_bus_message_read(reply.message, "o", &job);
        if (r < 0 || !job) return bus_error(r, what + ": no job in systemd's answer");
        return std::string(job);
    }

    Result<void> wait_for_job(const std::string &job, const std::string &what) {
        uint64_t deadline = now_usec() + kJobTimeoutUsec;
        for (;;) {
            auto found = finished_.find(job);
            if (found != finished_.end()) {
                std::string result = found->second;
                finished_.erase(found);
                if (result == "done") return ok();
                return Error(EIO, what + ": the job ended \"" + result + "\"");
            }
            int r = sd->sd_bus_process(bus_, nullptr);
            if (r < 0) return bus_error(r, what + ": read from the bus");
            if (r > 0) continue;
            uint64_t now = now_usec();
            if (now >= deadline) return Error(ETIMEDOUT, what + ": no answer from systemd within 30s");
            r = sd->sd_bus_wait(bus_, deadline - now);
            if (r < 0 && r != -EINTR) return bus_error(r, what + ": wait for the bus");
        }
    }

    sd_bus *bus_;
    sd_bus_slot *job_slot_ = nullptr;
    std::map<std::string, std::string> finished_;  // job path -> result
};

Result<sd_bus *> open_private_socket() {
    sd_bus *bus = nullptr;
    int r = sd->sd_bus_new(&bus);
    if (r >= 0) r = sd->sd_bus_set_address(bus, kPrivateSocket);
    if (r >= 0) r = sd->sd_bus_start(bus);
    if (r < 0) {
        sd->sd_bus_unref(bus);
        return bus_error(r, "connect to systemd's private socket");
    }
    return bus;
}

}  // namespace

bool built_with_systemd() { return true; }

Result<std::unique_ptr<SystemdBus>> connect_systemd_bus() {
    sd = OCRT_TRY(load_sd_bus_library());
    if (::geteuid() == 0)
        if (auto direct = open_private_socket()) return std::unique_ptr<SystemdBus>(new SdBus(*direct));
    sd_bus *bus = nullptr;
    int r = sd->sd_bus_open_system(&bus);
    if (r < 0) return bus_error(r, "connect to systemd over the system bus (is systemd running?)");
    return std::unique_ptr<SystemdBus>(new SdBus(bus));
}

}  // namespace ocrt::cgroups
