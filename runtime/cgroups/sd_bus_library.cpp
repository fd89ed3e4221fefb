#include "sd_bus_library.hpp"

#include <dlfcn.h>

#include <cerrno>
#include <string>

namespace ocrt::cgroups {
namespace {

constexpr const char *kLibrary = "libsystemd.so.0";

Result<SdBusLibrary> resolve() {
    void *handle = ::dlopen(kLibrary, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char *why = ::dlerror();
        return Error(ENOENT, std::string("load ") + kLibrary + " for the systemd cgroup driver: " + (why ? why : "not found"));
    }
    SdBusLibrary library;
    std::string missing;
#define OCRT_SD_BUS_RESOLVE(name)                                                    \
    library.name = reinterpret_cast<decltype(library.name)>(::dlsym(handle, #name)); \
    if (!library.name) missing += std::string(missing.empty() ? "" : ", ") + #name;
    OCRT_SD_BUS_FUNCTIONS(OCRT_SD_BUS_RESOLVE)
#undef OCRT_SD_BUS_RESOLVE
    if (!missing.empty()) {
        ::dlclose(handle);
        return Error(ENOSYS, std::string(kLibrary) + " lacks " + missing);
    }
    return library;  // the handle stays open for the life of the process
}

}  // namespace

Result<const SdBusLibrary *> load_sd_bus_library() {
    static Result<SdBusLibrary> loaded = resolve();
    if (!loaded) return Error(loaded.error());
    return &*loaded;
}

}  // namespace ocrt::cgroups
