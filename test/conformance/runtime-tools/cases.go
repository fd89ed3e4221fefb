package main

// The cases of runtime-tools' validation/linux_cgroups_<x>.go and
// linux_cgroups_relative_<x>.go: the same values, adjusted to this host where
// upstream assumes things it does not have (sda as 8:0, CFQ leaf weights,
// net_cls/net_prio mounts). Each adjustment prints an "n/a" line saying why.

import (
	"fmt"
	"net"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	rspec "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/opencontainers/runtime-tools/cgroups"
	"github.com/opencontainers/runtime-tools/generate"
)

type test struct {
	name string
	run  func(r *runner)
}

func allTests() []test {
	var tests []test
	for _, variant := range []string{"absolute", "relative"} {
		v := variant
		tests = append(tests,
			test{testName("memory", v), func(r *runner) { memoryTest(r, v) }},
			test{testName("cpus", v), func(r *runner) { cpusTest(r, v) }},
			test{testName("pids", v), func(r *runner) { pidsTest(r, v) }},
			test{testName("devices", v), func(r *runner) { devicesTest(r, v) }},
			test{testName("blkio", v), func(r *runner) { blkioTest(r, v) }},
			test{testName("hugetlb", v), func(r *runner) { hugetlbTest(r, v) }},
			test{testName("network", v), func(r *runner) { networkTest(r, v) }},
		)
	}
	return tests
}

func testName(resource, variant string) string {
	if variant == "relative" {
		return "linux_cgroups_relative_" + resource
	}
	return "linux_cgroups_" + resource
}

// libFailed reports a failed runtime-tools reader as a failed check.
func (r *runner) libFailed(key string, l label, what string, err error) bool {
	if r.libErr != nil {
		return !r.ok(key, l, false, what, "cgroups.FindCgroup: "+r.libErr.Error())
	}
	return !r.ok(key, l, err == nil, what, "error: "+errString(err))
}

// naOnce prints an n/a line once per test and cgroupsPath kind.
var naSeen = map[string]bool{}

func (r *runner) naOnce(key string, l label, why string) {
	l.caseNo = 0
	if naSeen[key+l.String()] {
		return
	}
	naSeen[key+l.String()] = true
	r.na(key, l, why)
}

// ---------------------------------------------------------------- memory

func memoryTest(r *runner, variant string) {
	type memCase struct {
		limit      int64
		swappiness uint64
	}
	cases := []memCase{{50593792, 10}, {50593792, 50}, {50593792, 100}, {151781376, 10}, {151781376, 50}, {151781376, 100}}
	if variant == "relative" {
		cases = []memCase{{50593792, 50}}
	}
	for i, c := range cases {
		l := label{testName("memory", variant), variant, i + 1}
		g, err := r.newGenerator()
		if err != nil {
			r.ok("", l, false, "runtime-tools generate.New", err.Error())
			return
		}
		g.SetLinuxResourcesMemoryLimit(c.limit)
		g.SetLinuxResourcesMemoryReservation(c.limit)
		g.SetLinuxResourcesMemorySwap(c.limit)
		g.SetLinuxResourcesMemoryKernel(c.limit)
		g.SetLinuxResourcesMemoryKernelTCP(c.limit)
		g.SetLinuxResourcesMemorySwappiness(c.swappiness)
		g.SetLinuxResourcesMemoryDisableOOMKiller(true)
		r.runCase(l, g, variant, func(l label, config *rspec.Spec, st *rspec.State) {
			lm, err := r.readMemory(st.Pid, config.Linux.CgroupsPath)
			if r.libFailed("memory.limit", l, "cgroups.GetMemoryData reads the memory cgroup", err) {
				return
			}
			m := config.Linux.Resources.Memory
			checkInt := func(key, what string, want, got *int64) {
				r.ok(key, l, got != nil && *got == *want, fmt.Sprintf("memory %s is %d (cgroups.GetMemoryData)", what, *want),
					fmt.Sprintf("expected: %d, read: %s", *want, ptrString(got)))
			}
			checkInt("memory.limit", "limit", m.Limit, lm.Limit)
			checkInt("memory.reservation", "reservation", m.Reservation, lm.Reservation)
			checkInt("memory.swap", "swap (memory+swap)", m.Swap, lm.Swap)
			if r.host.kmemHonoured {
				checkInt("memory.kernel", "kernel", m.Kernel, lm.Kernel) //nolint:staticcheck // deprecated in the spec, still tested upstream
			} else {
				r.naOnce("memory.kernel", l, "this kernel ignores memory.kmem.limit_in_bytes (own probe: "+r.host.kmemProbeError+"), so the kernel limit cannot be read back")
			}
			checkInt("memory.kernelTCP", "kernelTCP", m.KernelTCP, lm.KernelTCP)
			r.ok("memory.swappiness", l, lm.Swappiness != nil && *lm.Swappiness == *m.Swappiness,
				fmt.Sprintf("memory swappiness is %d (cgroups.GetMemoryData)", *m.Swappiness),
				fmt.Sprintf("read: %v", derefU(lm.Swappiness)))
			r.ok("memory.disableOOMKiller", l, lm.DisableOOMKiller != nil && *lm.DisableOOMKiller,
				"memory oom_control has the OOM killer disabled (cgroups.GetMemoryData)")
		})
	}
}

