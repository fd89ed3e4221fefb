// Shared helpers for the spec unit tests: the full fixture and patch-and-parse.
#pragma once

#include <ocrt/spec/load.hpp>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace spec_test {

using json = nlohmann::json;

// test/data/spec/<name>, read whole.
std::string read_data_file(const std::string &name);

// full-config.json: sets every field of config.md and config-linux.md.
json full_config();

// The smallest config that validates: ociVersion, root.path, process args/cwd.
json minimal_config();

// Returns doc with the value at pointer replaced (created when absent).
json patched(json doc, const std::string &pointer, const json &value);

// Returns doc without the member at pointer.
json without(json doc, const std::string &pointer);

ocrt::spec::ParsedConfig parse(const json &doc);

// Rendered errors, one per line, for readable failure messages.
std::string describe(const std::vector<ocrt::spec::Diagnostic> &diagnostics);

// True when some diagnostic has exactly this pointer and a message containing text.
bool has(const std::vector<ocrt::spec::Diagnostic> &diagnostics, const std::string &pointer,
         const std::string &text);

}  // namespace spec_test
