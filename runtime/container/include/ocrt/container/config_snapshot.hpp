// The container's own copy of config.json, saved in its state dir at create.
// Commands after create (start, exec, delete, update...) read this copy, never
// the bundle's file, which may have changed or gone since.
#pragma once

#include <ocrt/base/result.hpp>
#include <ocrt/container/state_store.hpp>
#include <ocrt/spec/config.hpp>

#include <string>

namespace ocrt::container {

inline constexpr const char *kConfigSnapshotName = "config.json";

// Parses config.json text; every problem at once, one per line, each naming its
// field as a JSON pointer. Warnings go to the debug log.
Result<spec::Config> parse_config_text(const std::string &text);

// Writes text as <state dir>/config.json (0600, atomically).
Result<void> save_config_snapshot(ContainerDir &dir, const std::string &text);

// Reads and parses <state_dir>/config.json.
Result<spec::Config> load_config_snapshot(const std::string &state_dir);

}  // namespace ocrt::container
