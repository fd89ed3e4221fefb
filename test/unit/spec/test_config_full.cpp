// Every field of full-config.json lands in the model with its value.
#include "config_fixture.hpp"

#include <catch2/catch.hpp>

using namespace ocrt::spec;
using namespace spec_test;

namespace {

Config parsed_full_config() {
    auto result = parse(full_config());
    INFO(describe(result.errors));
    REQUIRE(result.errors.empty());
    REQUIRE(result.config);
    return *result.config;
}

}  // namespace

TEST_CASE("full config: top level, root, mounts, hooks, annotations", "[spec][config]") {
    Config c = parsed_full_config();
    CHECK(c.oci_version == "1.3.0");
    CHECK(c.root.path == "rootfs");
    CHECK(c.root.readonly);
    CHECK(c.hostname == "slartibartfast");
    CHECK(c.domainname == "example.test");

    REQUIRE(c.mounts.size() == 2);
    CHECK(c.mounts[0].destination == "/proc");
    CHECK(c.mounts[0].type == "proc");
    CHECK(c.mounts[0].source == "proc");
    CHECK(c.mounts[0].options.empty());
    CHECK(c.mounts[1].options == std::vector<std::string>{"rbind", "rw", "idmap"});
    REQUIRE(c.mounts[1].uid_mappings.size() == 1);
    CHECK(c.mounts[1].uid_mappings[0].container_id == 0);
    CHECK(c.mounts[1].uid_mappings[0].host_id == 100000);
    CHECK(c.mounts[1].uid_mappings[0].size == 65536);
    REQUIRE(c.mounts[1].gid_mappings.size() == 1);
    CHECK(c.mounts[1].gid_mappings[0].host_id == 200000);
    CHECK(c.mounts[1].gid_mappings[0].size == 1000);

    REQUIRE(c.hooks.prestart.size() == 1);
    CHECK(c.hooks.prestart[0].path == "/usr/bin/fix-mounts");
    CHECK(c.hooks.prestart[0].args == std::vector<std::string>{"fix-mounts", "a"});
    CHECK(c.hooks.prestart[0].env == std::vector<std::string>{"key1=value1"});
    CHECK_FALSE(c.hooks.prestart[0].timeout);
    REQUIRE(c.hooks.create_runtime.size() == 1);
    CHECK(c.hooks.create_runtime[0].timeout == 3);
    REQUIRE(c.hooks.create_container.size() == 1);
    CHECK(c.hooks.create_container[0].path == "/usr/bin/create-container");
    REQUIRE(c.hooks.start_container.size() == 1);
    CHECK(c.hooks.start_container[0].path == "/usr/bin/refresh-ldcache");
    REQUIRE(c.hooks.poststart.size() == 1);
    CHECK(c.hooks.poststart[0].timeout == 5);
    REQUIRE(c.hooks.poststop.size() == 1);
    CHECK(c.hooks.poststop[0].args == std::vector<std::string>{"cleanup.sh", "-f"});
    CHECK_FALSE(c.hooks.empty());

    CHECK(c.annotations == std::map<std::string, std::string>{{"com.example.key1", "value1"},
                                                              {"com.example.empty", ""}});
}

