// The cgroupfs driver: on v1 and hybrid hosts one directory per hierarchy, the
// resources written as planned by v1_resources, the freezer for pause; on a pure
// cgroup v2 host one directory, v2_resources, cgroup.freeze and cgroup.kill.
#include <ocrt/cgroups/manager.hpp>

#include <ocrt/base/fs.hpp>
#include <ocrt/base/log.hpp>
#include <ocrt/base/text.hpp>
#include <ocrt/cgroups/cgroup_path.hpp>
#include <ocrt/cgroups/v1_resources.hpp>
#include <ocrt/cgroups/v2_resources.hpp>

#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <set>
#include <sstream>

namespace ocrt::cgroups {

nlohmann::ordered_json v1_stats(const Placement &placement, CgroupFiles &files);

namespace {

void sleep_ms(long ms) {
    timespec delay{0, ms * 1000000L};
    ::nanosleep(&delay, nullptr);
}

std::string trim(const std::string &text) { return std::string(text::trim(text)); }

std::optional<int64_t> parse_int(const std::string &text) { return text::parse_i64(text::trim(text)); }

class CgroupfsManager final : public Manager {
public:
    CgroupfsManager(Placement placement, CgroupFiles &files, std::optional<HostLayout> host)
        : placement_(std::move(placement)), files_(files), v2_(unified_only(placement_)), host_(std::move(host)) {}

    const Placement &placement() const override { return placement_; }
    const HostLayout *host_layout() const override { return host_ ? &*host_ : nullptr; }

    Result<void> create() override {
        std::vector<std::string> made;
        for (const std::string &dir : placement_.created) {
            auto done = files_.mkdir(dir);
            if (!done && done.error().code() == EEXIST) continue;  // someone else's: never ours to remove
            if (!done) {
                placement_.created = made;
                Error failure = std::move(done).error();
                (void)destroy();
                if (go_without_cgroups(failure)) return ok();
                return failure;
            }
            made.push_back(dir);
        }
        placement_.created = made;
        if (v2_) {
            enable_controllers();
        } else if (auto prepared = prepare_new_directories(); !prepared) {
            Error failure = std::move(prepared).error();
            (void)destroy();
            return failure;
        }
        if (auto fit = check_fit_for_use(); !fit) {
            Error failure = std::move(fit).error();
            (void)destroy();
            return failure;
        }
        return ok();
    }

    Result<void> check(const spec::Resources &resources) override {
        if (placement_.dirs.empty()) return refuse_without_cgroups(resources);
        OCRT_TRY(plan(resources));
        return ok();
    }

    Result<void> apply(const spec::Resources &resources) override {
        if (placement_.dirs.empty()) return refuse_without_cgroups(resources);
        std::vector<FileWrite> writes = OCRT_TRY(plan(resources));
        // v2: the device rules are an eBPF program (an update without rules keeps the old one).
        if (v2_ && !resources.devices.empty()) OCRT_TRY(set_device_filter(resources.devices));
        if (!v2_ && resources.cpu && resources.cpu->realtime_runtime && *resources.cpu->realtime_runtime > 0)
            OCRT_TRY(grant_realtime_to_parents(*resources.cpu->realtime_runtime));
        for (const FileWrite &w : writes) {
            auto written = files_.write(*dir_of(w.controller) + "/" + w.file, w.value);
            // A value only the kernel can judge (an interface or RDMA device name, a
            // cpu number): name the config field it came from.
            if (!written && !w.pointer.empty())
                return std::move(written).error().wrap("config.json: /linux/resources" + w.pointer);
            OCRT_TRY(std::move(written));
        }
        return ok();
    }

    // The file writes for the resources, judged against the cgroup as it is now
    // (checkBeforeUpdate reads the usage); writes nothing.
    Result<std::vector<FileWrite>> plan(const spec::Resources &resources) {
        ResourceProbe probe;
        probe.has_controller = [&](const std::string &controller) { return placement_.dirs.count(controller) > 0; };
        probe.has_file = [&](const std::string &controller, const std::string &file) {
            auto dir = dir_of(controller);
            return dir && files_.exists(*dir + "/" + file);
        };
        probe.on_v2 = [&](const std::string &controller) {
            auto unified = placement_.dirs.find(kUnifiedKey);
            auto dir = placement_.dirs.find(controller);
            return unified != placement_.dirs.end() && dir != placement_.dirs.end() && controller != kUnifiedKey &&
                   dir->second == unified->second;
        };
        probe.current = [&](const std::string &controller, const std::string &file) -> std::optional<int64_t> {
            auto dir = dir_of(controller);
            if (!dir) return std::nullopt;
            auto text = files_.read(*dir + "/" + file);
            if (!text) return std::nullopt;
            return parse_int(*text);
        };
        if (v2_) {
            auto controllers = files_.read(*dir_of(kUnifiedKey) + "/cgroup.controllers");
            std::string available = controllers ? " " + *controllers + " " : "";
            for (char &c : available)
                if (c == '\n') c = ' ';
            probe.has_controller = [available](const std::string &controller) {
                return available.find(" " + controller + " ") != std::string::npos;
            };
        }
        return v2_ ? plan_v2_writes(resources, probe) : plan_v1_writes(resources, probe);
    }

