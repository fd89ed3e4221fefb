#include <ocrt/base/fs.hpp>
#include <ocrt/base/text.hpp>

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <deque>

namespace ocrt::fs {

namespace {

constexpr int kMaxSymlinks = 40;  // as the kernel's MAXSYMLINKS
constexpr int kMaxCreations = 4096;

using text::quoted;

// For error messages only: the host path the root fd refers to.
std::string describe(borrowed_fd fd) {
    char buf[PATH_MAX];
    ssize_t n = ::readlink(fd_path(fd).c_str(), buf, sizeof buf - 1);
    if (n <= 0) return "fd " + std::to_string(fd.get());
    return std::string(buf, static_cast<size_t>(n));
}

Error in_root_error(int code, const char *verb, const std::string &path, borrowed_fd root) {
    return Error(code, std::string(verb) + " " + quoted(path) + " in " + quoted(describe(root)));
}

Result<std::string> read_link(borrowed_fd link) {
    std::string target(PATH_MAX, '\0');
    ssize_t n = ::readlinkat(link.get(), "", target.data(), target.size());
    if (n < 0) return errno_error("readlink");
    target.resize(static_cast<size_t>(n));
    return target;
}

enum class Create { Nothing, Dirs, DirsAndFile };

struct WalkRequest {
    Create create = Create::Nothing;
    int flags = O_PATH;       // for the last component
    mode_t mode = 0;          // with O_CREAT in flags, or for the file of DirsAndFile
    mode_t dir_mode = 0755;   // for directories created on the way
};

// Resolves path component by component below root. Every component is opened
// O_PATH|O_NOFOLLOW; symlinks are read and spliced into the remaining path (an
// absolute target restarts at root) and ".." pops our own stack of opened
// directories, so the kernel never follows a link and nothing leaves root.
class RootWalker {
public:
    RootWalker(borrowed_fd root, const std::string &path, const WalkRequest &request)
        : root_(root), path_(path), request_(request) {
        auto parts = path_components(path);
        pending_.assign(parts.begin(), parts.end());
    }

    Result<unique_fd> run() {
        while (!pending_.empty()) {
            std::string name = std::move(pending_.front());
            pending_.pop_front();
            bool last = pending_.empty();
            if (name == "..") {
                if (!stack_.empty()) stack_.pop_back();
                continue;
            }
            auto step = OCRT_TRY(visit(name, last));
            if (step.valid()) return step;
        }
        // The path ended on a directory we hold (root itself, "a/..", a link to "/").
        return reopen(current(), ".", request_.flags & ~(O_CREAT | O_EXCL | O_NOFOLLOW));
    }

private:
    int current() const { return stack_.empty() ? root_.get() : stack_.back().get(); }

    // One component: descends (returns an invalid fd) or, for the last one, returns the result.
    Result<unique_fd> visit(const std::string &name, bool last) {
        int fd = ::openat(current(), name.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
            int err = errno;
            if (err != ENOENT) return in_root_error(err, "open", path_, root_);
            return create_missing(name, last);
        }
        unique_fd entry(fd);
        struct stat st {};
        if (::fstat(entry.get(), &st) != 0) return in_root_error(errno, "stat", path_, root_);

        bool follow = !last || !(request_.flags & O_NOFOLLOW);
        if (S_ISLNK(st.st_mode) && follow) {
            OCRT_TRY(splice_link(entry));
            return unique_fd();
        }
        if (!last) {
            if (!S_ISDIR(st.st_mode)) return in_root_error(ENOTDIR, "open", path_, root_);
            stack_.push_back(std::move(entry));
            return unique_fd();
        }
        if ((request_.flags & O_DIRECTORY) && !S_ISDIR(st.st_mode))
            return in_root_error(ENOTDIR, "open", path_, root_);
        if ((request_.flags & O_CREAT) && (request_.flags & O_EXCL))
            return in_root_error(EEXIST, "create", path_, root_);
        // O_PATH already has what was asked for; otherwise open the same name for real.
        if ((request_.flags & O_PATH) && !(request_.flags & ~(O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC)))
            return entry;
        return reopen(current(), name, request_.flags & ~(O_CREAT | O_EXCL));
    }

