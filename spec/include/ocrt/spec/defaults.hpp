// The example config.json written by `ocrt spec` (like `runc spec`).
#pragma once

#include <string>

namespace ocrt::spec {

// rootless: a user namespace mapping the caller's uid/gid, as `runc spec --rootless`.
std::string default_config_json(bool rootless = false, unsigned uid = 0, unsigned gid = 0);

}  // namespace ocrt::spec
