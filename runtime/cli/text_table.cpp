#include <ocrt/cli/text_table.hpp>

#include <algorithm>

namespace ocrt::cli {

std::string format_table(const std::vector<std::vector<std::string>> &rows) {
    constexpr size_t min_width = 12;
    constexpr size_t padding = 3;
    std::vector<size_t> widths;
    for (const auto &row : rows) {
        if (widths.size() < row.size()) widths.resize(row.size(), 0);
        for (size_t column = 0; column + 1 < row.size(); ++column)
            widths[column] = std::max(widths[column], std::max(row[column].size() + padding, min_width));
    }
    std::string out;
    for (const auto &row : rows) {
        for (size_t column = 0; column < row.size(); ++column) {
            out += row[column];
            if (column + 1 < row.size()) out += std::string(widths[column] - row[column].size(), ' ');
        }
        out += '\n';
    }
    return out;
}

}  // namespace ocrt::cli
