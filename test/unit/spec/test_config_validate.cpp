// Semantic validation (validate*.cpp): each rule, at its pointer.
#include "config_fixture.hpp"

#include <catch2/catch.hpp>

using namespace ocrt::spec;
using namespace spec_test;

namespace {

struct Rule {
    const char *name;
    json doc;
    const char *pointer;
    const char *message;  // substring
};

json with_linux(json doc, json os) {
    doc["linux"] = std::move(os);
    return doc;
}

const std::string nul_string("a\0b", 3);

std::vector<Rule> rules() {
    json m = minimal_config();
    json full = full_config();
    json uts = json{{"namespaces", {{{"type", "uts"}}}}};
    return {
        {"empty root path", patched(m, "/root/path", ""), "/root/path", "must not be empty"},
        {"process without cwd", without(m, "/process/cwd"), "/process/cwd", "required field is missing"},
        {"relative cwd", patched(m, "/process/cwd", "tmp"), "/process/cwd",
         "must be an absolute path, got \"tmp\""},
        {"empty args", patched(m, "/process/args", json::array()), "/process/args",
         "must contain at least one entry"},
        {"missing args", without(m, "/process/args"), "/process/args", "must contain at least one entry"},
        {"env without =", patched(m, "/process/env", {"A=1", "JUSTKEY"}), "/process/env/1",
         "must be of the form KEY=VALUE, got \"JUSTKEY\""},
        {"env with empty key", patched(m, "/process/env", {"=x"}), "/process/env/0", "KEY=VALUE"},
        {"duplicate rlimit", patched(full, "/process/rlimits/1/type", "RLIMIT_NOFILE"), "/process/rlimits/1/type",
         "duplicate rlimit \"RLIMIT_NOFILE\""},
        {"soft above hard", patched(full, "/process/rlimits/0/soft", 5000), "/process/rlimits/0",
         "soft limit 5000 exceeds hard limit 4096"},
        {"oomScoreAdj range", patched(m, "/process/oomScoreAdj", 1001), "/process/oomScoreAdj",
         "out of range (-1000..1000)"},
        {"ioPriority range", patched(full, "/process/ioPriority/priority", 8), "/process/ioPriority/priority",
         "out of range (0..7)"},
        {"nice range", patched(full, "/process/scheduler/nice", -21), "/process/scheduler/nice",
         "out of range (-20..19)"},
        {"priority needs realtime", patched(full, "/process/scheduler/policy", "SCHED_OTHER"),
         "/process/scheduler/priority", "needs policy SCHED_FIFO or SCHED_RR"},
        {"realtime priority range", patched(full, "/process/scheduler/priority", 100), "/process/scheduler/priority",
         "out of range (1..99)"},
        {"deadline fields need SCHED_DEADLINE", patched(full, "/process/scheduler/runtime", 10),
         "/process/scheduler", "need policy SCHED_DEADLINE"},
        {"SCHED_DEADLINE without a deadline",
         patched(full, "/process/scheduler", json{{"policy", "SCHED_DEADLINE"}, {"runtime", 1000000}}),
         "/process/scheduler", "SCHED_DEADLINE needs a runtime and a deadline"},
        {"SCHED_DEADLINE runtime above deadline",
         patched(full, "/process/scheduler",
                 json{{"policy", "SCHED_DEADLINE"}, {"runtime", 2000000}, {"deadline", 1000000}}),
         "/process/scheduler", "SCHED_DEADLINE needs runtime <= deadline <= period"},
        {"SCHED_DEADLINE deadline above period",
         patched(full, "/process/scheduler",
                 json{{"policy", "SCHED_DEADLINE"}, {"runtime", 1000}, {"deadline", 3000}, {"period", 2000}}),
         "/process/scheduler", "SCHED_DEADLINE needs runtime <= deadline <= period"},
        {"CPU range backwards", patched(full, "/process/execCPUAffinity/final", "3-1"),
         "/process/execCPUAffinity/final", "invalid CPU list \"3-1\": range \"3-1\" ends before it starts"},
        {"CPU list empty entry", patched(full, "/process/execCPUAffinity/initial", "1,,2"),
         "/process/execCPUAffinity/initial", "invalid CPU list \"1,,2\": empty entry"},
        {"CPU number too large", patched(full, "/process/execCPUAffinity/initial", "0-99999"),
         "/process/execCPUAffinity/initial", "CPU 99999 is above the largest possible 8191"},
        {"empty mount destination", patched(full, "/mounts/0/destination", ""), "/mounts/0/destination",
         "must not be empty"},
        {"mount uid map without gid map", without(full, "/mounts/1/gidMappings"), "/mounts/1/gidMappings",
         "must be given together"},
        {"hostname without uts", patched(m, "/hostname", "box"), "/hostname",
         "unable to set hostname without a private UTS namespace"},
        {"domainname without uts", patched(with_linux(m, json::object()), "/domainname", "example"), "/domainname",
         "unable to set domainname without a private UTS namespace"},
        {"relative hook path", patched(full, "/hooks/poststop/0/path", "cleanup.sh"), "/hooks/poststop/0/path",
         "must be an absolute path, got \"cleanup.sh\""},
        {"hook env without =", patched(full, "/hooks/prestart/0/env/0", "key1"), "/hooks/prestart/0/env/0",
         "KEY=VALUE"},
        {"duplicate namespace", patched(full, "/linux/namespaces/2/type", "pid"), "/linux/namespaces/2/type",
         "duplicate namespace \"pid\""},
        {"relative namespace path", patched(full, "/linux/namespaces/1/path", "netns/blue"),
         "/linux/namespaces/1/path", "must be an absolute path"},
        {"uid mappings without user ns",
         with_linux(m, {{"uidMappings", {{{"containerID", 0}, {"hostID", 1}, {"size", 1}}}}}), "/linux/uidMappings",
         "uid mappings given without a user namespace"},
        {"gid mappings without user ns",
         with_linux(m, {{"gidMappings", {{{"containerID", 0}, {"hostID", 1}, {"size", 1}}}}}), "/linux/gidMappings",
         "gid mappings given without a user namespace"},
        {"new user ns without uid mappings", without(full, "/linux/uidMappings"), "/linux/uidMappings",
         "user namespaces enabled, but no uid mappings found"},
        {"new user ns without gid mappings", without(full, "/linux/gidMappings"), "/linux/gidMappings",
         "user namespaces enabled, but no gid mappings found"},
        {"zero-size mapping", patched(full, "/linux/uidMappings/0/size", 0), "/linux/uidMappings/0/size",
         "must be > 0"},
        {"time offsets without time ns",
         with_linux(m, {{"timeOffsets", {{"boottime", {{"secs", 1}}}}}}), "/linux/timeOffsets",
         "time offsets need a time namespace"},
        {"time offsets joining time ns", patched(full, "/linux/namespaces/7/path", "/proc/1/ns/time"),
         "/linux/timeOffsets", "cannot be set when joining an existing time namespace"},
        {"char device without major", without(full, "/linux/devices/0/major"), "/linux/devices/0/major",
         "required for device type \"c\""},
        {"relative device path", patched(full, "/linux/devices/1/path", "dev/fifo"), "/linux/devices/1/path",
         "must be an absolute path"},
        {"relative masked path", patched(full, "/linux/maskedPaths/0", "proc/kcore"), "/linux/maskedPaths/0",
         "must be an absolute path"},
        {"relative readonly path", patched(full, "/linux/readonlyPaths/0", "proc/sys"), "/linux/readonlyPaths/0",
         "must be an absolute path"},
        {"cgroupsPath with ..", patched(full, "/linux/cgroupsPath", "/a/../../b"), "/linux/cgroupsPath",
         "must not contain a \"..\" component"},
        {"memory policy bind without nodes", patched(full, "/linux/memoryPolicy/nodes", ""),
         "/linux/memoryPolicy/nodes", "required for mode MPOL_BIND"},
        {"memory policy default with nodes", patched(full, "/linux/memoryPolicy/mode", "MPOL_DEFAULT"),
         "/linux/memoryPolicy/nodes", "must be empty for mode MPOL_DEFAULT"},
        {"personality flags", patched(full, "/linux/personality/flags", {"ADDR_NO_RANDOMIZE"}),
         "/linux/personality/flags/0", "unsupported personality flag \"ADDR_NO_RANDOMIZE\""},
        {"non-namespaced sysctl", patched(full, "/linux/sysctl/kernel.core_pattern", "|/evil"),
         "/linux/sysctl/kernel.core_pattern", "is not namespaced"},
        {"vm sysctl", patched(full, "/linux/sysctl/vm.swappiness", "1"), "/linux/sysctl/vm.swappiness",
         "is not namespaced"},
        {"sysctl with ..", patched(full, "/linux/sysctl/net~1..~1kernel~1core_pattern", "x"),
         "/linux/sysctl/net~1..~1kernel~1core_pattern", "invalid sysctl name"},
        {"net sysctl without netns", with_linux(m, {{"sysctl", {{"net.ipv4.ip_forward", "1"}}}}),
         "/linux/sysctl/net.ipv4.ip_forward", "needs a private network namespace"},
        {"ipc sysctl without ipcns", with_linux(m, {{"sysctl", {{"fs.mqueue.msg_max", "10"}}}}),
         "/linux/sysctl/fs.mqueue.msg_max", "needs a private IPC namespace"},
        {"uts sysctl without utsns", with_linux(m, {{"sysctl", {{"kernel.domainname", "x"}}}}),
         "/linux/sysctl/kernel.domainname", "needs a private UTS namespace"},
        {"notify as default action", patched(full, "/linux/seccomp/defaultAction", "SCMP_ACT_NOTIFY"),
         "/linux/seccomp/defaultAction", "cannot be the default action"},
        {"default errno with allow", patched(full, "/linux/seccomp/defaultAction", "SCMP_ACT_ALLOW"),
         "/linux/seccomp/defaultErrnoRet", "only allowed with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not SCMP_ACT_ALLOW"},
        {"syscall errno with kill", patched(full, "/linux/seccomp/syscalls/0/action", "SCMP_ACT_KILL"),
         "/linux/seccomp/syscalls/0/errnoRet", "not SCMP_ACT_KILL"},
        {"arg index above 5", patched(full, "/linux/seccomp/syscalls/1/args/0/index", 6),
         "/linux/seccomp/syscalls/1/args/0/index", "syscall argument index 6 out of range (0..5)"},
        {"notify without listener",
         without(without(full, "/linux/seccomp/listenerPath"), "/linux/seccomp/listenerMetadata"),
         "/linux/seccomp/listenerPath", "required when SCMP_ACT_NOTIFY is used"},
        {"metadata without listener",
         patched(without(full, "/linux/seccomp/listenerPath"), "/linux/seccomp/syscalls/2/action", "SCMP_ACT_LOG"),
         "/linux/seccomp/listenerMetadata", "must not be set without listenerPath"},
        {"NUL in root path", patched(m, "/root/path", nul_string), "/root/path", "must not contain a NUL byte"},
        {"NUL in arg", patched(m, "/process/args/0", nul_string), "/process/args/0", "NUL byte"},
        {"NUL in env", patched(m, "/process/env", {"A=" + nul_string}), "/process/env/0", "NUL byte"},
        {"NUL in cwd", patched(m, "/process/cwd", "/" + nul_string), "/process/cwd", "NUL byte"},
        {"NUL in hostname", patched(with_linux(m, uts), "/hostname", nul_string), "/hostname", "NUL byte"},
        {"NUL in mount source", patched(full, "/mounts/1/source", "/v" + nul_string), "/mounts/1/source", "NUL byte"},
        {"NUL in mount destination", patched(full, "/mounts/1/destination", "/d" + nul_string),
         "/mounts/1/destination", "NUL byte"},
        {"NUL in mount option", patched(full, "/mounts/1/options/1", nul_string), "/mounts/1/options/1",
         "NUL byte"},
        {"NUL in cgroupsPath", patched(full, "/linux/cgroupsPath", "/x" + nul_string), "/linux/cgroupsPath",
         "NUL byte"},
        {"NUL in hook arg", patched(full, "/hooks/poststop/0/args/1", nul_string), "/hooks/poststop/0/args/1",
         "NUL byte"},
        {"NUL in namespace path", patched(full, "/linux/namespaces/1/path", "/n" + nul_string),
         "/linux/namespaces/1/path", "NUL byte"},
    };
}

}  // namespace

