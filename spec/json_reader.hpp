// Private to spec/: typed, error-collecting reads from a nlohmann::json tree.
// Every problem becomes a Diagnostic at the JSON pointer of the offending value;
// reading never stops at the first problem. JSON null counts as "absent".
#pragma once

#include <ocrt/spec/diagnostic.hpp>
#include <ocrt/spec/vocabulary.hpp>

#include <nlohmann/json.hpp>

#include <concepts>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ocrt::spec::detail {

using json = nlohmann::json;
using Errors = std::vector<Diagnostic>;

// RFC 6901: "~" becomes "~0" and "/" becomes "~1".
std::string child_pointer(std::string_view parent, std::string_view key);
std::string child_pointer(std::string_view parent, std::size_t index);

// "\"value\"" with control characters shown as \xNN so messages stay one line.
std::string quote_value(std::string_view value);

// Parses text; on malformed JSON records one diagnostic with line and column
// and returns nullopt.
std::optional<json> parse_document(std::string_view text, Errors &errors);

void fail(Errors &errors, std::string pointer, std::string message);
void type_error(Errors &errors, const std::string &pointer, std::string_view expected, const json &got);

// Records `unknown <what> "<value>"` unless value is in table.
bool check_word(const std::string &value, const std::string &pointer, Errors &errors,
                std::span<const Word> table, std::string_view what);

template <typename Int>
constexpr std::string_view integer_type_name() {
    constexpr bool is_signed = std::numeric_limits<Int>::is_signed;
    switch (sizeof(Int)) {
    case 1: return is_signed ? "int8" : "uint8";
    case 2: return is_signed ? "int16" : "uint16";
    case 4: return is_signed ? "int32" : "uint32";
    default: return is_signed ? "int64" : "uint64";
    }
}

bool read_value(const json &j, const std::string &pointer, Errors &errors, std::string &out);
bool read_value(const json &j, const std::string &pointer, Errors &errors, bool &out);
bool read_value(const json &j, const std::string &pointer, Errors &errors,
                std::map<std::string, std::string> &out);

// Reports out-of-range values against the width of Int ("out of range for uint32").
bool read_integer(const json &j, const std::string &pointer, Errors &errors, std::string_view type_name,
                  long double min, long double max, long double &out);

template <typename Int>
    requires(std::integral<Int> && !std::same_as<Int, bool>)
bool read_value(const json &j, const std::string &pointer, Errors &errors, Int &out) {
    long double v = 0;
    if (!read_integer(j, pointer, errors, integer_type_name<Int>(),
                      static_cast<long double>(std::numeric_limits<Int>::min()),
                      static_cast<long double>(std::numeric_limits<Int>::max()), v))
        return false;
    // Re-read exactly: long double holds every int64/uint64 on x86 but do not rely on it.
    if (j.is_number_unsigned())
        out = static_cast<Int>(j.get<uint64_t>());
    else
        out = static_cast<Int>(j.get<int64_t>());
    return true;
}

template <typename T>
bool read_value(const json &j, const std::string &pointer, Errors &errors, std::vector<T> &out) {
    if (!j.is_array()) {
        type_error(errors, pointer, "array", j);
        return false;
    }
    bool ok = true;
    out.clear();
    for (std::size_t i = 0; i < j.size(); ++i) {
        T item{};
        ok = read_value(j[i], child_pointer(pointer, i), errors, item) && ok;
        out.push_back(std::move(item));
    }
    return ok;
}

enum class Need { Optional, Required };

// A view of one JSON object member by member.
class ObjectReader {
public:
    // Reports a type error when value is not an object; valid() is then false.
    ObjectReader(const json &value, std::string pointer, Errors &errors);

    bool valid() const { return object_ != nullptr; }
    const std::string &pointer() const { return pointer_; }
    Errors &errors() const { return errors_; }
    std::string at(std::string_view key) const { return child_pointer(pointer_, key); }

    // The member, or nullptr when absent or null (reported when required).
    const json *find(std::string_view key, Need need = Need::Optional) const;

    template <typename T>
    bool field(std::string_view key, T &out, Need need = Need::Optional) const {
        const json *j = find(key, need);
        return j && read_value(*j, at(key), errors_, out);
    }

    template <typename T>
    bool field(std::string_view key, std::optional<T> &out) const {
        const json *j = find(key);
        if (!j) return false;
        T value{};
        bool ok = read_value(*j, at(key), errors_, value);
        out = std::move(value);
        return ok;
    }

    // A string that must be one of the table's words.
    bool word(std::string_view key, std::string &out, std::span<const Word> table, std::string_view what,
              Need need = Need::Optional) const;

    // An array of strings that must each be one of the table's words.
    bool words(std::string_view key, std::vector<std::string> &out, std::span<const Word> table,
               std::string_view what) const;

    // parse(const json &, const std::string &pointer, Errors &, T &) fills one element.
    // Every element is kept (even a bad one) so indices match the document.
    template <typename T, typename Parse>
    void array(std::string_view key, std::vector<T> &out, Parse parse, Need need = Need::Optional) const {
        const json *j = find(key, need);
        if (!j) return;
        std::string ptr = at(key);
        if (!j->is_array()) {
            type_error(errors_, ptr, "array", *j);
            return;
        }
        for (std::size_t i = 0; i < j->size(); ++i) {
            T item{};
            parse((*j)[i], child_pointer(ptr, i), errors_, item);
            out.push_back(std::move(item));
        }
    }

    template <typename T, typename Parse>
    void object(std::string_view key, std::optional<T> &out, Parse parse, Need need = Need::Optional) const {
        const json *j = find(key, need);
        if (!j) return;
        T value{};
        parse(*j, at(key), errors_, value);
        out = std::move(value);
    }

    template <typename T, typename Parse>
    void object(std::string_view key, T &out, Parse parse, Need need = Need::Optional) const {
        const json *j = find(key, need);
        if (j) parse(*j, at(key), errors_, out);
    }

    // An object used as a map: parse(value, pointer, errors, T &) per member.
    template <typename T, typename Parse>
    void map(std::string_view key, std::map<std::string, T> &out, Parse parse) const {
        const json *j = find(key);
        if (!j) return;
        std::string ptr = at(key);
        if (!j->is_object()) {
            type_error(errors_, ptr, "object", *j);
            return;
        }
        for (const auto &[name, value] : j->items()) {
            T item{};
            parse(value, child_pointer(ptr, name), errors_, item);
            out.emplace(name, std::move(item));
        }
    }

private:
    const json *object_ = nullptr;
    std::string pointer_;
    Errors &errors_;
};

}  // namespace ocrt::spec::detail
