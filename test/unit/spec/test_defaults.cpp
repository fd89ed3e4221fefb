// default_config_json (`ocrt spec`) parses cleanly and carries the safe defaults.
#include <ocrt/spec/defaults.hpp>
#include <ocrt/spec/load.hpp>

#include <catch2/catch.hpp>

using namespace ocrt::spec;

namespace {

std::string describe(const std::vector<Diagnostic> &errors) {
    std::string out;
    for (const auto &d : errors) out += render(d) + "\n";
    return out;
}

const Mount *find_mount(const Config &c, const std::string &destination) {
    for (const auto &m : c.mounts)
        if (m.destination == destination) return &m;
    return nullptr;
}

bool has_option(const Mount &m, const std::string &option) {
    for (const auto &o : m.options)
        if (o == option) return true;
    return false;
}

}  // namespace

TEST_CASE("default config parses with zero errors and warnings", "[spec][defaults]") {
    std::string text = default_config_json();
    CHECK(text.find("\n\t\"ociVersion\"") != std::string::npos);  // tab indented
    auto result = parse_config(text);
    INFO(describe(result.errors));
    REQUIRE(result.errors.empty());
    CHECK(result.warnings.empty());
    REQUIRE(result.config);
    const Config &c = *result.config;

    REQUIRE(c.process);
    CHECK(c.process->terminal);
    CHECK(c.process->args == std::vector<std::string>{"sh"});
    CHECK(c.process->cwd == "/");
    CHECK(c.process->no_new_privileges);
    REQUIRE(c.process->capabilities);
    REQUIRE(c.process->capabilities->inheritable);
    CHECK(c.process->capabilities->inheritable->empty());  // CVE-2022-24769
    REQUIRE(c.process->capabilities->ambient);
    CHECK(c.process->capabilities->ambient->empty());
    REQUIRE(c.process->rlimits.size() == 1);
    CHECK(c.process->rlimits[0].type == "RLIMIT_NOFILE");
    CHECK(c.process->rlimits[0].soft == 1024);
    CHECK(c.process->rlimits[0].hard == 1024);

    CHECK(c.root.path == "rootfs");
    for (const char *dest : {"/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", "/sys/fs/cgroup"})
        CHECK(find_mount(c, dest));
    CHECK(has_option(*find_mount(c, "/sys"), "ro"));
    CHECK(has_option(*find_mount(c, "/sys/fs/cgroup"), "ro"));

    REQUIRE(c.linux_);
    for (auto type : {NamespaceType::Pid, NamespaceType::Network, NamespaceType::Ipc, NamespaceType::Uts,
                      NamespaceType::Mount, NamespaceType::Cgroup})
        CHECK(c.linux_->find_namespace(type));
    CHECK_FALSE(c.linux_->find_namespace(NamespaceType::User));
    CHECK_FALSE(c.linux_->masked_paths.empty());
    CHECK_FALSE(c.linux_->readonly_paths.empty());
}

TEST_CASE("rootless default config maps the caller and binds /sys", "[spec][defaults]") {
    auto result = parse_config(default_config_json(true, 1000, 1001));
    INFO(describe(result.errors));
    REQUIRE(result.errors.empty());
    REQUIRE(result.config);
    const Config &c = *result.config;
    REQUIRE(c.linux_);
    REQUIRE(c.linux_->find_namespace(NamespaceType::User));
    CHECK_FALSE(c.linux_->find_namespace(NamespaceType::Network));
    REQUIRE(c.linux_->uid_mappings.size() == 1);
    CHECK(c.linux_->uid_mappings[0].container_id == 0);
    CHECK(c.linux_->uid_mappings[0].host_id == 1000);
    CHECK(c.linux_->uid_mappings[0].size == 1);
    REQUIRE(c.linux_->gid_mappings.size() == 1);
    CHECK(c.linux_->gid_mappings[0].host_id == 1001);
    const Mount *sys = find_mount(c, "/sys");
    REQUIRE(sys);
    CHECK(has_option(*sys, "rbind"));
    CHECK(has_option(*sys, "ro"));
    CHECK_FALSE(has_option(*find_mount(c, "/dev/pts"), "gid=5"));
    CHECK_FALSE(c.linux_->resources);
}