    Result<void> place(pid_t pid) override {
        for (const std::string &dir : unique_dirs())
            if (auto placed = files_.write(dir + "/cgroup.procs", std::to_string(pid)); !placed)
                return std::move(placed).error().wrap("place pid " + std::to_string(pid) + " in its cgroup");
        return ok();
    }

    Result<void> freeze() override {
        if (v2_) return freeze_v2();
        std::string state = OCRT_TRY(freezer_file());
        // FREEZING means some task is not frozen yet; asking again moves it along.
        for (int attempt = 0; attempt < 1000; ++attempt) {
            if (attempt % 50 == 0) OCRT_TRY(files_.write(state, "FROZEN"));
            std::string now = trim(OCRT_TRY(files_.read(state)));
            if (now == "FROZEN") return ok();
            sleep_ms(attempt < 10 ? 1 : 10);
        }
        (void)files_.write(state, "THAWED");
        return Error(EBUSY, "freeze cgroup: still not frozen after 10s");
    }

    Result<void> thaw() override {
        if (v2_) return files_.write(*dir_of(kUnifiedKey) + "/cgroup.freeze", "0");
        std::string state = OCRT_TRY(freezer_file());
        return files_.write(state, "THAWED");
    }

    Result<bool> frozen() override {
        if (v2_) return frozen_dirs(placement_.dirs, files_);
        auto dir = dir_of("freezer");
        if (!dir) return false;
        auto text = files_.read(*dir + "/freezer.state");
        if (!text) return false;
        return is_frozen_state(*text);
    }

    Result<std::vector<pid_t>> pids() override {
        std::string dir = OCRT_TRY(process_dir());
        std::string text = OCRT_TRY(files_.read(dir + "/cgroup.procs"));
        std::vector<pid_t> pids;
        std::istringstream in(text);
        for (long pid; in >> pid;) pids.push_back(static_cast<pid_t>(pid));
        std::sort(pids.begin(), pids.end());
        pids.erase(std::unique(pids.begin(), pids.end()), pids.end());
        return pids;
    }

    Result<void> signal_all(int signal) override {
        // cgroup.kill (Linux 5.14) kills every member at once, forks included.
        if (v2_ && signal == SIGKILL && files_.exists(*dir_of(kUnifiedKey) + "/cgroup.kill"))
            return files_.write(*dir_of(kUnifiedKey) + "/cgroup.kill", "1");
        bool can_freeze = v2_ || dir_of("freezer").has_value();
        // A paused container stays paused, except that SIGKILL only lands once thawed.
        bool was_frozen = can_freeze && frozen().value();
        if (can_freeze) OCRT_TRY(freeze());
        auto members = pids();
        if (members)
            for (pid_t pid : *members) ::kill(pid, signal);  // ESRCH: it ended meanwhile
        if (can_freeze && (!was_frozen || signal == SIGKILL)) OCRT_TRY(thaw());
        if (!members) return std::move(members).error();
        return ok();
    }

    Result<nlohmann::ordered_json> stats() override { return v1_stats(placement_, files_); }

    Result<void> destroy() override {
        std::optional<Error> first_failure;
        std::vector<std::string> leaves = unique_dirs();
        for (auto it = placement_.created.rbegin(); it != placement_.created.rend(); ++it) {
            bool leaf = std::find(leaves.begin(), leaves.end(), *it) != leaves.end();
            // A parent ocrt made may meanwhile hold other containers' cgroups: it stays then.
            auto removed = leaf ? remove_with_retry(*it) : remove_if_unused(*it);
            if (!removed && !first_failure) first_failure = std::move(removed).error();
        }
        if (first_failure) return *first_failure;
        return ok();
    }

private:
    std::optional<std::string> dir_of(const std::string &controller) const {
        auto found = placement_.dirs.find(controller);
        if (found == placement_.dirs.end()) return std::nullopt;
        return found->second;
    }