func (r *runner) readMemory(pid int, path string) (*rspec.LinuxMemory, error) {
	if r.libErr != nil {
		return nil, r.libErr
	}
	return r.lib.GetMemoryData(pid, path)
}

// ---------------------------------------------------------------- cpus

func cpusTest(r *runner, variant string) {
	type cpuCase struct {
		shares uint64
		period uint64
		quota  int64
		cpus   string
		mems   string
	}
	all := fmt.Sprintf("0-%d", runtime.NumCPU()-1)
	var cases []cpuCase
	if variant == "absolute" {
		for _, shares := range []uint64{1024, 2048} {
			for _, period := range []uint64{100000, 500000} {
				for _, quota := range []int64{50000, 200000} {
					for _, cpus := range []string{"0", all} {
						cases = append(cases, cpuCase{shares, period, quota, cpus, "0"})
					}
				}
			}
		}
	} else {
		cases = []cpuCase{{1024, 100000, 50000, "0-1", "0"}}
		if runtime.NumCPU() < 2 {
			cases[0].cpus = "0"
		}
	}
	for i, c := range cases {
		l := label{testName("cpus", variant), variant, i + 1}
		g, err := r.newGenerator()
		if err != nil {
			r.ok("", l, false, "runtime-tools generate.New", err.Error())
			return
		}
		g.SetLinuxResourcesCPUShares(c.shares)
		g.SetLinuxResourcesCPUPeriod(c.period)
		g.SetLinuxResourcesCPUQuota(c.quota)
		g.SetLinuxResourcesCPUCpus(c.cpus)
		g.SetLinuxResourcesCPUMems(c.mems)
		// Upstream sets the realtime values only where the cgroup has the knobs
		// (CONFIG_RT_GROUP_SCHED), and only in the absolute test.
		withRT := variant == "absolute" && r.host.rtGroupSched
		if withRT {
			// Upstream asks for 950000 of 1000000 in every case. The kernel frees a
			// deleted cgroup's RT budget only after rmdir returns, so the next case's
			// 95% would be refused (EINVAL) for a moment; 50000 per case keeps even
			// all 16 at once inside the root's 950000.
			g.SetLinuxResourcesCPURealtimePeriod(1000000)
			g.SetLinuxResourcesCPURealtimeRuntime(50000)
		} else if variant == "absolute" {
			r.naOnce("cpu.realtimeRuntime", l, "this kernel has no cpu.rt_runtime_us (CONFIG_RT_GROUP_SCHED off)")
		}
		r.runCase(l, g, variant, func(l label, config *rspec.Spec, st *rspec.State) {
			cpu := config.Linux.Resources.CPU
			r.checkCPU(l, st.Pid, config.Linux.CgroupsPath, *cpu.Shares, *cpu.Period, *cpu.Quota, cpu.Cpus, cpu.Mems)
			if withRT {
				period, rt, err := ownCPURealtime(st.Pid)
				r.ok("cpu.realtimePeriod", l, err == nil && uint64(period) == *cpu.RealtimePeriod,
					fmt.Sprintf("cpu.rt_period_us is %d (own reader: the library reports the host's sysctl)", *cpu.RealtimePeriod),
					fmt.Sprintf("read: %d, error: %s", period, errString(err)))
				r.ok("cpu.realtimeRuntime", l, err == nil && rt == *cpu.RealtimeRuntime,
					fmt.Sprintf("cpu.rt_runtime_us is %d (own reader: the library reports the host's sysctl)", *cpu.RealtimeRuntime),
					fmt.Sprintf("read: %d, error: %s", rt, errString(err)))
			}
		})
	}
	if variant == "absolute" {
		cpusEmptyTest(r)
	}
}

