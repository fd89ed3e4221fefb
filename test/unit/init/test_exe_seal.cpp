#include <ocrt/init/exe_seal.hpp>

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

using namespace ocrt::init;

TEST_CASE("parse_maps_line reads range, permissions, device and inode", "[init][exe_seal]") {
    auto entry = parse_maps_line("55d0c8a09000-55d0c8af4000 r-xp 00009000 fe:01 5431521    /work/build/ocrt");
    REQUIRE(entry);
    CHECK(entry->start == 0x55d0c8a09000ULL);
    CHECK(entry->end == 0x55d0c8af4000ULL);
    CHECK(entry->read);
    CHECK_FALSE(entry->write);
    CHECK(entry->exec);
    CHECK_FALSE(entry->shared);
    CHECK(entry->dev_major == 0xfe);
    CHECK(entry->dev_minor == 1);
    CHECK(entry->inode == 5431521ULL);
}

TEST_CASE("parse_maps_line accepts anonymous lines and rejects malformed ones", "[init][exe_seal]") {
    auto anonymous = parse_maps_line("7ffd1000-7ffd3000 rw-s 00000000 00:00 0 ");
    REQUIRE(anonymous);
    CHECK(anonymous->shared);
    CHECK(anonymous->inode == 0);
    CHECK_FALSE(parse_maps_line(""));
    CHECK_FALSE(parse_maps_line("zz-10 r-xp 0 fe:01 1 /x"));
    CHECK_FALSE(parse_maps_line("2000-1000 r-xp 0 fe:01 1 /x"));  // end before start
    CHECK_FALSE(parse_maps_line("1000-2000 r-x 0 fe:01 1 /x"));   // three permission letters
    CHECK_FALSE(parse_maps_line("1000-2000 r-xp 0 fe01 1 /x"));   // no major:minor
    CHECK_FALSE(parse_maps_line("1000-2000 r-xp 0 fe:01"));       // no inode
}

TEST_CASE("mappings_of_file selects only the binary's dev and inode", "[init][exe_seal]") {
    const char *maps =
        "1000-2000 r--p 00000000 fe:01 42 /usr/bin/ocrt\n"
        "2000-3000 r-xp 00001000 fe:01 42 /usr/bin/ocrt\n"
        "3000-4000 rw-p 00000000 00:00 0 [heap]\n"
        "5000-6000 r--p 00000000 fe:02 42 /other/fs/same/inode\n"
        "6000-7000 r--p 00000000 fe:01 43 /usr/lib/libc.so.6\n"
        "7000-8000 rw-p 00003000 fe:01 42 /usr/bin/ocrt\n"
        "garbage line\n"
        "9000-a000 r--p 00000000 00:00 0";
    auto found = mappings_of_file(maps, 0xfe, 1, 42);
    REQUIRE(found.size() == 3);
    CHECK(found[0].start == 0x1000);
    CHECK(found[1].exec);
    CHECK(found[2].write);
    CHECK(mappings_of_file(maps, 0, 0, 0).empty());  // inode 0 is never a file
}

TEST_CASE("parse_mm_layout reads the proc(5) layout fields", "[init][exe_seal]") {
    // Fields 3..52 numbered by value: field N holds 1000 + N.
    std::string line = "77 (a b) c)";
    for (int field = 3; field <= 52; ++field) line += " " + std::to_string(1000 + field);
    auto layout = parse_mm_layout(line);
    REQUIRE(layout);
    CHECK(layout->start_code == 1026);
    CHECK(layout->end_code == 1027);
    CHECK(layout->start_stack == 1028);
    CHECK(layout->start_data == 1045);
    CHECK(layout->end_data == 1046);
    CHECK(layout->start_brk == 1047);
    CHECK(layout->arg_start == 1048);
    CHECK(layout->arg_end == 1049);
    CHECK(layout->env_start == 1050);
    CHECK(layout->env_end == 1051);
    CHECK_FALSE(parse_mm_layout("77 (short) S 1 2 3"));
}

namespace {

std::string read_text(const char *path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// Runs in a forked child: 0 when the seal left nothing of the binary reachable.
int check_sealed_child() {
    struct stat before {};
    if (::stat("/proc/self/exe", &before) != 0) return 10;
    if (!seal_own_executable()) return 11;
    char link[256] = {};
    if (::readlink("/proc/self/exe", link, sizeof link - 1) < 0) return 12;
    if (std::strncmp(link, "/memfd:ocrt-sealed-exe", 22) != 0) return 13;
    int fd = ::open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 14;
    int seals = ::fcntl(fd, F_GET_SEALS);
    int wanted = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE;
    if (seals < 0 || (seals & wanted) != wanted) return 15;
    ::close(fd);
    if (::open("/proc/self/exe", O_WRONLY | O_CLOEXEC) >= 0) return 16;
    // No mapping of the old inode may remain, and we still run (on the copies).
    auto left = mappings_of_file(read_text("/proc/self/maps"), major(before.st_dev), minor(before.st_dev), before.st_ino);
    if (!left.empty()) return 17;
    return 0;
}

}  // namespace

TEST_CASE("seal_own_executable swaps /proc/self/exe for a sealed memfd", "[init][exe_seal][root]") {
    if (::geteuid() != 0) {
        WARN("needs root (CAP_SYS_ADMIN for PR_SET_MM_MAP): not run");
        return;
    }
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) _exit(check_sealed_child());
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    // The parent keeps its own binary.
    char link[256] = {};
    REQUIRE(::readlink("/proc/self/exe", link, sizeof link - 1) > 0);
    CHECK(std::strstr(link, "memfd:") == nullptr);
}
