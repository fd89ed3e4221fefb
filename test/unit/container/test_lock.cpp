#include "child_process.hpp"

#include <ocrt/container/lock.hpp>

#include <temp_dir.hpp>

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>

using ocrt::container::ContainerLock;
using ocrt::testing::Gate;
using ocrt::testing::run_in_child;
using ocrt::testing::spawn;
using ocrt::testing::TempDir;
using ocrt::testing::wait_for;

namespace {

ocrt::unique_fd open_dir(const TempDir &dir) {
    return ocrt::unique_fd(::open(dir.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
}

ContainerLock open_lock(const TempDir &dir) {
    auto fd = open_dir(dir);
    auto lock = ContainerLock::open(fd);
    REQUIRE(lock);
    return std::move(lock).value();
}

// In a child: 0 when the lock could be taken, 1 when someone else holds it.
int child_try_lock(const TempDir &dir) {
    return run_in_child([&] {
        auto fd = open_dir(dir);
        auto lock = ContainerLock::open(fd);
        if (!lock) return 2;
        auto taken = lock->try_lock();
        if (!taken) return 3;
        return *taken ? 0 : 1;
    });
}

}  // namespace

TEST_CASE("the lock file is created 0600 inside the directory", "[lock]") {
    TempDir dir;
    ContainerLock lock = open_lock(dir);
    struct stat info;
    REQUIRE(::stat((dir / "lock").c_str(), &info) == 0);
    CHECK((info.st_mode & 07777) == 0600);
}

TEST_CASE("a held lock excludes other processes until it is released", "[lock]") {
    TempDir dir;
    ContainerLock lock = open_lock(dir);
    REQUIRE(lock.lock());
    CHECK(child_try_lock(dir) == 1);
    CHECK(run_in_child([&] {
              auto fd = open_dir(dir);
              auto other = ContainerLock::open(fd);
              return other && other->held_by_other() ? 0 : 1;
          }) == 0);
    lock.unlock();
    CHECK(child_try_lock(dir) == 0);
}

TEST_CASE("the holder does not see its own lock as held by another", "[lock]") {
    TempDir dir;
    ContainerLock lock = open_lock(dir);
    REQUIRE(lock.lock());
    CHECK_FALSE(lock.held_by_other());
}

TEST_CASE("a blocked locker proceeds once the holder unlocks", "[lock]") {
    TempDir dir;
    ContainerLock lock = open_lock(dir);
    REQUIRE(lock.lock());
    Gate locked;
    pid_t waiter = spawn([&] {
        auto fd = open_dir(dir);
        auto other = ContainerLock::open(fd);
        if (!other || !other->lock()) return 2;
        locked.open();
        return 0;
    });
    usleep(50 * 1000);
    lock.unlock();
    locked.wait();
    CHECK(wait_for(waiter) == 0);
}

// The container init is cloned while create holds the lock and keeps every fd until
// its execve: the lock must not travel with the fd.
TEST_CASE("a child holding a copy of the fd does not keep the lock held", "[lock]") {
    TempDir dir;
    Gate release_child;
    pid_t fd_keeper;
    {
        ContainerLock lock = open_lock(dir);
        REQUIRE(lock.lock());
        fd_keeper = spawn([&] {
            release_child.wait();
            return 0;
        });
    }  // closed here, without an explicit unlock: an flock would stay held by the child's copy
    CHECK(child_try_lock(dir) == 0);
    release_child.open();
    CHECK(wait_for(fd_keeper) == 0);
}

TEST_CASE("a lock dies with its holder", "[lock]") {
    TempDir dir;
    CHECK(run_in_child([&] {
              auto fd = open_dir(dir);
              auto lock = ContainerLock::open(fd);
              return lock && lock->lock() ? 0 : 1;  // exits holding it
          }) == 0);
    ContainerLock lock = open_lock(dir);
    auto taken = lock.try_lock();
    REQUIRE(taken);
    CHECK(*taken);
}
