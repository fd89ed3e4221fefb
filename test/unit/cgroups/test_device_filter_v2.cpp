// The cgroup v2 device filter: the emitted program's shape, and (as root, where a
// cgroup2 hierarchy is mounted) what the kernel really lets a process in the cgroup open.
// config-linux.md "Device allowlist": rules in order, the last match wins.
#include <ocrt/cgroups/device_filter_v2.hpp>

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

using namespace ocrt;
using namespace ocrt::cgroups;

namespace {

using Rule = spec::DeviceRule;
constexpr auto any = std::nullopt;

std::vector<bpf_insn> program_for(const std::vector<Rule> &rules) {
    auto program = device_filter_program(rules);
    REQUIRE(program);
    return *program;
}

bool is_exit(const bpf_insn &i) { return i.code == (BPF_JMP | BPF_EXIT); }
bool returns(const std::vector<bpf_insn> &p, size_t at, int32_t value) {
    return at + 1 < p.size() && p[at].code == (BPF_ALU64 | BPF_MOV | BPF_K) && p[at].dst_reg == BPF_REG_0 &&
           p[at].imm == value && is_exit(p[at + 1]);
}

// The verifier's static rules: every jump lands inside the program, the last insn is an exit.
void check_well_formed(const std::vector<bpf_insn> &p) {
    REQUIRE(p.size() >= 8);
    CHECK(is_exit(p.back()));
    for (size_t i = 0; i < p.size(); ++i) {
        uint8_t cls = BPF_CLASS(p[i].code);
        if ((cls == BPF_JMP || cls == BPF_JMP32) && !is_exit(p[i])) {
            long target = static_cast<long>(i) + 1 + p[i].off;
            CHECK(p[i].off >= 0);
            CHECK(target < static_cast<long>(p.size()));
        }
    }
}

size_t count_returns(const std::vector<bpf_insn> &p, int32_t value) {
    size_t n = 0;
    for (size_t i = 0; i + 1 < p.size(); ++i) n += returns(p, i, value);
    return n;
}

}  // namespace

TEST_CASE("device filter: no rules deny everything; each rule is one block ending in a verdict") {
    auto empty = program_for({});
    check_well_formed(empty);
    CHECK(empty.size() == 8);  // prologue (6) + return 0
    CHECK(returns(empty, 6, 0));

    auto p = program_for({{false, "a", any, any, "rwm"}, {true, "c", 1, 3, "rw"}, {false, "b", 8, any, "w"}});
    check_well_formed(p);
    CHECK(count_returns(p, 1) == 1);  // one allow rule
    CHECK(count_returns(p, 0) == 3);  // two deny rules + the default
    CHECK(returns(p, p.size() - 2, 0));
    // Last match wins: the last rule (b 8:* w) is tested first, right after the prologue.
    CHECK(p[6].code == (BPF_JMP | BPF_JNE | BPF_K));
    CHECK(p[6].dst_reg == BPF_REG_2);
    CHECK(p[6].imm == BPF_DEVCG_DEV_BLOCK);
    CHECK(p[7].dst_reg == BPF_REG_4);
    CHECK(p[7].imm == 8);
    CHECK(p[9].code == (BPF_ALU | BPF_AND | BPF_K));
    CHECK(p[9].imm == BPF_DEVCG_ACC_WRITE);
}

TEST_CASE("device filter: any type/major/minor emit no comparison; -1 is any") {
    auto all = program_for({{true, "a", any, any, "rwm"}});
    auto also_all = program_for({{true, "", -1, -1, ""}});
    check_well_formed(all);
    REQUIRE(all.size() == also_all.size());
    for (size_t i = 0; i < all.size(); ++i) CHECK(std::memcmp(&all[i], &also_all[i], sizeof(bpf_insn)) == 0);
    auto one = program_for({{true, "c", 1, 3, "rwm"}});
    CHECK(one.size() == all.size() + 3);
}

TEST_CASE("device filter: a bad type or access names the rule") {
    auto type = device_filter_program({{true, "c", 1, 3, "rw"}, {true, "p", any, any, "rw"}});
    REQUIRE_FALSE(type);
    CHECK(type.error().render().find("/linux/resources/devices/1: type \"p\"") != std::string::npos);
    auto access = device_filter_program({{true, "c", 1, 3, "rx"}});
    REQUIRE_FALSE(access);
    CHECK(access.error().render().find("/linux/resources/devices/0: access \"rx\"") != std::string::npos);
}

