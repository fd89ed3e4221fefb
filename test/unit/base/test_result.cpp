#include <ocrt/base/result.hpp>
#include <ocrt/base/unique_fd.hpp>

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

using ocrt::Error;
using ocrt::Result;
using ocrt::unique_fd;

namespace {

Result<int> half(int n) {
    if (n % 2 != 0) return Error(EINVAL, "half of " + std::to_string(n));
    return n / 2;
}

Result<int> quarter(int n) {
    int h = OCRT_TRY(half(n));
    return OCRT_TRY(half(h));
}

bool fd_is_open(int fd) { return ::fcntl(fd, F_GETFD) != -1; }

}  // namespace

TEST_CASE("Error renders outermost context first and strerror once at the end") {
    Error error(ENOENT, "open \"/x\"");
    error.wrap("read config").wrap("create container");
    CHECK(error.render() == std::string("create container: read config: open \"/x\": no such file or directory"));
    CHECK(error.code() == ENOENT);
    CHECK(error.message() == "open \"/x\"");
}

TEST_CASE("Error without an errno renders only its message") {
    CHECK(Error("bad input").render() == "bad input");
    CHECK(Error("bad input").code() == 0);
}

TEST_CASE("errno_error captures errno at the call site") {
    errno = EACCES;
    Error error = ocrt::errno_error("chmod \"/y\"");
    CHECK(error.code() == EACCES);
    CHECK(error.render() == std::string("chmod \"/y\": permission denied"));
}

TEST_CASE("Result holds a value or an error") {
    Result<int> good = half(8);
    REQUIRE(good);
    CHECK(*good == 4);
    Result<int> bad = half(3);
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code() == EINVAL);

    Result<void> fine = ocrt::ok();
    CHECK(fine.has_value());
    Result<void> failed = Error(EPERM, "x");
    CHECK_FALSE(failed.has_value());
    CHECK(failed.error().code() == EPERM);
}

TEST_CASE("OCRT_TRY returns the first error and yields values otherwise") {
    Result<int> ok = quarter(12);
    REQUIRE(ok);
    CHECK(*ok == 3);
    Result<int> bad = quarter(6);  // 6 -> 3 -> odd
    REQUIRE_FALSE(bad);
    CHECK(bad.error().message() == "half of 3");
}

TEST_CASE("unique_fd closes on destruction and reset, not after release") {
    int raw = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    REQUIRE(raw >= 0);
    {
        unique_fd owner(raw);
        CHECK(owner.valid());
        CHECK(owner.get() == raw);
    }
    CHECK_FALSE(fd_is_open(raw));

    raw = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    unique_fd first(raw);
    unique_fd second(std::move(first));
    CHECK_FALSE(first.valid());
    CHECK(second.get() == raw);
    second.reset();
    CHECK_FALSE(fd_is_open(raw));

    raw = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    int released = -1;
    {
        unique_fd owner(raw);
        released = owner.release();
        CHECK_FALSE(owner.valid());
    }
    CHECK(released == raw);
    CHECK(fd_is_open(raw));
    ::close(raw);
}

TEST_CASE("unique_fd move assignment closes the fd it held") {
    int a = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    int b = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    unique_fd first(a);
    unique_fd second(b);
    first = std::move(second);
    CHECK_FALSE(fd_is_open(a));
    CHECK(first.get() == b);
}

TEST_CASE("errno texts are worded in lower case as runc prints them") {
    CHECK(ocrt::errno_text(ENOENT) == "no such file or directory");
    CHECK(ocrt::errno_text(EPERM) == "operation not permitted");
    CHECK(ocrt::errno_text(EIO) == "input/output error");
}