    Result<unique_fd> create_missing(const std::string &name, bool last) {
        // Each creation is followed by a fresh look; a racing tree must not keep us here forever.
        if (++creations_ > kMaxCreations) return in_root_error(ELOOP, "create", path_, root_);
        if (last && (request_.flags & O_CREAT)) {
            int fd = ::openat(current(), name.c_str(), request_.flags | O_NOFOLLOW | O_CLOEXEC, request_.mode);
            if (fd < 0) return in_root_error(errno, "create", path_, root_);
            return unique_fd(fd);
        }
        if (request_.create == Create::Nothing) return in_root_error(ENOENT, "open", path_, root_);
        if (last && request_.create == Create::DirsAndFile) {
            int fd = ::openat(current(), name.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC,
                              request_.mode);
            if (fd < 0 && errno != EEXIST) return in_root_error(errno, "create", path_, root_);
            if (fd >= 0) ::close(fd);
        } else if (::mkdirat(current(), name.c_str(), request_.dir_mode) != 0 && errno != EEXIST) {
            return in_root_error(errno, "mkdir", path_, root_);
        }
        // Look again: someone may have raced us, and a link put there must be resolved too.
        pending_.push_front(name);
        return unique_fd();
    }

    Result<void> splice_link(borrowed_fd link) {
        if (++links_ > kMaxSymlinks) return in_root_error(ELOOP, "resolve", path_, root_);
        auto target = read_link(link);
        if (!target) return in_root_error(target.error().code(), "resolve", path_, root_);
        if (!target->empty() && (*target)[0] == '/') stack_.clear();
        auto parts = path_components(*target);
        pending_.insert(pending_.begin(), parts.begin(), parts.end());
        return ok();
    }

    Result<unique_fd> reopen(int dir, const std::string &name, int flags) {
        int fd = ::openat(dir, name.c_str(), flags | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) return in_root_error(errno, "open", path_, root_);
        return unique_fd(fd);
    }

    borrowed_fd root_;
    const std::string &path_;
    WalkRequest request_;
    std::deque<std::string> pending_;
    std::vector<unique_fd> stack_;  // directories below root we are in; empty = at root
    int links_ = 0;
    int creations_ = 0;
};

}  // namespace

std::string fd_path(borrowed_fd fd) { return "/proc/self/fd/" + std::to_string(fd.get()); }

std::vector<std::string> path_components(const std::string &path) {
    std::vector<std::string> parts;
    size_t start = 0;
    while (start <= path.size()) {
        size_t end = path.find('/', start);
        if (end == std::string::npos) end = path.size();
        std::string part = path.substr(start, end - start);
        if (!part.empty() && part != ".") parts.push_back(std::move(part));
        start = end + 1;
    }
    return parts;
}

std::string clean_path(const std::string &path) {
    std::vector<std::string> kept;
    for (auto &part : path_components(path)) {
        if (part == "..") {
            if (!kept.empty()) kept.pop_back();
        } else {
            kept.push_back(std::move(part));
        }
    }
    std::string out;
    for (const auto &part : kept) out += "/" + part;
    return out.empty() ? "/" : out;
}

namespace detail {
Result<unique_fd> open_in_root_by_walk(borrowed_fd root, const std::string &path, int flags, mode_t mode) {
    WalkRequest request;
    request.flags = flags;
    request.mode = mode;
    return RootWalker(root, path, request).run();
}
}  // namespace detail

Result<unique_fd> open_in_root(borrowed_fd root, const std::string &path, int flags, mode_t mode) {
    struct open_how how {};
    how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
    how.mode = ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) ? mode : 0;
    how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
    // EAGAIN: a concurrent rename made the kernel distrust its ".." check; try again.
    for (int attempt = 0; attempt < 16; ++attempt) {
        long fd = ::syscall(SYS_openat2, root.get(), path.c_str(), &how, sizeof how);
        if (fd >= 0) return unique_fd(static_cast<int>(fd));
        int err = errno;
        if (err == ENOSYS) return detail::open_in_root_by_walk(root, path, flags, mode);
        if (err != EAGAIN) return in_root_error(err, "open", path, root);
    }
    return in_root_error(EAGAIN, "open", path, root);
}

