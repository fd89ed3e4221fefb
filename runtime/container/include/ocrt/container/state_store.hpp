// The state directory <root>/<id>/ (0700): state.json (0600, replaced atomically),
// the lock file, and whatever the init layer keeps there (start.sock).
//
// A new container is claimed atomically: its directory is built under a temporary
// name that is never a valid id ("~creating-XXXXXX"), with the lock taken and the
// first state.json written, then renamed to <id> with RENAME_NOREPLACE. So exactly
// one of N parallel creates of an id wins, and <root>/<id> never exists without a
// state.json and a lock held by its creator.
#pragma once

#include <ocrt/base/result.hpp>
#include <ocrt/base/unique_fd.hpp>
#include <ocrt/container/lock.hpp>
#include <ocrt/container/record.hpp>

#include <string>

namespace ocrt::container {

inline constexpr const char *kStateFileName = "state.json";
inline constexpr const char *kClaimPrefix = "~creating-";

// One container's state directory, open; locked when it was opened for a change.
class ContainerDir {
public:
    const std::string &path() const { return path_; }
    borrowed_fd fd() const { return dir_; }

    Result<Record> read_record() const;
    Result<void> write_record(const Record &record);

    // Another process holds the lock (a `create` still in progress, or a change).
    bool locked_by_other() const { return lock_.held_by_other(); }
    // `create` lets go once the container is complete; later commands take the lock again.
    void unlock() { lock_.unlock(); }

    // Removes the whole directory; call while holding the lock.
    Result<void> destroy();

private:
    friend Result<ContainerDir> claim_container_dir(const std::string &, const std::string &, const Record &);
    friend Result<ContainerDir> open_container_dir(const std::string &, const std::string &, bool);
    ContainerDir(std::string path, unique_fd dir, ContainerLock lock)
        : path_(std::move(path)), dir_(std::move(dir)), lock_(std::move(lock)) {}

    std::string path_;
    unique_fd dir_;
    ContainerLock lock_;
};

// mkdir -p root; the components it creates get 0700, existing ones are left alone.
Result<void> ensure_root(const std::string &root);

// Claims <root>/<id> for a new container holding `initial`, locked by this process.
// An existing <root>/<id>: "container with given ID already exists".
Result<ContainerDir> claim_container_dir(const std::string &root, const std::string &id, const Record &initial);

// Opens <root>/<id> ("container does not exist" when missing). With lock, blocks
// until this process holds the container's lock, and fails with "container does
// not exist" if the directory was removed while waiting.
Result<ContainerDir> open_container_dir(const std::string &root, const std::string &id, bool lock);

// Removes the "~creating-<pid>-*" dirs of creates that died before finishing their
// claim. Returns how many were removed.
Result<int> sweep_abandoned_claims(const std::string &root);

// rm -rf path; a missing path is fine (delete --force of a half-removed container).
Result<void> remove_tree(const std::string &path);

}  // namespace ocrt::container
