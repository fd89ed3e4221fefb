#include <ocrt/spec/diagnostic.hpp>

namespace ocrt::spec {

std::string child_pointer(std::string_view parent, std::string_view key) {
    std::string out(parent);
    out += '/';
    for (char c : key) {
        if (c == '~')
            out += "~0";
        else if (c == '/')
            out += "~1";
        else
            out += c;
    }
    return out;
}

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
