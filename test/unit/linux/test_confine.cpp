// linux.sysctl, linux.personality, process.oomScoreAdj, the LSM labels and
// linux.devices over an existing file: what is written where, in which order.
#include <ocrt/linux/devices.hpp>
#include <ocrt/linux/lsm.hpp>
#include <ocrt/linux/oom_score.hpp>
#include <ocrt/linux/personality.hpp>
#include <ocrt/linux/rootfs.hpp>
#include <ocrt/linux/sysctl.hpp>

#include "fake_kernel.hpp"
#include "temp_dir.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/personality.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cerrno>

using ocrt::testing::FakeKernel;
using ocrt::testing::TempDir;
using WriteFileCall = FakeKernel::WriteFileCall;

TEST_CASE("sysctl keys become /proc/sys paths") {
    CHECK(*ocrt::os::sysctl_path("net.ipv4.ip_forward") == "/proc/sys/net/ipv4/ip_forward");
    CHECK(*ocrt::os::sysctl_path("kernel.shmmax") == "/proc/sys/kernel/shmmax");
    // A key with "/" is a path already: components may hold dots (a VLAN interface).
    CHECK(*ocrt::os::sysctl_path("net/ipv4/conf/eth0.1/rp_filter") == "/proc/sys/net/ipv4/conf/eth0.1/rp_filter");
    for (const char *bad : {"", "net..ipv4", ".net", "net.", "net/../../etc", "a/./b"}) {
        INFO(bad);
        CHECK_FALSE(ocrt::os::sysctl_path(bad));
    }
}

TEST_CASE("apply_sysctls writes every value and names the key that failed") {
    FakeKernel kernel;
    std::map<std::string, std::string> sysctls = {{"kernel.shmmax", "8192"}, {"net.core.somaxconn", "256"}};
    REQUIRE(ocrt::os::apply_sysctls(sysctls, kernel));
    CHECK(kernel.calls_of<WriteFileCall>() == std::vector<WriteFileCall>{
                                                 {"/proc/sys/kernel/shmmax", "8192"},
                                                 {"/proc/sys/net/core/somaxconn", "256"},
                                             });
    FakeKernel failing;
    failing.fail_next(FakeKernel::Op::WriteFile, EROFS);
    auto result = ocrt::os::apply_sysctls(sysctls, failing);
    REQUIRE_FALSE(result);
    CHECK(result.error().code() == EROFS);
    CHECK(result.error().render().find("set sysctl \"kernel.shmmax\" to \"8192\"") == 0);
    CHECK(failing.calls_of<WriteFileCall>().size() == 1);  // stops at the first failure
}

TEST_CASE("personality: LINUX and LINUX32 map to PER_LINUX and PER_LINUX32") {
    ocrt::spec::Personality p;
    p.domain = "LINUX32";
    CHECK(*ocrt::os::personality_value(p) == PER_LINUX32);
    p.domain = "LINUX";
    CHECK(*ocrt::os::personality_value(p) == PER_LINUX);
    p.domain = "BSD";
    CHECK_FALSE(ocrt::os::personality_value(p));

    ocrt::spec::Config config;
    FakeKernel kernel;
    REQUIRE(ocrt::os::apply_personality(config, kernel));  // no linux object: nothing
    config.linux_.emplace();
    REQUIRE(ocrt::os::apply_personality(config, kernel));  // no personality: nothing
    CHECK(kernel.calls().empty());
    config.linux_->personality = ocrt::spec::Personality{"LINUX32", {}};
    REQUIRE(ocrt::os::apply_personality(config, kernel));
    CHECK(kernel.calls_of<FakeKernel::PersonalityCall>() ==
          std::vector<FakeKernel::PersonalityCall>{{PER_LINUX32}});
    kernel.fail_next(FakeKernel::Op::Personality, EINVAL);
    auto failed = ocrt::os::apply_personality(config, kernel);
    REQUIRE_FALSE(failed);
    CHECK(failed.error().render().find("set personality LINUX32") == 0);
}

