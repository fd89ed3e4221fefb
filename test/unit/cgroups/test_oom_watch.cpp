// The OOM kill count behind `events`: which file it comes from on v1 and v2, and
// that `events --stats` carries it only where the kernel reports it.
#include <ocrt/cgroups/oom_watch.hpp>

#include <catch2/catch.hpp>

#include <cerrno>
#include <map>

using namespace ocrt;
using namespace ocrt::cgroups;

namespace {

class ReadOnlyFiles final : public CgroupFiles {
public:
    std::map<std::string, std::string> files;
    bool exists(const std::string &p) override { return files.count(p) > 0; }
    Result<void> mkdir(const std::string &) override { return Error(EPERM, "mkdir"); }
    Result<void> rmdir(const std::string &) override { return Error(EPERM, "rmdir"); }
    Result<void> write(const std::string &, const std::string &) override { return Error(EPERM, "write"); }
    Result<std::string> read(const std::string &p) override {
        if (!files.count(p)) return Error(ENOENT, "read");
        return files[p];
    }
};

Placement hybrid_placement() {
    Placement p;
    p.driver = "cgroupfs";
    p.dirs = {{"memory", "/cg/memory/c1"}, {"pids", "/cg/pids/c1"}, {"unified", "/cg/unified/c1"}};
    return p;
}

Placement unified_placement() {
    Placement p;
    p.driver = "cgroupfs";
    p.dirs = {{"memory", "/cg/c1"}, {"pids", "/cg/c1"}, {"unified", "/cg/c1"}};
    return p;
}

}  // namespace

TEST_CASE("parse_oom_kill reads the oom_kill line of memory.oom_control and memory.events") {
    CHECK(parse_oom_kill("oom_kill_disable 0\nunder_oom 0\noom_kill 3\n") == 3u);
    CHECK(parse_oom_kill("low 0\nhigh 0\nmax 12\noom 2\noom_kill 2\noom_group_kill 0\n") == 2u);
    // Kernels before 4.13 have no counter in memory.oom_control.
    CHECK_FALSE(parse_oom_kill("oom_kill_disable 0\nunder_oom 0\n").has_value());
    CHECK_FALSE(parse_oom_kill("").has_value());
}

TEST_CASE("oom_kill_count uses memory.oom_control on v1 and memory.events on v2") {
    ReadOnlyFiles files;
    files.files["/cg/memory/c1/memory.oom_control"] = "oom_kill_disable 0\nunder_oom 0\noom_kill 4\n";
    files.files["/cg/unified/c1/memory.events"] = "oom_kill 9\n";  // hybrid: not the memory controller
    files.files["/cg/c1/memory.events"] = "oom 1\noom_kill 1\n";
    CHECK(oom_kill_count(hybrid_placement(), files) == 4u);
    CHECK(oom_kill_count(unified_placement(), files) == 1u);

    Placement no_memory;
    no_memory.dirs = {{"pids", "/cg/pids/c1"}};
    CHECK_FALSE(oom_kill_count(no_memory, files).has_value());
}

TEST_CASE("events --stats memory data carries oom_kill only where the kernel has it") {
    ReadOnlyFiles files;
    files.files["/cg/memory/c1/memory.oom_control"] = "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n";
    auto stats = cgroupfs_manager(hybrid_placement(), files)->stats();
    REQUIRE(stats);
    CHECK((*stats)["memory"]["oom_kill"] == 2);

    files.files["/cg/memory/c1/memory.oom_control"] = "oom_kill_disable 0\nunder_oom 0\n";
    stats = cgroupfs_manager(hybrid_placement(), files)->stats();
    REQUIRE(stats);
    CHECK_FALSE((*stats)["memory"].contains("oom_kill"));
}

TEST_CASE("OomWatch refuses a container without a memory cgroup") {
    Placement no_memory;
    no_memory.dirs = {{"pids", "/cg/pids/c1"}};
    auto watch = OomWatch::open(no_memory);
    REQUIRE_FALSE(watch);
    CHECK(watch.error().code() == ENOENT);
}
