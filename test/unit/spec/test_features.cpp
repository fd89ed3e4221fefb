// features_json against features.md / features-schema.json.
#include <ocrt/spec/features.hpp>
#include <ocrt/spec/vocabulary.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>

using namespace ocrt::spec;
using nlohmann::json;

namespace {

bool contains(const json &array, const std::string &word) {
    return std::find(array.begin(), array.end(), word) != array.end();
}

void check_strings(const json &array) {
    REQUIRE(array.is_array());
    for (const auto &v : array) CHECK(v.is_string());
}

}  // namespace

TEST_CASE("features has the required version range", "[spec][features]") {
    json f = json::parse(features_json());
    CHECK(f["ociVersionMin"] == "1.0.0");
    CHECK(f["ociVersionMax"] == "1.3.0");
}

TEST_CASE("features lists hooks and mount options", "[spec][features]") {
    json f = json::parse(features_json());
    check_strings(f["hooks"]);
    CHECK(f["hooks"] == json({"prestart", "createRuntime", "createContainer", "startContainer", "poststart",
                              "poststop"}));
    check_strings(f["mountOptions"]);
    for (const char *opt : {"bind", "rbind", "ro", "rw", "nosuid", "nodev", "noexec", "private", "rprivate",
                            "shared", "rshared", "slave", "rslave", "unbindable", "runbindable", "nosymfollow"})
        CHECK(contains(f["mountOptions"], opt));
    for (const char *opt : {"rro", "idmap", "ridmap"}) CHECK_FALSE(contains(f["mountOptions"], opt));
}

TEST_CASE("features linux section", "[spec][features]") {
    json f = json::parse(features_json());
    REQUIRE(f.contains("linux"));
    const json &os = f["linux"];
    CHECK(os["namespaces"].size() == 8);
    for (const char *ns : {"mount", "pid", "network", "uts", "ipc", "user", "cgroup", "time"})
        CHECK(contains(os["namespaces"], ns));
    CHECK(os["capabilities"].size() == capability_words().size());
    for (const auto &cap : os["capabilities"]) CHECK(cap.get<std::string>().rfind("CAP_", 0) == 0);
    // rdma: applied on v1 and v2, checked on a real kernel by the vm-rdma test.
    // systemd: the systemd cgroup driver, there when built with sd-bus (meson option systemd).
    CHECK(os["cgroup"] == json({{"v1", true}, {"v2", true}, {"systemd", OCRT_HAVE_SYSTEMD != 0},
                                {"systemdUser", false}, {"rdma", true}}));
    const json &sc = os["seccomp"];
    CHECK(sc["enabled"] == true);
    CHECK(sc["actions"].size() == 9);
    CHECK(sc["operators"].size() == 7);
    CHECK(contains(sc["archs"], "SCMP_ARCH_X86_64"));
    CHECK(sc["knownFlags"].size() == 4);
    for (const auto &flag : sc["supportedFlags"]) CHECK(contains(sc["knownFlags"], flag.get<std::string>()));
    CHECK(os["apparmor"]["enabled"] == true);  // features-linux.md: the runtime's support, not the host's
    CHECK(os["selinux"]["enabled"] == true);
    CHECK(os["intelRdt"]["enabled"] == false);
    CHECK(os["mountExtensions"]["idmap"]["enabled"] == false);
}

TEST_CASE("features annotations are a string map", "[spec][features]") {
    json f = json::parse(features_json());
    REQUIRE(f["annotations"].is_object());
    REQUIRE(f["annotations"].contains("io.github.seccomp.libseccomp.version"));
    for (const auto &[key, value] : f["annotations"].items()) {
        CHECK_FALSE(key.empty());
        CHECK(value.is_string());
    }
    std::string text = features_json();
    CHECK(text.back() == '}');
}
