#include <ocrt/linux/masked_paths.hpp>
#include <ocrt/linux/mount_options.hpp>

#include <ocrt/base/fs.hpp>

#include "fake_kernel.hpp"
#include "temp_dir.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>

using ocrt::testing::FakeKernel;
using ocrt::testing::TempDir;
using MountCall = FakeKernel::MountCall;

namespace {

// A fake container root: a TempDir and an O_PATH fd on it.
struct Root {
    TempDir dir;
    ocrt::unique_fd fd;

    Root() {
        auto opened = ocrt::fs::open_path(dir.path(), O_PATH | O_DIRECTORY);
        REQUIRE(opened);
        fd = std::move(*opened);
    }

    // The real null device at dev/null; false when this process may not mknod.
    bool make_dev_null() const {
        dir.mkdir("dev");
        return ::mknod((dir / "dev/null").c_str(), S_IFCHR | 0666, makedev(1, 3)) == 0;
    }
};

bool is_fd_path(const std::string &path) { return path.rfind("/proc/self/fd/", 0) == 0; }

// The MS_* flags a read-only remount of path must keep (the translation is tested below).
unsigned long kept_flags_of(const std::string &path) {
    struct statvfs sv {};
    REQUIRE(::statvfs(path.c_str(), &sv) == 0);
    return ocrt::os::remount_flags_from_statvfs(sv.f_flag);
}

}  // namespace

