// Parse-time errors: malformed JSON, wrong types, ranges, unknown enum words,
// each at its exact JSON pointer.
#include "config_fixture.hpp"

#include <catch2/catch.hpp>

using namespace ocrt::spec;
using namespace spec_test;

namespace {

struct Case {
    const char *patch_pointer;  // where full-config.json is changed
    json value;
    const char *error_pointer;
    const char *message;  // exact
};

std::vector<Case> type_and_range_cases() {
    return {
        {"/process/terminal", "yes", "/process/terminal", "expected boolean, got string"},
        {"/process/args", "sh", "/process/args", "expected array, got string"},
        {"/process/args/1", 5, "/process/args/1", "expected string, got number"},
        {"/process/user/uid", -1, "/process/user/uid", "value -1 out of range for uint32"},
        {"/process/user/gid", 4294967296ull, "/process/user/gid", "value 4294967296 out of range for uint32"},
        {"/process/user/umask", 1.5, "/process/user/umask", "expected integer, got non-integral number 1.5"},
        {"/process/user/additionalGids/1", "6", "/process/user/additionalGids/1", "expected integer, got string"},
        {"/process/consoleSize/height", -3, "/process/consoleSize/height", "value -3 out of range for uint64"},
        {"/process/rlimits/0/soft", 1e20, "/process/rlimits/0/soft", "out of range for uint64"},
        {"/process/oomScoreAdj", 3000000000ll, "/process/oomScoreAdj", "value 3000000000 out of range for int32"},
        {"/process/capabilities", json::array(), "/process/capabilities", "expected object, got array"},
        {"/process/scheduler/nice", "0", "/process/scheduler/nice", "expected integer, got string"},
        {"/process/execCPUAffinity/final", "0-3;7", "/process/execCPUAffinity/final", "invalid CPU list \"0-3;7\""},
        {"/root", "rootfs", "/root", "expected object, got string"},
        {"/root/readonly", 1, "/root/readonly", "expected boolean, got number"},
        {"/mounts", json::object(), "/mounts", "expected array, got object"},
        {"/mounts/1/options/0", true, "/mounts/1/options/0", "expected string, got boolean"},
        {"/mounts/1/uidMappings/0/size", -1, "/mounts/1/uidMappings/0/size", "value -1 out of range for uint32"},
        {"/hostname", 7, "/hostname", "expected string, got number"},
        {"/annotations/com.example.key1", 1, "/annotations/com.example.key1", "expected string, got number"},
        {"/annotations/a~1b", 1, "/annotations/a~1b", "expected string, got number"},
        {"/hooks/poststart/0/timeout", 0, "/hooks/poststart/0/timeout", "hook timeout must be > 0, got 0"},
        {"/hooks/poststart/0/timeout", -2, "/hooks/poststart/0/timeout", "hook timeout must be > 0, got -2"},
        {"/linux/uidMappings/0/hostID", "1000", "/linux/uidMappings/0/hostID", "expected integer, got string"},
        {"/linux/timeOffsets/monotonic/nanosecs", -1, "/linux/timeOffsets/monotonic/nanosecs",
         "value -1 out of range for uint32"},
        {"/linux/devices/0/major", "10", "/linux/devices/0/major", "expected integer, got string"},
        {"/linux/resources/blockIO/weight", 70000, "/linux/resources/blockIO/weight",
         "value 70000 out of range for uint16"},
        {"/linux/resources/memory/limit", 9223372036854775808ull, "/linux/resources/memory/limit",
         "value 9223372036854775808 out of range for int64"},
        {"/linux/resources/memory/swappiness", -1, "/linux/resources/memory/swappiness",
         "value -1 out of range for uint64"},
        {"/linux/resources/pids/limit", "max", "/linux/resources/pids/limit", "expected integer, got string"},
        {"/linux/resources/devices/1/access", "rwx", "/linux/resources/devices/1/access",
         "invalid device access \"rwx\" (a subset of \"rwm\")"},
        {"/linux/resources/hugepageLimits/0/pageSize", "2M", "/linux/resources/hugepageLimits/0/pageSize",
         "invalid page size \"2M\" (like \"2MB\")"},
        {"/linux/resources/network/classID", -5, "/linux/resources/network/classID",
         "value -5 out of range for uint32"},
        {"/linux/resources/rdma/mlx5_1/hcaHandles", true, "/linux/resources/rdma/mlx5_1/hcaHandles",
         "expected integer, got boolean"},
        {"/linux/resources/unified/io.weight", 100, "/linux/resources/unified/io.weight",
         "expected string, got number"},
        {"/linux/intelRdt/memBwSchema", "L3:0=1", "/linux/intelRdt/memBwSchema",
         "must start with \"MB:\" and contain no newline"},
        {"/linux/intelRdt/schemata/0", "L2:0=ff\nL3:0=1", "/linux/intelRdt/schemata/0", "must not contain a newline"},
        {"/linux/seccomp/syscalls/0/names", json::array(), "/linux/seccomp/syscalls/0/names",
         "must contain at least one syscall name"},
        {"/linux/seccomp/syscalls/1/args/0/index", -1, "/linux/seccomp/syscalls/1/args/0/index",
         "value -1 out of range for uint32"},
        {"/linux/sysctl", json::array(), "/linux/sysctl", "expected object, got array"},
        {"/linux/netDevices/eth1/name", 1, "/linux/netDevices/eth1/name", "expected string, got number"},
        {"/linux/namespaces/0", "pid", "/linux/namespaces/0", "expected object, got string"},
    };
}

std::vector<Case> unknown_word_cases() {
    return {
        {"/process/rlimits/1/type", "RLIMIT_FOO", "/process/rlimits/1/type", "unknown rlimit \"RLIMIT_FOO\""},
        {"/process/capabilities/bounding/2", "CAP_FOO", "/process/capabilities/bounding/2",
         "unknown capability \"CAP_FOO\""},
        {"/process/capabilities/ambient/0", "chown", "/process/capabilities/ambient/0",
         "unknown capability \"chown\""},
        {"/process/scheduler/policy", "SCHED_FAST", "/process/scheduler/policy",
         "unknown scheduler policy \"SCHED_FAST\""},
        {"/process/scheduler/flags/0", "SCHED_FLAG_X", "/process/scheduler/flags/0",
         "unknown scheduler flag \"SCHED_FLAG_X\""},
        {"/process/ioPriority/class", "IOPRIO_CLASS_NONE", "/process/ioPriority/class",
         "unknown ioPriority class \"IOPRIO_CLASS_NONE\""},
        {"/linux/namespaces/2/type", "ipcs", "/linux/namespaces/2/type", "unknown namespace type \"ipcs\""},
        {"/linux/devices/0/type", "x", "/linux/devices/0/type", "unknown device type \"x\""},
        {"/linux/resources/devices/1/type", "p", "/linux/resources/devices/1/type",
         "unknown device rule type \"p\""},
        {"/linux/timeOffsets/realtime", json{{"secs", 1}}, "/linux/timeOffsets/realtime",
         "unknown clock \"realtime\""},
        {"/linux/rootfsPropagation", "rprivatee", "/linux/rootfsPropagation",
         "unknown rootfs propagation \"rprivatee\""},
        {"/linux/seccomp/defaultAction", "SCMP_ACT_YES", "/linux/seccomp/defaultAction",
         "unknown seccomp action \"SCMP_ACT_YES\""},
        {"/linux/seccomp/syscalls/2/action", "allow", "/linux/seccomp/syscalls/2/action",
         "unknown seccomp action \"allow\""},
        {"/linux/seccomp/syscalls/1/args/0/op", "SCMP_CMP_XX", "/linux/seccomp/syscalls/1/args/0/op",
         "unknown seccomp operator \"SCMP_CMP_XX\""},
        {"/linux/seccomp/architectures/1", "SCMP_ARCH_Z80", "/linux/seccomp/architectures/1",
         "unknown seccomp architecture \"SCMP_ARCH_Z80\""},
        {"/linux/seccomp/flags/0", "SECCOMP_FILTER_FLAG_NOPE", "/linux/seccomp/flags/0",
         "unknown seccomp flag \"SECCOMP_FILTER_FLAG_NOPE\""},
        {"/linux/memoryPolicy/mode", "MPOL_ANY", "/linux/memoryPolicy/mode",
         "unknown memory policy mode \"MPOL_ANY\""},
        {"/linux/memoryPolicy/flags/0", "MPOL_F_X", "/linux/memoryPolicy/flags/0",
         "unknown memory policy flag \"MPOL_F_X\""},
        {"/linux/personality/domain", "LINUX64", "/linux/personality/domain",
         "unknown personality domain \"LINUX64\""},
    };
}

void check_case(const Case &c) {
    INFO("patch " << c.patch_pointer << " = " << c.value.dump());
    auto result = parse(patched(full_config(), c.patch_pointer, c.value));
    INFO(describe(result.errors));
    CHECK_FALSE(result.config);
    REQUIRE(result.errors.size() == 1);
    CHECK(result.errors[0].pointer == c.error_pointer);
    CHECK(result.errors[0].message.find(c.message) != std::string::npos);
}

}  // namespace

