#include <ocrt/linux/mount_options.hpp>

#include <sys/mount.h>
#include <sys/statvfs.h>

#include <algorithm>
#include <array>

namespace ocrt::os {

namespace {

using K = MountOptionKind;

constexpr MountOption flag(std::string_view name, K kind, unsigned long ms) { return {name, kind, ms, 0}; }
constexpr MountOption attr(std::string_view name, K kind, uint64_t mount_attr) { return {name, kind, 0, mount_attr}; }
constexpr MountOption word(std::string_view name, K kind) { return {name, kind, 0, 0}; }

// Sorted by name (checked below) so lookup is a binary search.
constexpr std::array kTable = {
    flag("async", K::ClearFlag, MS_SYNCHRONOUS),
    flag("atime", K::ClearFlag, MS_NOATIME),
    flag("bind", K::Bind, MS_BIND),
    word("defaults", K::NoOp),
    flag("dev", K::ClearFlag, MS_NODEV),
    flag("diratime", K::ClearFlag, MS_NODIRATIME),
    flag("dirsync", K::SetFlag, MS_DIRSYNC),
    flag("exec", K::ClearFlag, MS_NOEXEC),
    word("idmap", K::Idmap),
    flag("iversion", K::SetFlag, MS_I_VERSION),
    flag("lazytime", K::SetFlag, MS_LAZYTIME),
    flag("loud", K::ClearFlag, MS_SILENT),
    flag("mand", K::SetFlag, MS_MANDLOCK),
    flag("noatime", K::SetFlag, MS_NOATIME),
    flag("nodev", K::SetFlag, MS_NODEV),
    flag("nodiratime", K::SetFlag, MS_NODIRATIME),
    flag("noexec", K::SetFlag, MS_NOEXEC),
    flag("noiversion", K::ClearFlag, MS_I_VERSION),
    flag("nolazytime", K::ClearFlag, MS_LAZYTIME),
    flag("nomand", K::ClearFlag, MS_MANDLOCK),
    flag("norelatime", K::ClearFlag, MS_RELATIME),
    flag("nostrictatime", K::ClearFlag, MS_STRICTATIME),
    flag("nosuid", K::SetFlag, MS_NOSUID),
    flag("nosymfollow", K::SetFlag, MS_NOSYMFOLLOW),
    flag("private", K::Propagation, MS_PRIVATE),
    attr("ratime", K::AtimeAttr, MOUNT_ATTR_RELATIME),  // "not noatime": the kernel default
    flag("rbind", K::RecursiveBind, MS_BIND | MS_REC),
    attr("rdev", K::ClearAttr, MOUNT_ATTR_NODEV),
    attr("rdiratime", K::ClearAttr, MOUNT_ATTR_NODIRATIME),
    flag("relatime", K::SetFlag, MS_RELATIME),
    flag("remount", K::SetFlag, MS_REMOUNT),
    attr("rexec", K::ClearAttr, MOUNT_ATTR_NOEXEC),
    word("ridmap", K::RecursiveIdmap),
    attr("rnoatime", K::AtimeAttr, MOUNT_ATTR_NOATIME),
    attr("rnodev", K::SetAttr, MOUNT_ATTR_NODEV),
    attr("rnodiratime", K::SetAttr, MOUNT_ATTR_NODIRATIME),
    attr("rnoexec", K::SetAttr, MOUNT_ATTR_NOEXEC),
    attr("rnorelatime", K::AtimeAttr, MOUNT_ATTR_STRICTATIME),  // without relatime, every access counts
    attr("rnostrictatime", K::AtimeAttr, MOUNT_ATTR_RELATIME),
    attr("rnosuid", K::SetAttr, MOUNT_ATTR_NOSUID),
    attr("rnosymfollow", K::SetAttr, MOUNT_ATTR_NOSYMFOLLOW),
    flag("ro", K::SetFlag, MS_RDONLY),
    flag("rprivate", K::Propagation, MS_PRIVATE | MS_REC),
    attr("rrelatime", K::AtimeAttr, MOUNT_ATTR_RELATIME),
    attr("rro", K::SetAttr, MOUNT_ATTR_RDONLY),
    attr("rrw", K::ClearAttr, MOUNT_ATTR_RDONLY),
    flag("rshared", K::Propagation, MS_SHARED | MS_REC),
    flag("rslave", K::Propagation, MS_SLAVE | MS_REC),
    attr("rstrictatime", K::AtimeAttr, MOUNT_ATTR_STRICTATIME),
    attr("rsuid", K::ClearAttr, MOUNT_ATTR_NOSUID),
    attr("rsymfollow", K::ClearAttr, MOUNT_ATTR_NOSYMFOLLOW),
    flag("runbindable", K::Propagation, MS_UNBINDABLE | MS_REC),
    flag("rw", K::ClearFlag, MS_RDONLY),
    flag("shared", K::Propagation, MS_SHARED),
    flag("silent", K::SetFlag, MS_SILENT),
    flag("slave", K::Propagation, MS_SLAVE),
    flag("strictatime", K::SetFlag, MS_STRICTATIME),
    flag("suid", K::ClearFlag, MS_NOSUID),
    flag("symfollow", K::ClearFlag, MS_NOSYMFOLLOW),
    flag("sync", K::SetFlag, MS_SYNCHRONOUS),
    word("tmpcopyup", K::TmpCopyUp),
    flag("unbindable", K::Propagation, MS_UNBINDABLE),
};

constexpr bool sorted_and_unique() {
    for (size_t i = 1; i < kTable.size(); ++i)
        if (!(kTable[i - 1].name < kTable[i].name)) return false;
    return true;
}
static_assert(sorted_and_unique(), "kTable must stay sorted by name for the binary search");

void apply(const MountOption &option, MountSpec &spec) {
    switch (option.kind) {
    case K::SetFlag:
        spec.flags |= option.flag;
        spec.clear_flags &= ~option.flag;
        break;
    case K::ClearFlag:
        spec.flags &= ~option.flag;
        spec.clear_flags |= option.flag;
        break;
    case K::Propagation:
        spec.propagation.push_back(option.flag);
        break;
    case K::Bind:
        spec.is_bind = true;
        spec.flags |= MS_BIND;
        break;
    case K::RecursiveBind:
        spec.is_bind = true;
        spec.is_recursive = true;
        spec.flags |= MS_BIND | MS_REC;
        break;
    case K::SetAttr:
        spec.attr_set |= option.attr;
        spec.attr_clr &= ~option.attr;
        break;
    case K::ClearAttr:
        spec.attr_clr |= option.attr;
        spec.attr_set &= ~option.attr;
        break;
    case K::AtimeAttr:
        // The atime modes are one field: mount_setattr wants all of it cleared to set one.
        spec.attr_clr |= MOUNT_ATTR__ATIME;
        spec.attr_set = (spec.attr_set & ~uint64_t{MOUNT_ATTR__ATIME}) | option.attr;
        break;
    case K::Idmap:
        spec.idmap = true;
        break;
    case K::RecursiveIdmap:
        spec.recursive_idmap = true;
        break;
    case K::TmpCopyUp:
        spec.tmpcopyup = true;
        break;
    case K::NoOp:
        break;
    }
}

}  // namespace

std::span<const MountOption> mount_option_table() { return kTable; }

const MountOption *find_mount_option(std::string_view name) {
    auto it = std::lower_bound(kTable.begin(), kTable.end(), name,
                               [](const MountOption &option, std::string_view key) { return option.name < key; });
    if (it == kTable.end() || it->name != name) return nullptr;
    return &*it;
}

MountSpec parse_mount_options(const std::vector<std::string> &options) {
    MountSpec spec;
    for (const auto &word : options) {
        if (const MountOption *option = find_mount_option(word)) {
            apply(*option, spec);
            continue;
        }
        if (!spec.data.empty()) spec.data += ',';
        spec.data += word;
    }
    return spec;
}

unsigned long remount_flags_from_statvfs(unsigned long f_flag) {
    unsigned long flags = 0;
    if (f_flag & ST_NOSUID) flags |= MS_NOSUID;
    if (f_flag & ST_NODEV) flags |= MS_NODEV;
    if (f_flag & ST_NOEXEC) flags |= MS_NOEXEC;
    if (f_flag & ST_NOATIME) flags |= MS_NOATIME;
    if (f_flag & ST_NODIRATIME) flags |= MS_NODIRATIME;
    if (f_flag & ST_RELATIME) flags |= MS_RELATIME;
    return flags;
}

}  // namespace ocrt::os