TEST_CASE("oomScoreAdj goes to the init's oom_score_adj; a refusal names the field") {
    FakeKernel kernel;
    REQUIRE(ocrt::os::set_oom_score_adj(1234, 500, kernel));
    CHECK(kernel.calls_of<WriteFileCall>() == std::vector<WriteFileCall>{{"/proc/1234/oom_score_adj", "500"}});

    FakeKernel refusing;
    refusing.fail_next(FakeKernel::Op::WriteFile, EACCES);
    auto failed = ocrt::os::set_oom_score_adj(::getpid(), -1000, refusing);
    REQUIRE_FALSE(failed);
    CHECK(failed.error().code() == EACCES);
    std::string text = failed.error().render();
    CHECK(text.find("config.json: /process/oomScoreAdj: cannot set oom_score_adj to -1000") == 0);
    CHECK(text.find("needs CAP_SYS_RESOURCE") != std::string::npos);
}

TEST_CASE("an LSM label on a host without that LSM is a config error") {
    ocrt::spec::Config config;
    config.process.emplace();
    config.linux_.emplace();
    const ocrt::os::LsmSupport none{};
    REQUIRE(ocrt::os::check_lsm_requests(config, none));  // nothing asked for

    config.process->apparmor_profile = "acme";
    auto apparmor = ocrt::os::check_lsm_requests(config, none);
    REQUIRE_FALSE(apparmor);
    CHECK(apparmor.error().render() ==
          "config.json: /process/apparmorProfile: apparmor profile \"acme\" requested but AppArmor is not enabled on this host");
    CHECK(ocrt::os::check_lsm_requests(config, {true, false}));

    config.process->apparmor_profile.clear();
    config.process->selinux_label = "system_u:system_r:container_t:s0";
    auto selinux = ocrt::os::check_lsm_requests(config, {true, false});
    REQUIRE_FALSE(selinux);
    CHECK(selinux.error().render() == "config.json: /process/selinuxLabel: selinux label "
                                      "\"system_u:system_r:container_t:s0\" requested but SELinux is not enabled on this host");
    CHECK(ocrt::os::check_lsm_requests(config, {false, true}));

    config.process->selinux_label.clear();
    config.linux_->mount_label = "system_u:object_r:container_file_t:s0";
    auto mount = ocrt::os::check_lsm_requests(config, none);
    REQUIRE_FALSE(mount);
    CHECK(mount.error().render().find("config.json: /linux/mountLabel: selinux mount label") == 0);
    CHECK(ocrt::os::check_lsm_requests(config, {false, true}));
}

TEST_CASE("process labels are written to the exec attributes") {
    ocrt::spec::Process process;
    FakeKernel kernel;
    REQUIRE(ocrt::os::apply_process_labels(process, kernel));
    CHECK(kernel.calls().empty());

    process.apparmor_profile = "acme";
    process.selinux_label = "system_u:system_r:container_t:s0";
    REQUIRE(ocrt::os::apply_process_labels(process, kernel));
    CHECK(kernel.calls_of<WriteFileCall>() == std::vector<WriteFileCall>{
                                                 {"/proc/self/attr/apparmor/exec", "exec acme"},
                                                 {"/proc/self/attr/exec", "system_u:system_r:container_t:s0"},
                                             });

    SECTION("a kernel without attr/apparmor uses the shared attr/exec") {
        FakeKernel old_kernel;
        old_kernel.fail_next(FakeKernel::Op::WriteFile, ENOENT);
        REQUIRE(ocrt::os::set_apparmor_exec_profile("acme", old_kernel));
        CHECK(old_kernel.calls_of<WriteFileCall>() == std::vector<WriteFileCall>{
                                                          {"/proc/self/attr/apparmor/exec", "exec acme"},
                                                          {"/proc/self/attr/exec", "exec acme"},
                                                      });
    }
    SECTION("other failures are not retried") {
        FakeKernel refusing;
        refusing.fail_next(FakeKernel::Op::WriteFile, EACCES);
        auto failed = ocrt::os::set_apparmor_exec_profile("acme", refusing);
        REQUIRE_FALSE(failed);
        CHECK(failed.error().render().find("set apparmor profile \"acme\"") == 0);
        CHECK(refusing.calls_of<WriteFileCall>().size() == 1);
    }
    SECTION("the keyring label goes to keycreate") {
        FakeKernel keys;
        REQUIRE(ocrt::os::set_selinux_key_label("system_u:object_r:container_t:s0", keys));
        CHECK(keys.calls_of<WriteFileCall>() ==
              std::vector<WriteFileCall>{{"/proc/self/attr/keycreate", "system_u:object_r:container_t:s0"}});
    }
}

