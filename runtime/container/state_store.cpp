#include <ocrt/container/state_store.hpp>

#include <ocrt/base/fs.hpp>

#include <fcntl.h>
#include <linux/fs.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

namespace ocrt::container {
namespace {

constexpr mode_t kDirMode = 0700;
constexpr mode_t kStateFileMode = 0600;

std::string in_quotes(const std::string &text) { return "\"" + text + "\""; }

Error does_not_exist() { return Error("container does not exist"); }
Error already_exists() { return Error("container with given ID already exists"); }

Result<unique_fd> open_dir(const std::string &path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        int err = errno;
        return Error(err, "open " + in_quotes(path));
    }
    return unique_fd(fd);
}

// rename without replacing; kernels or filesystems without RENAME_NOREPLACE fall back
// to rename(2), which still refuses to replace a non-empty directory.
int rename_no_replace(int dir, const std::string &from, const std::string &to) {
    if (::syscall(SYS_renameat2, dir, from.c_str(), dir, to.c_str(), RENAME_NOREPLACE) == 0) return 0;
    if (errno != EINVAL && errno != ENOSYS) return -1;
    return ::renameat(dir, from.c_str(), dir, to.c_str());
}

// The claimed directory, built under a temporary name inside root.
struct Scaffold {
    std::string path;
    unique_fd dir;
    ContainerLock lock;
};

Result<Scaffold> build_scaffold(const std::string &root, const Record &initial) {
    // The creator's pid in the name lets a sweep tell a dead create from a slow one.
    std::string pattern = root + "/" + kClaimPrefix + std::to_string(::getpid()) + "-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {  // mkdtemp creates it 0700
        int err = errno;
        return Error(err, "create state directory in " + in_quotes(root));
    }
    Scaffold scaffold{pattern, {}, {}};
    auto filled = [&]() -> Result<void> {
        scaffold.dir = OCRT_TRY(open_dir(scaffold.path));
        scaffold.lock = OCRT_TRY(ContainerLock::open(scaffold.dir));
        if (!OCRT_TRY(scaffold.lock.try_lock())) return Error("lock of a fresh state directory is held");
        return fs::write_file_atomic(scaffold.dir, kStateFileName, record_to_json(initial), kStateFileMode);
    }();
    if (!filled) {
        (void)remove_tree(scaffold.path);
        return std::move(filled).error();
    }
    return scaffold;
}

Result<std::string> read_all(unique_fd fd, const std::string &path) {
    std::string text;
    char chunk[4096];
    for (;;) {
        ssize_t got = ::read(fd.get(), chunk, sizeof chunk);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            int err = errno;
            return Error(err, "read " + in_quotes(path));
        }
        if (got == 0) return text;
        text.append(chunk, static_cast<size_t>(got));
    }
}

}  // namespace

Result<Record> ContainerDir::read_record() const {
    std::string path = path_ + "/" + kStateFileName;
    int fd = ::openat(dir_.get(), kStateFileName, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        int err = errno;
        // Removed under us by a concurrent delete.
        if (err == ENOENT) return does_not_exist();
        return Error(err, "open " + in_quotes(path));
    }
    std::string text = OCRT_TRY(read_all(unique_fd(fd), path));
    return record_from_json(text);
}

Result<void> ContainerDir::write_record(const Record &record) {
    return fs::write_file_atomic(dir_, kStateFileName, record_to_json(record), kStateFileMode);
}

Result<void> ContainerDir::destroy() {
    if (auto removed = remove_tree(path_); !removed) return std::move(removed).error().wrap("destroy container");
    return ok();
}

Result<void> ensure_root(const std::string &root) {
    std::string prefix;
    for (const std::string &component : fs::path_components(fs::clean_path(root))) {
        prefix += "/" + component;
        if (::mkdir(prefix.c_str(), kDirMode) == 0 || errno == EEXIST) continue;
        int err = errno;
        return Error(err, "create state root " + in_quotes(prefix));
    }
    return ok();
}

