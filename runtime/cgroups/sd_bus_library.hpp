// The sd-bus functions the systemd driver calls, from libsystemd.so.0 loaded at first
// use. Linking libsystemd would load it, and the nine libraries it needs, into every
// ocrt process: about 0.4 ms per command here, paid by cgroupfs users too.
#pragma once

#include <ocrt/base/result.hpp>

#include <systemd/sd-bus.h>

namespace ocrt::cgroups {

#define OCRT_SD_BUS_FUNCTIONS(X)                                                                          \
    X(sd_bus_call) X(sd_bus_call_method) X(sd_bus_error_free) X(sd_bus_error_get_errno)                 \
    X(sd_bus_error_has_name) X(sd_bus_flush_close_unref) X(sd_bus_get_property_string)                 \
    X(sd_bus_match_signal) X(sd_bus_message_append) X(sd_bus_message_append_array)                     \
    X(sd_bus_message_append_basic) X(sd_bus_message_close_container) X(sd_bus_message_new_method_call) \
    X(sd_bus_message_open_container) X(sd_bus_message_read) X(sd_bus_message_unref) X(sd_bus_new)       \
    X(sd_bus_open_system) X(sd_bus_process) X(sd_bus_set_address) X(sd_bus_slot_unref) X(sd_bus_start) \
    X(sd_bus_unref) X(sd_bus_wait)

struct SdBusLibrary {
#define OCRT_SD_BUS_POINTER(name) decltype(&::name) name = nullptr;
    OCRT_SD_BUS_FUNCTIONS(OCRT_SD_BUS_POINTER)
#undef OCRT_SD_BUS_POINTER
};

// Loads libsystemd.so.0 once and resolves every function above; the error says what
// is missing. Later calls return the same library.
Result<const SdBusLibrary *> load_sd_bus_library();

}  // namespace ocrt::cgroups