TEST_CASE("semantic rules report their pointer", "[spec][validate]") {
    for (const auto &rule : rules()) {
        INFO(rule.name);
        auto result = parse(rule.doc);
        INFO(describe(result.errors));
        CHECK_FALSE(result.config);
        CHECK(has(result.errors, rule.pointer, rule.message));
    }
}

TEST_CASE("all semantic errors are collected together", "[spec][validate]") {
    json doc = minimal_config();
    doc["process"]["cwd"] = "relative";
    doc["process"]["env"] = {"NOEQUALS"};
    doc["hostname"] = "box";
    doc["linux"] = {{"namespaces", {{{"type", "pid"}}, {{"type", "pid"}}}}};
    auto result = parse(doc);
    INFO(describe(result.errors));
    CHECK(result.errors.size() == 4);
    CHECK(has(result.errors, "/process/cwd", "absolute"));
    CHECK(has(result.errors, "/process/env/0", "KEY=VALUE"));
    CHECK(has(result.errors, "/hostname", "UTS"));
    CHECK(has(result.errors, "/linux/namespaces/1/type", "duplicate namespace \"pid\""));
}

TEST_CASE("valid edge cases pass validation", "[spec][validate]") {
    json m = minimal_config();
    SECTION("hostname with a joined UTS namespace") {
        json doc = with_linux(m, {{"namespaces", {{{"type", "uts"}, {"path", "/proc/1/ns/uts"}}}}});
        doc["hostname"] = "box";
        auto result = parse(doc);
        INFO(describe(result.errors));
        CHECK(result.config);
    }
    SECTION("joining a user namespace needs no mappings") {
        auto result = parse(with_linux(m, {{"namespaces", {{{"type", "user"}, {"path", "/proc/1/ns/user"}}}}}));
        INFO(describe(result.errors));
        CHECK(result.config);
    }
    SECTION("FIFO devices need no numbers, config without process is fine") {
        json doc = with_linux(m, {{"devices", {{{"type", "p"}, {"path", "/dev/fifo"}}}}});
        doc.erase("process");
        auto result = parse(doc);
        INFO(describe(result.errors));
        CHECK(result.config);
    }
    SECTION("recursive rootfs propagation words") {
        auto result = parse(with_linux(m, {{"rootfsPropagation", "rslave"}}));
        INFO(describe(result.errors));
        REQUIRE(result.config);
        CHECK(result.config->linux_->rootfs_propagation == "rslave");
    }
    SECTION("a relative mount destination is only a warning") {
        json doc = m;
        doc["mounts"] = {{{"destination", "data"}, {"type", "tmpfs"}, {"source", "tmpfs"}}};
        auto result = parse(doc);
        INFO(describe(result.errors));
        REQUIRE(result.config);
        REQUIRE(result.warnings.size() == 1);
        CHECK(result.warnings[0].pointer == "/mounts/0/destination");
        CHECK(result.warnings[0].message.find("deprecated") != std::string::npos);
    }
    SECTION("NUL bytes in annotations do not reach syscalls and are accepted") {
        auto result = parse(patched(m, "/annotations/k", nul_string));
        INFO(describe(result.errors));
        CHECK(result.config);
    }
}