func (r *runner) checkCPU(l label, pid int, path string, shares, period uint64, quota int64, cpus, mems string) {
	if r.libErr != nil {
		r.libFailed("cpu.shares", l, "cgroups.GetCPUData reads the cpu and cpuset cgroups", nil)
		return
	}
	lcd, err := r.lib.GetCPUData(pid, path)
	if r.libFailed("cpu.shares", l, "cgroups.GetCPUData reads the cpu and cpuset cgroups", err) {
		return
	}
	r.ok("cpu.shares", l, lcd.Shares != nil && *lcd.Shares == shares, fmt.Sprintf("cpu shares is %d (cgroups.GetCPUData)", shares),
		"read: "+derefU(lcd.Shares))
	r.ok("cpu.period", l, lcd.Period != nil && *lcd.Period == period, fmt.Sprintf("cpu period is %d (cgroups.GetCPUData)", period),
		"read: "+derefU(lcd.Period))
	r.ok("cpu.quota", l, lcd.Quota != nil && *lcd.Quota == quota, fmt.Sprintf("cpu quota is %d (cgroups.GetCPUData)", quota),
		"read: "+ptrString(lcd.Quota))
	r.ok("cpu.cpus", l, lcd.Cpus == cpus, fmt.Sprintf("cpuset cpus is %q (cgroups.GetCPUData)", cpus), "read: "+lcd.Cpus)
	r.ok("cpu.mems", l, lcd.Mems == mems, fmt.Sprintf("cpuset mems is %q (cgroups.GetCPUData)", mems), "read: "+lcd.Mems)
}

// An empty linux.resources.cpu: the container gets the defaults, which upstream
// reads from the root cgroup (cpu.shares, cfs period/quota; all cpus, mems 0).
func cpusEmptyTest(r *runner) {
	l := label{"linux_cgroups_cpus", "absolute", 0}
	l.test += " empty"
	g, err := r.newGenerator()
	if err != nil {
		r.ok("", l, false, "runtime-tools generate.New", err.Error())
		return
	}
	g.InitConfigLinuxResourcesCPU()
	cpuRoot, cpusetRoot := hierarchyMount("cpu"), hierarchyMount("cpuset")
	shares, err1 := readInt(filepath.Join(cpuRoot, "cpu.shares"))
	period, err2 := readInt(filepath.Join(cpuRoot, "cpu.cfs_period_us"))
	quota, err3 := readInt(filepath.Join(cpuRoot, "cpu.cfs_quota_us"))
	cpus, err4 := readTrimmed(filepath.Join(cpusetRoot, "cpuset.cpus"))
	mems, err5 := readTrimmed(filepath.Join(cpusetRoot, "cpuset.mems"))
	for _, err := range []error{err1, err2, err3, err4, err5} {
		if err != nil {
			r.ok("cpu.shares", l, false, "the root cgroup's cpu defaults are readable", err.Error())
			return
		}
	}
	r.runCase(l, g, "absolute", func(l label, config *rspec.Spec, st *rspec.State) {
		r.checkCPU(l, st.Pid, config.Linux.CgroupsPath, uint64(shares), uint64(period), quota, cpus, mems)
	})
}

// ---------------------------------------------------------------- pids