Result<ContainerDir> claim_container_dir(const std::string &root, const std::string &id, const Record &initial) {
    std::string path = root + "/" + id;
    struct stat existing;
    if (::lstat(path.c_str(), &existing) == 0) return already_exists();  // cheap early answer
    OCRT_TRY(ensure_root(root));
    Scaffold scaffold = OCRT_TRY(build_scaffold(root, initial));
    std::string temporary = scaffold.path.substr(root.size() + 1);
    unique_fd root_dir = OCRT_TRY(open_dir(root));
    if (rename_no_replace(root_dir.get(), temporary, id) != 0) {
        int err = errno;
        (void)remove_tree(scaffold.path);
        if (err == EEXIST || err == ENOTEMPTY) return already_exists();
        return Error(err, "rename " + in_quotes(scaffold.path) + " to " + in_quotes(path));
    }
    return ContainerDir(path, std::move(scaffold.dir), std::move(scaffold.lock));
}

Result<ContainerDir> open_container_dir(const std::string &root, const std::string &id, bool lock) {
    std::string path = root + "/" + id;
    int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        int err = errno;
        if (err == ENOENT || err == ENOTDIR) return does_not_exist();
        return Error(err, "open " + in_quotes(path));
    }
    unique_fd dir(fd);
    auto opened_lock = ContainerLock::open(dir);
    if (!opened_lock) {
        if (opened_lock.error().code() == ENOENT) return does_not_exist();
        return std::move(opened_lock).error();
    }
    ContainerLock container_lock = std::move(opened_lock).value();
    if (lock) {
        OCRT_TRY(container_lock.lock());
        // A delete that held the lock before us has removed the directory.
        struct stat info;
        if (::fstat(dir.get(), &info) != 0 || info.st_nlink == 0) return does_not_exist();
    }
    return ContainerDir(path, std::move(dir), std::move(container_lock));
}

namespace {

bool process_alive(pid_t pid) { return ::kill(pid, 0) == 0 || errno == EPERM; }

// "~creating-<pid>-XXXXXX": the creating process, or 0 for a name we did not make.
pid_t claim_creator(const std::string &name) {
    std::string rest = name.substr(std::string(kClaimPrefix).size());
    auto dash = rest.find('-');
    if (dash == std::string::npos || dash == 0) return 0;
    pid_t pid = 0;
    for (char c : rest.substr(0, dash)) {
        if (c < '0' || c > '9' || pid > 100000000) return 0;
        pid = pid * 10 + (c - '0');
    }
    return pid;
}

// A claim is abandoned when its creator is dead. A live pid may be a reused one:
// then a free lock over a written state.json still shows the creator is gone,
// because the creator holds the lock from before that write until its rename.
bool claim_abandoned(const std::string &path, pid_t creator) {
    if (creator <= 0) return false;
    if (!process_alive(creator)) return true;
    auto dir = open_dir(path);
    if (!dir) return false;
    struct stat info;
    if (::fstatat(dir->get(), kStateFileName, &info, AT_SYMLINK_NOFOLLOW) != 0) return false;
    auto lock = ContainerLock::open(*dir);
    if (!lock) return false;
    auto taken = lock->try_lock();
    return taken && *taken;
}

}  // namespace

Result<int> sweep_abandoned_claims(const std::string &root) {
    std::error_code ec;
    std::filesystem::directory_iterator entries(root, ec);
    if (ec) return ec.value() == ENOENT ? Result<int>(0) : Result<int>(Error(ec.value(), "read " + in_quotes(root)));
    int removed = 0;
    for (const auto &entry : entries) {
        std::string name = entry.path().filename();
        if (name.rfind(kClaimPrefix, 0) != 0 || !claim_abandoned(entry.path(), claim_creator(name))) continue;
        if (remove_tree(entry.path())) ++removed;
    }
    return removed;
}

Result<void> remove_tree(const std::string &path) {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);  // does not follow symlinks
    if (ec) return Error(ec.value(), "remove " + in_quotes(path));
    return ok();
}

}  // namespace ocrt::container
