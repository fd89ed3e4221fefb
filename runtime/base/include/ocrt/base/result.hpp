// Result<T>: a value or an Error, with std::expected's member names so a later
// switch to C++23 is mechanical.
#pragma once

#include <ocrt/base/error.hpp>

#include <cassert>
#include <type_traits>
#include <utility>
#include <variant>

namespace ocrt {

template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
    Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}

    bool has_value() const { return v_.index() == 0; }
    explicit operator bool() const { return has_value(); }

    T &value() & { assert(has_value()); return std::get<0>(v_); }
    const T &value() const & { assert(has_value()); return std::get<0>(v_); }
    T &&value() && { assert(has_value()); return std::get<0>(std::move(v_)); }
    T &operator*() & { return value(); }
    const T &operator*() const & { return value(); }
    T &&operator*() && { return std::move(*this).value(); }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }

    Error &error() & { assert(!has_value()); return std::get<1>(v_); }
    const Error &error() const & { assert(!has_value()); return std::get<1>(v_); }
    Error &&error() && { assert(!has_value()); return std::get<1>(std::move(v_)); }

private:
    std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : error_(std::move(error)), failed_(true) {}

    bool has_value() const { return !failed_; }
    explicit operator bool() const { return has_value(); }
    void value() const { assert(has_value()); }

    Error &error() & { assert(failed_); return error_; }
    const Error &error() const & { assert(failed_); return error_; }
    Error &&error() && { assert(failed_); return std::move(error_); }

private:
    Error error_;
    bool failed_ = false;
};

using Status = Result<void>;

inline Result<void> ok() { return {}; }

}  // namespace ocrt

// Evaluates a Result expression; on error returns it from the enclosing
// function (which must return some Result), otherwise yields the value.
#define OCRT_TRY(expr)                                                  \
    __extension__({                                                     \
        auto ocrt_try_result_ = (expr);                                 \
        if (!ocrt_try_result_) return std::move(ocrt_try_result_).error(); \
        std::move(ocrt_try_result_).value();                            \
    })
