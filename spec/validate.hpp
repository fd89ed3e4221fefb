// Private to spec/: semantic checks that run once a document parsed cleanly.
#pragma once

#include <ocrt/spec/config.hpp>
#include <ocrt/spec/diagnostic.hpp>

#include <string>
#include <vector>

namespace ocrt::spec::detail {

// Runs every config check; appends errors and warnings.
void validate_config(const Config &config, std::vector<Diagnostic> &errors, std::vector<Diagnostic> &warnings);

// The process checks alone; base is the pointer of the process object ("/process" or "").
void validate_process(const Process &process, const std::string &base, std::vector<Diagnostic> &errors);

}  // namespace ocrt::spec::detail
