#include <ocrt/init/exe_seal.hpp>

#include "proc_stat.hpp"

#include <ocrt/base/unique_fd.hpp>

#include <fcntl.h>
#include <linux/prctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <string>

namespace ocrt::init {
namespace {

// Newer than some libc headers; the kernel answers EINVAL where they do not exist.
constexpr unsigned int kMfdExec = 0x0010U;  // MFD_EXEC (Linux 6.3)
constexpr int kSealExec = 0x0020;           // F_SEAL_EXEC (Linux 6.3)

// What /proc/<pid>/exe shows instead of the binary: data, not a program, so that a
// "#!/proc/self/exe" interpreter fails with ENOEXEC instead of running anything.
constexpr std::string_view kPlaceholder = "ocrt: sealed stand-in for the ocrt binary, not executable\n";

template <typename T>
bool parse_number(std::string_view text, T &value, int base) {
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value, base);
    return ec == std::errc() && ptr == text.data() + text.size();
}

// Splits off the next space-separated token of `rest`.
std::string_view next_token(std::string_view &rest) {
    size_t begin = rest.find_first_not_of(' ');
    if (begin == std::string_view::npos) {
        rest = {};
        return {};
    }
    rest.remove_prefix(begin);
    size_t end = rest.find(' ');
    std::string_view token = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end);
    return token;
}

Result<std::string> read_proc_file(const char *path) {
    unique_fd fd(::open(path, O_RDONLY | O_CLOEXEC));
    if (!fd) {
        int err = errno;
        return Error(err, std::string("open \"") + path + "\"");
    }
    std::string text;
    char buffer[8192];
    for (;;) {
        ssize_t got = ::read(fd.get(), buffer, sizeof buffer);
        if (got == 0) return text;
        if (got < 0) {
            if (errno == EINTR) continue;
            int err = errno;
            return Error(err, std::string("read \"") + path + "\"");
        }
        text.append(buffer, static_cast<size_t>(got));
    }
}

int protection_of(const MapsEntry &entry) {
    return (entry.read ? PROT_READ : 0) | (entry.write ? PROT_WRITE : 0) | (entry.exec ? PROT_EXEC : 0);
}

// Moves an anonymous copy of the mapping over it. Between the copy and the move no
// code may write to a writable mapping of the binary; lazy PLT binding might, which
// is harmless (the slot is simply resolved again).
Result<void> replace_with_anonymous_copy(const MapsEntry &entry) {
    size_t length = entry.end - entry.start;
    void *original = reinterpret_cast<void *>(entry.start);
    // Populating in one go halves the cost against faulting page by page (measured).
    void *copy = ::mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (copy == MAP_FAILED) {
        int err = errno;
        return Error(err, "map anonymous copy of the ocrt binary");
    }
    if (entry.read) std::memcpy(copy, original, length);
    if (::mprotect(copy, length, protection_of(entry)) != 0 ||
        ::mremap(copy, length, length, MREMAP_MAYMOVE | MREMAP_FIXED, original) == MAP_FAILED) {
        int err = errno;
        ::munmap(copy, length);
        return Error(err, "move anonymous copy over the ocrt binary's mapping");
    }
    return ok();
}

Result<unique_fd> sealed_placeholder() {
    int raw = static_cast<int>(::syscall(SYS_memfd_create, kSealedExeName, MFD_CLOEXEC | MFD_ALLOW_SEALING | kMfdExec));
    if (raw < 0 && errno == EINVAL)
        raw = static_cast<int>(::syscall(SYS_memfd_create, kSealedExeName, MFD_CLOEXEC | MFD_ALLOW_SEALING));
    if (raw < 0) {
        int err = errno;
        return Error(err, "create sealed executable placeholder");
    }
    unique_fd fd(raw);
    if (::write(fd.get(), kPlaceholder.data(), kPlaceholder.size()) != static_cast<ssize_t>(kPlaceholder.size())) {
        int err = errno;
        return Error(err, "write sealed executable placeholder");
    }
    // Nobody but root may open it; the seals stop even root from changing it.
    const int seals = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE;
    if (::fchmod(fd.get(), 0500) != 0 ||
        (::fcntl(fd.get(), F_ADD_SEALS, seals | kSealExec) != 0 &&
         (errno != EINVAL || ::fcntl(fd.get(), F_ADD_SEALS, seals) != 0))) {
        int err = errno;
        return Error(err, "seal executable placeholder");
    }
    return fd;
}