    std::vector<std::string> unique_dirs() const { return cgroups::unique_dirs(placement_); }

    Result<std::string> freezer_file() const {
        auto dir = dir_of("freezer");
        if (!dir) return Error(ENOTSUP, "the freezer cgroup controller is not mounted on this host");
        return *dir + "/freezer.state";
    }

    Result<void> remove_if_unused(const std::string &dir) {
        auto removed = files_.rmdir(dir);
        if (removed) return ok();
        int code = removed.error().code();
        if (code == ENOENT || code == EBUSY || code == ENOTEMPTY) return ok();
        return removed;
    }

    // Every process is in every hierarchy; read the one that is most likely there.
    Result<std::string> process_dir() const {
        for (const char *controller : {"pids", "freezer", "memory", "devices", "cpu"})
            if (auto dir = dir_of(controller)) return *dir;
        if (placement_.dirs.empty()) return Error("the container has no cgroup");
        return placement_.dirs.begin()->second;
    }

    Result<void> remove_with_retry(const std::string &dir) {
        for (int attempt = 0;; ++attempt) {
            auto removed = files_.rmdir(dir);
            if (removed || removed.error().code() == ENOENT) return ok();
            // Exiting tasks leave the cgroup a moment after they are reaped.
            if (removed.error().code() != EBUSY || attempt >= 200) return removed;
            sleep_ms(10);
        }
    }

    // A new cpuset cgroup starts with no cpus and no mems, where no task may run:
    // give it its parent's. A new cgroup2 directory needs its parent to pass down the
    // controllers served there (hugetlb on a hybrid host).
    Result<void> prepare_new_directories() {
        auto cpuset = dir_of("cpuset");
        auto unified = dir_of(kUnifiedKey);
        std::vector<std::string> v2_controllers;
        for (const auto &[controller, dir] : placement_.dirs)
            if (unified && controller != kUnifiedKey && dir == *unified) v2_controllers.push_back(controller);
        for (const std::string &dir : placement_.created) {
            std::string parent = parent_directory(dir);
            if (cpuset && under(*cpuset, dir)) {
                for (const char *file : {"cpuset.cpus", "cpuset.mems"}) {
                    std::string mine = trim(OCRT_TRY(files_.read(dir + "/" + file)));
                    if (!mine.empty()) continue;
                    std::string inherited = trim(OCRT_TRY(files_.read(parent + "/" + file)));
                    OCRT_TRY(files_.write(dir + "/" + file, inherited));
                }
            }
            if (unified && under(*unified, dir)) {
                // Best effort: a parent with processes of its own cannot pass controllers
                // down; a hugepage limit then fails later with a clear error.
                auto enabled = files_.read(parent + "/cgroup.subtree_control");
                for (const std::string &controller : v2_controllers)
                    if (enabled && enabled->find(controller) == std::string::npos)
                        (void)files_.write(parent + "/cgroup.subtree_control", "+" + controller);
            }
        }
        return ok();
    }

    // A v1 cgroup's realtime budget must fit in its parent's, and a cgroup ocrt makes
    // starts with none: the parents ocrt made (cgroupsPath "/a/b", or a relative path)
    // get the container's budget first, top down. Parents it did not make are left as
    // they are; the kernel's EINVAL then says the budget does not fit.
    Result<void> grant_realtime_to_parents(int64_t runtime) {
        auto cpu = dir_of("cpu");
        if (!cpu) return ok();
        for (const std::string &dir : placement_.created) {
            if (dir == *cpu || !under(*cpu, dir)) continue;
            auto current = files_.read(dir + "/cpu.rt_runtime_us");
            if (!current) continue;  // a kernel without CONFIG_RT_GROUP_SCHED: the plan says so
            auto have = parse_int(*current);
            if (have && *have >= runtime) continue;
            if (auto granted = files_.write(dir + "/cpu.rt_runtime_us", std::to_string(runtime)); !granted)
                return std::move(granted).error().wrap("config.json: /linux/resources/cpu/realtimeRuntime: give the parent cgroup \"" +
                                                       dir + "\" the realtime budget");
        }
        return ok();
    }