func pidsTest(r *runner, variant string) {
	l := label{testName("pids", variant), variant, 0}
	g, err := r.newGenerator()
	if err != nil {
		r.ok("", l, false, "runtime-tools generate.New", err.Error())
		return
	}
	g.SetLinuxResourcesPidsLimit(1000)
	r.runCase(l, g, variant, func(l label, config *rspec.Spec, st *rspec.State) {
		var lpd *rspec.LinuxPids
		if r.libErr == nil {
			lpd, err = r.lib.GetPidsData(st.Pid, config.Linux.CgroupsPath)
		}
		if r.libFailed("pids.limit", l, "cgroups.GetPidsData reads the pids cgroup", err) {
			return
		}
		r.ok("pids.limit", l, lpd.Limit == 1000, "pids limit is 1000 (cgroups.GetPidsData)", fmt.Sprintf("read: %d", lpd.Limit))
	})
}

// ---------------------------------------------------------------- devices

func devicesTest(r *runner, variant string) {
	l := label{testName("devices", variant), variant, 0}
	g, err := r.newGenerator()
	if err != nil {
		r.ok("", l, false, "runtime-tools generate.New", err.Error())
		return
	}
	num := func(n int64) *int64 { return &n }
	// After the generator's default "deny all" (entry 0).
	g.AddLinuxResourcesDevice(true, "c", num(10), num(229), "rwm")
	g.AddLinuxResourcesDevice(true, "b", num(8), num(20), "rw")
	g.AddLinuxResourcesDevice(true, "b", num(10), num(200), "r")
	r.runCase(l, g, variant, func(l label, config *rspec.Spec, st *rspec.State) {
		var list []rspec.LinuxDeviceCgroup
		if r.libErr == nil {
			list, err = r.lib.GetDevicesData(st.Pid, config.Linux.CgroupsPath)
		}
		if r.libFailed("devices", l, "cgroups.GetDevicesData reads devices.list", err) {
			return
		}
		// Upstream's rule: with "deny all" first, the i-th config entry is the
		// (i-1)-th line of devices.list: the entries applied in the listed order.
		for i, d := range config.Linux.Resources.Devices {
			if !d.Allow {
				continue
			}
			want := fmt.Sprintf("%s %d:%d %s", d.Type, *d.Major, *d.Minor, d.Access)
			got := "(missing)"
			if i-1 >= 0 && i-1 < len(list) {
				e := list[i-1]
				got = fmt.Sprintf("%s %d:%d %s", e.Type, *e.Major, *e.Minor, e.Access)
			}
			r.ok("devices", l, got == want, fmt.Sprintf("devices.list entry %d is %q, in the config's order (cgroups.GetDevicesData)", i, want),
				"read: "+got)
		}
	})
}

// ---------------------------------------------------------------- blkio

