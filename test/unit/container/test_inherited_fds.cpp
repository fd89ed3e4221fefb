// Socket activation and --preserve-fds (cli-contract.md section 5).
#include <ocrt/container/inherited_fds.hpp>

#include "child_process.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

using namespace ocrt::container;

TEST_CASE("LISTEN_FDS counts only when LISTEN_PID names us", "[fds]") {
    CHECK(socket_activation_fds("42", "2", 42) == 2);
    CHECK(socket_activation_fds("42", "1", 42) == 1);
    // sd_listen_fds(3): another pid, unset or malformed values mean no fds.
    CHECK(socket_activation_fds("43", "2", 42) == 0);
    CHECK(socket_activation_fds(nullptr, "2", 42) == 0);
    CHECK(socket_activation_fds("42", nullptr, 42) == 0);
    for (const char *bad : {"", "0", "-1", "2x", " 2", "+2", "99999999999999999999", "100000"})
        CHECK(socket_activation_fds("42", bad, 42) == 0);
    for (const char *bad : {"", "0", "-42", "42 ", "x"}) CHECK(socket_activation_fds(bad, "2", 42) == 0);
}

TEST_CASE("set_env replaces every earlier entry of the key", "[fds]") {
    std::vector<std::string> env{"PATH=/bin", "LISTEN_FDS=9", "LISTEN_FDS_X=1", "LISTEN_FDS=8"};
    set_env(env, "LISTEN_FDS", "2");
    CHECK(env == std::vector<std::string>{"PATH=/bin", "LISTEN_FDS_X=1", "LISTEN_FDS=2"});
    set_env(env, "LISTEN_PID", "1");
    CHECK(env.back() == "LISTEN_PID=1");
}

TEST_CASE("a preserved fd that is not open is refused with runc's wording", "[fds]") {
    CHECK(check_inherited_fds(0, 0));
    // Far beyond anything this test process has open.
    auto missing = check_inherited_fds(0, 5000);
    REQUIRE_FALSE(missing);
    CHECK_THAT(missing.error().render(), Catch::Contains("unable to stat preserved-fd") &&
                                             Catch::Contains("(of 5000)") && Catch::Contains("bad file descriptor"));
    auto listen = check_inherited_fds(5000, 0);
    REQUIRE_FALSE(listen);
    CHECK_THAT(listen.error().render(), Catch::Contains("unable to stat socket-activation fd"));
}

TEST_CASE("a close-on-exec fd in the preserved range is ocrt's own and refused", "[fds]") {
    // In a child: fd 3 is ours to rearrange there.
    pid_t child = ocrt::testing::spawn([] {
        int null = ::fcntl(::open("/dev/null", O_RDONLY | O_CLOEXEC), F_DUPFD_CLOEXEC, 10);
        if (null < 0 || ::dup3(null, 3, O_CLOEXEC) != 3) return 10;
        auto own = check_inherited_fds(0, 1);
        if (own || own.error().render().find("unable to stat preserved-fd 0 (of 1): fd 3 is ocrt's own") ==
                       std::string::npos)
            return 11;
        if (::dup2(null, 3) != 3) return 12;  // as a caller hands it over: no close-on-exec
        return check_inherited_fds(0, 1) ? 0 : 13;
    });
    CHECK(ocrt::testing::wait_for(child) == 0);
}
