#include <ocrt/base/fs.hpp>

#include "temp_dir.hpp"

#include <catch2/catch.hpp>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <filesystem>
#include <vector>

using ocrt::Result;
using ocrt::unique_fd;
using ocrt::testing::TempDir;
namespace fs = ocrt::fs;

namespace {

using OpenFn = Result<unique_fd> (*)(ocrt::borrowed_fd, const std::string &, int, mode_t);

// Both resolvers must give the same answers: openat2 and the fallback walk.
struct Resolver {
    const char *name;
    OpenFn open;
};
const Resolver kResolvers[] = {
    {"openat2", &fs::open_in_root},
    {"walk", &fs::detail::open_in_root_by_walk},
};

std::string read_fd(const unique_fd &fd) {
    std::string out;
    char buf[256];
    ssize_t n;
    while ((n = ::pread(fd.get(), buf, sizeof buf, static_cast<off_t>(out.size()))) > 0)
        out.append(buf, static_cast<size_t>(n));
    return out;
}

std::string fd_target(const unique_fd &fd) {
    return std::filesystem::read_symlink(fs::fd_path(fd)).string();
}

bool exists_nofollow(const std::string &path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0;
}

unique_fd open_dir(const std::string &path) {
    auto fd = fs::open_path(path, O_PATH | O_DIRECTORY);
    REQUIRE(fd);
    return std::move(fd).value();
}

std::vector<std::string> list_dir(const std::string &path) {
    std::vector<std::string> names;
    for (const auto &entry : std::filesystem::directory_iterator(path)) names.push_back(entry.path().filename());
    std::sort(names.begin(), names.end());
    return names;
}

}  // namespace

TEST_CASE("path helpers") {
    CHECK(fs::fd_path(7) == "/proc/self/fd/7");
    CHECK(fs::clean_path("//a/./b/../c/") == "/a/c");
    CHECK(fs::clean_path("../../x") == "/x");
    CHECK(fs::clean_path("") == "/");
    CHECK(fs::clean_path("dev/pts") == "/dev/pts");
    CHECK(fs::path_components("/a//b/./c/..") == std::vector<std::string>{"a", "b", "c", ".."});
}

TEST_CASE("open_in_root keeps hostile symlinks inside the root") {
    TempDir host;  // stands for the host: nothing here may be reached
    host.write("secret", "host secret");
    TempDir rootfs;
    rootfs.write("etc/passwd", "container passwd");
    rootfs.symlink(host.path(), "abs_escape");                        // absolute host path
    rootfs.symlink("../../../../../../../../" + host.path(), "rel_escape");  // climbs with ..
    rootfs.symlink("/etc/passwd", "etc/link_abs");
    rootfs.symlink("../../../etc/passwd", "etc/link_rel");
    rootfs.symlink("/", "to_root");
    rootfs.symlink("loop_b", "loop_a");
    rootfs.symlink("loop_a", "loop_b");
    unique_fd root = open_dir(rootfs.path());

    for (const auto &resolver : kResolvers) {
        SECTION(std::string("resolver ") + resolver.name) {
            for (const std::string &escape : std::vector<std::string>{"abs_escape/secret", "rel_escape/secret", "../../../../" + host.path() + "/secret"}) {
                auto opened = resolver.open(root, escape, O_RDONLY, 0);
                INFO(escape);
                REQUIRE_FALSE(opened);
                CHECK(opened.error().code() == ENOENT);
            }
            for (const std::string &inside : std::vector<std::string>{"/etc/passwd", "etc/link_abs", "etc/link_rel", "../../etc/passwd",
                                       "to_root/to_root/etc/passwd", "etc/../etc/./passwd"}) {
                INFO(inside);
                auto opened = resolver.open(root, inside, O_RDONLY, 0);
                REQUIRE(opened);
                CHECK(read_fd(*opened) == "container passwd");
            }

            auto loop = resolver.open(root, "loop_a", O_RDONLY, 0);
            REQUIRE_FALSE(loop);
            CHECK(loop.error().code() == ELOOP);

            auto through_file = resolver.open(root, "etc/passwd/x", O_RDONLY, 0);
            REQUIRE_FALSE(through_file);
            CHECK(through_file.error().code() == ENOTDIR);

            // O_NOFOLLOW | O_PATH gives the link itself.
            auto link = resolver.open(root, "etc/link_abs", O_PATH | O_NOFOLLOW, 0);
            REQUIRE(link);
            struct stat st {};
            REQUIRE(::fstat(link->get(), &st) == 0);
            CHECK(S_ISLNK(st.st_mode));

            auto root_itself = resolver.open(root, "/", O_PATH | O_DIRECTORY, 0);
            REQUIRE(root_itself);
            CHECK(fd_target(*root_itself) == rootfs.path());

            auto created = resolver.open(root, "etc/new", O_WRONLY | O_CREAT | O_EXCL, 0600);
            REQUIRE(created);
            CHECK(exists_nofollow(rootfs / "etc/new"));
            auto again = resolver.open(root, "etc/new", O_WRONLY | O_CREAT | O_EXCL, 0600);
            REQUIRE_FALSE(again);
            CHECK(again.error().code() == EEXIST);
            ::unlink((rootfs / "etc/new").c_str());
        }
    }
}

