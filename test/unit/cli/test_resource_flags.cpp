// `ocrt update`'s runc flags (cli-contract.md section 14) -> linux.resources.
#include <ocrt/cli/command_flags.hpp>
#include <ocrt/cli/resource_flags.hpp>

#include <catch2/catch.hpp>

using namespace ocrt;
using namespace ocrt::cli;

namespace {

ParsedFlags parse(std::vector<std::string> args) {
    auto parsed = parse_args(update_flags(), args, FlagOrder::interspersed);
    REQUIRE(parsed);
    return parsed->flags;
}

}  // namespace

TEST_CASE("parse_memory_size: binary units and -1") {
    CHECK(*parse_memory_size("512M") == 512LL << 20);
    CHECK(*parse_memory_size("1g") == 1LL << 30);
    CHECK(*parse_memory_size("64KiB") == 64LL << 10);
    CHECK(*parse_memory_size("1048576") == 1048576);
    CHECK(*parse_memory_size("-1") == -1);
    CHECK_FALSE(parse_memory_size("lots"));
    CHECK_FALSE(parse_memory_size("5X"));
}

TEST_CASE("resources_from_flags sets only what was given") {
    auto r = resources_from_flags(parse({"--memory", "96M", "--memory-swap=-1", "--cpu-share", "300", "--cpu-quota",
                                         "-1", "--cpuset-cpus", "0-1", "--pids-limit", "55", "--blkio-weight", "200", "id"}));
    REQUIRE(r);
    REQUIRE(r->memory);
    CHECK(r->memory->limit == 96LL << 20);
    CHECK(r->memory->swap == -1);
    CHECK_FALSE(r->memory->reservation);
    REQUIRE(r->cpu);
    CHECK(r->cpu->shares == 300u);
    CHECK(r->cpu->quota == -1);
    CHECK_FALSE(r->cpu->period);
    CHECK(r->cpu->cpus == "0-1");
    CHECK(r->pids->limit == 55);
    CHECK(r->block_io->weight == 200);

    auto nothing = resources_from_flags(parse({"id"}));
    REQUIRE(nothing);
    CHECK_FALSE(nothing->memory);
    CHECK_FALSE(nothing->cpu);
    CHECK_FALSE(nothing->pids);
}

TEST_CASE("resources_from_flags names the flag of a bad value; RDT is refused") {
    auto bad = resources_from_flags(parse({"--pids-limit", "lots", "id"}));
    REQUIRE_FALSE(bad);
    CHECK(bad.error().message() == "invalid value \"lots\" for flag --pids-limit: must be an integer");
    CHECK_FALSE(resources_from_flags(parse({"--l3-cache-schema", "L3:0=f", "id"})));
}

TEST_CASE("resources_json holds exactly what the flags set, as linux.resources names it") {
    auto r = resources_from_flags(parse({"--memory", "1k", "--cpu-quota", "5000", "--pids-limit", "-1", "id"}));
    REQUIRE(r);
    CHECK(resources_json(*r) == R"({"memory":{"limit":1024},"cpu":{"quota":5000},"pids":{"limit":-1}})");
    CHECK(resources_json(spec::Resources{}) == "{}");
}