Result<unique_fd> mkdir_all_in_root(borrowed_fd root, const std::string &path, mode_t mode) {
    WalkRequest request;
    request.create = Create::Dirs;
    request.flags = O_PATH | O_DIRECTORY;
    request.dir_mode = mode;
    return RootWalker(root, path, request).run();
}

Result<unique_fd> create_file_in_root(borrowed_fd root, const std::string &path, mode_t mode) {
    WalkRequest request;
    request.create = Create::DirsAndFile;
    request.flags = O_PATH;
    request.mode = mode;
    return RootWalker(root, path, request).run();
}

Result<unique_fd> open_path(const std::string &path, int flags, mode_t mode) {
    int fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
    if (fd < 0) return errno_error("open " + quoted(path));
    return unique_fd(fd);
}

Result<std::string> read_file(const std::string &path) {
    auto file = OCRT_TRY(open_path(path, O_RDONLY));
    std::string content;
    char buf[8192];
    for (;;) {
        ssize_t n = ::read(file.get(), buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno_error("read " + quoted(path));
        }
        if (n == 0) return content;
        content.append(buf, static_cast<size_t>(n));
    }
}

Result<void> write_kernel_file(const std::string &path, const std::string &content) {
    auto file = OCRT_TRY(open_path(path, O_WRONLY));
    ssize_t n = ::write(file.get(), content.data(), content.size());
    if (n < 0) {
        bool short_line = content.size() <= 64 && content.find('\n') == std::string::npos;
        return errno_error("write " + (short_line ? quoted(content) + " to " : std::string()) + quoted(path));
    }
    if (static_cast<size_t>(n) != content.size()) return Error(EIO, "short write to " + quoted(path));
    return ok();
}

namespace {

Result<void> write_all(borrowed_fd fd, const std::string &content) {
    size_t done = 0;
    while (done < content.size()) {
        ssize_t n = ::write(fd.get(), content.data() + done, content.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno_error("write");
        }
        done += static_cast<size_t>(n);
    }
    return ok();
}

Result<void> write_and_rename(borrowed_fd dir, const std::string &tmp, const std::string &name,
                              const std::string &content, mode_t mode) {
    int fd = ::openat(dir.get(), tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0) return errno_error("create " + quoted(tmp));
    unique_fd file(fd);
    // The umask must not decide the permissions of state files.
    if (::fchmod(file.get(), mode) != 0) return errno_error("chmod " + quoted(tmp));
    if (auto written = write_all(file, content); !written) return std::move(written).error().wrap(quoted(tmp));
    file.reset();
    if (::renameat(dir.get(), tmp.c_str(), dir.get(), name.c_str()) != 0)
        return errno_error("rename " + quoted(tmp) + " to " + quoted(name));
    return ok();
}

}  // namespace

Result<void> write_file_atomic(borrowed_fd dir, const std::string &name, const std::string &content, mode_t mode) {
    std::string tmp = "." + name + ".tmp." + std::to_string(::getpid());
    if (auto written = write_and_rename(dir, tmp, name, content, mode); !written) {
        ::unlinkat(dir.get(), tmp.c_str(), 0);
        return std::move(written).error().wrap("write " + quoted(name) + " in " + quoted(describe(dir)));
    }
    return ok();
}

}  // namespace ocrt::fs
