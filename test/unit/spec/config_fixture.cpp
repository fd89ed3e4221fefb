#include "config_fixture.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace spec_test {

std::string read_data_file(const std::string &name) {
    std::ifstream in(std::string(OCRT_SPEC_TEST_DATA) + "/" + name);
    if (!in) throw std::runtime_error("cannot open test data " + name);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

json full_config() { return json::parse(read_data_file("full-config.json")); }

json minimal_config() {
    return json{{"ociVersion", "1.0.2"},
                {"root", {{"path", "rootfs"}}},
                {"process", {{"args", {"sh"}}, {"cwd", "/"}}}};
}

json patched(json doc, const std::string &pointer, const json &value) {
    doc[json::json_pointer(pointer)] = value;
    return doc;
}

json without(json doc, const std::string &pointer) {
    json::json_pointer ptr(pointer);
    doc[ptr.parent_pointer()].erase(ptr.back());
    return doc;
}

ocrt::spec::ParsedConfig parse(const json &doc) { return ocrt::spec::parse_config(doc.dump()); }

std::string describe(const std::vector<ocrt::spec::Diagnostic> &diagnostics) {
    std::string out;
    for (const auto &d : diagnostics) out += ocrt::spec::render(d) + "\n";
    return out.empty() ? "(no diagnostics)" : out;
}

bool has(const std::vector<ocrt::spec::Diagnostic> &diagnostics, const std::string &pointer,
         const std::string &text) {
    for (const auto &d : diagnostics)
        if (d.pointer == pointer && d.message.find(text) != std::string::npos) return true;
    return false;
}

}  // namespace spec_test
