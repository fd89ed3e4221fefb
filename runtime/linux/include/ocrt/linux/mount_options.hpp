// The option words of config.md "Linux mount options" and what each means to
// mount(2) / mount_setattr(2). Words not in the table are filesystem-specific
// and travel in the data argument.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ocrt::os {

enum class MountOptionKind {
    SetFlag,          // mount(2) flag to set ("ro" -> MS_RDONLY)
    ClearFlag,        // mount(2) flag to clear ("rw" -> MS_RDONLY)
    Propagation,      // applied after the mount ("rslave" -> MS_SLAVE | MS_REC)
    Bind,             // "bind" (MS_BIND)
    RecursiveBind,    // "rbind" (MS_BIND | MS_REC)
    SetAttr,          // mount_setattr AT_RECURSIVE attr_set ("rro" -> MOUNT_ATTR_RDONLY)
    ClearAttr,        // mount_setattr AT_RECURSIVE attr_clr ("rrw" -> MOUNT_ATTR_RDONLY)
    AtimeAttr,        // recursive atime mode: clears MOUNT_ATTR__ATIME, sets the mode
    Idmap,            // "idmap": id-mapped mount
    RecursiveIdmap,   // "ridmap"
    TmpCopyUp,        // "tmpcopyup": copy the destination's content into a new tmpfs
    NoOp,             // "defaults"
};

struct MountOption {
    std::string_view name;
    MountOptionKind kind;
    unsigned long flag = 0;  // MS_* for SetFlag/ClearFlag/Propagation/Bind/RecursiveBind
    uint64_t attr = 0;       // MOUNT_ATTR_* for SetAttr/ClearAttr/AtimeAttr
};

// Every recognised word, sorted by name (also what `features` reports as mountOptions).
std::span<const MountOption> mount_option_table();
const MountOption *find_mount_option(std::string_view name);

struct MountSpec {
    unsigned long flags = 0;                 // MS_* to pass to mount(2) (MS_BIND/MS_REC included for binds)
    unsigned long clear_flags = 0;           // MS_* explicitly cleared by a later word ("rw", "suid", ...)
    std::vector<unsigned long> propagation;  // one mount(2) call each, in the order given
    bool is_bind = false;
    bool is_recursive = false;               // rbind
    uint64_t attr_set = 0;                   // mount_setattr(AT_RECURSIVE) after the mount
    uint64_t attr_clr = 0;
    bool idmap = false;
    bool recursive_idmap = false;
    bool tmpcopyup = false;
    std::string data;                        // unknown words joined with ','
};

// Later words win over earlier ones ("ro,rw" is read-write).
MountSpec parse_mount_options(const std::vector<std::string> &options);

// The per-mount flags a bind remount must repeat (statvfs f_flag ST_* -> MS_*):
// a read-only remount that dropped nosuid/nodev/noexec would weaken the mount,
// and in a user namespace the kernel refuses it.
unsigned long remount_flags_from_statvfs(unsigned long f_flag);

}  // namespace ocrt::os
