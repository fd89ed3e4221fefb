// The start time (field 22 of /proc/<pid>/stat) of a live test process.
#pragma once

#include <ocrt/container/process.hpp>

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>

namespace ocrt::testing {

inline unsigned long long start_time_of(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::stringstream line;
    line << in.rdbuf();
    auto stat = ocrt::container::parse_proc_stat(line.str());
    REQUIRE(stat);
    return stat->start_time;
}

}  // namespace ocrt::testing
