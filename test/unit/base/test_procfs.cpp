// The verified procfs handle (security.md P7): what it accepts as a procfs root,
// how it resolves files below it, and that it fails closed on anything else.
#include <ocrt/base/kernel.hpp>
#include <ocrt/base/procfs.hpp>

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string>

using namespace ocrt;

namespace {

unique_fd open_dir(const char *path) {
    int fd = ::open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    return unique_fd(fd);
}

}  // namespace

TEST_CASE("relative_to_proc keeps the part below /proc") {
    CHECK(procfs::relative_to_proc("/proc/sys/kernel/shmmax") == std::optional<std::string>("sys/kernel/shmmax"));
    CHECK(procfs::relative_to_proc("/proc/123/uid_map") == std::optional<std::string>("123/uid_map"));
    CHECK(procfs::relative_to_proc("/proc//self/attr/exec") == std::optional<std::string>("self/attr/exec"));
    CHECK_FALSE(procfs::relative_to_proc("/proc"));
    CHECK_FALSE(procfs::relative_to_proc("/proc/"));
    CHECK_FALSE(procfs::relative_to_proc("/procfoo/x"));
    CHECK_FALSE(procfs::relative_to_proc("/sys/fs/cgroup/x"));
    CHECK_FALSE(procfs::relative_to_proc("proc/self"));
}

TEST_CASE("the procfs root is a real procfs root") {
    auto root = procfs::open_root();
    REQUIRE(root);
    CHECK(procfs::verify_root(*root, "root"));
    struct statfs st {};
    REQUIRE(::fstatfs(root->get(), &st) == 0);
    CHECK(st.f_type == PROC_SUPER_MAGIC);
}

TEST_CASE("verify_root refuses what is not the root of a procfs") {
    SECTION("a directory on another filesystem (a fake /proc)") {
        char dir[] = "/tmp/ocrt-unit-procfs.XXXXXX";
        REQUIRE(::mkdtemp(dir) != nullptr);
        auto fd = open_dir(dir);
        auto verified = procfs::verify_root(fd, dir);
        ::rmdir(dir);
        REQUIRE_FALSE(verified);
        CHECK(verified.error().render().find("is not a procfs") != std::string::npos);
    }
    SECTION("a directory inside procfs that is not its root") {
        auto fd = open_dir("/proc/self");
        auto verified = procfs::verify_root(fd, "/proc/self");
        REQUIRE_FALSE(verified);
        CHECK(verified.error().render().find("is not the root of a procfs") != std::string::npos);
    }
    SECTION("the host's /proc is accepted") { CHECK(procfs::verify_root(open_dir("/proc"), "/proc")); }
}

TEST_CASE("open_beneath stays inside the procfs") {
    auto root = procfs::open_root();
    REQUIRE(root);
    SECTION("a plain file through the self link") {
        auto file = procfs::open_beneath(*root, "self/oom_score_adj", O_RDONLY);
        REQUIRE(file);
        char buf[16] = {};
        CHECK(::read(file->get(), buf, sizeof buf - 1) > 0);
    }
    SECTION("a sysctl") { CHECK(procfs::open_beneath(*root, "sys/kernel/ostype", O_RDONLY)); }
    SECTION("\"..\" out of the root is refused") {
        auto file = procfs::open_beneath(*root, "../etc/passwd", O_RDONLY);
        REQUIRE_FALSE(file);
        CHECK(file.error().code() == EXDEV);
    }
    SECTION("an absolute path is refused") {
        auto file = procfs::open_beneath(*root, "/etc/passwd", O_RDONLY);
        REQUIRE_FALSE(file);
        CHECK(file.error().code() == EXDEV);
    }
    SECTION("magic links (root, cwd, fd) are refused") {
        auto through_root = procfs::open_beneath(*root, "self/root/etc/passwd", O_RDONLY);
        REQUIRE_FALSE(through_root);
        CHECK(through_root.error().code() == ELOOP);
        auto through_fd = procfs::open_beneath(*root, "self/fd/0", O_RDONLY);
        REQUIRE_FALSE(through_fd);
        CHECK(through_fd.error().code() == ELOOP);
    }
}