func blkioTest(r *runner, variant string) {
	type blkioCase struct {
		rate    uint64
		isEmpty bool // no cgroup-wide weight and leafWeight
	}
	cases := []blkioCase{{102400, false}, {204800, false}, {102400, true}, {204800, true}}
	if variant == "relative" {
		cases = []blkioCase{{102400, false}}
	}
	const weight, leafWeight uint16 = 500, 300
	if variant == "absolute" && !r.host.cfqWeights {
		r.blkioAsWritten(label{testName("blkio", variant), variant, 0}, weight, leafWeight)
	}
	disk := r.host.disk
	if disk == nil {
		r.naOnce("blockIO.throttleReadBpsDevice", label{testName("blkio", variant), variant, 0}, "this host has no non-virtual block device")
		return
	}
	for i, c := range cases {
		l := label{testName("blkio", variant), variant, i + 1}
		g, err := r.newGenerator()
		if err != nil {
			r.ok("", l, false, "runtime-tools generate.New", err.Error())
			return
		}
		// Upstream assumes /dev/sda (8:0); this host's disk is used instead.
		major, minor := disk.major, disk.minor
		if !c.isEmpty {
			if r.host.cfqWeights || r.host.bfqGroups {
				g.SetLinuxResourcesBlockIOWeight(weight)
			} else {
				r.naOnce("blockIO.weight", l, "this kernel has neither CFQ's blkio.weight nor BFQ's blkio.bfq.weight")
			}
			if r.host.cfqWeights {
				g.SetLinuxResourcesBlockIOLeafWeight(leafWeight)
			} else {
				r.naOnce("blockIO.leafWeight", l, "this kernel has no blkio.leaf_weight (CFQ is gone since Linux 5.0; BFQ has no leaf weights)")
			}
		}
		perDevice := disk.scheduler == "bfq" || disk.scheduler == "cfq"
		if perDevice {
			g.AddLinuxResourcesBlockIOWeightDevice(major, minor, weight)
		} else {
			r.naOnce("blockIO.weightDevice", l, fmt.Sprintf("%s (%d:%d) is scheduled by %q, not BFQ: the kernel refuses a per-device weight for it (EOPNOTSUPP)",
				disk.name, major, minor, disk.scheduler))
		}
		if perDevice && r.host.cfqWeights {
			g.AddLinuxResourcesBlockIOLeafWeightDevice(major, minor, leafWeight)
		} else {
			r.naOnce("blockIO.leafWeightDevice", l, "this kernel has no blkio.leaf_weight_device (CFQ only)")
		}
		g.AddLinuxResourcesBlockIOThrottleReadBpsDevice(major, minor, c.rate)
		g.AddLinuxResourcesBlockIOThrottleWriteBpsDevice(major, minor, c.rate)
		g.AddLinuxResourcesBlockIOThrottleReadIOPSDevice(major, minor, c.rate)
		g.AddLinuxResourcesBlockIOThrottleWriteIOPSDevice(major, minor, c.rate)
		r.runCase(l, g, variant, func(l label, config *rspec.Spec, st *rspec.State) {
			r.checkBlkio(l, config, st)
		})
	}
}

// blkioAsWritten: upstream's first case unadjusted (sda 8:0, leaf weights), for
// the record only: what ocrt says on a kernel that cannot apply it.
func (r *runner) blkioAsWritten(l label, weight, leafWeight uint16) {
	g, err := r.newGenerator()
	if err != nil {
		return
	}
	g.SetLinuxResourcesBlockIOWeight(weight)
	g.SetLinuxResourcesBlockIOLeafWeight(leafWeight)
	g.AddLinuxResourcesBlockIOWeightDevice(8, 0, weight)
	g.AddLinuxResourcesBlockIOLeafWeightDevice(8, 0, leafWeight)
	g.AddLinuxResourcesBlockIOThrottleReadBpsDevice(8, 0, 102400)
	r.serial++
	g.SetLinuxCgroupsPath(r.cgroupsPath("absolute", r.serial))
	id := fmt.Sprintf("%s-%d", r.tag, r.serial)
	if err := g.SaveToFile(filepath.Join(r.bundle, "config.json"), generate.ExportOptions{}); err != nil {
		return
	}
	r.made = append(r.made, id)
	out, err := r.run("create", "--bundle", r.bundle, id)
	if err == nil {
		note("%s: upstream's unadjusted config (sda 8:0, leaf weights) was accepted on this kernel", l)
	} else {
		note("%s: upstream's unadjusted config (sda 8:0, leaf weights): ocrt create fails: %s", l, firstLine(out))
	}
	r.run("delete", "--force", id) //nolint:errcheck
}