TEST_CASE("full config: process", "[spec][config]") {
    Config c = parsed_full_config();
    REQUIRE(c.process);
    const Process &p = *c.process;
    CHECK(p.terminal);
    REQUIRE(p.console_size);
    CHECK(p.console_size->height == 25);
    CHECK(p.console_size->width == 80);
    CHECK(p.user.uid == 1);
    CHECK(p.user.gid == 2);
    CHECK(p.user.umask == 18u);
    CHECK(p.user.additional_gids == std::vector<uint32_t>{5, 6});
    CHECK(p.user.username == "someone");
    CHECK(p.args == std::vector<std::string>{"sh", "-c", "echo hi"});
    CHECK(p.command_line == "sh -c 'echo hi'");
    CHECK(p.env == std::vector<std::string>{"PATH=/usr/bin:/bin", "TERM=xterm"});
    CHECK(p.cwd == "/root");

    REQUIRE(p.capabilities);
    CHECK(p.capabilities->bounding ==
          std::vector<std::string>{"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"});
    CHECK(p.capabilities->effective == std::vector<std::string>{"CAP_KILL"});
    REQUIRE(p.capabilities->inheritable);  // present but empty differs from absent
    CHECK(p.capabilities->inheritable->empty());
    CHECK(p.capabilities->permitted == std::vector<std::string>{"CAP_KILL", "CAP_CHECKPOINT_RESTORE"});
    CHECK(p.capabilities->ambient == std::vector<std::string>{"CAP_CHOWN"});

    REQUIRE(p.rlimits.size() == 2);
    CHECK(p.rlimits[0].type == "RLIMIT_NOFILE");
    CHECK(p.rlimits[0].soft == 1024);
    CHECK(p.rlimits[0].hard == 4096);
    CHECK(p.rlimits[1].type == "RLIMIT_CORE");
    CHECK(p.rlimits[1].hard == UINT64_MAX);

    CHECK(p.no_new_privileges);
    CHECK(p.apparmor_profile == "acme_secure_profile");
    CHECK(p.oom_score_adj == -500);
    CHECK(p.selinux_label == "system_u:system_r:svirt_lxc_net_t:s0:c124,c675");
    REQUIRE(p.io_priority);
    CHECK(p.io_priority->klass == "IOPRIO_CLASS_BE");
    CHECK(p.io_priority->priority == 4);
    REQUIRE(p.scheduler);
    CHECK(p.scheduler->policy == "SCHED_FIFO");
    CHECK(p.scheduler->priority == 10);
    CHECK_FALSE(p.scheduler->nice);
    CHECK(p.scheduler->flags == std::vector<std::string>{"SCHED_FLAG_RESET_ON_FORK"});
    CHECK_FALSE(p.scheduler->runtime);
    REQUIRE(p.exec_cpu_affinity);
    CHECK(p.exec_cpu_affinity->initial == "7");
    CHECK(p.exec_cpu_affinity->final_ == "0-3,7");
}

TEST_CASE("full config: linux namespaces, mappings, devices", "[spec][config]") {
    Config c = parsed_full_config();
    REQUIRE(c.linux_);
    const LinuxConfig &os = *c.linux_;
    REQUIRE(os.namespaces.size() == 8);
    CHECK(os.namespaces[0].type == NamespaceType::Pid);
    CHECK(os.namespaces[1].type == NamespaceType::Network);
    CHECK(os.namespaces[1].path == "/var/run/netns/blue");
    CHECK(os.namespaces[7].type == NamespaceType::Time);
    REQUIRE(os.find_namespace(NamespaceType::User));
    CHECK(os.find_namespace(NamespaceType::User)->path.empty());

    REQUIRE(os.uid_mappings.size() == 1);
    CHECK(os.uid_mappings[0].host_id == 1000);
    CHECK(os.uid_mappings[0].size == 32000);
    REQUIRE(os.gid_mappings.size() == 1);
    CHECK(os.gid_mappings[0].host_id == 2000);

    REQUIRE(os.time_offsets.size() == 2);
    CHECK(os.time_offsets.at("monotonic").secs == -172800);
    CHECK(os.time_offsets.at("monotonic").nanosecs == 5);
    CHECK(os.time_offsets.at("boottime").secs == 604800);
    CHECK(os.time_offsets.at("boottime").nanosecs == 0);

    REQUIRE(os.devices.size() == 2);
    CHECK(os.devices[0].type == "c");
    CHECK(os.devices[0].path == "/dev/fuse");
    CHECK(os.devices[0].major == 10);
    CHECK(os.devices[0].minor == 229);
    CHECK(os.devices[0].file_mode == 438u);
    CHECK(os.devices[0].uid == 0u);
    CHECK(os.devices[0].gid == 0u);
    CHECK(os.devices[1].type == "p");
    CHECK_FALSE(os.devices[1].major);

    REQUIRE(os.net_devices.size() == 2);
    CHECK(os.net_devices.at("eth1").name == "ctr1");
    CHECK(os.net_devices.at("dummy0").name.empty());

    CHECK(os.cgroups_path == "/myRuntime/myContainer");
    CHECK(os.sysctl.at("net.ipv4.ip_forward") == "1");
    CHECK(os.sysctl.at("kernel.shmmax") == "4096");
    CHECK(os.rootfs_propagation == "slave");
    CHECK(os.masked_paths == std::vector<std::string>{"/proc/kcore"});
    CHECK(os.readonly_paths == std::vector<std::string>{"/proc/sys"});
    CHECK(os.mount_label == "system_u:object_r:svirt_sandbox_file_t:s0:c715,c811");
}