TEST_CASE("mask_paths: a directory gets an empty read-only tmpfs by fd") {
    Root root;
    root.dir.mkdir("proc/bus");
    FakeKernel kernel;
    REQUIRE(ocrt::os::mask_paths(root.fd, {"/proc/bus"}, kernel));
    auto mounts = kernel.calls_of<MountCall>();
    REQUIRE(mounts.size() == 1);
    CHECK(mounts[0] == MountCall{"tmpfs", root.dir / "proc/bus", "tmpfs",
                                 MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0755"});
}

TEST_CASE("mask_paths: a file gets the verified /dev/null bound over it") {
    Root root;
    if (!root.make_dev_null()) {
        WARN("cannot mknod a null device here (not root?): file masking not checked");
        return;
    }
    root.dir.write("proc/keys", "secret\n");
    root.dir.write("proc/kcore", "secret\n");
    FakeKernel kernel;
    REQUIRE(ocrt::os::mask_paths(root.fd, {"/proc/keys", "proc/kcore"}, kernel));
    auto mounts = kernel.calls_of<MountCall>();
    REQUIRE(mounts.size() == 2);
    CHECK(is_fd_path(mounts[0].source));
    CHECK(mounts[0].target == root.dir / "proc/keys");
    CHECK(mounts[0].flags == MS_BIND);
    CHECK(mounts[0].fstype.empty());
    CHECK(mounts[1].target == root.dir / "proc/kcore");
    CHECK(mounts[1].source == mounts[0].source);  // one /dev/null fd for all files
}

TEST_CASE("mask_paths: a missing path is skipped, other paths still masked") {
    Root root;
    root.dir.mkdir("proc/acpi");
    FakeKernel kernel;
    REQUIRE(ocrt::os::mask_paths(root.fd, {"/proc/missing", "/proc/no/such/dir", "/proc/acpi"}, kernel));
    auto mounts = kernel.calls_of<MountCall>();
    REQUIRE(mounts.size() == 1);
    CHECK(mounts[0].target == root.dir / "proc/acpi");
}

TEST_CASE("mask_paths: a /dev/null that is not the null device fails closed") {
    Root root;
    root.dir.write("proc/keys", "secret\n");
    FakeKernel kernel;
    SECTION("a regular file") {
        root.dir.write("dev/null", "");
    }
    SECTION("a symlink to the host's null device") {
        root.dir.symlink("/dev/null", "dev/null");
    }
    SECTION("missing") {
    }
    auto result = ocrt::os::mask_paths(root.fd, {"/proc/keys"}, kernel);
    REQUIRE_FALSE(result);
    CHECK(result.error().render().find("/dev/null") != std::string::npos);
    CHECK(kernel.calls_of<MountCall>().empty());
}

TEST_CASE("mask_paths: a symlink at the path is refused, never followed") {
    Root root;
    root.dir.write("etc/shadow", "secret\n");
    root.dir.symlink("/etc/shadow", "proc/keys");
    FakeKernel kernel;
    auto result = ocrt::os::mask_paths(root.fd, {"/proc/keys"}, kernel);
    REQUIRE_FALSE(result);
    CHECK(result.error().code() == ELOOP);
    CHECK(result.error().render().find("\"/proc/keys\"") != std::string::npos);
    CHECK(kernel.calls_of<MountCall>().empty());
}

TEST_CASE("mask_paths: a mount failure is propagated with the path") {
    Root root;
    root.dir.mkdir("proc/bus");
    root.dir.mkdir("proc/acpi");
    FakeKernel kernel;
    kernel.fail_next(FakeKernel::Op::Mount, EPERM);
    auto result = ocrt::os::mask_paths(root.fd, {"/proc/bus", "/proc/acpi"}, kernel);
    REQUIRE_FALSE(result);
    CHECK(result.error().code() == EPERM);
    CHECK(result.error().render().find("mask \"/proc/bus\"") != std::string::npos);
    CHECK(kernel.calls_of<MountCall>().size() == 1);  // stops at the first failure
}

TEST_CASE("make_paths_readonly: bind onto itself, then remount read-only keeping its flags") {
    Root root;
    root.dir.mkdir("proc/sys");
    FakeKernel kernel;
    REQUIRE(ocrt::os::make_paths_readonly(root.fd, {"/proc/sys"}, kernel));
    auto mounts = kernel.calls_of<MountCall>();
    REQUIRE(mounts.size() == 2);
    CHECK(is_fd_path(mounts[0].source));
    CHECK(mounts[0].target == root.dir / "proc/sys");
    CHECK(mounts[0].flags == (MS_BIND | MS_REC));
    CHECK(mounts[1].source.empty());
    CHECK(mounts[1].target == root.dir / "proc/sys");
    CHECK(mounts[1].flags == (MS_BIND | MS_REMOUNT | MS_RDONLY | kept_flags_of(root.dir / "proc/sys")));
}

TEST_CASE("make_paths_readonly: a missing path is skipped") {
    Root root;
    root.dir.write("proc/sysrq-trigger", "");
    FakeKernel kernel;
    REQUIRE(ocrt::os::make_paths_readonly(root.fd, {"/proc/missing", "/proc/sysrq-trigger"}, kernel));
    auto mounts = kernel.calls_of<MountCall>();
    REQUIRE(mounts.size() == 2);
    CHECK(mounts[0].target == root.dir / "proc/sysrq-trigger");
    CHECK(mounts[1].target == root.dir / "proc/sysrq-trigger");
}

TEST_CASE("make_paths_readonly: EPERM on the bind is propagated and nothing is remounted") {
    Root root;
    root.dir.mkdir("proc/sys");
    FakeKernel kernel;
    kernel.fail_next(FakeKernel::Op::Mount, EPERM);
    auto result = ocrt::os::make_paths_readonly(root.fd, {"/proc/sys"}, kernel);
    REQUIRE_FALSE(result);
    CHECK(result.error().code() == EPERM);
    CHECK(result.error().render().find("make \"/proc/sys\" read-only") != std::string::npos);
    CHECK(kernel.calls_of<MountCall>().size() == 1);
}

TEST_CASE("make_paths_readonly: a symlink is refused") {
    Root root;
    root.dir.mkdir("data");
    root.dir.symlink("/data", "proc/sys");
    FakeKernel kernel;
    auto result = ocrt::os::make_paths_readonly(root.fd, {"/proc/sys"}, kernel);
    REQUIRE_FALSE(result);
    CHECK(result.error().code() == ELOOP);
    CHECK(kernel.calls_of<MountCall>().empty());
}

TEST_CASE("mask_paths and make_paths_readonly: an empty list touches nothing") {
    FakeKernel kernel;
    REQUIRE(ocrt::os::mask_paths({}, kernel));
    REQUIRE(ocrt::os::make_paths_readonly({}, kernel));
    CHECK(kernel.calls().empty());
}

TEST_CASE("statvfs flags translate to the MS_ flags a bind remount must repeat") {
    using ocrt::os::remount_flags_from_statvfs;
    CHECK(remount_flags_from_statvfs(0) == 0);
    CHECK(remount_flags_from_statvfs(ST_RDONLY) == 0);  // read-only is what the remount adds itself
    CHECK(remount_flags_from_statvfs(ST_NOSUID) == MS_NOSUID);
    CHECK(remount_flags_from_statvfs(ST_NODEV | ST_NOEXEC) == (MS_NODEV | MS_NOEXEC));
    CHECK(remount_flags_from_statvfs(ST_NOATIME | ST_NODIRATIME) == (MS_NOATIME | MS_NODIRATIME));
    CHECK(remount_flags_from_statvfs(ST_RELATIME | ST_NOSUID) == (MS_RELATIME | MS_NOSUID));
}