TEST_CASE("open_in_root errors name the path and the root") {
    TempDir rootfs;
    unique_fd root = open_dir(rootfs.path());
    auto missing = fs::open_in_root(root, "/nope", O_RDONLY);
    REQUIRE_FALSE(missing);
    CHECK(missing.error().message() == "open \"/nope\" in \"" + rootfs.path() + "\"");
}

TEST_CASE("mkdir_all_in_root creates through dangling and escaping symlinks only inside the root") {
    TempDir host;
    TempDir rootfs;
    rootfs.symlink("/opt/deep", "dangling");
    rootfs.symlink(host.path(), "escape");
    rootfs.symlink("../../../../../../../../" + host.path() + "/rel", "rel_escape");
    rootfs.write("file", "x");
    unique_fd root = open_dir(rootfs.path());

    auto made = fs::mkdir_all_in_root(root, "/a/b/c", 0755);
    REQUIRE(made);
    CHECK(fd_target(*made) == rootfs / "a/b/c");

    auto via_dangling = fs::mkdir_all_in_root(root, "dangling/x", 0755);
    REQUIRE(via_dangling);
    CHECK(fd_target(*via_dangling) == rootfs / "opt/deep/x");

    auto via_escape = fs::mkdir_all_in_root(root, "escape/newdir", 0755);
    REQUIRE(via_escape);
    CHECK(fd_target(*via_escape) == rootfs.path() + host.path() + "/newdir");

    auto via_rel = fs::mkdir_all_in_root(root, "rel_escape/sub", 0700);
    REQUIRE(via_rel);
    CHECK(fd_target(*via_rel) == rootfs.path() + host.path() + "/rel/sub");

    CHECK(list_dir(host.path()).empty());  // nothing was created on the "host"

    auto existing = fs::mkdir_all_in_root(root, "a/b", 0755);
    REQUIRE(existing);
    CHECK(fd_target(*existing) == rootfs / "a/b");

    auto not_dir = fs::mkdir_all_in_root(root, "file/sub", 0755);
    REQUIRE_FALSE(not_dir);
    CHECK(not_dir.error().code() == ENOTDIR);
}