TEST_CASE("wrong types and out-of-range integers name their field", "[spec][errors]") {
    for (const auto &c : type_and_range_cases()) check_case(c);
}

TEST_CASE("unknown enum words name their field", "[spec][errors]") {
    for (const auto &c : unknown_word_cases()) check_case(c);
}

TEST_CASE("required fields are reported at their pointer", "[spec][errors]") {
    struct Missing {
        const char *remove;
    };
    const char *pointers[] = {
        "/ociVersion",
        "/root",
        "/root/path",
        "/mounts/0/destination",
        "/hooks/prestart/0/path",
        "/process/consoleSize/width",
        "/process/rlimits/0/type",
        "/process/rlimits/0/soft",
        "/process/rlimits/0/hard",
        "/process/ioPriority/class",
        "/process/scheduler/policy",
        "/linux/namespaces/0/type",
        "/linux/uidMappings/0/containerID",
        "/linux/devices/0/path",
        "/linux/devices/0/type",
        "/linux/resources/devices/0/allow",
        "/linux/resources/blockIO/weightDevice/0/major",
        "/linux/resources/blockIO/throttleReadBpsDevice/0/rate",
        "/linux/resources/hugepageLimits/0/pageSize",
        "/linux/resources/network/priorities/0/name",
        "/linux/seccomp/defaultAction",
        "/linux/seccomp/syscalls/0/names",
        "/linux/seccomp/syscalls/0/action",
        "/linux/seccomp/syscalls/1/args/0/op",
        "/linux/memoryPolicy/mode",
        "/linux/personality/domain",
    };
    for (const char *ptr : pointers) {
        INFO("removed " << ptr);
        auto result = parse(without(full_config(), ptr));
        INFO(describe(result.errors));
        CHECK_FALSE(result.config);
        REQUIRE(result.errors.size() == 1);
        CHECK(result.errors[0].pointer == ptr);
        CHECK(result.errors[0].message == "required field is missing");
    }
}

