// process.execCPUAffinity lists (config.md): "0-3,7" and its edge cases.
#include <ocrt/spec/cpu_list.hpp>

#include <catch2/catch.hpp>

using ocrt::spec::parse_cpu_list;
using Cpus = std::vector<unsigned>;

TEST_CASE("cpu lists: numbers and inclusive ranges, sorted, without duplicates") {
    CHECK(*parse_cpu_list("0-3,7") == Cpus{0, 1, 2, 3, 7});  // config.md's example
    CHECK(*parse_cpu_list("7") == Cpus{7});
    CHECK(*parse_cpu_list("5,1-2,2,0") == Cpus{0, 1, 2, 5});
    CHECK(*parse_cpu_list("4-4") == Cpus{4});
    CHECK(*parse_cpu_list(" 0 - 1 , 3 ") == Cpus{0, 1, 3});  // the schema allows spaces
    CHECK(*parse_cpu_list("8191") == Cpus{8191});
}

TEST_CASE("cpu lists: empty or blank is no CPU at all") {
    CHECK(parse_cpu_list("")->empty());
    CHECK(parse_cpu_list("  ")->empty());
}

TEST_CASE("cpu lists: malformed entries are refused with the reason") {
    struct Bad {
        const char *list, *why;
    };
    for (const Bad &bad : {Bad{"1,,2", "empty entry"}, Bad{"1,", "empty entry"}, Bad{",1", "empty entry"},
                           Bad{"3-1", "range \"3-1\" ends before it starts"}, Bad{"-1", "\"\" is not a CPU number"},
                           Bad{"1-", "\"\" is not a CPU number"}, Bad{"1-2-3", "\"2-3\" is not a CPU number"},
                           Bad{"1 2", "\"1 2\" is not a CPU number"}, Bad{"a", "\"a\" is not a CPU number"},
                           Bad{"8192", "CPU 8192 is above the largest possible 8191"},
                           Bad{"0-4294967296", "\"4294967296\" is not a CPU number"}}) {
        INFO(bad.list);
        auto cpus = parse_cpu_list(bad.list);
        REQUIRE_FALSE(cpus);
        CHECK(cpus.error().message() == bad.why);
    }
}
