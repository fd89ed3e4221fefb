// security.md P8 / CVE-2025-52565: the console is a verified devpts pty peer, bound
// by fd onto a /dev/console that is never reached through a planted link.
#include <ocrt/linux/console.hpp>

#include <ocrt/base/fs.hpp>

#include "fake_kernel.hpp"
#include "temp_dir.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <filesystem>

using namespace ocrt;
using ocrt::testing::FakeKernel;
using ocrt::testing::TempDir;

namespace {
constexpr long kTmpfs = TMPFS_MAGIC;
constexpr long kDevpts = DEVPTS_SUPER_MAGIC;
}  // namespace

TEST_CASE("check_pty_peer accepts only a pty slave char device on devpts", "[linux][console]") {
    CHECK(os::check_pty_peer(S_IFCHR | 0620, makedev(136, 0), kDevpts).has_value());
    CHECK(os::check_pty_peer(S_IFCHR | 0620, makedev(143, 7), kDevpts).has_value());
    // The /dev/null of CVE-2025-31133, a ptmx, a tty, a regular file, a slave seen through tmpfs.
    CHECK(os::check_pty_peer(S_IFCHR | 0666, makedev(1, 3), kDevpts).error().code() == ENOTTY);
    CHECK_FALSE(os::check_pty_peer(S_IFCHR | 0666, makedev(5, 2), kDevpts).has_value());
    CHECK_FALSE(os::check_pty_peer(S_IFCHR | 0666, makedev(135, 0), kDevpts).has_value());
    CHECK_FALSE(os::check_pty_peer(S_IFREG | 0644, makedev(136, 0), kDevpts).has_value());
    CHECK(os::check_pty_peer(S_IFCHR | 0620, makedev(136, 0), kTmpfs).error().code() == EXDEV);
}

TEST_CASE("check_ptmx accepts only the char device 5:2 on devpts", "[linux][console]") {
    CHECK(os::check_ptmx(S_IFCHR | 0666, makedev(5, 2), kDevpts).has_value());
    // The host's /dev/ptmx node on a tmpfs /dev is not the container's devpts.
    CHECK_FALSE(os::check_ptmx(S_IFCHR | 0666, makedev(5, 2), kTmpfs).has_value());
    CHECK_FALSE(os::check_ptmx(S_IFCHR | 0666, makedev(1, 3), kDevpts).has_value());
    CHECK_FALSE(os::check_ptmx(S_IFLNK | 0777, makedev(5, 2), kDevpts).has_value());
}

TEST_CASE("bind_dev_console creates /dev/console and binds the peer onto it by fd", "[linux][console]") {
    TempDir root;
    root.mkdir("dev");
    auto root_fd = fs::open_path(root.path(), O_PATH | O_DIRECTORY);
    REQUIRE(root_fd.has_value());
    auto peer = fs::open_path("/dev/null", O_RDWR);
    REQUIRE(peer.has_value());
    FakeKernel kernel;
    REQUIRE(os::bind_dev_console(*root_fd, *peer, kernel).has_value());
    CHECK(std::filesystem::is_regular_file(root / "dev/console"));
    auto mounts = kernel.calls_of<FakeKernel::MountCall>();
    REQUIRE(mounts.size() == 1);
    CHECK(mounts[0].source == fs::fd_path(*peer));
    // The fake resolves the /proc/self/fd/N target: the file made inside the root.
    CHECK(mounts[0].target == root / "dev/console");
    CHECK(mounts[0].flags == MS_BIND);
}

TEST_CASE("bind_dev_console refuses a planted /dev/console link or directory", "[linux][console]") {
    for (bool as_link : {true, false}) {
        TempDir root;
        root.write("etc/target", "host file");
        if (as_link)
            root.symlink("/etc/target", "dev/console");
        else
            root.mkdir("dev/console");
        auto root_fd = fs::open_path(root.path(), O_PATH | O_DIRECTORY);
        REQUIRE(root_fd.has_value());
        auto peer = fs::open_path("/dev/null", O_RDWR);
        REQUIRE(peer.has_value());
        FakeKernel kernel;
        auto bound = os::bind_dev_console(*root_fd, *peer, kernel);
        CHECK_FALSE(bound.has_value());
        CHECK(kernel.calls_of<FakeKernel::MountCall>().empty());
    }
}
