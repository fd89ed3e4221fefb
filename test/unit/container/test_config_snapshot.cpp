// The state dir's config.json: later commands read the config create saw.
#include <ocrt/container/config_snapshot.hpp>

#include <temp_dir.hpp>

#include <catch2/catch.hpp>

#include <sys/stat.h>

using namespace ocrt::container;
using ocrt::testing::TempDir;

namespace {

const char *kConfig = R"({"ociVersion":"1.3.0","root":{"path":"rootfs"},
  "process":{"cwd":"/","args":["/bin/true"],"user":{"uid":0,"gid":0}},
  "hostname":"snap","linux":{"namespaces":[{"type":"uts"}]}})";

Record record_for(const std::string &id) {
    Record record;
    record.oci.oci_version = "1.3.0";
    record.oci.id = id;
    record.oci.status = "creating";
    record.oci.bundle = "/bundle";
    record.oci.created = "2026-08-01T12:00:00.000000000Z";
    return record;
}

}  // namespace

TEST_CASE("the snapshot saved at create is what later commands load, 0600") {
    TempDir root;
    auto dir = claim_container_dir(root.path(), "snap", record_for("snap"));
    REQUIRE(dir);
    REQUIRE(save_config_snapshot(*dir, kConfig));
    struct stat info {};
    REQUIRE(::stat((dir->path() + "/config.json").c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0600);

    auto config = load_config_snapshot(dir->path());
    INFO((config ? std::string() : config.error().render()));
    REQUIRE(config);
    CHECK(config->hostname == "snap");
    REQUIRE(config->process);
    CHECK(config->process->args == std::vector<std::string>{"/bin/true"});
}

TEST_CASE("a missing or broken snapshot is an error naming the file") {
    TempDir root;
    auto missing = load_config_snapshot(root.path());
    REQUIRE_FALSE(missing);
    CHECK(missing.error().render().find(root.path() + "/config.json") != std::string::npos);

    root.write("config.json", R"({"ociVersion":"1.3.0","root":{"path":7}})");
    auto broken = load_config_snapshot(root.path());
    REQUIRE_FALSE(broken);
    CHECK(broken.error().render().find("/root/path") != std::string::npos);
}
