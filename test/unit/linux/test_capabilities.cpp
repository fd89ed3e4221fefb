#include <ocrt/linux/capabilities.hpp>

#include "fake_kernel.hpp"

#include <catch2/catch.hpp>

#include <sys/prctl.h>

#include <cerrno>
#include <fstream>

using ocrt::os::CapabilitySets;
using ocrt::testing::FakeKernel;

namespace {

ocrt::spec::User user_1000() {
    ocrt::spec::User user;
    user.uid = 1000;
    user.gid = 1000;
    return user;
}

// Position of the first call matching pred in the recorded sequence, or -1.
template <typename Pred>
long position_of(const FakeKernel &kernel, Pred pred) {
    const auto &calls = kernel.calls();
    for (size_t i = 0; i < calls.size(); ++i)
        if (pred(calls[i])) return static_cast<long>(i);
    return -1;
}

bool is_prctl(const FakeKernel::Call &call, int option, unsigned long arg2) {
    const auto *prctl = std::get_if<FakeKernel::PrctlCall>(&call);
    return prctl != nullptr && prctl->option == option && prctl->arg2 == arg2;
}

bool is_setresuid(const FakeKernel::Call &call) { return std::holds_alternative<FakeKernel::SetresuidCall>(call); }

}  // namespace

TEST_CASE("capability names become bit masks, set by set") {
    ocrt::spec::Capabilities caps;
    caps.bounding = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"};
    caps.effective = {"CAP_CHOWN"};
    caps.ambient = {"CAP_KILL"};
    auto sets = ocrt::os::capability_sets(caps);
    REQUIRE(sets);
    CHECK(sets->bounding == 0x20000420);
    CHECK(sets->effective == 0x1);
    CHECK(sets->ambient == 0x20);
    // Absent sets are empty (config.md); inheritable is never implied (CVE-2022-24769).
    CHECK(sets->permitted == 0);
    CHECK(sets->inheritable == 0);
}

TEST_CASE("an unknown capability name is an error naming the set and the name") {
    ocrt::spec::Capabilities caps;
    caps.permitted = {"CAP_KILL", "CAP_NOT_A_THING"};
    auto sets = ocrt::os::capability_sets(caps);
    REQUIRE_FALSE(sets);
    CHECK(sets.error().message() == "process.capabilities.permitted: unknown capability \"CAP_NOT_A_THING\"");
}

TEST_CASE("capability numbers have their capabilities(7) names") {
    CHECK(ocrt::os::capability_name(0) == "CAP_CHOWN");
    CHECK(ocrt::os::capability_name(5) == "CAP_KILL");
    CHECK(ocrt::os::capability_name(21) == "CAP_SYS_ADMIN");
    CHECK(ocrt::os::capability_name(63) == "63");
}

TEST_CASE("capabilities that cannot be granted are removed from every set and named once") {
    CapabilitySets sets;
    sets.bounding = (1ULL << 5) | (1ULL << 21) | (1ULL << 40);
    sets.effective = (1ULL << 21);
    sets.permitted = (1ULL << 5) | (1ULL << 21);
    sets.ambient = (1ULL << 40);
    uint64_t grantable = (1ULL << 5) | (1ULL << 0);
    auto removed = ocrt::os::remove_ungrantable(sets, grantable);
    CHECK(removed == std::vector<std::string>{"CAP_SYS_ADMIN", "CAP_CHECKPOINT_RESTORE"});
    CHECK(sets.bounding == (1ULL << 5));
    CHECK(sets.effective == 0);
    CHECK(sets.permitted == (1ULL << 5));
    CHECK(sets.ambient == 0);
}

TEST_CASE("nothing is removed when everything is grantable") {
    CapabilitySets sets;
    sets.bounding = sets.permitted = (1ULL << 5);
    CHECK(ocrt::os::remove_ungrantable(sets, ~0ULL).empty());
    CHECK(sets.bounding == (1ULL << 5));
}

TEST_CASE("the running kernel's last capability comes from /proc/sys/kernel/cap_last_cap") {
    std::ifstream file("/proc/sys/kernel/cap_last_cap");
    int expected = -1;
    REQUIRE(file >> expected);
    CHECK(ocrt::os::kernel_last_capability() == expected);
}

