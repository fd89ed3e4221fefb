// Catch2 text for unit properties, so a failed CHECK shows the values ("TasksMax=t 100").
#pragma once

#include <ocrt/cgroups/systemd_properties.hpp>

#include <catch2/catch.hpp>

#include <sstream>

namespace Catch {

template <>
struct StringMaker<ocrt::cgroups::PropertyValue> {
    static std::string convert(const ocrt::cgroups::PropertyValue &value) {
        std::ostringstream out;
        out << ocrt::cgroups::property_signature(value) << " ";
        std::visit(
            [&out](const auto &v) {
                using T = std::decay_t<decltype(v)>;
                if constexpr (std::is_same_v<T, bool>) out << (v ? "true" : "false");
                else if constexpr (std::is_same_v<T, std::uint64_t> || std::is_same_v<T, std::int64_t>) out << v;
                else if constexpr (std::is_same_v<T, std::string>) out << '"' << v << '"';
                else if constexpr (std::is_same_v<T, std::vector<std::uint8_t>>)
                    for (auto byte : v) out << "0x" << std::hex << int(byte) << std::dec << " ";
                else if constexpr (std::is_same_v<T, std::vector<std::string>>)
                    for (const auto &s : v) out << '"' << s << "\" ";
                else
                    for (const auto &[a, b] : v) out << "(" << a << " " << b << ") ";
            },
            value);
        return out.str();
    }
};

template <>
struct StringMaker<ocrt::cgroups::UnitProperty> {
    static std::string convert(const ocrt::cgroups::UnitProperty &p) {
        return p.name + "=" + StringMaker<ocrt::cgroups::PropertyValue>::convert(p.value);
    }
};

}  // namespace Catch