TEST_CASE("malformed JSON reports line and column", "[spec][errors]") {
    auto result = parse_config("{\n  \"ociVersion\": \"1.0.0\",\n  \"root\": {\"path\": }\n}");
    REQUIRE(result.errors.size() == 1);
    CHECK(result.errors[0].pointer.empty());
    CHECK(result.errors[0].message.find("malformed JSON") == 0);
    CHECK(result.errors[0].message.find("line 3, column 20") != std::string::npos);
    CHECK_FALSE(result.config);

    CHECK(parse_config("").errors.size() == 1);
    CHECK(parse_config("{} trailing").errors.size() == 1);
    CHECK(parse_config("\"\\xff\"").errors.size() == 1);
}

TEST_CASE("the document itself must be an object", "[spec][errors]") {
    for (const char *text : {"null", "[]", "42", "\"config\""}) {
        auto result = parse_config(text);
        REQUIRE(result.errors.size() == 1);
        CHECK(result.errors[0].pointer.empty());
        CHECK(result.errors[0].message.find("expected object, got ") == 0);
    }
}

TEST_CASE("every error of a document is reported at once", "[spec][errors]") {
    json doc = full_config();
    doc["process"]["terminal"] = "yes";
    doc["process"]["rlimits"][1]["type"] = "RLIMIT_FOO";
    doc["linux"]["namespaces"][3]["type"] = "bogus";
    doc["linux"]["seccomp"]["flags"] = {"SECCOMP_FILTER_FLAG_LOG", "NOPE"};
    doc.erase("ociVersion");
    auto result = parse(doc);
    INFO(describe(result.errors));
    CHECK(result.errors.size() == 5);
    CHECK(has(result.errors, "/ociVersion", "required field is missing"));
    CHECK(has(result.errors, "/process/terminal", "expected boolean, got string"));
    CHECK(has(result.errors, "/process/rlimits/1/type", "unknown rlimit \"RLIMIT_FOO\""));
    CHECK(has(result.errors, "/linux/namespaces/3/type", "unknown namespace type \"bogus\""));
    CHECK(has(result.errors, "/linux/seccomp/flags/1", "unknown seccomp flag \"NOPE\""));
}

