// Column alignment for `ocrt list`, laid out like Go's tabwriter with
// minimum width 12 and padding 3 (what runc's list uses); the last column is not padded.
#pragma once

#include <string>
#include <vector>

namespace ocrt::cli {

std::string format_table(const std::vector<std::vector<std::string>> &rows);

}  // namespace ocrt::cli
