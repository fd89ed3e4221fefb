#include <ocrt/linux/mount_options.hpp>

#include <catch2/catch.hpp>

#include <sys/mount.h>

#include <set>

using ocrt::os::MountSpec;
using ocrt::os::parse_mount_options;

namespace {

struct Expect {
    const char *word;
    unsigned long flags = 0;
    unsigned long clear_flags = 0;
    unsigned long propagation = 0;
    bool bind = false, recursive = false;
    uint64_t attr_set = 0, attr_clr = 0;
};

constexpr uint64_t kAtime = MOUNT_ATTR__ATIME;

// Every option word of config.md "Linux mount options" (plus rnodev) and its meaning.
const std::vector<Expect> kExpected = {
    {"async", 0, MS_SYNCHRONOUS},
    {"atime", 0, MS_NOATIME},
    {"bind", MS_BIND, 0, 0, true},
    {"defaults"},
    {"dev", 0, MS_NODEV},
    {"diratime", 0, MS_NODIRATIME},
    {"dirsync", MS_DIRSYNC},
    {"exec", 0, MS_NOEXEC},
    {"idmap"},
    {"iversion", MS_I_VERSION},
    {"lazytime", MS_LAZYTIME},
    {"loud", 0, MS_SILENT},
    {"mand", MS_MANDLOCK},
    {"noatime", MS_NOATIME},
    {"nodev", MS_NODEV},
    {"nodiratime", MS_NODIRATIME},
    {"noexec", MS_NOEXEC},
    {"noiversion", 0, MS_I_VERSION},
    {"nolazytime", 0, MS_LAZYTIME},
    {"nomand", 0, MS_MANDLOCK},
    {"norelatime", 0, MS_RELATIME},
    {"nostrictatime", 0, MS_STRICTATIME},
    {"nosuid", MS_NOSUID},
    {"nosymfollow", MS_NOSYMFOLLOW},
    {"private", 0, 0, MS_PRIVATE},
    {"ratime", 0, 0, 0, false, false, MOUNT_ATTR_RELATIME, kAtime},
    {"rbind", MS_BIND | MS_REC, 0, 0, true, true},
    {"rdev", 0, 0, 0, false, false, 0, MOUNT_ATTR_NODEV},
    {"rdiratime", 0, 0, 0, false, false, 0, MOUNT_ATTR_NODIRATIME},
    {"relatime", MS_RELATIME},
    {"remount", MS_REMOUNT},
    {"rexec", 0, 0, 0, false, false, 0, MOUNT_ATTR_NOEXEC},
    {"ridmap"},
    {"rnoatime", 0, 0, 0, false, false, MOUNT_ATTR_NOATIME, kAtime},
    {"rnodev", 0, 0, 0, false, false, MOUNT_ATTR_NODEV, 0},
    {"rnodiratime", 0, 0, 0, false, false, MOUNT_ATTR_NODIRATIME, 0},
    {"rnoexec", 0, 0, 0, false, false, MOUNT_ATTR_NOEXEC, 0},
    {"rnorelatime", 0, 0, 0, false, false, MOUNT_ATTR_STRICTATIME, kAtime},
    {"rnostrictatime", 0, 0, 0, false, false, MOUNT_ATTR_RELATIME, kAtime},
    {"rnosuid", 0, 0, 0, false, false, MOUNT_ATTR_NOSUID, 0},
    {"rnosymfollow", 0, 0, 0, false, false, MOUNT_ATTR_NOSYMFOLLOW, 0},
    {"ro", MS_RDONLY},
    {"rprivate", 0, 0, MS_PRIVATE | MS_REC},
    {"rrelatime", 0, 0, 0, false, false, MOUNT_ATTR_RELATIME, kAtime},
    {"rro", 0, 0, 0, false, false, MOUNT_ATTR_RDONLY, 0},
    {"rrw", 0, 0, 0, false, false, 0, MOUNT_ATTR_RDONLY},
    {"rshared", 0, 0, MS_SHARED | MS_REC},
    {"rslave", 0, 0, MS_SLAVE | MS_REC},
    {"rstrictatime", 0, 0, 0, false, false, MOUNT_ATTR_STRICTATIME, kAtime},
    {"rsuid", 0, 0, 0, false, false, 0, MOUNT_ATTR_NOSUID},
    {"rsymfollow", 0, 0, 0, false, false, 0, MOUNT_ATTR_NOSYMFOLLOW},
    {"runbindable", 0, 0, MS_UNBINDABLE | MS_REC},
    {"rw", 0, MS_RDONLY},
    {"shared", 0, 0, MS_SHARED},
    {"silent", MS_SILENT},
    {"slave", 0, 0, MS_SLAVE},
    {"strictatime", MS_STRICTATIME},
    {"suid", 0, MS_NOSUID},
    {"symfollow", 0, MS_NOSYMFOLLOW},
    {"sync", MS_SYNCHRONOUS},
    {"tmpcopyup"},
    {"unbindable", 0, 0, MS_UNBINDABLE},
};

}  // namespace

