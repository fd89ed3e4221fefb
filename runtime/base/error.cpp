#include <ocrt/base/error.hpp>

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
        out += std::strerror(code_);
    }
    return out;
}

Error errno_error(std::string message) {
    int code = errno;
    return Error(code, std::move(message));
}

}  // namespace ocrt