TEST_CASE("the mount label goes into the data of mounts that take a context") {
    CHECK(ocrt::os::mount_label_option("system_u:object_r:x:s0:c1,c2") == "context=\"system_u:object_r:x:s0:c1,c2\"");
    auto mount_of = [](std::string type, std::vector<std::string> options) {
        ocrt::spec::Mount m;
        m.destination = "/x";
        m.type = std::move(type);
        m.options = std::move(options);
        return m;
    };
    CHECK(ocrt::os::takes_mount_label(mount_of("tmpfs", {"mode=755"})));
    CHECK(ocrt::os::takes_mount_label(mount_of("devpts", {})));
    CHECK_FALSE(ocrt::os::takes_mount_label(mount_of("bind", {})));
    CHECK_FALSE(ocrt::os::takes_mount_label(mount_of("none", {"rbind", "ro"})));
    for (const char *type : {"proc", "sysfs", "mqueue", "cgroup", "cgroup2"}) {
        INFO(type);
        CHECK_FALSE(ocrt::os::takes_mount_label(mount_of(type, {})));
    }
    auto labelled = ocrt::os::with_mount_label(mount_of("tmpfs", {"mode=755"}), "l:s0:c1,c2");
    CHECK(labelled.options == std::vector<std::string>{"mode=755", "context=\"l:s0:c1,c2\""});
    CHECK(ocrt::os::with_mount_label(mount_of("tmpfs", {"mode=755"}), "").options ==
          std::vector<std::string>{"mode=755"});
    CHECK(ocrt::os::with_mount_label(mount_of("proc", {}), "l").options.empty());
}

TEST_CASE("prepare_rootfs passes the mount label in the mount data") {
    TempDir rootfs;
    ocrt::spec::Config config;
    config.linux_.emplace();
    config.linux_->mount_label = "system_u:object_r:x:s0:c1,c2";
    ocrt::spec::Mount tmpfs;
    tmpfs.destination = "/dev";
    tmpfs.type = "tmpfs";
    tmpfs.source = "tmpfs";
    tmpfs.options = {"mode=755"};
    ocrt::spec::Mount proc;
    proc.destination = "/proc";
    proc.type = "proc";
    proc.source = "proc";
    config.mounts = {tmpfs, proc};
    ocrt::os::RootfsOptions options;
    options.rootfs = rootfs.path();
    FakeKernel kernel;
    REQUIRE(ocrt::os::prepare_rootfs(config, options, kernel));
    auto mounts = kernel.calls_of<FakeKernel::MountCall>();
    REQUIRE(mounts.size() >= 4);
    CHECK(mounts[2].fstype == "tmpfs");
    CHECK(mounts[2].data == "mode=755,context=\"system_u:object_r:x:s0:c1,c2\"");
    CHECK(mounts[3].fstype == "proc");
    CHECK(mounts[3].data.empty());
}