TEST_CASE("every mount option word parses to its flags") {
    for (const auto &e : kExpected) {
        INFO(e.word);
        REQUIRE(ocrt::os::find_mount_option(e.word) != nullptr);
        MountSpec spec = parse_mount_options({e.word});
        CHECK(spec.flags == e.flags);
        CHECK(spec.clear_flags == e.clear_flags);
        if (e.propagation != 0) {
            CHECK(spec.propagation == std::vector<unsigned long>{e.propagation});
        } else {
            CHECK(spec.propagation.empty());
        }
        CHECK(spec.is_bind == e.bind);
        CHECK(spec.is_recursive == e.recursive);
        CHECK(spec.attr_set == e.attr_set);
        CHECK(spec.attr_clr == e.attr_clr);
        CHECK(spec.idmap == (std::string(e.word) == "idmap"));
        CHECK(spec.recursive_idmap == (std::string(e.word) == "ridmap"));
        CHECK(spec.tmpcopyup == (std::string(e.word) == "tmpcopyup"));
        CHECK(spec.data.empty());
    }
}

TEST_CASE("the table has exactly the expected words") {
    std::set<std::string> table;
    for (const auto &option : ocrt::os::mount_option_table()) table.insert(std::string(option.name));
    std::set<std::string> expected;
    for (const auto &e : kExpected) expected.insert(e.word);
    CHECK(table == expected);
    CHECK(ocrt::os::find_mount_option("mode=755") == nullptr);
    CHECK(ocrt::os::find_mount_option("") == nullptr);
}

TEST_CASE("unknown words become the data argument in order") {
    MountSpec spec = parse_mount_options({"nosuid", "mode=755", "strictatime", "size=65536k", "noexec"});
    CHECK(spec.flags == (MS_NOSUID | MS_STRICTATIME | MS_NOEXEC));
    CHECK(spec.data == "mode=755,size=65536k");
}

TEST_CASE("later words win") {
    MountSpec rw = parse_mount_options({"ro", "rw"});
    CHECK((rw.flags & MS_RDONLY) == 0);
    CHECK((rw.clear_flags & MS_RDONLY) != 0);
    MountSpec ro = parse_mount_options({"rw", "ro"});
    CHECK((ro.flags & MS_RDONLY) != 0);
    CHECK((ro.clear_flags & MS_RDONLY) == 0);
    MountSpec attrs = parse_mount_options({"rro", "rrw", "rnoatime", "rstrictatime"});
    CHECK(attrs.attr_set == MOUNT_ATTR_STRICTATIME);
    CHECK(attrs.attr_clr == (MOUNT_ATTR_RDONLY | MOUNT_ATTR__ATIME));
}

TEST_CASE("a typical read-only recursive bind with propagation") {
    MountSpec spec = parse_mount_options({"rbind", "ro", "nosuid", "rprivate", "rslave"});
    CHECK(spec.is_bind);
    CHECK(spec.is_recursive);
    CHECK(spec.flags == (MS_BIND | MS_REC | MS_RDONLY | MS_NOSUID));
    CHECK(spec.propagation == std::vector<unsigned long>{MS_PRIVATE | MS_REC, MS_SLAVE | MS_REC});
}
