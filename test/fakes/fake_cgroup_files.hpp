// An in-memory cgroupfs for the cgroup drivers' unit tests: what they make, write and
// remove is logged ("mkdir X", "rmdir X", "write X=V", "device filter X N rules"),
// failures can be injected per path, and cgroup.freeze shows in cgroup.events.
#pragma once

#include <ocrt/cgroups/files.hpp>

#include <algorithm>
#include <cerrno>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace ocrt::test {

class FakeCgroupFiles final : public cgroups::CgroupFiles {
public:
    std::set<std::string> dirs;
    std::map<std::string, std::string> files;
    std::vector<std::string> log;
    std::map<std::string, int> fail_mkdir, fail_write;
    std::map<std::string, int> busy_rmdirs;  // dir -> how many rmdirs return EBUSY first
    int device_filter_error = 0;

    bool exists(const std::string &p) override { return dirs.count(p) || files.count(p); }
    Result<void> mkdir(const std::string &p) override {
        log.push_back("mkdir " + p);
        if (fail_mkdir.count(p)) return Error(fail_mkdir[p], "mkdir");
        if (dirs.count(p)) return Error(EEXIST, "mkdir");
        dirs.insert(p);
        return ok();
    }
    Result<void> rmdir(const std::string &p) override {
        log.push_back("rmdir " + p);
        if (!dirs.count(p)) return Error(ENOENT, "rmdir");
        if (busy_rmdirs[p] > 0) {
            --busy_rmdirs[p];
            return Error(EBUSY, "rmdir");
        }
        dirs.erase(p);
        return ok();
    }
    Result<void> write(const std::string &p, const std::string &v) override {
        log.push_back("write " + p + "=" + v);
        if (fail_write.count(p)) return Error(fail_write[p], "write \"" + p + "\"");
        files[p] = v;
        // As the kernel: cgroup.events reports what cgroup.freeze asked for.
        const std::string freeze = "cgroup.freeze";
        if (p.ends_with("/" + freeze))
            files[p.substr(0, p.size() - freeze.size()) + "cgroup.events"] =
                v == "1" ? "populated 1\nfrozen 1\n" : "populated 1\nfrozen 0\n";
        return ok();
    }
    Result<std::string> read(const std::string &p) override {
        if (!files.count(p)) return Error(ENOENT, "read");
        return files[p];
    }
    Result<void> set_device_filter(const std::string &dir, const std::vector<spec::DeviceRule> &rules) override {
        log.push_back("device filter " + dir + " " + std::to_string(rules.size()) + " rules");
        if (device_filter_error) return Error(device_filter_error, "load the cgroup v2 device filter");
        return ok();
    }
    bool logged(const std::string &line) const { return std::find(log.begin(), log.end(), line) != log.end(); }
    // Where LINE is in the log (log.size() when it is not there).
    size_t index(const std::string &line) const { return std::find(log.begin(), log.end(), line) - log.begin(); }
};

}  // namespace ocrt::test
