#include <ocrt/spec/diagnostic.hpp>

namespace ocrt::spec {

std::string render(const Diagnostic &d, const std::string &document) {
    std::string out = document;
    out += ": ";
    if (!d.pointer.empty()) {
        out += d.pointer;
        out += ": ";
    }
    out += d.message;
    return out;
}

}  // namespace ocrt::spec
