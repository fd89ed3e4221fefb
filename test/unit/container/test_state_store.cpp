#include "child_process.hpp"

#include <ocrt/container/state_store.hpp>

#include <temp_dir.hpp>

#include <catch2/catch.hpp>

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <vector>

using namespace ocrt::container;
using ocrt::testing::Gate;
using ocrt::testing::run_in_child;
using ocrt::testing::spawn;
using ocrt::testing::TempDir;
using ocrt::testing::wait_for;

namespace {

Record record_for(const std::string &id, int pid = 0) {
    Record record;
    record.oci.oci_version = "1.3.0";
    record.oci.id = id;
    record.oci.status = "creating";
    record.oci.pid = pid;
    record.oci.bundle = "/bundle";
    record.oci.rootfs = "/bundle/rootfs";
    record.oci.created = "2026-08-01T12:00:00.000000000Z";
    record.cgroup_manager = "cgroupfs";
    return record;
}

mode_t mode_of(const std::string &path) {
    struct stat info;
    REQUIRE(::lstat(path.c_str(), &info) == 0);
    return info.st_mode & 07777;
}

ino_t inode_of(const std::string &path) {
    struct stat info;
    REQUIRE(::lstat(path.c_str(), &info) == 0);
    return info.st_ino;
}

std::vector<std::string> entries(const std::string &path) {
    std::vector<std::string> names;
    DIR *dir = ::opendir(path.c_str());
    REQUIRE(dir != nullptr);
    while (dirent *entry = ::readdir(dir)) {
        std::string name = entry->d_name;
        if (name != "." && name != "..") names.push_back(name);
    }
    ::closedir(dir);
    std::sort(names.begin(), names.end());
    return names;
}

std::string slurp(const std::string &path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

TEST_CASE("claiming creates the root like mkdir -p and the state dir 0700", "[state_store]") {
    TempDir tmp;
    std::string root = tmp / "a/b/root";
    mode_t old_umask = ::umask(0);
    auto dir = claim_container_dir(root, "c1", record_for("c1"));
    ::umask(old_umask);
    REQUIRE(dir);
    CHECK(dir->path() == root + "/c1");
    CHECK(mode_of(tmp / "a") == 0700);
    CHECK(mode_of(root) == 0700);
    CHECK(mode_of(root + "/c1") == 0700);
    CHECK(mode_of(root + "/c1/state.json") == 0600);
    CHECK(entries(root) == std::vector<std::string>{"c1"});
    CHECK(entries(root + "/c1") == std::vector<std::string>{"lock", "state.json"});
}

TEST_CASE("a claimed record reads back", "[state_store]") {
    TempDir tmp;
    auto dir = claim_container_dir(tmp / "root", "c1", record_for("c1", 77));
    REQUIRE(dir);
    auto record = dir->read_record();
    REQUIRE(record);
    CHECK(record->oci.id == "c1");
    CHECK(record->oci.pid == 77);
    CHECK(record->oci.status == "creating");
    CHECK(record->cgroup_manager == "cgroupfs");
}

TEST_CASE("an existing root keeps its mode", "[state_store]") {
    TempDir tmp;
    tmp.mkdir("root");
    REQUIRE(::chmod((tmp / "root").c_str(), 0711) == 0);
    REQUIRE(ensure_root(tmp / "root"));
    CHECK(mode_of(tmp / "root") == 0711);
}

TEST_CASE("a second claim of the same id fails and changes nothing", "[state_store]") {
    TempDir tmp;
    auto first = claim_container_dir(tmp / "root", "c1", record_for("c1", 1));
    REQUIRE(first);
    auto second = claim_container_dir(tmp / "root", "c1", record_for("c1", 2));
    REQUIRE_FALSE(second);
    CHECK(second.error().render() == "container with given ID already exists");
    auto record = first->read_record();
    REQUIRE(record);
    CHECK(record->oci.pid == 1);
}

TEST_CASE("of N processes claiming one id at once exactly one wins", "[state_store]") {
    TempDir tmp;
    std::string root = tmp / "root";
    REQUIRE(ensure_root(root));
    constexpr int kClaimers = 12;
    Gate go;
    std::vector<pid_t> claimers;
    for (int i = 0; i < kClaimers; ++i) {
        claimers.push_back(spawn([&, i] {
            go.wait();
            auto dir = claim_container_dir(root, "same", record_for("same", 1000 + i));
            if (dir) return 0;
            return dir.error().render() == "container with given ID already exists" ? 1 : 2;
        }));
    }
    for (int i = 0; i < kClaimers; ++i) go.open();
    int winners = 0, losers = 0;
    for (pid_t pid : claimers) {
        int code = wait_for(pid);
        winners += code == 0;
        losers += code == 1;
    }
    CHECK(winners == 1);
    CHECK(losers == kClaimers - 1);
    // No half-built claim stays behind.
    CHECK(entries(root) == std::vector<std::string>{"same"});
}

TEST_CASE("writing a record replaces state.json atomically", "[state_store]") {
    TempDir tmp;
    auto dir = claim_container_dir(tmp / "root", "c1", record_for("c1"));
    REQUIRE(dir);
    std::string path = tmp / "root/c1/state.json";
    ino_t before = inode_of(path);
    Record changed = record_for("c1", 4321);
    changed.oci.status = "created";
    mode_t old_umask = ::umask(0);
    auto written = dir->write_record(changed);
    ::umask(old_umask);
    REQUIRE(written);
    CHECK(inode_of(path) != before);  // a new file renamed over the old one
    CHECK(mode_of(path) == 0600);
    CHECK(slurp(path).find("\"pid\": 4321") != std::string::npos);
    CHECK(entries(tmp / "root/c1") == std::vector<std::string>{"lock", "state.json"});
}

TEST_CASE("opening a missing container says it does not exist", "[state_store]") {
    TempDir tmp;
    for (bool lock : {false, true}) {
        auto dir = open_container_dir(tmp / "root", "ghost", lock);
        REQUIRE_FALSE(dir);
        CHECK(dir.error().render() == "container does not exist");
    }
}

TEST_CASE("readers see the creator's lock; the creator releases it when done", "[state_store]") {
    TempDir tmp;
    auto claimed = claim_container_dir(tmp / "root", "c1", record_for("c1"));
    REQUIRE(claimed);
    auto reader_sees_lock = [&] {
        return run_in_child([&] {
            auto dir = open_container_dir(tmp / "root", "c1", false);
            if (!dir) return 2;
            return dir->locked_by_other() ? 1 : 0;
        });
    };
    CHECK(reader_sees_lock() == 1);
    claimed->unlock();
    CHECK(reader_sees_lock() == 0);
}

TEST_CASE("a command waiting for the lock of a deleted container is told it does not exist", "[state_store]") {
    TempDir tmp;
    auto holder = claim_container_dir(tmp / "root", "c1", record_for("c1"));
    REQUIRE(holder);
    pid_t waiter = spawn([&] {
        auto dir = open_container_dir(tmp / "root", "c1", true);
        if (dir) return 0;
        return dir.error().render() == "container does not exist" ? 1 : 2;
    });
    usleep(50 * 1000);  // let it block on the lock
    REQUIRE(holder->destroy());
    holder->unlock();
    CHECK(wait_for(waiter) == 1);
    CHECK(entries(tmp / "root").empty());
}

TEST_CASE("destroy removes the state dir; remove_tree accepts a missing path", "[state_store]") {
    TempDir tmp;
    auto dir = claim_container_dir(tmp / "root", "c1", record_for("c1"));
    REQUIRE(dir);
    REQUIRE(dir->destroy());
    struct stat info;
    CHECK(::lstat((tmp / "root/c1").c_str(), &info) != 0);
    CHECK(remove_tree(tmp / "root/c1"));
}

namespace {

// A "~creating-" claim as a create leaves it while it runs: lock file and state.json.
std::string make_claim(const TempDir &root, const std::string &suffix) {
    std::string name = std::string(kClaimPrefix) + suffix;
    root.write(name + "/state.json", "{}");
    root.write(name + "/lock", "");
    return root / name;
}

bool exists(const std::string &path) {
    struct stat info;
    return ::lstat(path.c_str(), &info) == 0;
}

}  // namespace

TEST_CASE("sweeping removes claims whose creator died and keeps live ones and containers", "[state_store]") {
    TempDir root;
    pid_t gone = spawn([] { return 0; });
    REQUIRE(wait_for(gone) == 0);
    std::string dead = make_claim(root, std::to_string(gone) + "-dead01");
    // A live creator that died after its state.json: its pid was reused (by us).
    std::string reused = make_claim(root, std::to_string(::getpid()) + "-reuse1");
    std::string live = make_claim(root, std::to_string(::getpid()) + "-live01");
    // mkdtemp done, lock not yet taken, creator alive.
    std::string fresh = root / (std::string(kClaimPrefix) + std::to_string(::getpid()) + "-fresh1");
    root.mkdir(std::string(kClaimPrefix) + std::to_string(::getpid()) + "-fresh1");
    std::string foreign = root / (std::string(kClaimPrefix) + "XYZ");
    root.mkdir(std::string(kClaimPrefix) + "XYZ");
    REQUIRE(claim_container_dir(root.path(), "real", record_for("real")));

    // A live creator holds its claim's record lock.
    Gate locked, done;
    pid_t holder = spawn([&] {
        int dir = ::open(live.c_str(), O_RDONLY | O_DIRECTORY);
        auto lock = ContainerLock::open(dir);
        if (!lock || !lock->try_lock() || !*lock->try_lock()) return 1;
        locked.open();
        done.wait();
        return 0;
    });
    locked.wait();

    auto removed = sweep_abandoned_claims(root.path());
    done.open();
    CHECK(wait_for(holder) == 0);
    REQUIRE(removed);
    CHECK(*removed == 2);
    CHECK_FALSE(exists(dead));
    CHECK_FALSE(exists(reused));
    CHECK(exists(live));
    CHECK(exists(fresh));
    CHECK(exists(foreign));
    CHECK(exists(root / "real/state.json"));
}

TEST_CASE("sweeping a root that does not exist is not an error", "[state_store]") {
    auto removed = sweep_abandoned_claims("/nonexistent/ocrt-root");
    REQUIRE(removed);
    CHECK(*removed == 0);
}
