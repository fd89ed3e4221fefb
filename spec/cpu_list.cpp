#include <ocrt/spec/cpu_list.hpp>

#include <ocrt/base/text.hpp>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <string>

namespace ocrt::spec {
namespace {

using text::trim;

Result<unsigned> cpu_number(std::string_view text) {
    text = trim(text);
    unsigned value = 0;
    auto [end, status] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || status != std::errc() || end != text.data() + text.size())
        return Error("\"" + std::string(text) + "\" is not a CPU number");
    if (value > kMaxCpuNumber)
        return Error("CPU " + std::string(text) + " is above the largest possible " +
                                 std::to_string(kMaxCpuNumber));
    return value;
}

}  // namespace

Result<std::vector<unsigned>> parse_cpu_list(std::string_view list) {
    std::vector<unsigned> cpus;
    if (trim(list).empty()) return cpus;
    std::string_view rest = list;
    for (;;) {
        size_t comma = rest.find(',');
        std::string_view entry = rest.substr(0, comma);
        if (trim(entry).empty()) return Error("empty entry");
        size_t dash = entry.find('-');
        unsigned first = OCRT_TRY(cpu_number(entry.substr(0, dash)));
        unsigned last = first;
        if (dash != std::string_view::npos) last = OCRT_TRY(cpu_number(entry.substr(dash + 1)));
        if (last < first)
            return Error("range \"" + std::string(trim(entry)) + "\" ends before it starts");
        for (unsigned cpu = first; cpu <= last; ++cpu) cpus.push_back(cpu);
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
    }
    std::sort(cpus.begin(), cpus.end());
    cpus.erase(std::unique(cpus.begin(), cpus.end()), cpus.end());
    return cpus;
}

}  // namespace ocrt::spec
