#include "json_reader.hpp"

#include <cmath>
#include <cstdio>

namespace ocrt::spec::detail {

std::string child_pointer(std::string_view parent, std::string_view key) { return spec::child_pointer(parent, key); }

std::string child_pointer(std::string_view parent, std::size_t index) {
    std::string out(parent);
    out += '/';
    out += std::to_string(index);
    return out;
}

std::string quote_value(std::string_view value) {
    std::string out = "\"";
    for (unsigned char c : value) {
        if (c < 0x20 || c == 0x7f) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
        } else if (c == '"' || c == '\\') {
            out += '\\';
            out += char(c);
        } else {
            out += char(c);
        }
    }
    out += '"';
    return out;
}

namespace {

// nlohmann's what() starts with "[json.exception.parse_error.101] parse error at line 1, column 2: ...".
std::string parse_error_text(const nlohmann::json::parse_error &e) {
    std::string what = e.what();
    auto pos = what.find("] ");
    if (pos != std::string::npos) what = what.substr(pos + 2);
    return what;
}

}  // namespace

std::optional<json> parse_document(std::string_view text, Errors &errors) {
    try {
        return json::parse(text.begin(), text.end());
    } catch (const json::parse_error &e) {
        fail(errors, "", "malformed JSON (byte " + std::to_string(e.byte) + "): " + parse_error_text(e));
    } catch (const json::exception &e) {
        fail(errors, "", std::string("malformed JSON: ") + e.what());
    }
    return std::nullopt;
}

void fail(Errors &errors, std::string pointer, std::string message) {
    errors.push_back(Diagnostic{std::move(pointer), std::move(message)});
}

void type_error(Errors &errors, const std::string &pointer, std::string_view expected, const json &got) {
    fail(errors, pointer, "expected " + std::string(expected) + ", got " + got.type_name());
}

bool check_word(const std::string &value, const std::string &pointer, Errors &errors,
                std::span<const Word> table, std::string_view what) {
    if (is_known(table, value)) return true;
    fail(errors, pointer, "unknown " + std::string(what) + " " + quote_value(value));
    return false;
}

bool read_value(const json &j, const std::string &pointer, Errors &errors, std::string &out) {
    if (!j.is_string()) {
        type_error(errors, pointer, "string", j);
        return false;
    }
    out = j.get<std::string>();
    return true;
}

bool read_value(const json &j, const std::string &pointer, Errors &errors, bool &out) {
    if (!j.is_boolean()) {
        type_error(errors, pointer, "boolean", j);
        return false;
    }
    out = j.get<bool>();
    return true;
}

bool read_value(const json &j, const std::string &pointer, Errors &errors,
                std::map<std::string, std::string> &out) {
    if (!j.is_object()) {
        type_error(errors, pointer, "object", j);
        return false;
    }
    bool ok = true;
    for (const auto &[key, value] : j.items()) {
        std::string ptr = child_pointer(pointer, key);
        if (key.empty()) {
            fail(errors, ptr, "key must not be empty");
            ok = false;
        }
        std::string s;
        ok = read_value(value, ptr, errors, s) && ok;
        out[key] = std::move(s);
    }
    return ok;
}

bool read_integer(const json &j, const std::string &pointer, Errors &errors, std::string_view type_name,
                  long double min, long double max, long double &out) {
    auto out_of_range = [&](const std::string &shown) {
        fail(errors, pointer, "value " + shown + " out of range for " + std::string(type_name));
        return false;
    };
    if (j.is_number_unsigned()) {
        uint64_t v = j.get<uint64_t>();
        if (static_cast<long double>(v) > max) return out_of_range(std::to_string(v));
        out = static_cast<long double>(v);
        return true;
    }
    if (j.is_number_integer()) {
        int64_t v = j.get<int64_t>();
        if (static_cast<long double>(v) < min || static_cast<long double>(v) > max)
            return out_of_range(std::to_string(v));
        out = static_cast<long double>(v);
        return true;
    }
    if (j.is_number_float()) {
        double d = j.get<double>();
        // Integral but too large for int64/uint64: nlohmann stored it as a double.
        if (std::isfinite(d) && std::trunc(d) == d && std::fabs(d) >= 9.2e18) return out_of_range(j.dump());
        fail(errors, pointer, "expected integer, got non-integral number " + j.dump());
        return false;
    }
    type_error(errors, pointer, "integer", j);
    return false;
}

ObjectReader::ObjectReader(const json &value, std::string pointer, Errors &errors)
    : pointer_(std::move(pointer)), errors_(errors) {
    if (value.is_object())
        object_ = &value;
    else
        type_error(errors_, pointer_, "object", value);
}

const json *ObjectReader::find(std::string_view key, Need need) const {
    if (!object_) return nullptr;
    auto it = object_->find(std::string(key));
    if (it == object_->end() || it->is_null()) {
        if (need == Need::Required) fail(errors_, at(key), "required field is missing");
        return nullptr;
    }
    return &*it;
}

bool ObjectReader::word(std::string_view key, std::string &out, std::span<const Word> table,
                        std::string_view what, Need need) const {
    if (!field(key, out, need)) return false;
    return check_word(out, at(key), errors_, table, what);
}

bool ObjectReader::words(std::string_view key, std::vector<std::string> &out, std::span<const Word> table,
                         std::string_view what) const {
    if (!field(key, out)) return false;
    bool ok = true;
    std::string ptr = at(key);
    for (std::size_t i = 0; i < out.size(); ++i)
        ok = check_word(out[i], child_pointer(ptr, i), errors_, table, what) && ok;
    return ok;
}

}  // namespace ocrt::spec::detail