TEST_CASE("open_beneath refuses a file that is not on procfs") {
    // A directory as the "root": whatever is opened below it is on that filesystem.
    char dir[] = "/tmp/ocrt-unit-procfs.XXXXXX";
    REQUIRE(::mkdtemp(dir) != nullptr);
    std::string file = std::string(dir) + "/oom_score_adj";
    int fd = ::open(file.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
    REQUIRE(fd >= 0);
    ::close(fd);
    auto root = open_dir(dir);
    auto opened = procfs::open_beneath(root, "oom_score_adj", O_WRONLY);
    ::unlink(file.c_str());
    ::rmdir(dir);
    REQUIRE_FALSE(opened);
    CHECK(opened.error().render().find("is not on procfs") != std::string::npos);
}

TEST_CASE("write refuses paths outside /proc") {
    auto written = procfs::write("/tmp/x", "1");
    REQUIRE_FALSE(written);
    CHECK(written.error().code() == EINVAL);
}

TEST_CASE("write reaches the real file") {
    // Writing our own current value back is always allowed and changes nothing.
    auto root = procfs::open_root();
    REQUIRE(root);
    auto file = procfs::open_beneath(*root, "self/oom_score_adj", O_RDONLY);
    REQUIRE(file);
    char buf[16] = {};
    REQUIRE(::read(file->get(), buf, sizeof buf - 1) > 0);
    std::string value(buf);
    value = value.substr(0, value.find('\n'));
    CHECK(procfs::write("/proc/self/oom_score_adj", value));
}

TEST_CASE("LinuxKernel::write_file sends /proc paths through the verified procfs") {
    char dir[] = "/tmp/ocrt-unit-procfs.XXXXXX";
    REQUIRE(::mkdtemp(dir) != nullptr);
    std::string file = std::string(dir) + "/target";
    int fd = ::open(file.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
    REQUIRE(fd >= 0);
    ::close(fd);
    LinuxKernel kernel;

    // A plain open would follow the magic link out of procfs and write the host file.
    auto through_root = kernel.write_file("/proc/self/root" + file, "escaped");
    CHECK_FALSE(through_root);
    CHECK(through_root.error().code() == ELOOP);

    // "/proc/self/fd/N/...": a path through a directory fd we hold stays a plain open.
    int dir_fd = ::open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    REQUIRE(dir_fd >= 0);
    unique_fd held(dir_fd);
    CHECK(kernel.write_file("/proc/self/fd/" + std::to_string(dir_fd) + "/target", "through fd"));

    char buf[32] = {};
    int check = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    REQUIRE(check >= 0);
    ssize_t n = ::read(check, buf, sizeof buf - 1);
    ::close(check);
    ::unlink(file.c_str());
    ::rmdir(dir);
    CHECK(std::string(buf, n > 0 ? static_cast<size_t>(n) : 0) == "through fd");
}

TEST_CASE("the openat2-free walk gives the same answers") {
    auto root = procfs::open_root();
    REQUIRE(root);
    using procfs::detail::open_beneath_by_walk;
    CHECK(open_beneath_by_walk(*root, "self/oom_score_adj", O_RDONLY));
    CHECK(open_beneath_by_walk(*root, "thread-self/comm", O_RDONLY));
    CHECK(open_beneath_by_walk(*root, "sys/kernel/ostype", O_RDONLY));
    for (const char *bad : {"../etc/passwd", "/etc/passwd", "sys/../../etc", "self/root/etc/passwd", "self/fd/0",
                            "sys//kernel"}) {
        INFO(bad);
        CHECK_FALSE(open_beneath_by_walk(*root, bad, O_RDONLY));
    }
}