TEST_CASE("switch_user keeps caps across setresuid and cuts the bounding set before it") {
    FakeKernel kernel;
    CapabilitySets sets;
    sets.bounding = (1ULL << 5) | (1ULL << 10) | (1ULL << 29);
    const int last_cap = 12;  // caps 13.. are unknown to this pretend kernel
    REQUIRE(ocrt::os::switch_user(user_1000(), &sets, last_cap, kernel));

    auto prctls = kernel.calls_of<FakeKernel::PrctlCall>();
    std::vector<unsigned long> dropped;
    for (const auto &call : prctls)
        if (call.option == PR_CAPBSET_DROP) dropped.push_back(call.arg2);
    // 0..12 without 5 and 10; 29 is kept, 13..40 are beyond the kernel.
    CHECK(dropped == std::vector<unsigned long>{0, 1, 2, 3, 4, 6, 7, 8, 9, 11, 12});

    long keep_on = position_of(kernel, [](const auto &c) { return is_prctl(c, PR_SET_KEEPCAPS, 1); });
    long first_drop = position_of(kernel, [](const auto &c) {
        const auto *p = std::get_if<FakeKernel::PrctlCall>(&c);
        return p != nullptr && p->option == PR_CAPBSET_DROP;
    });
    long setuid = position_of(kernel, is_setresuid);
    long keep_off = position_of(kernel, [](const auto &c) { return is_prctl(c, PR_SET_KEEPCAPS, 0); });
    REQUIRE(keep_on >= 0);
    REQUIRE(setuid >= 0);
    CHECK(keep_on < first_drop);
    CHECK(first_drop < setuid);
    CHECK(setuid < keep_off);
    CHECK(kernel.calls_of<FakeKernel::SetresuidCall>().front() == FakeKernel::SetresuidCall{1000, 1000, 1000});
    // Nothing after clearing keep-caps.
    CHECK(keep_off == static_cast<long>(kernel.calls().size()) - 1);
}

TEST_CASE("switch_user without a capabilities object only switches the user") {
    FakeKernel kernel;
    REQUIRE(ocrt::os::switch_user(user_1000(), nullptr, 40, kernel));
    CHECK(kernel.calls_of<FakeKernel::PrctlCall>().empty());
    CHECK(kernel.calls_of<FakeKernel::SetresuidCall>().size() == 1);
    CHECK(kernel.calls_of<FakeKernel::SetresgidCall>().size() == 1);
}

TEST_CASE("a failed keep-caps stops before any drop and before the uid switch") {
    FakeKernel kernel;
    CapabilitySets sets;
    kernel.fail_next(FakeKernel::Op::Prctl, EPERM);
    auto result = ocrt::os::switch_user(user_1000(), &sets, 40, kernel);
    REQUIRE_FALSE(result);
    CHECK(result.error().render().find("set keep-caps") != std::string::npos);
    CHECK(kernel.calls_of<FakeKernel::PrctlCall>().size() == 1);
    CHECK(kernel.calls_of<FakeKernel::SetresuidCall>().empty());
}

TEST_CASE("a failed uid switch leaves keep-caps alone and reports the uid") {
    FakeKernel kernel;
    CapabilitySets sets;
    sets.bounding = ~0ULL;  // nothing to drop
    kernel.fail_next(FakeKernel::Op::Setresuid, EPERM);
    auto result = ocrt::os::switch_user(user_1000(), &sets, 40, kernel);
    REQUIRE_FALSE(result);
    CHECK(result.error().render().find("set uid 1000") != std::string::npos);
    auto prctls = kernel.calls_of<FakeKernel::PrctlCall>();
    REQUIRE(prctls.size() == 1);
    CHECK(prctls.front() == FakeKernel::PrctlCall{PR_SET_KEEPCAPS, 1});
}

TEST_CASE("grantable capabilities are this process's bounding set within its permitted set") {
    std::ifstream status("/proc/self/status");
    std::string line;
    uint64_t bounding = 0, permitted = 0;
    while (std::getline(status, line)) {
        if (line.rfind("CapBnd:", 0) == 0) bounding = std::stoull(line.substr(7), nullptr, 16);
        if (line.rfind("CapPrm:", 0) == 0) permitted = std::stoull(line.substr(7), nullptr, 16);
    }
    int last = ocrt::os::kernel_last_capability();
    uint64_t known = last >= 63 ? ~0ULL : (1ULL << (last + 1)) - 1;
    CHECK(ocrt::os::grantable_capabilities(last) == (bounding & permitted & known));
    // Nothing beyond the kernel's last capability, however large the request.
    CHECK((ocrt::os::grantable_capabilities(3) & ~0xFULL) == 0);
}
