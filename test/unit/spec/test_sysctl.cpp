// Which namespace each linux.sysctl key belongs to (config-linux.md "Sysctl";
// the allowlist runc and podman use: ipc_namespaces(7), net.*, UTS names).
#include <ocrt/spec/sysctl.hpp>

#include <catch2/catch.hpp>

using ocrt::spec::NamespaceType;

TEST_CASE("sysctl keys map to the namespace that owns them") {
    using ocrt::spec::sysctl_namespace;
    for (const char *ipc : {"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem", "kernel.shmall",
                            "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced", "fs.mqueue.queues_max",
                            "kernel/shmmax", "fs/mqueue/msg_max"}) {
        INFO(ipc);
        CHECK(sysctl_namespace(ipc) == NamespaceType::Ipc);
    }
    for (const char *net : {"net.ipv4.ip_forward", "net.core.somaxconn", "net/ipv4/conf/eth0.1/rp_filter"}) {
        INFO(net);
        CHECK(sysctl_namespace(net) == NamespaceType::Network);
    }
    CHECK(sysctl_namespace("kernel.hostname") == NamespaceType::Uts);
    CHECK(sysctl_namespace("kernel.domainname") == NamespaceType::Uts);
    for (const char *host : {"kernel.core_pattern", "vm.swappiness", "kernel.shmmaxx", "fs.mqueue", "network.x",
                             "kernel.msgmax.x", "net..ipv4", "kernel/../net/core/somaxconn", ""}) {
        INFO(host);
        CHECK_FALSE(sysctl_namespace(host));
    }
}

TEST_CASE("sysctl keys in both spellings and their JSON pointers") {
    CHECK(ocrt::spec::dotted_sysctl_key("net/ipv4/conf/eth0.1/rp_filter") == "net.ipv4.conf.eth0.1.rp_filter");
    CHECK(ocrt::spec::dotted_sysctl_key("kernel.shmmax") == "kernel.shmmax");
    CHECK_FALSE(ocrt::spec::dotted_sysctl_key("a/./b"));
    CHECK(ocrt::spec::sysctl_pointer("kernel.core_pattern") == "/linux/sysctl/kernel.core_pattern");
    CHECK(ocrt::spec::sysctl_pointer("net/ipv4/ip_forward") == "/linux/sysctl/net~1ipv4~1ip_forward");
}