func (r *runner) checkBlkio(l label, config *rspec.Spec, st *rspec.State) {
	want := config.Linux.Resources.BlockIO
	var lbd *rspec.LinuxBlockIO
	var err error = r.libErr
	if err == nil {
		lbd, err = r.lib.GetBlockIOData(st.Pid, config.Linux.CgroupsPath)
	}
	if err == nil {
		r.checkBlkioLibrary(l, want, lbd)
		return
	}
	// The library stops at the first missing file (blkio.weight on BFQ kernels).
	note("%s: cgroups.GetBlockIOData cannot read this kernel's blkio files (%v); own reader used", l, err)
	own, err := ownBlkio(st.Pid, config.Linux.CgroupsPath)
	if !r.ok("blockIO.throttleReadBpsDevice", l, err == nil, "the blkio cgroup is readable (own reader)", "error: "+errString(err)) {
		return
	}
	if want.Weight != nil {
		r.ok("blockIO.weight", l, own.weight == int64(*want.Weight),
			fmt.Sprintf("blkio weight is %d (own reader: blkio.weight or blkio.bfq.weight)", *want.Weight), fmt.Sprintf("read: %d", own.weight))
	}
	lists := map[string][]rspec.LinuxThrottleDevice{
		"read_bps_device": want.ThrottleReadBpsDevice, "write_bps_device": want.ThrottleWriteBpsDevice,
		"read_iops_device": want.ThrottleReadIOPSDevice, "write_iops_device": want.ThrottleWriteIOPSDevice,
	}
	for _, t := range throttleFiles {
		for _, d := range lists[t] {
			dev := fmt.Sprintf("%d:%d", d.Major, d.Minor)
			got, found := own.throttle[t][dev]
			r.ok(throttleKey(t), l, found && got == d.Rate,
				fmt.Sprintf("blkio.throttle.%s has %s %d (own reader)", t, dev, d.Rate), fmt.Sprintf("read: %v", own.throttle[t]))
		}
	}
}

func throttleKey(file string) string {
	return map[string]string{
		"read_bps_device": "blockIO.throttleReadBpsDevice", "write_bps_device": "blockIO.throttleWriteBpsDevice",
		"read_iops_device": "blockIO.throttleReadIOPSDevice", "write_iops_device": "blockIO.throttleWriteIOPSDevice",
	}[file]
}

// With the library's data (a CFQ kernel): the same comparisons as upstream.
func (r *runner) checkBlkioLibrary(l label, want, got *rspec.LinuxBlockIO) {
	if want.Weight != nil {
		r.ok("blockIO.weight", l, got.Weight != nil && *got.Weight == *want.Weight,
			fmt.Sprintf("blkio weight is %d (cgroups.GetBlockIOData)", *want.Weight))
	}
	if want.LeafWeight != nil {
		r.ok("blockIO.leafWeight", l, got.LeafWeight != nil && *got.LeafWeight == *want.LeafWeight,
			fmt.Sprintf("blkio leafWeight is %d (cgroups.GetBlockIOData)", *want.LeafWeight))
	}
	for _, d := range want.WeightDevice {
		found := false
		for _, wd := range got.WeightDevice {
			if wd.Major != d.Major || wd.Minor != d.Minor {
				continue
			}
			found = true
			if d.Weight != nil {
				r.ok("blockIO.weightDevice", l, wd.Weight != nil && *wd.Weight == *d.Weight,
					fmt.Sprintf("blkio weight for %d:%d is %d (cgroups.GetBlockIOData)", d.Major, d.Minor, *d.Weight))
			}
			if d.LeafWeight != nil {
				r.ok("blockIO.leafWeightDevice", l, wd.LeafWeight != nil && *wd.LeafWeight == *d.LeafWeight,
					fmt.Sprintf("blkio leafWeight for %d:%d is %d (cgroups.GetBlockIOData)", d.Major, d.Minor, *d.LeafWeight))
			}
		}
		r.ok("blockIO.weightDevice", l, found, fmt.Sprintf("blkio weightDevice for %d:%d is listed (cgroups.GetBlockIOData)", d.Major, d.Minor))
	}
	compare := func(file string, want, got []rspec.LinuxThrottleDevice) {
		for _, d := range want {
			ok := false
			for _, g := range got {
				ok = ok || (g.Major == d.Major && g.Minor == d.Minor && g.Rate == d.Rate)
			}
			r.ok(throttleKey(file), l, ok, fmt.Sprintf("blkio.throttle.%s has %d:%d %d (cgroups.GetBlockIOData)", file, d.Major, d.Minor, d.Rate))
		}
	}
	compare("read_bps_device", want.ThrottleReadBpsDevice, got.ThrottleReadBpsDevice)
	compare("write_bps_device", want.ThrottleWriteBpsDevice, got.ThrottleWriteBpsDevice)
	compare("read_iops_device", want.ThrottleReadIOPSDevice, got.ThrottleReadIOPSDevice)
	compare("write_iops_device", want.ThrottleWriteIOPSDevice, got.ThrottleWriteIOPSDevice)
}

