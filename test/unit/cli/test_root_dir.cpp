// The default --root rule (cli-contract.md §2) as a pure function of euid, userns, $USER, $XDG_RUNTIME_DIR.
#include <ocrt/cli/root_dir.hpp>

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

using namespace ocrt::cli;

TEST_CASE("default root rule", "[root]") {
    struct Case {
        const char *what;
        RootEnvironment env;
        std::string path;
        bool in_xdg;
    };
    const std::optional<std::string> none;
    const std::optional<std::string> xdg = "/run/user/1000";
    const std::vector<Case> cases = {
        {"root, initial ns", {0, false, "root", xdg}, "/run/ocrt", false},
        {"root, initial ns, USER unset", {0, false, none, xdg}, "/run/ocrt", false},
        {"root, initial ns, odd USER", {0, false, "alice", xdg}, "/run/ocrt", false},
        {"unprivileged", {1000, false, "alice", xdg}, "/run/user/1000/ocrt", true},
        {"unprivileged, env = XDG only (Podman kill)", {1000, false, none, xdg}, "/run/user/1000/ocrt", true},
        {"unprivileged, no XDG", {1000, false, "alice", none}, "/run/ocrt", false},
        {"unprivileged, empty XDG", {1000, false, "alice", std::string()}, "/run/ocrt", false},
        {"root in userns, USER=root", {0, true, "root", xdg}, "/run/ocrt", false},
        {"root in userns, USER unset", {0, true, none, xdg}, "/run/user/1000/ocrt", true},
        {"root in userns, USER=alice", {0, true, "alice", xdg}, "/run/user/1000/ocrt", true},
    };
    for (const Case &c : cases) {
        INFO(c.what);
        DefaultRoot root = default_root(c.env);
        CHECK(root.path == c.path);
        CHECK(root.in_xdg == c.in_xdg);
    }
}

TEST_CASE("--root is made absolute and normalised; / is rejected", "[root]") {
    struct Case {
        std::string given;
        std::string expected;
    };
    const std::vector<Case> cases = {
        {"/run/x", "/run/x"},   {"/run/x/", "/run/x"},  {"/run//x/./y/..", "/run/x"},
        {"state", "/home/u/state"}, {"./state/", "/home/u/state"}, {"../state", "/home/state"},
    };
    for (const Case &c : cases) {
        INFO(c.given);
        auto resolved = resolve_root(c.given, "/home/u");
        REQUIRE(resolved.has_value());
        CHECK(*resolved == c.expected);
    }
    for (std::string bad : {"/", "//", "/run/..", "../..", "../../..", ""}) {
        INFO(bad);
        CHECK_FALSE(resolve_root(bad, "/home/u").has_value());
    }
    CHECK(resolve_root("/", "/").error().render() == "invalid --root \"/\": must not be \"/\"");
}

TEST_CASE("ensure_default_root creates 0700, sticky under XDG, and leaves existing dirs alone", "[root]") {
    auto base = std::filesystem::temp_directory_path() / ("ocrt-unit-cli-root-" + std::to_string(::getpid()));
    std::filesystem::remove_all(base);
    std::filesystem::create_directory(base);

    std::string plain = (base / "plain").string();
    REQUIRE(ensure_default_root({plain, false}).has_value());
    struct stat info {};
    REQUIRE(::stat(plain.c_str(), &info) == 0);
    CHECK((info.st_mode & 07777) == 0700);

    std::string xdg = (base / "xdg").string();
    REQUIRE(ensure_default_root({xdg, true}).has_value());
    REQUIRE(::stat(xdg.c_str(), &info) == 0);
    CHECK((info.st_mode & 07777) == (0700 | S_ISVTX));

    REQUIRE(::chmod(plain.c_str(), 0750) == 0);
    REQUIRE(ensure_default_root({plain, true}).has_value());
    REQUIRE(::stat(plain.c_str(), &info) == 0);
    CHECK((info.st_mode & 07777) == 0750);

    auto missing_parent = ensure_default_root({(base / "no" / "such").string(), false});
    REQUIRE_FALSE(missing_parent.has_value());
    CHECK(missing_parent.error().code() == ENOENT);
    std::filesystem::remove_all(base);
}
