// CVE-2019-5736: while ocrt code runs in a container's namespaces, /proc/<pid>/exe of
// that process must never lead back to the host ocrt binary. ocrt does not re-exec
// itself, so instead the running process swaps its own executable: every mapping of
// the binary is replaced by an anonymous copy at the same address, and mm->exe_file
// is pointed at a small sealed memfd (prctl PR_SET_MM_MAP, CAP_SYS_ADMIN or
// CAP_CHECKPOINT_RESTORE, as CRIU does on restore).
#pragma once

#include <ocrt/base/result.hpp>

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace ocrt::init {

// The name the placeholder memfd shows in /proc/<pid>/exe ("/memfd:<name> (deleted)").
inline constexpr const char *kSealedExeName = "ocrt-sealed-exe";

// One line of /proc/self/maps, with what the seal needs.
struct MapsEntry {
    std::uintptr_t start = 0;
    std::uintptr_t end = 0;
    bool read = false, write = false, exec = false, shared = false;
    unsigned int dev_major = 0, dev_minor = 0;
    std::uint64_t inode = 0;
};

// Pure: parse one /proc/<pid>/maps line; nullopt when malformed.
std::optional<MapsEntry> parse_maps_line(std::string_view line);

// Pure: the mappings of the file with this device and inode, from a whole maps text.
std::vector<MapsEntry> mappings_of_file(std::string_view maps, unsigned int dev_major, unsigned int dev_minor,
                                        std::uint64_t inode);

// The memory layout fields of /proc/<pid>/stat that PR_SET_MM_MAP wants back unchanged.
struct MmLayout {
    std::uint64_t start_code = 0, end_code = 0, start_stack = 0;
    std::uint64_t start_data = 0, end_data = 0, start_brk = 0;
    std::uint64_t arg_start = 0, arg_end = 0, env_start = 0, env_end = 0;
};

// Pure: fields 26-28 and 45-51 of one stat line (proc(5)).
std::optional<MmLayout> parse_mm_layout(std::string_view stat_line);

// Replaces this process's executable as described above. Single-threaded callers
// only (the cloned init is). On failure the process may be half-sealed: callers exit.
Result<void> seal_own_executable();

}  // namespace ocrt::init