// ---------------------------------------------------------------- hugetlb

func hugetlbTest(r *runner, variant string) {
	l0 := label{testName("hugetlb", variant), variant, 0}
	pageSizes, err := cgroups.GetHugePageSize()
	if err != nil || len(pageSizes) == 0 {
		r.naOnce("hugepageLimits", l0, fmt.Sprintf("this host has no huge page sizes (cgroups.GetHugePageSize: %v)", err))
		return
	}
	const limit uint64 = 2 << 30
	for i, size := range pageSizes {
		l := label{l0.test, variant, i + 1}
		g, err := r.newGenerator()
		if err != nil {
			r.ok("", l, false, "runtime-tools generate.New", err.Error())
			return
		}
		g.AddLinuxResourcesHugepageLimit(size, limit)
		r.runCase(l, g, variant, func(l label, config *rspec.Spec, st *rspec.State) {
			r.checkHugetlb(l, config, st, size, limit)
		})
	}
	if variant == "absolute" {
		hugetlbWrongSizeTest(r)
	}
}

func (r *runner) checkHugetlb(l label, config *rspec.Spec, st *rspec.State, size string, limit uint64) {
	var lhd []rspec.LinuxHugepageLimit
	err := r.libErr
	if err == nil {
		lhd, err = r.lib.GetHugepageLimitData(st.Pid, config.Linux.CgroupsPath)
	}
	if err == nil {
		found := false
		for _, h := range lhd {
			if h.Pagesize == size {
				found = true
				r.ok("hugepageLimits", l, h.Limit == limit, fmt.Sprintf("hugetlb.%s limit is %d (cgroups.GetHugepageLimitData)", size, limit),
					fmt.Sprintf("read: %d", h.Limit))
			}
		}
		r.ok("hugepageLimits", l, found, fmt.Sprintf("hugetlb.%s limit is listed (cgroups.GetHugepageLimitData)", size))
		return
	}
	if !r.host.hugetlbOnV2 {
		r.libFailed("hugepageLimits", l, "cgroups.GetHugepageLimitData reads the hugetlb cgroup", err)
		return
	}
	note("%s: cgroups.GetHugepageLimitData cannot read hugetlb on the cgroup2 hierarchy of a hybrid host (%v); own reader used", l, err)
	got, rsvd, hasRsvd, err := ownHugetlbV2(st.Pid, config.Linux.CgroupsPath, size)
	r.ok("hugepageLimits", l, err == nil && got == int64(limit),
		fmt.Sprintf("cgroup2 hugetlb.%s.max is %d (own reader)", size, limit), fmt.Sprintf("read: %d, error: %s", got, errString(err)))
	if err == nil && hasRsvd {
		r.ok("hugepageLimits.rsvd", l, rsvd == int64(limit),
			fmt.Sprintf("cgroup2 hugetlb.%s.rsvd.max is %d too (own reader)", size, limit), fmt.Sprintf("read: %d", rsvd))
	}
}

