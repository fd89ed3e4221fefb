#include <ocrt/container/pid_file.hpp>

#include <temp_dir.hpp>

#include <catch2/catch.hpp>

#include <dirent.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

using namespace ocrt::container;
using ocrt::testing::TempDir;

namespace {

std::string bytes_of(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

int entry_count(const std::string &path) {
    int count = 0;
    DIR *dir = ::opendir(path.c_str());
    REQUIRE(dir != nullptr);
    while (dirent *entry = ::readdir(dir)) {
        std::string name = entry->d_name;
        if (name != "." && name != "..") ++count;
    }
    ::closedir(dir);
    return count;
}

}  // namespace

TEST_CASE("the pid file holds bare decimal digits without a newline", "[pid_file]") {
    TempDir tmp;
    REQUIRE(write_pid_file(tmp / "init.pid", 12345));
    CHECK(bytes_of(tmp / "init.pid") == "12345");
}

TEST_CASE("a pre-existing pid file is replaced by rename, leaving no temporary", "[pid_file]") {
    TempDir tmp;
    tmp.write("init.pid", "");  // CRI-O pre-creates an empty one
    struct stat before, after;
    REQUIRE(::stat((tmp / "init.pid").c_str(), &before) == 0);
    REQUIRE(write_pid_file(tmp / "init.pid", 7));
    REQUIRE(::stat((tmp / "init.pid").c_str(), &after) == 0);
    CHECK(bytes_of(tmp / "init.pid") == "7");
    CHECK(before.st_ino != after.st_ino);
    CHECK(entry_count(tmp.path()) == 1);
}

TEST_CASE("a pid file in a missing directory is an error naming the path", "[pid_file]") {
    TempDir tmp;
    auto written = write_pid_file(tmp / "no/such/dir/init.pid", 1);
    REQUIRE_FALSE(written);
    CHECK(written.error().render().find("write pid file \"" + (tmp / "no/such/dir/init.pid") + "\"") == 0);
}

TEST_CASE("relative paths resolve against the invocation cwd", "[pid_file]") {
    CHECK(absolute_path("init.pid", "/work/dir") == "/work/dir/init.pid");
    CHECK(absolute_path("../x/init.pid", "/work/dir") == "/work/x/init.pid");
    CHECK(absolute_path("/abs//init.pid", "/work/dir") == "/abs/init.pid");
}