TEST_CASE("render formats document, pointer and message", "[spec][errors]") {
    CHECK(render({"/process/rlimits/1/type", "unknown rlimit \"RLIMIT_FOO\""}) ==
          "config.json: /process/rlimits/1/type: unknown rlimit \"RLIMIT_FOO\"");
    CHECK(render({"", "malformed JSON"}, "process.json") == "process.json: malformed JSON");
}

TEST_CASE("JSON pointers escape ~ and / in keys (RFC 6901)", "[spec][errors]") {
    json doc = minimal_config();
    doc["annotations"] = {{"a/b~c", 1}, {"", "x"}};
    auto result = parse(doc);
    INFO(describe(result.errors));
    CHECK(has(result.errors, "/annotations/a~1b~0c", "expected string, got number"));
    CHECK(has(result.errors, "/annotations/", "key must not be empty"));
}

TEST_CASE("ociVersion range 1.0.0 .. 1.3.x", "[spec][errors]") {
    for (const char *ok : {"1.0.0", "1.0.2", "1.0.2-dev", "1.1.0", "1.2.1", "1.3.0", "1.3.7", "1.3.0-rc.1+build.5",
                           "1.0.0-rc5"}) {
        INFO(ok);
        auto result = parse(patched(minimal_config(), "/ociVersion", ok));
        INFO(describe(result.errors));
        CHECK(result.config);
    }
    for (const char *bad : {"1.4.0", "2.0.0", "0.9.9", "1.0", "1", "", "v1.0.0", "1.0.0.0", "1.01.0", "1.0.0-",
                            "1.3.x", "a.b.c"}) {
        INFO(bad);
        auto result = parse(patched(minimal_config(), "/ociVersion", bad));
        REQUIRE(result.errors.size() == 1);
        CHECK(result.errors[0].pointer == "/ociVersion");
        CHECK(result.errors[0].message ==
              "unsupported ociVersion \"" + std::string(bad) + "\" (supported: 1.0.0 to 1.3.x)");
    }
    auto typed = parse(patched(minimal_config(), "/ociVersion", 1.1));
    CHECK(has(typed.errors, "/ociVersion", "expected string, got number"));
}

TEST_CASE("parse_process pointers are relative to the process object", "[spec][errors]") {
    auto result = parse_process(R"({"args": ["sh"], "cwd": "/", "rlimits": [{"type": "RLIMIT_X", "soft": 1, "hard": 1}],
                                   "terminal": 1})");
    INFO(describe(result.errors));
    CHECK_FALSE(result.process);
    CHECK(result.errors.size() == 2);
    CHECK(has(result.errors, "/rlimits/0/type", "unknown rlimit \"RLIMIT_X\""));
    CHECK(has(result.errors, "/terminal", "expected boolean, got number"));

    auto semantic = parse_process(R"({"args": [], "cwd": "relative"})");
    INFO(describe(semantic.errors));
    CHECK(has(semantic.errors, "/args", "must contain at least one entry"));
    CHECK(has(semantic.errors, "/cwd", "must be an absolute path, got \"relative\""));

    auto malformed = parse_process("{");
    REQUIRE(malformed.errors.size() == 1);
    CHECK(malformed.errors[0].message.find("malformed JSON") == 0);
}
