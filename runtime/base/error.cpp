#include <ocrt/base/error.hpp>

#include <cctype>
#include <cerrno>
#include <cstring>

namespace ocrt {

Error &Error::wrap(std::string context) & {
    context_.push_back(std::move(context));
    return *this;
}

Error &&Error::wrap(std::string context) && {
    context_.push_back(std::move(context));
    return std::move(*this);
}

std::string Error::render() const {
    std::string out;
    for (auto it = context_.rbegin(); it != context_.rend(); ++it) {
        out += *it;
        out += ": ";
    }
    out += message_;
    if (code_ != 0) {
        if (!message_.empty()) out += ": ";
        out += errno_text(code_);
    }
    return out;
}

std::string errno_text(int code) {
    // Clients match runc's (Go's) lower-case wording: "no such file or directory",
    // "permission denied". Acronyms ("I/O error") keep their case.
    std::string text = std::strerror(code);
    bool acronym = text.size() > 1 && std::isupper(static_cast<unsigned char>(text[1]));
    if (!text.empty() && !acronym) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
    return text;
}

Error errno_error(std::string message) {
    int code = errno;
    return Error(code, std::move(message));
}

}  // namespace ocrt
