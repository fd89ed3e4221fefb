// Locating and reading ocrt's settings file.
#pragma once

#include <ocrt/base/result.hpp>
#include <ocrt/spec/settings.hpp>

#include <string>

namespace ocrt::cli {

// $OCRT_CONFIG when set and non-empty (tests use it), else /etc/ocrt/ocrt.yaml.
std::string settings_path();

// A missing file gives the built-in defaults; an unreadable or invalid one is an error
// naming the file.
Result<spec::Settings> load_settings(const std::string &path);

}  // namespace ocrt::cli
