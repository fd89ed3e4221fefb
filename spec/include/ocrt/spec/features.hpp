// The features document (features.md, schema/features-schema.json) for `ocrt features`.
#pragma once

#include <string>

namespace ocrt::spec {

// Pretty JSON (tab or 2-space indent), no trailing newline. Advertises only what ocrt implements.
std::string features_json();

}  // namespace ocrt::spec
