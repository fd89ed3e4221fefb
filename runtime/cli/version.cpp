#include "version.hpp"

#include <ocrt_version.h>

#include <seccomp.h>

namespace ocrt::cli {

std::string version_text() {
    std::string text = "ocrt version " OCRT_VERSION "\n";
    std::string commit = OCRT_COMMIT;
    if (!commit.empty()) text += "commit: " + commit + "\n";
    text += "spec: " OCRT_SPEC_VERSION "\n";
    // The library actually loaded, not the headers we were built against.
    if (const scmp_version *seccomp = seccomp_version()) {
        text += "libseccomp: " + std::to_string(seccomp->major) + "." + std::to_string(seccomp->minor) + "." +
                std::to_string(seccomp->micro) + "\n";
    }
    return text;
}

}  // namespace ocrt::cli