namespace {

// A private cgroup2 directory for the real-kernel tests (this host: the hybrid
// /sys/fs/cgroup/unified; a pure v2 host: /sys/fs/cgroup).
struct TestCgroup {
    std::string dir;
    TestCgroup() {
        for (const char *root : {"/sys/fs/cgroup/unified", "/sys/fs/cgroup"}) {
            struct statfs fs {};
            if (::statfs(root, &fs) != 0 || fs.f_type != CGROUP2_SUPER_MAGIC) continue;
            std::string candidate = std::string(root) + "/ocrt-test-bpfdev-" + std::to_string(::getpid());
            if (::mkdir(candidate.c_str(), 0755) == 0) dir = candidate;
            return;
        }
    }
    ~TestCgroup() {
        if (!dir.empty()) ::rmdir(dir.c_str());
    }
};

// Runs action in a child moved into dir; its errno (0 when it worked).
template <typename F> int in_cgroup(const std::string &dir, F action) {
    pid_t pid = ::fork();
    if (pid == 0) {
        int fd = ::open((dir + "/cgroup.procs").c_str(), O_WRONLY);
        if (fd < 0 || ::write(fd, "0", 1) != 1) ::_exit(200);
        ::close(fd);
        ::_exit(action());
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 255;
}

int open_errno(const std::string &dir, const char *path, int flags) {
    return in_cgroup(dir, [&] {
        int fd = ::open(path, flags | O_CLOEXEC);
        if (fd < 0) return errno;
        ::close(fd);
        return 0;
    });
}

int mknod_errno(const std::string &dir, const std::string &path, unsigned major, unsigned minor) {
    return in_cgroup(dir, [&] {
        if (::mknod(path.c_str(), S_IFCHR | 0600, makedev(major, minor)) != 0) return errno;
        ::unlink(path.c_str());
        return 0;
    });
}

}  // namespace

TEST_CASE("device filter on a real kernel: what a process in the cgroup may open and mknod") {
    if (::geteuid() != 0) {
        WARN("not root: the kernel checks are skipped");
        return;
    }
    TestCgroup cg;
    if (cg.dir.empty()) {
        WARN("no cgroup2 hierarchy to make a test cgroup in: the kernel checks are skipped");
        return;
    }
    const std::string &dir = cg.dir;

    SECTION("the defaults plus a deny of /dev/zero (c 1:5)") {
        REQUIRE(attach_device_filter(dir, {{false, "a", any, any, "rwm"},
                                           {true, "c", any, any, "m"},
                                           {true, "c", 1, 3, "rwm"},
                                           {true, "c", 1, 5, "rwm"},
                                           {true, "c", 1, 7, "rwm"},
                                           {false, "c", 1, 5, "rwm"}}));
        CHECK(open_errno(dir, "/dev/null", O_RDWR) == 0);
        CHECK(open_errno(dir, "/dev/full", O_RDONLY) == 0);
        CHECK(open_errno(dir, "/dev/zero", O_RDONLY) == EPERM);
        CHECK(open_errno(dir, "/dev/urandom", O_RDONLY) == EPERM);  // default deny
        CHECK(open_errno("/sys/fs/cgroup/unified" == dir.substr(0, 22) ? "/sys/fs/cgroup/unified" : "/sys/fs/cgroup",
                         "/dev/zero", O_RDONLY) == 0);  // outside the cgroup: untouched
        char tmp[] = "/tmp/ocrt-test-bpfdev-XXXXXX";
        REQUIRE(::mkdtemp(tmp));
        CHECK(mknod_errno(dir, std::string(tmp) + "/urandom", 1, 9) == 0);  // c *:* m: mknod, not open
        CHECK(mknod_errno(dir, std::string(tmp) + "/zero", 1, 5) == EPERM);  // the later deny names m too
        ::rmdir(tmp);
    }
    SECTION("access bits are decided one by one: a later deny of w leaves r allowed") {
        REQUIRE(attach_device_filter(dir, {{true, "c", 1, 5, "rwm"}, {false, "c", 1, 5, "w"}}));
        CHECK(open_errno(dir, "/dev/zero", O_RDONLY) == 0);
        CHECK(open_errno(dir, "/dev/zero", O_WRONLY) == EPERM);
        CHECK(open_errno(dir, "/dev/zero", O_RDWR) == EPERM);
        CHECK(open_errno(dir, "/dev/null", O_RDONLY) == EPERM);
        char tmp[] = "/tmp/ocrt-test-bpfdev-XXXXXX";
        REQUIRE(::mkdtemp(tmp));
        CHECK(mknod_errno(dir, std::string(tmp) + "/null", 1, 3) == EPERM);  // no m for c 1:3
        ::rmdir(tmp);
    }
    SECTION("allow all, then a later allow never undoes an earlier deny's bits it does not name") {
        REQUIRE(attach_device_filter(dir, {{true, "a", any, any, "rwm"}, {false, "c", 1, 3, "r"}, {true, "c", 1, any, "w"}}));
        CHECK(open_errno(dir, "/dev/null", O_WRONLY) == 0);
        CHECK(open_errno(dir, "/dev/null", O_RDONLY) == EPERM);
        CHECK(open_errno(dir, "/dev/null", O_RDWR) == EPERM);
        CHECK(open_errno(dir, "/dev/zero", O_RDWR) == 0);
    }
    SECTION("an update replaces the filter: one program stays attached") {
        REQUIRE(attach_device_filter(dir, {{true, "c", 1, 3, "rwm"}}));
        CHECK(open_errno(dir, "/dev/zero", O_RDONLY) == EPERM);
        REQUIRE(attach_device_filter(dir, {{true, "c", 1, 5, "rwm"}}));
        auto ids = attached_device_filters(dir);
        REQUIRE(ids);
        CHECK(ids->size() == 1);
        CHECK(open_errno(dir, "/dev/zero", O_RDONLY) == 0);
        CHECK(open_errno(dir, "/dev/null", O_RDONLY) == EPERM);
    }
}
