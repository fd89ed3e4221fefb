#include <ocrt/cli/resource_flags.hpp>

#include <nlohmann/json.hpp>

#include <cctype>
#include <charconv>
#include <limits>

namespace ocrt::cli {
namespace {

Error bad_value(std::string_view flag, const std::string &text, const std::string &why) {
    return Error("invalid value \"" + text + "\" for flag --" + std::string(flag) + ": " + why);
}

template <typename T>
Result<T> integer(const ParsedFlags &flags, std::string_view name) {
    std::string text = flags.value(name);
    T value{};
    auto [end, status] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || status != std::errc() || end != text.data() + text.size())
        return bad_value(name, text, std::is_signed_v<T> ? "must be an integer" : "must be a non-negative integer");
    return value;
}

Result<int64_t> memory(const ParsedFlags &flags, std::string_view name) {
    std::string text = flags.value(name);
    auto size = parse_memory_size(text);
    if (!size) return bad_value(name, text, size.error().message());
    return *size;
}

}  // namespace

Result<int64_t> parse_memory_size(const std::string &text) {
    if (text == "-1") return int64_t{-1};
    size_t digits = 0;
    while (digits < text.size() && (std::isdigit(static_cast<unsigned char>(text[digits])) || text[digits] == '.'))
        ++digits;
    if (digits == 0) return Error("not a size (like 512M, or -1 for unlimited)");
    double number = 0;
    try {
        number = std::stod(text.substr(0, digits));
    } catch (...) {
        return Error("not a size (like 512M, or -1 for unlimited)");
    }
    std::string unit;
    for (char c : text.substr(digits)) unit += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!unit.empty() && unit.back() == 'b') unit.pop_back();
    if (!unit.empty() && unit.back() == 'i') unit.pop_back();
    double scale = 1;
    if (unit == "") scale = 1;
    else if (unit == "k") scale = 1024.0;
    else if (unit == "m") scale = 1024.0 * 1024;
    else if (unit == "g") scale = 1024.0 * 1024 * 1024;
    else if (unit == "t") scale = 1024.0 * 1024 * 1024 * 1024;
    else if (unit == "p") scale = 1024.0 * 1024 * 1024 * 1024 * 1024;
    else return Error("unknown unit in size");
    double bytes = number * scale;
    if (bytes > static_cast<double>(std::numeric_limits<int64_t>::max())) return Error("size too large");
    return static_cast<int64_t>(bytes);
}

Result<spec::Resources> resources_from_flags(const ParsedFlags &flags) {
    spec::Resources r;
    auto mem = [&]() -> spec::MemoryResources & {
        if (!r.memory) r.memory.emplace();
        return *r.memory;
    };
    auto cpu = [&]() -> spec::CpuResources & {
        if (!r.cpu) r.cpu.emplace();
        return *r.cpu;
    };
    if (flags.has("memory")) mem().limit = OCRT_TRY(memory(flags, "memory"));
    if (flags.has("memory-reservation")) mem().reservation = OCRT_TRY(memory(flags, "memory-reservation"));
    if (flags.has("memory-swap")) mem().swap = OCRT_TRY(memory(flags, "memory-swap"));
    if (flags.has("kernel-memory")) mem().kernel = OCRT_TRY(memory(flags, "kernel-memory"));
    if (flags.has("kernel-memory-tcp")) mem().kernel_tcp = OCRT_TRY(memory(flags, "kernel-memory-tcp"));
    for (const char *name : {"cpu-share", "cpu-shares"})
        if (flags.has(name)) cpu().shares = OCRT_TRY(integer<uint64_t>(flags, name));
    if (flags.has("cpu-period")) cpu().period = OCRT_TRY(integer<uint64_t>(flags, "cpu-period"));
    if (flags.has("cpu-quota")) cpu().quota = OCRT_TRY(integer<int64_t>(flags, "cpu-quota"));
    if (flags.has("cpu-burst")) cpu().burst = OCRT_TRY(integer<uint64_t>(flags, "cpu-burst"));
    if (flags.has("cpu-rt-period")) cpu().realtime_period = OCRT_TRY(integer<uint64_t>(flags, "cpu-rt-period"));
    if (flags.has("cpu-rt-runtime")) cpu().realtime_runtime = OCRT_TRY(integer<int64_t>(flags, "cpu-rt-runtime"));
    if (flags.has("cpu-idle")) cpu().idle = OCRT_TRY(integer<int64_t>(flags, "cpu-idle"));
    if (flags.has("cpuset-cpus")) cpu().cpus = flags.value("cpuset-cpus");
    if (flags.has("cpuset-mems")) cpu().mems = flags.value("cpuset-mems");
    if (flags.has("pids-limit")) r.pids = spec::PidsResources{OCRT_TRY(integer<int64_t>(flags, "pids-limit"))};
    if (flags.has("blkio-weight")) {
        uint16_t weight = OCRT_TRY(integer<uint16_t>(flags, "blkio-weight"));
        r.block_io.emplace();
        r.block_io->weight = weight;
    }
    for (const char *name : {"l3-cache-schema", "mem-bw-schema"})
        if (flags.has(name)) return Error("--" + std::string(name) + ": Intel RDT is not supported");
    return r;
}

std::string resources_json(const spec::Resources &r) {
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    auto put = [](nlohmann::ordered_json &object, const char *key, const auto &value) {
        if (value) object[key] = *value;
    };
    if (r.memory) {
        auto &m = out["memory"] = nlohmann::ordered_json::object();
        put(m, "limit", r.memory->limit);
        put(m, "reservation", r.memory->reservation);
        put(m, "swap", r.memory->swap);
        put(m, "kernel", r.memory->kernel);
        put(m, "kernelTCP", r.memory->kernel_tcp);
    }
    if (r.cpu) {
        auto &c = out["cpu"] = nlohmann::ordered_json::object();
        put(c, "shares", r.cpu->shares);
        put(c, "quota", r.cpu->quota);
        put(c, "burst", r.cpu->burst);
        put(c, "period", r.cpu->period);
        put(c, "realtimeRuntime", r.cpu->realtime_runtime);
        put(c, "realtimePeriod", r.cpu->realtime_period);
        if (!r.cpu->cpus.empty()) c["cpus"] = r.cpu->cpus;
        if (!r.cpu->mems.empty()) c["mems"] = r.cpu->mems;
        put(c, "idle", r.cpu->idle);
    }
    if (r.pids && r.pids->limit) out["pids"] = {{"limit", *r.pids->limit}};
    if (r.block_io && r.block_io->weight) out["blockIO"] = {{"weight", *r.block_io->weight}};
    return out.dump();
}

}  // namespace ocrt::cli