TEST_CASE("linux.devices: an existing file must be the requested device") {
    TempDir rootfs;
    auto root_fd = ::open(rootfs.path().c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    REQUIRE(root_fd >= 0);
    ocrt::unique_fd root(root_fd);
    rootfs.write("dev/fuse", "not a device");
    ocrt::spec::Device fuse;
    fuse.type = "c";
    fuse.path = "/dev/fuse";
    fuse.major = 10;
    fuse.minor = 229;
    auto node = ocrt::os::device_node(fuse);
    REQUIRE(node);
    FakeKernel kernel;
    kernel.fail_next(FakeKernel::Op::Mknodat, EEXIST);
    auto made = ocrt::os::create_device(*node, root, kernel);
    REQUIRE_FALSE(made);
    CHECK(made.error().code() == EEXIST);
    CHECK(made.error().render().find("device \"/dev/fuse\": a regular file is already there, not the requested "
                                     "character device 10:229") == 0);

    SECTION("a fifo that is there already is accepted") {
        REQUIRE(::mkfifo((rootfs / "dev/pipe").c_str(), 0600) == 0);
        ocrt::spec::Device pipe;
        pipe.type = "p";
        pipe.path = "/dev/pipe";
        FakeKernel again;
        again.fail_next(FakeKernel::Op::Mknodat, EEXIST);
        CHECK(ocrt::os::create_device(*ocrt::os::device_node(pipe), root, again));
    }
}

TEST_CASE("a sysctl may not go into the namespace ocrt runs in, even when joined by path") {
    ocrt::spec::Config config;
    config.linux_.emplace();
    config.linux_->sysctl = {{"net.core.somaxconn", "100"}};
    config.linux_->namespaces = {{ocrt::spec::NamespaceType::Network, ""}};
    CHECK(ocrt::os::check_sysctl_namespaces(config));  // a new namespace

    config.linux_->namespaces[0].path = "/proc/self/ns/net";
    auto refused = ocrt::os::check_sysctl_namespaces(config);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().render() == "config.json: /linux/sysctl/net.core.somaxconn: sysctl \"net.core.somaxconn\" "
                                      "would change the host: the net namespace joined at \"/proc/self/ns/net\" is "
                                      "the one ocrt runs in");

    // Other namespaces' files are not the network namespace.
    config.linux_->sysctl = {{"kernel.shmmax", "100"}};
    config.linux_->namespaces = {{ocrt::spec::NamespaceType::Ipc, "/proc/self/ns/ipc"}};
    CHECK_FALSE(ocrt::os::check_sysctl_namespaces(config));
    config.linux_->namespaces = {{ocrt::spec::NamespaceType::Ipc, "/nonexistent/ns"}};
    CHECK(ocrt::os::check_sysctl_namespaces(config));  // the join itself will report it
}

TEST_CASE("without mknod the host node is bound only when it is the requested device") {
    TempDir rootfs;
    auto root_fd = ::open(rootfs.path().c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    REQUIRE(root_fd >= 0);
    ocrt::unique_fd root(root_fd);
    ocrt::os::DeviceNode wrong{"/dev/null", S_IFCHR, 1, 5};  // the host's /dev/null is 1:3
    FakeKernel kernel;
    kernel.fail_next(FakeKernel::Op::Mknodat, EPERM);
    auto made = ocrt::os::create_device(wrong, root, kernel);
    REQUIRE_FALSE(made);
    CHECK(made.error().render().find("the host's node is not the character device 1:5") != std::string::npos);
    CHECK(kernel.calls_of<FakeKernel::MountCall>().empty());

    ocrt::os::DeviceNode right{"/dev/null", S_IFCHR, 1, 3};
    FakeKernel again;
    again.fail_next(FakeKernel::Op::Mknodat, EPERM);
    REQUIRE(ocrt::os::create_device(right, root, again));
    auto mounts = again.calls_of<FakeKernel::MountCall>();
    REQUIRE(mounts.size() == 1);
    CHECK(mounts[0].source == "/dev/null");
}

TEST_CASE("exec's labels are checked the same way, without a config.json pointer") {
    ocrt::spec::Process process;
    CHECK(ocrt::os::check_exec_lsm_requests(process, {}));
    process.apparmor_profile = "acme";
    auto refused = ocrt::os::check_exec_lsm_requests(process, {});
    REQUIRE_FALSE(refused);
    CHECK(refused.error().render() == "apparmor profile \"acme\" requested but AppArmor is not enabled on this host");
    CHECK(ocrt::os::check_exec_lsm_requests(process, {true, false}));
    process.selinux_label = "l";
    CHECK(ocrt::os::check_exec_lsm_requests(process, {true, false}).error().render() ==
          "selinux label \"l\" requested but SELinux is not enabled on this host");
}