// PR_SET_MM_MAP rewrites the whole layout: give it back what the kernel has.
Result<void> point_exe_link_at(int exe_fd) {
    std::string stat = OCRT_TRY(read_proc_file("/proc/self/stat"));
    auto layout = parse_mm_layout(stat);
    if (!layout) return Error("malformed \"/proc/self/stat\"");
    struct prctl_mm_map map {};
    map.start_code = layout->start_code;
    map.end_code = layout->end_code;
    map.start_data = layout->start_data;
    map.end_data = layout->end_data;
    map.start_brk = layout->start_brk;
    map.brk = static_cast<std::uint64_t>(::syscall(SYS_brk, 0));
    map.start_stack = layout->start_stack;
    map.arg_start = layout->arg_start;
    map.arg_end = layout->arg_end;
    map.env_start = layout->env_start;
    map.env_end = layout->env_end;
    map.auxv = nullptr;  // size 0: the saved auxv stays as it is
    map.auxv_size = 0;
    map.exe_fd = static_cast<std::uint32_t>(exe_fd);
    if (::prctl(PR_SET_MM, PR_SET_MM_MAP, &map, sizeof map, 0) != 0) {
        int err = errno;
        std::string what = "point /proc/self/exe at the sealed placeholder";
        if (err == EINVAL) what += " (a kernel without CONFIG_CHECKPOINT_RESTORE?)";
        if (err == EPERM) what += " (needs CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE)";
        return Error(err, what);
    }
    return ok();
}

}  // namespace

std::optional<MapsEntry> parse_maps_line(std::string_view line) {
    // "start-end perms offset major:minor inode [path]"
    std::string_view rest = line;
    std::string_view range = next_token(rest), perms = next_token(rest), offset = next_token(rest);
    std::string_view device = next_token(rest), inode = next_token(rest);
    size_t dash = range.find('-'), colon = device.find(':');
    if (dash == std::string_view::npos || colon == std::string_view::npos || perms.size() != 4 || offset.empty())
        return std::nullopt;
    MapsEntry entry;
    if (!parse_number(range.substr(0, dash), entry.start, 16) || !parse_number(range.substr(dash + 1), entry.end, 16) ||
        !parse_number(device.substr(0, colon), entry.dev_major, 16) ||
        !parse_number(device.substr(colon + 1), entry.dev_minor, 16) || !parse_number(inode, entry.inode, 10) ||
        entry.end <= entry.start)
        return std::nullopt;
    entry.read = perms[0] == 'r';
    entry.write = perms[1] == 'w';
    entry.exec = perms[2] == 'x';
    entry.shared = perms[3] == 's';
    return entry;
}

std::vector<MapsEntry> mappings_of_file(std::string_view maps, unsigned int dev_major, unsigned int dev_minor,
                                        std::uint64_t inode) {
    std::vector<MapsEntry> found;
    while (!maps.empty()) {
        size_t end = maps.find('\n');
        std::string_view line = maps.substr(0, end);
        maps = end == std::string_view::npos ? std::string_view{} : maps.substr(end + 1);
        auto entry = parse_maps_line(line);
        // Inode 0 marks anonymous and special mappings, whatever their device.
        if (entry && entry->inode != 0 && entry->inode == inode && entry->dev_major == dev_major &&
            entry->dev_minor == dev_minor)
            found.push_back(*entry);
    }
    return found;
}

std::optional<MmLayout> parse_mm_layout(std::string_view stat_line) {
    MmLayout layout;
    struct Field {
        int number;
        std::uint64_t *value;
    };
    const Field fields[] = {
        {26, &layout.start_code}, {27, &layout.end_code},  {28, &layout.start_stack}, {45, &layout.start_data},
        {46, &layout.end_data},   {47, &layout.start_brk}, {48, &layout.arg_start},   {49, &layout.arg_end},
        {50, &layout.env_start},  {51, &layout.env_end},
    };
    for (const Field &field : fields) {
        auto value = parse_stat_field(stat_line, field.number);
        if (!value) return std::nullopt;
        *field.value = *value;
    }
    return layout;
}

Result<void> seal_own_executable() {
    struct stat binary {};
    if (::stat("/proc/self/exe", &binary) != 0) {
        int err = errno;
        return Error(err, "stat \"/proc/self/exe\"");
    }
    std::string maps = OCRT_TRY(read_proc_file("/proc/self/maps"));
    auto mappings = mappings_of_file(maps, major(binary.st_dev), minor(binary.st_dev), binary.st_ino);
    for (const MapsEntry &entry : mappings) {
        // A shared mapping would keep writing to the file: the loader never makes one.
        if (entry.shared) return Error("the ocrt binary is mapped shared: cannot seal it");
        OCRT_TRY(replace_with_anonymous_copy(entry));
    }
    unique_fd placeholder = OCRT_TRY(sealed_placeholder());
    return point_exe_link_at(placeholder.get());
}

}  // namespace ocrt::init
