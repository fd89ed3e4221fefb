// A container's status is never trusted from disk: it is derived from the live
// init each time (runtime.md "State"). What disk says only tells "creating" apart.
#pragma once

#include <ocrt/container/process.hpp>
#include <ocrt/container/record.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace ocrt::container {

enum class Status { Creating, Created, Running, Paused, Stopped };

std::string_view status_name(Status status);
std::optional<Status> parse_status(std::string_view name);

// runtime.md: start only a created container.
constexpr bool can_start(Status s) { return s == Status::Created; }
// Created containers must be killable too (runtime-tools, containerd).
constexpr bool can_kill(Status s) { return s == Status::Created || s == Status::Running || s == Status::Paused; }
// Without --force: a stopped container, or a created one (killed first, as runc does).
constexpr bool can_delete(Status s) { return s == Status::Stopped || s == Status::Created; }
// The init still has to be killed before the state can go.
constexpr bool has_live_init(Status s) { return s != Status::Stopped && s != Status::Creating; }

// What was observed about a container, as plain facts.
struct Observation {
    bool recorded_creating = false;  // state.json still says "creating"
    bool creator_running = false;    // another process holds the container lock
    ProcessState init = ProcessState::Gone;
    bool init_waiting = false;       // the start socket is still there
    bool frozen = false;             // the container's freezer cgroup is FROZEN (pause)
};

// Pure: Creating only while its creator still works on it (a dead creator leaves a
// stopped leftover); a gone, reused or zombie init is Stopped; a frozen one is Paused;
// an init waiting for `start` is Created; any other live init is Running.
constexpr Status classify(const Observation &seen) {
    if (seen.recorded_creating) return seen.creator_running ? Status::Creating : Status::Stopped;
    if (seen.init != ProcessState::Alive) return Status::Stopped;
    if (seen.frozen) return Status::Paused;
    return seen.init_waiting ? Status::Created : Status::Running;
}

// Live: reads /proc/<pid>/stat and the state directory.
Status derive_status(const Record &record, const std::string &state_dir, bool creator_running);

}  // namespace ocrt::container
