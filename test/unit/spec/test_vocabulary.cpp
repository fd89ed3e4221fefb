// The word tables and their lookups.
#include <ocrt/spec/vocabulary.hpp>

#include <catch2/catch.hpp>

#include <sys/resource.h>

#include <set>

using namespace ocrt::spec;

TEST_CASE("namespace names round trip", "[spec][vocabulary]") {
    CHECK(namespace_words().size() == 8);
    for (const auto &w : namespace_words()) {
        auto type = namespace_type(w.name);
        REQUIRE(type);
        CHECK(namespace_name(*type) == w.name);
    }
    CHECK(namespace_type("network") == NamespaceType::Network);
    CHECK(namespace_name(NamespaceType::Time) == "time");
    CHECK_FALSE(namespace_type("net"));
    CHECK_FALSE(namespace_type("PID"));
}

TEST_CASE("capabilities CAP_CHOWN..CAP_CHECKPOINT_RESTORE numbered 0..40", "[spec][vocabulary]") {
    auto caps = capability_words();
    REQUIRE(caps.size() == 41);
    for (std::size_t i = 0; i < caps.size(); ++i) CHECK(caps[i].value == int64_t(i));
    CHECK(capability_number("CAP_CHOWN") == 0);
    CHECK(capability_number("CAP_SYS_ADMIN") == 21);
    CHECK(capability_number("CAP_CHECKPOINT_RESTORE") == 40);
    CHECK_FALSE(capability_number("CAP_FOO"));
    CHECK_FALSE(capability_number("chown"));
}

TEST_CASE("rlimits map to <sys/resource.h>", "[spec][vocabulary]") {
    CHECK(rlimit_words().size() == RLIMIT_NLIMITS);
    CHECK(rlimit_number("RLIMIT_NOFILE") == RLIMIT_NOFILE);
    CHECK(rlimit_number("RLIMIT_RTTIME") == RLIMIT_RTTIME);
    CHECK(rlimit_number("RLIMIT_MSGQUEUE") == RLIMIT_MSGQUEUE);
    CHECK_FALSE(rlimit_number("RLIMIT_FOO"));
    std::set<int64_t> numbers;
    for (const auto &w : rlimit_words()) numbers.insert(w.value);
    CHECK(numbers.size() == RLIMIT_NLIMITS);
}

TEST_CASE("seccomp words map to the model's enums", "[spec][vocabulary]") {
    CHECK(seccomp_action("SCMP_ACT_ERRNO") == SeccompAction::Errno);
    CHECK(seccomp_action("SCMP_ACT_KILL_PROCESS") == SeccompAction::KillProcess);
    CHECK_FALSE(seccomp_action("SCMP_ACT_FOO"));
    CHECK(seccomp_action_name(SeccompAction::Notify) == "SCMP_ACT_NOTIFY");
    CHECK(seccomp_operator("SCMP_CMP_MASKED_EQ") == SeccompOperator::MaskedEqual);
    CHECK(seccomp_operator_name(SeccompOperator::NotEqual) == "SCMP_CMP_NE");
    CHECK(seccomp_action_words().size() == 9);
    CHECK(seccomp_operator_words().size() == 7);
    CHECK(seccomp_arch_words().size() == 23);
    CHECK(is_known(seccomp_arch_words(), "SCMP_ARCH_RISCV64"));
    CHECK(lookup(seccomp_flag_words(), "SECCOMP_FILTER_FLAG_LOG") == 2);
}

TEST_CASE("other word tables", "[spec][vocabulary]") {
    CHECK(lookup(scheduler_policy_words(), "SCHED_DEADLINE") == 6);
    CHECK(lookup(ioprio_class_words(), "IOPRIO_CLASS_IDLE") == 3);
    CHECK(lookup(mempolicy_mode_words(), "MPOL_BIND") == 2);
    CHECK(lookup(personality_domain_words(), "LINUX32") == 8);
    CHECK(is_known(device_type_words(), "u"));
    CHECK_FALSE(is_known(device_type_words(), "a"));
    CHECK(hook_words().size() == 6);
    CHECK(is_known(mount_option_words(), "rbind"));
    CHECK(is_known(mount_option_words(), "nosymfollow"));
    CHECK_FALSE(is_known(mount_option_words(), "rro"));
    CHECK_FALSE(is_known(mount_option_words(), "idmap"));
    CHECK_FALSE(is_known(mount_option_words(), "ridmap"));
}
