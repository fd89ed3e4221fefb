// process.capabilities names to bit sets (config.md "Linux Process").
#include <ocrt/linux/capabilities.hpp>

#include <catch2/catch.hpp>

#include <linux/capability.h>

using ocrt::os::capability_sets;

TEST_CASE("capability names become bits, absent sets are empty") {
    ocrt::spec::Capabilities caps;
    caps.bounding = std::vector<std::string>{"CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"};
    caps.effective = std::vector<std::string>{"CAP_KILL"};
    caps.ambient = std::vector<std::string>{"CAP_CHECKPOINT_RESTORE"};
    auto sets = capability_sets(caps);
    REQUIRE(sets);
    CHECK(sets->bounding == ((1ULL << CAP_CHOWN) | (1ULL << CAP_KILL) | (1ULL << CAP_NET_BIND_SERVICE)));
    CHECK(sets->effective == (1ULL << CAP_KILL));
    CHECK(sets->ambient == (1ULL << 40));
    CHECK(sets->permitted == 0);
    CHECK(sets->inheritable == 0);  // never implied (CVE-2022-24769)
}

TEST_CASE("an unknown capability name is an error naming the set") {
    ocrt::spec::Capabilities caps;
    caps.permitted = std::vector<std::string>{"CAP_KILL", "CAP_FLY"};
    auto sets = capability_sets(caps);
    REQUIRE_FALSE(sets);
    CHECK(sets.error().render() == "process.capabilities.permitted: unknown capability \"CAP_FLY\"");
}