// A page size the host does not have ("3MB") must make create fail, leaving nothing.
func hugetlbWrongSizeTest(r *runner) {
	l := label{"linux_cgroups_hugetlb invalid page size", "absolute", 0}
	g, err := r.newGenerator()
	if err != nil {
		r.ok("", l, false, "runtime-tools generate.New", err.Error())
		return
	}
	g.AddLinuxResourcesHugepageLimit("3MB", 100*3*1024*1024)
	r.serial++
	path := r.cgroupsPath("absolute", r.serial)
	g.SetLinuxCgroupsPath(path)
	id := fmt.Sprintf("%s-%d", r.tag, r.serial)
	r.checkConfig(l, g)
	if err := g.SaveToFile(filepath.Join(r.bundle, "config.json"), generate.ExportOptions{}); err != nil {
		r.ok("", l, false, "config.json written", err.Error())
		return
	}
	r.made = append(r.made, id)
	out, err := r.run("create", "--bundle", r.bundle, id)
	if !r.ok("hugepageLimits", l, err != nil, "ocrt create fails for hugepage size \"3MB\"", "output: "+out) {
		r.run("delete", "--force", id) //nolint:errcheck
		return
	}
	note("%s: ocrt says: %s", l, firstLine(out))
	var left []string
	for _, m := range cgroupMounts() {
		if exists(filepath.Join(m.point, path)) {
			left = append(left, filepath.Join(m.point, path))
		}
	}
	_, stateErr := r.run("state", id)
	r.ok("", l, len(left) == 0 && stateErr != nil, "the failed create leaves no cgroup directory and no container",
		fmt.Sprintf("left: %v; state error: %s", left, errString(stateErr)))
}

// ---------------------------------------------------------------- network

func networkTest(r *runner, variant string) {
	l0 := label{testName("network", variant), variant, 0}
	if !r.host.netClsMounted {
		why := "net_cls and net_prio are compiled into this kernel but not mounted (no /sys/fs/cgroup/net_cls, /sys/fs/cgroup/net_prio); upstream's cases were not run"
		r.naOnce("network.classID", l0, why)
		r.naOnce("network.priorities", l0, why)
		return
	}
	lo, eth := "lo", "eth0"
	if ifs, err := net.Interfaces(); err == nil && len(ifs) >= 2 {
		lo, eth = ifs[0].Name, ifs[1].Name
	}
	type netCase struct {
		classID, prio uint32
		ifName        string
		withNetNS     bool
	}
	var cases []netCase
	if variant == "absolute" {
		// Upstream also varies a user namespace, which its default config never has.
		for _, id := range []uint32{255, 550} {
			for _, prio := range []uint32{10, 30} {
				for _, name := range []string{lo, eth} {
					for _, netns := range []bool{true, false} {
						cases = append(cases, netCase{id, prio, name, netns})
					}
				}
			}
		}
	} else {
		cases = []netCase{{255, 10, "lo", true}}
	}
	for i, c := range cases {
		l := label{l0.test, variant, i + 1}
		g, err := r.newGenerator()
		if err != nil {
			r.ok("", l, false, "runtime-tools generate.New", err.Error())
			return
		}
		g.SetLinuxResourcesNetworkClassID(c.classID)
		g.AddLinuxResourcesNetworkPriorities(c.ifName, c.prio)
		if !c.withNetNS {
			g.RemoveLinuxNamespace("network") //nolint:errcheck
		}
		r.runCase(l, g, variant, func(l label, config *rspec.Spec, st *rspec.State) {
			var lnd *rspec.LinuxNetwork
			if r.libErr == nil {
				lnd, err = r.lib.GetNetworkData(st.Pid, config.Linux.CgroupsPath)
			}
			if r.libFailed("network.classID", l, "cgroups.GetNetworkData reads net_cls and net_prio", err) {
				return
			}
			r.ok("network.classID", l, lnd.ClassID != nil && *lnd.ClassID == c.classID,
				fmt.Sprintf("net_cls.classid is %d (cgroups.GetNetworkData)", c.classID))
			found := false
			for _, p := range lnd.Priorities {
				if p.Name == c.ifName {
					found = true
					r.ok("network.priorities", l, p.Priority == c.prio,
						fmt.Sprintf("net_prio.ifpriomap has %s %d (cgroups.GetNetworkData)", c.ifName, c.prio), fmt.Sprintf("read: %d", p.Priority))
				}
			}
			r.ok("network.priorities", l, found, fmt.Sprintf("net_prio.ifpriomap lists %s (cgroups.GetNetworkData)", c.ifName))
		})
	}
}

// ---------------------------------------------------------------- small helpers

func ptrString(p *int64) string {
	if p == nil {
		return "(nil)"
	}
	return strconv.FormatInt(*p, 10)
}

func derefU(p *uint64) string {
	if p == nil {
		return "(nil)"
	}
	return strconv.FormatUint(*p, 10)
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