    // An unprivileged user may not make cgroups here: run without them (as runc's
    // rootless mode does), as long as no limit was asked for (apply checks that).
    bool go_without_cgroups(const Error &failure) {
        int code = failure.code();
        if (::geteuid() == 0 || (code != EACCES && code != EPERM && code != EROFS)) return false;
        log::warning("no permission to create cgroups (" + failure.render() + "); running without them");
        placement_.dirs.clear();
        placement_.created.clear();
        return true;
    }

    static Result<void> refuse_without_cgroups(const spec::Resources &r) {
        bool limits = r.memory || r.cpu || r.pids || r.block_io || !r.hugepage_limits.empty() || r.network ||
                      !r.rdma.empty() || !r.unified.empty();
        if (!limits) return ok();  // the default device rules alone are no reason to fail
        return Error(EPERM, "config.json: /linux/resources: cannot be applied: no permission to create cgroups");
    }

    // config-linux.md "Control groups": a cgroup that already holds processes or is
    // frozen is not fit for a new container.
    Result<void> check_fit_for_use() {
        for (const std::string &dir : unique_dirs()) {
            if (std::find(placement_.created.begin(), placement_.created.end(), dir) != placement_.created.end()) continue;
            auto procs = files_.read(dir + "/cgroup.procs");
            if (procs && procs->find_first_not_of(" \n") != std::string::npos)
                return Error(EBUSY, "cgroup \"" + dir + "\" already has processes; a new container needs its own");
        }
        if (frozen_dirs(placement_.dirs, files_)) return Error(EBUSY, "the container's cgroup is frozen");
        return ok();
    }

    // Loading a BPF program needs privilege in the initial user namespace: without it
    // (rootless, or root of a user namespace) the rules are left to the parent's, as
    // runc does in rootless mode, rather than failing every container.
    Result<void> set_device_filter(const std::vector<spec::DeviceRule> &rules) {
        auto attached = files_.set_device_filter(*dir_of(kUnifiedKey), rules);
        if (attached || attached.error().code() != EPERM || !unprivileged()) return attached;
        log::warning("cannot load the cgroup v2 device filter (" + attached.error().render() +
                     "); the device rules are not enforced");
        return ok();
    }

    static bool unprivileged() {
        if (::geteuid() != 0) return true;
        auto map = fs::read_file("/proc/self/uid_map");  // the initial namespace maps every uid
        return map && map->find("4294967295") == std::string::npos;
    }

    // Each new cgroup2 directory's parent passes down every controller it has (best
    // effort: a parent with processes of its own cannot, and a limit then fails clearly).
    void enable_controllers() {
        for (const std::string &dir : placement_.created) {
            std::string parent = parent_directory(dir);
            auto available = files_.read(parent + "/cgroup.controllers");
            if (!available) continue;
            std::istringstream in(*available);
            for (std::string controller; in >> controller;)
                (void)files_.write(parent + "/cgroup.subtree_control", "+" + controller);
        }
    }

    Result<void> freeze_v2() {
        std::string dir = *dir_of(kUnifiedKey);
        OCRT_TRY(files_.write(dir + "/cgroup.freeze", "1"));
        for (int attempt = 0; attempt < 1000; ++attempt) {
            std::string events = OCRT_TRY(files_.read(dir + "/cgroup.events"));
            if (events.find("frozen 1") != std::string::npos) return ok();
            sleep_ms(attempt < 10 ? 1 : 10);
        }
        (void)files_.write(dir + "/cgroup.freeze", "0");
        return Error(EBUSY, "freeze cgroup: still not frozen after 10s");
    }

    // dir is leaf or one of its ancestors.
    static bool under(const std::string &leaf, const std::string &dir) {
        return leaf == dir || leaf.rfind(dir + "/", 0) == 0;
    }

    Placement placement_;
    CgroupFiles &files_;
    bool v2_ = false;
    std::optional<HostLayout> host_;
};

}  // namespace

bool frozen_dirs(const std::map<std::string, std::string> &dirs, CgroupFiles &files) {
    auto freezer = dirs.find("freezer");
    if (freezer != dirs.end()) {
        auto state = files.read(freezer->second + "/freezer.state");
        return state && is_frozen_state(*state);
    }
    auto unified = dirs.find(kUnifiedKey);
    if (unified == dirs.end()) return false;
    auto freeze = files.read(unified->second + "/cgroup.freeze");
    return freeze && freeze->rfind("1", 0) == 0;
}

std::unique_ptr<Manager> cgroupfs_manager(Placement placement, CgroupFiles &files, std::optional<HostLayout> host) {
    return std::make_unique<CgroupfsManager>(std::move(placement), files, std::move(host));
}

}  // namespace ocrt::cgroups
