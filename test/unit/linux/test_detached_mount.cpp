// attach_detached_mount: the destination is made inside the rootfs, then the tree is
// moved there by fd. FakeKernel has no move_mount: the Kernel default (ENOSYS) shows
// the error path.
#include <ocrt/linux/detached_mount.hpp>

#include <ocrt/base/fs.hpp>

#include "fake_kernel.hpp"
#include "temp_dir.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

using ocrt::testing::FakeKernel;
using ocrt::testing::TempDir;

TEST_CASE("attach_detached_mount creates the destination inside the root and names it on failure", "[mounts]") {
    TempDir rootfs;
    TempDir outside;
    // /run is a symlink out of the rootfs: it must be resolved inside the root.
    REQUIRE(::symlink(outside.path().c_str(), (rootfs / "run").c_str()) == 0);
    auto root = ocrt::fs::open_path(rootfs.path(), O_PATH | O_DIRECTORY);
    REQUIRE(root);
    FakeKernel kernel;
    auto attached = ocrt::os::attach_detached_mount(*root, "/run/notify", /*mount_fd=*/99, kernel);
    REQUIRE_FALSE(attached);
    CHECK(attached.error().code() == ENOSYS);
    CHECK_THAT(attached.error().render(), Catch::Contains("attach mount at \"/run/notify\""));
    struct stat info {};
    CHECK(::lstat((outside / "notify").c_str(), &info) != 0);
    REQUIRE(::stat((rootfs.path() + outside.path() + "/notify").c_str(), &info) == 0);
    CHECK(S_ISDIR(info.st_mode));
}
