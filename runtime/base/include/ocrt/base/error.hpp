// Error: an errno plus a message and the context frames added on the way up.
// Rendered outermost first, joined with ": ", strerror(code) once at the end.
#pragma once

#include <string>
#include <vector>

namespace ocrt {

class Error {
public:
    Error() = default;
    // A failure without an errno (bad input, protocol violation).
    explicit Error(std::string message) : message_(std::move(message)) {}
    // A failed system call: code is the errno read right after the call.
    Error(int code, std::string message) : code_(code), message_(std::move(message)) {}

    // Adds a context frame ("doing X") in front of what is already there.
    Error &wrap(std::string context) &;
    Error &&wrap(std::string context) &&;

    int code() const { return code_; }
    const std::string &message() const { return message_; }
    const std::vector<std::string> &context() const { return context_; }

    // "outer: inner: message: strerror(code)".
    std::string render() const;

private:
    int code_ = 0;
    std::string message_;
    std::vector<std::string> context_;  // outermost last
};

// strerror(code) worded as runc (Go) words it: lower case ("no such file or directory").
std::string errno_text(int code);

// Builds an Error from errno at the call site; read errno before anything else.
Error errno_error(std::string message);

}  // namespace ocrt