TEST_CASE("full config: linux resources", "[spec][config]") {
    Config c = parsed_full_config();
    REQUIRE(c.linux_);
    REQUIRE(c.linux_->resources);
    const Resources &r = *c.linux_->resources;

    REQUIRE(r.devices.size() == 2);
    CHECK_FALSE(r.devices[0].allow);
    CHECK(r.devices[0].type.empty());
    CHECK_FALSE(r.devices[0].major);
    CHECK(r.devices[0].access == "rwm");
    CHECK(r.devices[1].allow);
    CHECK(r.devices[1].type == "c");
    CHECK(r.devices[1].major == 10);
    CHECK(r.devices[1].minor == 229);

    REQUIRE(r.memory);
    CHECK(r.memory->limit == 536870912);
    CHECK(r.memory->reservation == 268435456);
    CHECK(r.memory->swap == 1073741824);
    CHECK(r.memory->kernel == -1);
    CHECK(r.memory->kernel_tcp == -1);
    CHECK(r.memory->swappiness == 60u);
    CHECK(r.memory->disable_oom_killer == true);
    CHECK(r.memory->use_hierarchy == false);
    CHECK(r.memory->check_before_update == true);

    REQUIRE(r.cpu);
    CHECK(r.cpu->shares == 1024u);
    CHECK(r.cpu->quota == 1000000);
    CHECK(r.cpu->burst == 100000u);
    CHECK(r.cpu->period == 500000u);
    CHECK(r.cpu->realtime_runtime == 950000);
    CHECK(r.cpu->realtime_period == 1000000u);
    CHECK(r.cpu->cpus == "2-3");
    CHECK(r.cpu->mems == "0-7");
    CHECK(r.cpu->idle == 1);

    REQUIRE(r.pids);
    CHECK(r.pids->limit == 32771);

    REQUIRE(r.block_io);
    CHECK(r.block_io->weight == 10);
    CHECK(r.block_io->leaf_weight == 20);
    REQUIRE(r.block_io->weight_device.size() == 1);
    CHECK(r.block_io->weight_device[0].major == 8);
    CHECK(r.block_io->weight_device[0].weight == 500);
    CHECK(r.block_io->weight_device[0].leaf_weight == 300);
    REQUIRE(r.block_io->throttle_read_bps_device.size() == 1);
    CHECK(r.block_io->throttle_read_bps_device[0].rate == 600);
    REQUIRE(r.block_io->throttle_write_bps_device.size() == 1);
    CHECK(r.block_io->throttle_write_bps_device[0].rate == 601);
    REQUIRE(r.block_io->throttle_read_iops_device.size() == 1);
    CHECK(r.block_io->throttle_read_iops_device[0].minor == 2);
    REQUIRE(r.block_io->throttle_write_iops_device.size() == 1);
    CHECK(r.block_io->throttle_write_iops_device[0].minor == 16);
    CHECK(r.block_io->throttle_write_iops_device[0].rate == 300);

    REQUIRE(r.hugepage_limits.size() == 1);
    CHECK(r.hugepage_limits[0].page_size == "2MB");
    CHECK(r.hugepage_limits[0].limit == 9223372036854771712ull);

    REQUIRE(r.network);
    CHECK(r.network->class_id == 1048577u);
    REQUIRE(r.network->priorities.size() == 1);
    CHECK(r.network->priorities[0].name == "eth0");
    CHECK(r.network->priorities[0].priority == 500);

    REQUIRE(r.rdma.count("mlx5_1"));
    CHECK(r.rdma.at("mlx5_1").hca_handles == 3u);
    CHECK(r.rdma.at("mlx5_1").hca_objects == 10000u);
    CHECK(r.unified == std::map<std::string, std::string>{{"io.weight", "100"}});
}

