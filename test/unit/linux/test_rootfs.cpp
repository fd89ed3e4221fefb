#include <ocrt/base/fs.hpp>
#include <ocrt/linux/devices.hpp>
#include <ocrt/linux/mounts.hpp>
#include <ocrt/linux/rootfs.hpp>

#include "fake_kernel.hpp"
#include "temp_dir.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

using Call = ocrt::testing::FakeKernel::Call;
using ocrt::testing::FakeKernel;
using ocrt::testing::TempDir;
using MountCall = FakeKernel::MountCall;

namespace {

ocrt::spec::Mount mount_of(std::string dest, std::string type, std::string source, std::vector<std::string> options) {
    ocrt::spec::Mount m;
    m.destination = std::move(dest);
    m.type = std::move(type);
    m.source = std::move(source);
    m.options = std::move(options);
    return m;
}

struct Fixture {
    TempDir host;    // bind sources
    TempDir rootfs;  // the container root
    ocrt::spec::Config config;
    ocrt::os::RootfsOptions options;

    Fixture() {
        host.mkdir("data");
        host.write("hosts", "127.0.0.1 localhost\n");
        options.rootfs = rootfs.path();
        options.bundle = host.path();
        config.linux_.emplace();
    }
};

bool is_dir(const std::string &path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool is_file(const std::string &path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace

TEST_CASE("prepare_rootfs: propagation, self bind, mounts in order, binds remounted with their flags") {
    Fixture f;
    f.config.mounts = {
        mount_of("/proc", "proc", "proc", {"nosuid", "noexec", "nodev"}),
        mount_of("/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}),
        mount_of("/data", "bind", "data", {"rbind", "ro"}),  // relative to the bundle
        mount_of("/etc/hosts", "none", f.host / "hosts", {"bind", "ro", "nosuid", "rslave"}),
        mount_of("/sys/fs/x", "tmpfs", "", {"rro"}),
    };
    FakeKernel kernel;
    REQUIRE(ocrt::os::prepare_rootfs(f.config, f.options, kernel));

    const std::string r = f.rootfs.path();
    const std::vector<MountCall> expected = {
        {"", "/", "", MS_SLAVE | MS_REC, ""},
        {r, r, "", MS_BIND | MS_REC, ""},
        {"proc", r + "/proc", "proc", MS_NOSUID | MS_NOEXEC | MS_NODEV, ""},
        {"tmpfs", r + "/dev", "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k"},
        {f.host / "data", r + "/data", "", MS_BIND | MS_REC, ""},
        {"", r + "/data", "", MS_BIND | MS_REMOUNT | MS_RDONLY, ""},
        {f.host / "hosts", r + "/etc/hosts", "", MS_BIND, ""},
        {"", r + "/etc/hosts", "", MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID, ""},
        {"", r + "/etc/hosts", "", MS_SLAVE | MS_REC, ""},
        {"tmpfs", r + "/sys/fs/x", "tmpfs", 0, ""},
    };
    CHECK(kernel.calls_of<MountCall>() == expected);
    CHECK(kernel.calls_of<FakeKernel::MountSetattrCall>() ==
          std::vector<FakeKernel::MountSetattrCall>{{r + "/sys/fs/x", AT_EMPTY_PATH | AT_RECURSIVE, MOUNT_ATTR_RDONLY, 0}});
    CHECK(is_dir(r + "/data"));
    CHECK(is_file(r + "/etc/hosts"));  // a file source gets a file target

    // /dev is a tmpfs, not a host bind: default devices (umask 0 meanwhile) and symlinks.
    auto nodes = kernel.calls_of<FakeKernel::MknodatCall>();
    REQUIRE(nodes.size() == 6);
    CHECK(nodes[0] == FakeKernel::MknodatCall{r + "/dev", "null", S_IFCHR | 0666, makedev(1, 3)});
    CHECK(nodes[5] == FakeKernel::MknodatCall{r + "/dev", "tty", S_IFCHR | 0666, makedev(5, 0)});
    auto umasks = kernel.calls_of<FakeKernel::UmaskCall>();
    REQUIRE(umasks.size() == 2);
    CHECK(umasks[0].mask == 0);
    auto links = kernel.calls_of<FakeKernel::SymlinkatCall>();
    CHECK(links == std::vector<FakeKernel::SymlinkatCall>{{"/proc/self/fd", r + "/dev", "fd"},
                                                          {"/proc/self/fd/0", r + "/dev", "stdin"},
                                                          {"/proc/self/fd/1", r + "/dev", "stdout"},
                                                          {"/proc/self/fd/2", r + "/dev", "stderr"}});
}

TEST_CASE("prepare_rootfs resolves symlinked destinations inside the rootfs") {
    Fixture f;
    f.rootfs.symlink(f.host.path(), "evil");         // absolute link to a host path
    f.rootfs.symlink("../../../../../../etc", "up");  // climbs out with ..
    f.config.mounts = {mount_of("/evil/sub", "tmpfs", "tmpfs", {}), mount_of("/up/x", "tmpfs", "tmpfs", {})};
    FakeKernel kernel;
    REQUIRE(ocrt::os::prepare_rootfs(f.config, f.options, kernel));
    auto mounts = kernel.calls_of<MountCall>();
    REQUIRE(mounts.size() == 4);
    CHECK(mounts[2].target == f.rootfs.path() + f.host.path() + "/sub");
    CHECK(mounts[3].target == f.rootfs.path() + "/etc/x");
    CHECK_FALSE(is_dir(f.host / "sub"));
}

TEST_CASE("proc and sysfs are refused on a symlink or a file") {
    Fixture f;
    f.rootfs.symlink("/tmp", "proc");
    f.rootfs.write("sys", "not a dir");
    FakeKernel kernel;
    f.config.mounts = {mount_of("/proc", "proc", "proc", {})};
    auto proc = ocrt::os::prepare_rootfs(f.config, f.options, kernel);
    REQUIRE_FALSE(proc);
    CHECK(proc.error().code() == ENOTDIR);
    CHECK(proc.error().render().find("proc must be mounted on an ordinary directory") != std::string::npos);

    f.config.mounts = {mount_of("/sys", "sysfs", "sysfs", {})};
    auto sys = ocrt::os::prepare_rootfs(f.config, f.options, kernel);
    REQUIRE_FALSE(sys);
    CHECK(sys.error().code() == ENOTDIR);
}

TEST_CASE("mounts over /proc are limited") {
    CHECK(ocrt::os::check_proc_destination("/proc", "proc"));
    CHECK_FALSE(ocrt::os::check_proc_destination("/proc", "tmpfs"));
    CHECK_FALSE(ocrt::os::check_proc_destination("/proc", "bind"));
    CHECK_FALSE(ocrt::os::check_proc_destination("/proc/sys", "bind"));
    CHECK_FALSE(ocrt::os::check_proc_destination("/proc/self/attr", "tmpfs"));
    CHECK(ocrt::os::check_proc_destination("/proc/cpuinfo", "bind"));
    CHECK(ocrt::os::check_proc_destination("/procfoo", "tmpfs"));
    CHECK(ocrt::os::check_proc_destination("/data", "tmpfs"));
}

TEST_CASE("a failed mount names the mount and keeps errno") {
    Fixture f;
    f.config.mounts = {mount_of("/mnt", "bind", f.host / "missing", {"bind"})};
    FakeKernel kernel;
    auto failed = ocrt::os::prepare_rootfs(f.config, f.options, kernel);
    REQUIRE_FALSE(failed);
    CHECK(failed.error().code() == ENOENT);
    CHECK(failed.error().render().rfind("mount \"" + f.host / "missing" + "\" to \"/mnt\": stat bind source", 0) == 0);

    Fixture g;
    g.config.mounts = {mount_of("/mnt", "tmpfs", "tmpfs", {})};
    FakeKernel refusing;
    refusing.fail_next(FakeKernel::Op::Mount, EINVAL, 3);  // "/", the self bind, then ours
    auto refused = ocrt::os::prepare_rootfs(g.config, g.options, refusing);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code() == EINVAL);
    CHECK(refused.error().render().rfind("change the propagation of \"/\": ", 0) == 0);
}

TEST_CASE("linux.devices are created with their mode and owner; EPERM binds the host node") {
    Fixture f;
    ocrt::spec::Device fuse;
    fuse.type = "c";
    fuse.path = "/dev/fuse";
    fuse.major = 10;
    fuse.minor = 229;
    fuse.file_mode = 0620;
    fuse.uid = 0;
    fuse.gid = 5;
    f.config.linux_->devices = {fuse};
    FakeKernel kernel;
    kernel.fail_next(FakeKernel::Op::Mknodat, EPERM);  // /dev/null: bind instead
    REQUIRE(ocrt::os::prepare_rootfs(f.config, f.options, kernel));
    const std::string r = f.rootfs.path();

    auto mounts = kernel.calls_of<MountCall>();
    REQUIRE(mounts.size() == 3);
    CHECK(mounts[2] == MountCall{"/dev/null", r + "/dev/null", "", MS_BIND, ""});
    CHECK(is_file(r + "/dev/null"));

    auto nodes = kernel.calls_of<FakeKernel::MknodatCall>();
    REQUIRE(nodes.size() == 7);
    CHECK(nodes.back() == FakeKernel::MknodatCall{r + "/dev", "fuse", S_IFCHR | 0620, makedev(10, 229)});
    CHECK(kernel.calls_of<FakeKernel::FchownatCall>() ==
          std::vector<FakeKernel::FchownatCall>{{r + "/dev", "fuse", 0, 5, AT_SYMLINK_NOFOLLOW}});
    // no /dev/pts mount: no ptmx link
    for (const auto &link : kernel.calls_of<FakeKernel::SymlinkatCall>()) CHECK(link.link != "ptmx");
}

TEST_CASE("a host bind on /dev skips device setup; /dev/pts adds the ptmx link") {
    Fixture f;
    f.host.mkdir("dev");
    f.config.mounts = {mount_of("/dev", "bind", f.host / "dev", {"rbind"})};
    CHECK_FALSE(ocrt::os::needs_dev_setup(f.config));
    FakeKernel kernel;
    REQUIRE(ocrt::os::prepare_rootfs(f.config, f.options, kernel));
    CHECK(kernel.calls_of<FakeKernel::MknodatCall>().empty());
    CHECK(kernel.calls_of<FakeKernel::SymlinkatCall>().empty());

    Fixture g;
    g.config.mounts = {mount_of("/dev/pts", "devpts", "devpts", {"newinstance", "ptmxmode=0666"})};
    FakeKernel second;
    REQUIRE(ocrt::os::prepare_rootfs(g.config, g.options, second));
    auto links = second.calls_of<FakeKernel::SymlinkatCall>();
    REQUIRE(links.size() == 5);
    CHECK(links.back() == FakeKernel::SymlinkatCall{"pts/ptmx", g.rootfs / "dev", "ptmx"});
    CHECK(second.calls_of<MountCall>()[2] ==
          MountCall{"devpts", g.rootfs / "dev/pts", "devpts", 0, "newinstance,ptmxmode=0666"});
}

TEST_CASE("device_node validates linux.devices entries") {
    ocrt::spec::Device pipe;
    pipe.type = "p";
    pipe.path = "/dev/pipe";
    auto node = ocrt::os::device_node(pipe);
    REQUIRE(node);
    CHECK(node->type == S_IFIFO);
    CHECK(node->mode == 0666);

    ocrt::spec::Device bad;
    bad.type = "x";
    bad.path = "/dev/x";
    CHECK_FALSE(ocrt::os::device_node(bad));
    bad.type = "b";
    CHECK_FALSE(ocrt::os::device_node(bad));  // no major/minor
}

TEST_CASE("rootfsPropagation shared keeps / private until after the pivot") {
    Fixture f;
    f.config.linux_->rootfs_propagation = "shared";
    FakeKernel kernel;
    REQUIRE(ocrt::os::prepare_rootfs(f.config, f.options, kernel));
    CHECK(kernel.calls_of<MountCall>()[0] == MountCall{"", "/", "", MS_PRIVATE | MS_REC, ""});
    FakeKernel after;
    REQUIRE(ocrt::os::finish_rootfs(f.config, after));
    CHECK(after.calls_of<MountCall>() == std::vector<MountCall>{{"", "/", "", MS_SHARED | MS_REC, ""}});

    f.config.linux_->rootfs_propagation = "bogus";
    FakeKernel bad;
    CHECK_FALSE(ocrt::os::prepare_rootfs(f.config, f.options, bad));
}

TEST_CASE("enter_rootfs: pivot_root(., .) then detach the old root") {
    Fixture f;
    FakeKernel kernel;
    REQUIRE(ocrt::os::enter_rootfs(f.config, f.options, kernel));
    const std::vector<Call> expected = {
        FakeKernel::FchdirCall{f.rootfs.path()},
        FakeKernel::PivotRootCall{".", "."},
        FakeKernel::FchdirCall{"/"},
        MountCall{"", ".", "", MS_SLAVE | MS_REC, ""},
        FakeKernel::Umount2Call{".", MNT_DETACH},
        FakeKernel::ChdirCall{"/"},
    };
    CHECK(kernel.calls() == expected);
}

TEST_CASE("enter_rootfs with no_pivot moves the rootfs and chroots") {
    Fixture f;
    f.options.no_pivot = true;
    FakeKernel kernel;
    REQUIRE(ocrt::os::enter_rootfs(f.config, f.options, kernel));
    const std::vector<Call> expected = {
        FakeKernel::FchdirCall{f.rootfs.path()},
        MountCall{f.rootfs.path(), "/", "", MS_MOVE, ""},
        FakeKernel::ChrootCall{"."},
        FakeKernel::ChdirCall{"/"},
    };
    CHECK(kernel.calls() == expected);
}

TEST_CASE("finish_rootfs remounts / read-only keeping its other flags") {
    ocrt::spec::Config config;
    FakeKernel untouched;
    REQUIRE(ocrt::os::finish_rootfs(config, untouched));
    CHECK(untouched.calls().empty());

    config.root.readonly = true;
    FakeKernel kernel;
    REQUIRE(ocrt::os::finish_rootfs(config, kernel));
    auto mounts = kernel.calls_of<MountCall>();
    REQUIRE(mounts.size() == 1);
    CHECK(mounts[0].target == "/");
    const unsigned long required = MS_BIND | MS_REMOUNT | MS_RDONLY;
    CHECK((mounts[0].flags & required) == required);
}

// security.md §1 CVE-2025-31133, §5.3: an image's own /dev (no tmpfs over it) may plant
// a symlink or a file where a device belongs; mknod then says EEXIST.
TEST_CASE("an existing node is kept only when it is the very device; a planted link or file fails") {
    ocrt::os::DeviceNode null_node{"/dev/null", S_IFCHR, 1, 3};
    {
        TempDir rootfs;
        rootfs.symlink("/tmp/decoy-null", "dev/null");
        auto root = ocrt::fs::open_path(rootfs.path(), O_PATH | O_DIRECTORY);
        REQUIRE(root);
        FakeKernel kernel;
        kernel.fail_next(FakeKernel::Op::Mknodat, EEXIST);
        auto made = ocrt::os::create_device(null_node, *root, kernel);
        REQUIRE_FALSE(made);
        CHECK(made.error().code() == EEXIST);
        CHECK(made.error().render().find("device \"/dev/null\": a symlink is already there, not the requested character device 1:3") != std::string::npos);
    }
    {
        TempDir rootfs;
        rootfs.write("dev/null", "planted");
        auto root = ocrt::fs::open_path(rootfs.path(), O_PATH | O_DIRECTORY);
        REQUIRE(root);
        FakeKernel kernel;
        kernel.fail_next(FakeKernel::Op::Mknodat, EEXIST);
        CHECK_FALSE(ocrt::os::create_device(null_node, *root, kernel));
        // A fifo only has to be a fifo.
        ocrt::os::DeviceNode fifo{"/dev/null", S_IFIFO, 0, 0};
        kernel.fail_next(FakeKernel::Op::Mknodat, EEXIST);
        auto refused = ocrt::os::create_device(fifo, *root, kernel);
        REQUIRE_FALSE(refused);
        CHECK(refused.error().render().find("not the requested fifo") != std::string::npos);
    }
    {
        TempDir rootfs;
        rootfs.mkdir("dev");
        if (::mknod((rootfs / "dev/null").c_str(), S_IFCHR | 0666, makedev(1, 3)) != 0) {
            WARN("cannot mknod here (not root?): the accepted case is not checked");
            return;
        }
        auto root = ocrt::fs::open_path(rootfs.path(), O_PATH | O_DIRECTORY);
        REQUIRE(root);
        FakeKernel kernel;
        kernel.fail_next(FakeKernel::Op::Mknodat, EEXIST);
        CHECK(ocrt::os::create_device(null_node, *root, kernel));
        ocrt::os::DeviceNode zero{"/dev/null", S_IFCHR, 1, 5};  // right kind, wrong number
        kernel.fail_next(FakeKernel::Op::Mknodat, EEXIST);
        CHECK_FALSE(ocrt::os::create_device(zero, *root, kernel));
    }
}

namespace {

ocrt::os::CgroupView hybrid_view(bool own_namespace) {
    ocrt::os::CgroupView view;
    view.own_namespace = own_namespace;
    view.hierarchies = {{"cpu,cpuacct", "/h/cpu,cpuacct/c1", "cgroup", "cpu,cpuacct"},
                        {"rdma", "", "cgroup", "rdma"},
                        {"unified", "/h/unified/c1", "cgroup2", ""}};
    view.symlinks = {{"cpu", "cpu,cpuacct"}, {"evil", "../../etc"}};
    return view;
}

}  // namespace

TEST_CASE("cgroup mount, v1 hybrid without a cgroup namespace: tmpfs, the container's dirs bound, then ro") {
    Fixture f;
    f.config.mounts = {mount_of("/sys/fs/cgroup", "cgroup", "cgroup", {"nosuid", "ro"})};
    ocrt::os::CgroupView view = hybrid_view(false);
    f.options.cgroups = &view;
    FakeKernel kernel;
    REQUIRE(ocrt::os::prepare_rootfs(f.config, f.options, kernel));
    const std::string c = f.rootfs.path() + "/sys/fs/cgroup";
    const unsigned long ro_remount = MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID;
    auto mounts = kernel.calls_of<MountCall>();
    REQUIRE(mounts.size() == 8);
    CHECK(mounts[2] == MountCall{"tmpfs", c, "tmpfs", MS_NOSUID, "mode=755"});
    CHECK(mounts[3] == MountCall{"/h/cpu,cpuacct/c1", c + "/cpu,cpuacct", "", MS_BIND, ""});
    CHECK(mounts[4] == MountCall{"", c + "/cpu,cpuacct", "", ro_remount, ""});
    CHECK(mounts[5] == MountCall{"/h/unified/c1", c + "/unified", "", MS_BIND, ""});
    // The host's hierarchy without a directory of the container stays an empty directory.
    CHECK(is_dir(c + "/rdma"));
    CHECK(mounts[6] == MountCall{"", c + "/unified", "", ro_remount, ""});
    CHECK(mounts[7] == MountCall{"", c, "", ro_remount, ""});
    // Only plain names: a link target with a slash is not made.
    std::vector<FakeKernel::SymlinkatCall> links;
    for (const auto &link : kernel.calls_of<FakeKernel::SymlinkatCall>())
        if (link.dir == c) links.push_back(link);
    CHECK(links == std::vector<FakeKernel::SymlinkatCall>{{"cpu,cpuacct", c, "cpu"}});
}

TEST_CASE("cgroup mount in a cgroup namespace: fresh mounts of each hierarchy; pure v2: cgroup2 at the destination") {
    Fixture f;
    f.config.mounts = {mount_of("/sys/fs/cgroup", "cgroup", "cgroup", {"nosuid", "ro"})};
    ocrt::os::CgroupView view = hybrid_view(true);
    f.options.cgroups = &view;
    FakeKernel kernel;
    REQUIRE(ocrt::os::prepare_rootfs(f.config, f.options, kernel));
    const std::string c = f.rootfs.path() + "/sys/fs/cgroup";
    auto mounts = kernel.calls_of<MountCall>();
    REQUIRE(mounts.size() == 7);
    CHECK(mounts[3] == MountCall{"cgroup", c + "/cpu,cpuacct", "cgroup", MS_RDONLY | MS_NOSUID, "cpu,cpuacct"});
    CHECK(mounts[4] == MountCall{"cgroup", c + "/rdma", "cgroup", MS_RDONLY | MS_NOSUID, "rdma"});
    CHECK(mounts[5] == MountCall{"cgroup2", c + "/unified", "cgroup2", MS_RDONLY | MS_NOSUID, ""});

    Fixture g;
    g.config.mounts = f.config.mounts;
    ocrt::os::CgroupView v2;
    v2.pure_v2 = true;
    v2.hierarchies = {{"", "/h/c1", "cgroup2", ""}};
    g.options.cgroups = &v2;
    FakeKernel without_ns;
    REQUIRE(ocrt::os::prepare_rootfs(g.config, g.options, without_ns));
    const std::string d = g.rootfs.path() + "/sys/fs/cgroup";
    CHECK(without_ns.calls_of<MountCall>() ==
          std::vector<MountCall>{{"", "/", "", MS_SLAVE | MS_REC, ""},
                                 {g.rootfs.path(), g.rootfs.path(), "", MS_BIND | MS_REC, ""},
                                 {"/h/c1", d, "", MS_BIND, ""},
                                 {"", d, "", MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID, ""}});
    v2.own_namespace = true;
    FakeKernel with_ns;
    REQUIRE(ocrt::os::prepare_rootfs(g.config, g.options, with_ns));
    auto fresh = with_ns.calls_of<MountCall>();
    REQUIRE(fresh.size() == 3);
    CHECK(fresh[2] == MountCall{"cgroup2", d, "cgroup2", MS_RDONLY | MS_NOSUID, ""});
}
