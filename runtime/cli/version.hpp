// `ocrt --version`: what Docker, Podman and CRI-O display (cli-contract.md §7).
#pragma once

#include <string>

namespace ocrt::cli {

// "ocrt version X.Y.Z\ncommit: <sha>\nspec: 1.3.0\nlibseccomp: a.b.c\n"; the commit
// line is left out when the build did not know it.
std::string version_text();

}  // namespace ocrt::cli