TEST_CASE("full config: seccomp, intelRdt, memoryPolicy, personality", "[spec][config]") {
    Config c = parsed_full_config();
    REQUIRE(c.linux_);
    const LinuxConfig &os = *c.linux_;

    REQUIRE(os.seccomp);
    const Seccomp &s = *os.seccomp;
    CHECK(s.default_action == SeccompAction::Errno);
    CHECK(s.default_errno_ret == 1u);
    CHECK(s.architectures == std::vector<std::string>{"SCMP_ARCH_X86_64", "SCMP_ARCH_X86"});
    CHECK(s.flags == std::vector<std::string>{"SECCOMP_FILTER_FLAG_LOG"});
    CHECK(s.listener_path == "/run/seccomp-agent.sock");
    CHECK(s.listener_metadata == "meta");
    REQUIRE(s.syscalls.size() == 3);
    CHECK(s.syscalls[0].names == std::vector<std::string>{"getcwd", "chmod"});
    CHECK(s.syscalls[0].action == SeccompAction::Errno);
    CHECK(s.syscalls[0].errno_ret == 38u);
    CHECK(s.syscalls[1].action == SeccompAction::Allow);
    REQUIRE(s.syscalls[1].args.size() == 1);
    CHECK(s.syscalls[1].args[0].index == 0);
    CHECK(s.syscalls[1].args[0].value == 8);
    CHECK(s.syscalls[1].args[0].value_two == 1);
    CHECK(s.syscalls[1].args[0].op == SeccompOperator::MaskedEqual);
    CHECK(s.syscalls[2].action == SeccompAction::Notify);

    REQUIRE(os.intel_rdt);
    CHECK(os.intel_rdt->clos_id == "guaranteed_group");
    CHECK(os.intel_rdt->l3_cache_schema == "L3:0=7f0;1=1f");
    CHECK(os.intel_rdt->mem_bw_schema == "MB:0=20;1=70");
    CHECK(os.intel_rdt->schemata == std::vector<std::string>{"L2:0=ff"});
    CHECK(os.intel_rdt->enable_monitoring);

    REQUIRE(os.memory_policy);
    CHECK(os.memory_policy->mode == "MPOL_BIND");
    CHECK(os.memory_policy->nodes == "0-1");
    CHECK(os.memory_policy->flags == std::vector<std::string>{"MPOL_F_STATIC_NODES"});

    REQUIRE(os.personality);
    CHECK(os.personality->domain == "LINUX32");
    CHECK(os.personality->flags.empty());
}

TEST_CASE("full config: unknown fields are ignored without warnings", "[spec][config]") {
    json doc = full_config();
    doc["process"]["someFutureField"] = {{"nested", true}};
    doc["linux"]["resources"]["memory"]["futureKnob"] = "x";
    doc["mounts"][0]["extra"] = 1;
    auto result = parse(doc);
    INFO(describe(result.errors));
    CHECK(result.errors.empty());
    CHECK(result.warnings.empty());
    CHECK(result.config);
}

TEST_CASE("minimal config parses with defaults", "[spec][config]") {
    auto result = parse(minimal_config());
    INFO(describe(result.errors));
    REQUIRE(result.config);
    const Config &c = *result.config;
    CHECK(c.oci_version == "1.0.2");
    CHECK_FALSE(c.root.readonly);
    CHECK(c.mounts.empty());
    CHECK(c.hooks.empty());
    CHECK_FALSE(c.linux_);
    REQUIRE(c.process);
    CHECK_FALSE(c.process->terminal);
    CHECK_FALSE(c.process->capabilities);
    CHECK_FALSE(c.process->oom_score_adj);
    CHECK(c.process->user.uid == 0);
}

TEST_CASE("JSON null counts as an absent field", "[spec][config]") {
    json doc = minimal_config();
    doc["hostname"] = nullptr;
    doc["process"]["env"] = nullptr;
    doc["process"]["capabilities"] = nullptr;
    doc["linux"] = {{"namespaces", nullptr}, {"resources", nullptr}};
    auto result = parse(doc);
    INFO(describe(result.errors));
    REQUIRE(result.config);
    CHECK(result.config->process->env.empty());
    CHECK_FALSE(result.config->process->capabilities);
    REQUIRE(result.config->linux_);
    CHECK_FALSE(result.config->linux_->resources);
}

TEST_CASE("parse_process reads a standalone process object", "[spec][config]") {
    auto result = parse_process(full_config()["process"].dump());
    INFO(describe(result.errors));
    REQUIRE(result.process);
    CHECK(result.process->args.front() == "sh");
    CHECK(result.process->cwd == "/root");
    CHECK(result.process->rlimits.size() == 2);
}