TEST_CASE("create_file_in_root makes an empty file through a dangling symlink inside the root") {
    TempDir host;
    TempDir rootfs;
    rootfs.symlink("/opt/x", "etc/resolv.conf");
    rootfs.symlink(host.path() + "/hostfile", "etc/hosts");
    rootfs.write("etc/existing", "keep me");
    unique_fd root = open_dir(rootfs.path());

    auto made = fs::create_file_in_root(root, "/etc/resolv.conf", 0644);
    REQUIRE(made);
    CHECK(fd_target(*made) == rootfs / "opt/x");
    struct stat st {};
    REQUIRE(::stat((rootfs / "opt/x").c_str(), &st) == 0);
    CHECK(S_ISREG(st.st_mode));

    auto hosts = fs::create_file_in_root(root, "/etc/hosts", 0644);
    REQUIRE(hosts);
    CHECK(fd_target(*hosts) == rootfs.path() + host.path() + "/hostfile");
    CHECK_FALSE(exists_nofollow(host / "hostfile"));

    auto existing = fs::create_file_in_root(root, "/etc/existing", 0644);
    REQUIRE(existing);
    std::string content;
    auto read = fs::read_file(rootfs / "etc/existing");
    REQUIRE(read);
    CHECK(*read == "keep me");
}

TEST_CASE("read_file reads whole files, also /proc ones of size 0") {
    TempDir dir;
    std::string big(20000, 'x');
    dir.write("big", big);
    auto content = fs::read_file(dir / "big");
    REQUIRE(content);
    CHECK(*content == big);

    auto status = fs::read_file("/proc/self/status");
    REQUIRE(status);
    CHECK(status->find("Pid:") != std::string::npos);

    auto missing = fs::read_file(dir / "missing");
    REQUIRE_FALSE(missing);
    CHECK(missing.error().code() == ENOENT);
    CHECK(missing.error().message() == "open \"" + dir / "missing" + "\"");
}

TEST_CASE("write_file_atomic replaces the file and leaves no temporary behind") {
    TempDir dir;
    unique_fd dirfd = open_dir(dir.path());  // an O_PATH fd is enough

    REQUIRE(fs::write_file_atomic(dirfd, "state.json", "{\"v\":1}", 0600));
    auto first = fs::read_file(dir / "state.json");
    REQUIRE(first);
    CHECK(*first == "{\"v\":1}");
    struct stat st {};
    REQUIRE(::stat((dir / "state.json").c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0600);

    REQUIRE(fs::write_file_atomic(dirfd, "state.json", "{\"v\":2}", 0640));
    auto second = fs::read_file(dir / "state.json");
    REQUIRE(second);
    CHECK(*second == "{\"v\":2}");
    REQUIRE(::stat((dir / "state.json").c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0640);
    CHECK(list_dir(dir.path()) == std::vector<std::string>{"state.json"});
}

TEST_CASE("write_file_atomic failure keeps the old content and removes the temporary") {
    TempDir dir;
    dir.write("busy/inner", "x");  // renaming a file over a non-empty directory fails
    unique_fd dirfd = open_dir(dir.path());
    auto failed = fs::write_file_atomic(dirfd, "busy", "new", 0600);
    REQUIRE_FALSE(failed);
    CHECK(failed.error().code() == EISDIR);
    CHECK(list_dir(dir.path()) == std::vector<std::string>{"busy"});
    CHECK(failed.error().render().find("write \"busy\" in \"" + dir.path() + "\"") == 0);
}

TEST_CASE("write_kernel_file writes an existing file whole, never creates one, and names a short value") {
    TempDir tmp;
    tmp.write("pids.max", "");
    REQUIRE(ocrt::fs::write_kernel_file(tmp / "pids.max", "42"));
    CHECK(ocrt::fs::read_file(tmp / "pids.max").value() == "42");

    auto missing = ocrt::fs::write_kernel_file(tmp / "absent", "1");
    REQUIRE_FALSE(missing);
    CHECK(missing.error().code() == ENOENT);
    CHECK_FALSE(std::filesystem::exists(tmp / "absent"));

    // A value the file refuses (here /dev/full: ENOSPC) is named; a long or multi-line one is not.
    auto refused = ocrt::fs::write_kernel_file("/dev/full", "lo 5");
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code() == ENOSPC);
    CHECK(refused.error().message().find("write \"lo 5\" to \"/dev/full\"") != std::string::npos);
    auto map = ocrt::fs::write_kernel_file("/dev/full", "0 0 1\n1 1 1\n");
    REQUIRE_FALSE(map);
    CHECK(map.error().message().find("write \"/dev/full\"") != std::string::npos);
}
