// The cgroup layer's seam to the kernel: every cgroupfs change goes through
// CgroupFiles, so the manager's sequencing (create, write, place, roll back,
// destroy) is unit-tested against a fake. real_cgroup_files() is the kernel.
#pragma once

#include <ocrt/base/result.hpp>
#include <ocrt/spec/config.hpp>

#include <string>
#include <vector>

namespace ocrt::cgroups {

class CgroupFiles {
public:
    virtual ~CgroupFiles() = default;
    virtual bool exists(const std::string &path) = 0;
    // EEXIST comes back as an Error with that code.
    virtual Result<void> mkdir(const std::string &path) = 0;
    // EBUSY while the cgroup still has tasks or children; ENOENT when gone.
    virtual Result<void> rmdir(const std::string &path) = 0;
    // One write(2) of value (cgroup files take one value per write).
    virtual Result<void> write(const std::string &path, const std::string &value) = 0;
    virtual Result<std::string> read(const std::string &path) = 0;
    // cgroup v2 has no devices files: the rules become an eBPF program attached to
    // dir, replacing the one attached before (device_filter_v2.hpp does it for real).
    virtual Result<void> set_device_filter(const std::string &dir, const std::vector<spec::DeviceRule> &rules);
};

CgroupFiles &real_cgroup_files();

}  // namespace ocrt::cgroups
