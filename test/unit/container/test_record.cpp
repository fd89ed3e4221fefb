#include <ocrt/container/record.hpp>

#include <catch2/catch.hpp>

using namespace ocrt::container;

namespace {

Record sample_record() {
    Record record;
    record.oci.oci_version = "1.3.0";
    record.oci.id = "web";
    record.oci.status = "created";
    record.oci.pid = 4242;
    record.oci.bundle = "/b";
    record.oci.rootfs = "/b/rootfs";
    record.oci.created = "2026-08-01T12:00:00.000000001Z";
    record.oci.annotations = {{"org.example/key", "value"}};
    record.init_start_time = 123456789012ULL;
    record.private_pid_namespace = true;
    record.cgroup_manager = "systemd";
    record.cgroups_path = "system.slice:ocrt:web";
    return record;
}

}  // namespace

TEST_CASE("a record survives a round trip through JSON", "[record]") {
    Record original = sample_record();
    auto back = record_from_json(record_to_json(original));
    REQUIRE(back);
    CHECK(back->oci.id == "web");
    CHECK(back->oci.status == "created");
    CHECK(back->oci.pid == 4242);
    CHECK(back->oci.bundle == "/b");
    CHECK(back->oci.rootfs == "/b/rootfs");
    CHECK(back->oci.created == original.oci.created);
    CHECK(back->oci.annotations == original.oci.annotations);
    CHECK(back->init_start_time == 123456789012ULL);
    CHECK(back->private_pid_namespace);
    CHECK(back->cgroup_manager == "systemd");
    CHECK(back->cgroups_path == "system.slice:ocrt:web");
}

TEST_CASE("our own facts live under the \"ocrt\" key, the OCI ones at the top", "[record]") {
    std::string text = record_to_json(sample_record());
    CHECK(text.find("\"ocrt\": {") != std::string::npos);
    CHECK(text.find("\"initStartTime\": 123456789012") != std::string::npos);
    CHECK(text.rfind("{\n  \"ociVersion\": \"1.3.0\"", 0) == 0);
}

TEST_CASE("a record without the \"ocrt\" object loads with defaults", "[record]") {
    auto record = record_from_json(R"({"ociVersion":"1.0.0","id":"x","status":"stopped","pid":0,"bundle":"/b"})");
    REQUIRE(record);
    CHECK(record->init_start_time == 0);
    CHECK_FALSE(record->private_pid_namespace);
}

TEST_CASE("malformed records are errors, not crashes", "[record]") {
    auto text = GENERATE(as<std::string>{}, "", "{", "[]", R"({"id":"x"})",
                         R"({"ociVersion":"1","id":"x","status":"dancing","pid":0,"bundle":"/b"})",
                         R"({"ociVersion":"1","id":"x","status":"created","pid":1,"bundle":"/b","ocrt":{"initStartTime":"soon"}})",
                         R"({"ociVersion":"1","id":"x","status":"created","pid":1,"bundle":"/b","ocrt":[]})");
    CAPTURE(text);
    CHECK_FALSE(record_from_json(text));
}

TEST_CASE("timestamps are RFC 3339 UTC with nanoseconds", "[record]") {
    CHECK(rfc3339_nano_utc(timespec{0, 0}) == "1970-01-01T00:00:00.000000000Z");
    CHECK(rfc3339_nano_utc(timespec{1785585600, 123456789}) == "2026-08-01T12:00:00.123456789Z");
    std::string now = now_rfc3339_nano_utc();
    CHECK(now.size() == 30);
    CHECK(now.back() == 'Z');
    CHECK(now[19] == '.');
}

TEST_CASE("only a pid namespace without a path is private", "[record]") {
    ocrt::spec::Config config;
    CHECK_FALSE(has_private_pid_namespace(config));
    config.linux_.emplace();
    CHECK_FALSE(has_private_pid_namespace(config));
    config.linux_->namespaces.push_back({ocrt::spec::NamespaceType::Network, ""});
    CHECK_FALSE(has_private_pid_namespace(config));
    config.linux_->namespaces.push_back({ocrt::spec::NamespaceType::Pid, "/proc/1/ns/pid"});
    CHECK_FALSE(has_private_pid_namespace(config));
    config.linux_->namespaces.back().path.clear();
    CHECK(has_private_pid_namespace(config));
}

TEST_CASE("create --no-new-keyring is recorded for exec", "[record]") {
    Record original = sample_record();
    original.no_new_keyring = true;
    auto back = record_from_json(record_to_json(original));
    REQUIRE(back);
    CHECK(back->no_new_keyring);
    original.no_new_keyring = false;
    back = record_from_json(record_to_json(original));
    REQUIRE(back);
    CHECK_FALSE(back->no_new_keyring);
}

TEST_CASE("the systemd driver's unit is recorded for the later commands", "[record]") {
    Record original = sample_record();
    original.cgroup_unit = "ocrt-web.scope";
    original.cgroup_dirs = {{"unified", "/sys/fs/cgroup/system.slice/ocrt-web.scope"}};
    auto back = record_from_json(record_to_json(original));
    REQUIRE(back);
    CHECK(back->cgroup_manager == "systemd");
    CHECK(back->cgroup_unit == "ocrt-web.scope");
    CHECK(back->cgroup_dirs == original.cgroup_dirs);
}
