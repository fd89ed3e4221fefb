package main

// OWN CODE, NOT THE RUNTIME-TOOLS LIBRARY: host facts, and readers for what
// runtime-tools' cgroups package (v0.9.0+git20220423) cannot read on this kind
// of host. Each check that uses one of these says "own reader" in its name.
//   - hugetlb: the library only looks in <mount>/hugetlb (v1). On a hybrid host
//     hugetlb is served by the cgroup2 hierarchy (hugetlb.<size>.max).
//   - blkio: the library reads blkio.weight and blkio.leaf_weight first and gives
//     up when they are missing. Kernels since 5.0 have no CFQ, so they only exist
//     as BFQ's blkio.bfq.weight ("default N"), and leaf weights do not exist.
//   - cpu realtime: the library reports /proc/sys/kernel/sched_rt_*, which are
//     the host's, not the cgroup's cpu.rt_period_us / cpu.rt_runtime_us.
//   - kmem: whether this kernel still honours memory.kmem.limit_in_bytes.

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/opencontainers/runtime-tools/cgroups"
)

type blockDevice struct {
	name         string
	major, minor int64
	scheduler    string // the active one, e.g. "mq-deadline"
}

type hostFacts struct {
	disk           *blockDevice // the first non-virtual disk (upstream assumes sda, 8:0)
	cfqWeights     bool         // blkio.weight / blkio.leaf_weight exist (CFQ)
	bfqGroups      bool         // BFQ's cgroup files exist
	kmemHonoured   bool         // a written memory.kmem.limit_in_bytes reads back
	kmemProbeError string
	rtGroupSched   bool   // cpu.rt_period_us exists (CONFIG_RT_GROUP_SCHED)
	v2Mount        string // the cgroup2 mount point ("" when none)
	hugetlbOnV2    bool   // hugetlb is a cgroup2 controller here (not a v1 hierarchy)
	hugetlbOnV1    bool
	netClsMounted  bool // net_cls and net_prio where the library looks for them
}

type mountEntry struct {
	point   string
	fstype  string
	options []string // super options
}

func cgroupMounts() []mountEntry {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []mountEntry
	s := bufio.NewScanner(f)
	for s.Scan() {
		line := s.Text()
		sep := strings.Index(line, " - ")
		if sep < 0 {
			continue
		}
		pre, post := strings.Fields(line[:sep]), strings.Fields(line[sep+3:])
		if len(pre) < 5 || len(post) < 3 || (post[0] != "cgroup" && post[0] != "cgroup2") {
			continue
		}
		out = append(out, mountEntry{point: pre[4], fstype: post[0], options: strings.Split(post[2], ",")})
	}
	return out
}

// hierarchyMount: where the hierarchy of a /proc/<pid>/cgroup line's controller
// list is mounted ("" = the cgroup2 one; "" result when not mounted).
func hierarchyMount(controllers string) string {
	for _, m := range cgroupMounts() {
		if controllers == "" {
			if m.fstype == "cgroup2" {
				return m.point
			}
			continue
		}
		if m.fstype != "cgroup" {
			continue
		}
		all := true
		for _, c := range strings.Split(controllers, ",") {
			if !contains(m.options, c) {
				all = false
			}
		}
		if all {
			return m.point
		}
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// procCgroups: controller list → cgroup path, from /proc/<pid>/cgroup.
func procCgroups(pid int) map[string]string {
	out := map[string]string{}
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/cgroup", pid))
	if err != nil {
		return out
	}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) == 3 {
			out[parts[1]] = parts[2]
		}
	}
	return out
}

// v1Dir: the directory of pid's cgroup in the v1 hierarchy that has controller.
func v1Dir(pid int, controller string) (string, error) {
	path, err := cgroups.GetSubsystemPath(pid, controller)
	if err != nil {
		return "", err
	}
	for controllers := range procCgroups(pid) {
		if contains(strings.Split(controllers, ","), controller) {
			if mount := hierarchyMount(controllers); mount != "" {
				return filepath.Join(mount, path), nil
			}
		}
	}
	return "", fmt.Errorf("the %s hierarchy is not mounted", controller)
}

// v2Dir: the directory of pid's cgroup in the cgroup2 hierarchy.
func v2Dir(pid int) (string, error) {
	path, found := procCgroups(pid)[""]
	mount := hierarchyMount("")
	if !found || mount == "" {
		return "", fmt.Errorf("pid %d has no cgroup2 cgroup", pid)
	}
	return filepath.Join(mount, path), nil
}

func readTrimmed(path string) (string, error) {
	data, err := os.ReadFile(path)
	return strings.TrimSpace(string(data)), err
}

func readInt(path string) (int64, error) {
	s, err := readTrimmed(path)
	if err != nil {
		return 0, err
	}
	return strconv.ParseInt(s, 10, 64)
}

func detectHost(tag string) hostFacts {
	var h hostFacts
	h.disk = firstDisk()
	blkio := hierarchyMount("blkio")
	if blkio != "" {
		h.cfqWeights = exists(filepath.Join(blkio, "blkio.leaf_weight"))
		h.bfqGroups = exists(filepath.Join(blkio, "blkio.bfq.io_service_bytes"))
	}
	if cpu := hierarchyMount("cpu"); cpu != "" {
		h.rtGroupSched = exists(filepath.Join(cpu, "cpu.rt_period_us"))
	}
	h.v2Mount = hierarchyMount("")
	h.hugetlbOnV1 = hierarchyMount("hugetlb") != ""
	if h.v2Mount != "" {
		if s, err := readTrimmed(filepath.Join(h.v2Mount, "cgroup.controllers")); err == nil {
			h.hugetlbOnV2 = contains(strings.Fields(s), "hugetlb")
		}
	}
	// The library reads <dir of the first cgroup mount>/net_cls and /net_prio.
	netCls, netPrio := hierarchyMount("net_cls"), hierarchyMount("net_prio")
	h.netClsMounted = netCls != "" && netPrio != "" &&
		exists(filepath.Join(filepath.Dir(netCls), "net_cls", "net_cls.classid")) &&
		exists(filepath.Join(filepath.Dir(netCls), "net_prio", "net_prio.ifpriomap"))
	h.kmemHonoured, h.kmemProbeError = probeKmem(tag)
	return h
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// firstDisk: a whole block device that is not virtual (loop, zram, ...).
func firstDisk() *blockDevice {
	entries, err := os.ReadDir("/sys/block")
	if err != nil {
		return nil
	}
	for _, e := range entries {
		link, err := os.Readlink(filepath.Join("/sys/block", e.Name()))
		if err != nil || strings.Contains(link, "/virtual/") {
			continue
		}
		dev, err := readTrimmed(filepath.Join("/sys/block", e.Name(), "dev"))
		if err != nil {
			continue
		}
		var d blockDevice
		if _, err := fmt.Sscanf(dev, "%d:%d", &d.major, &d.minor); err != nil {
			continue
		}
		d.name = e.Name()
		if s, err := readTrimmed(filepath.Join("/sys/block", e.Name(), "queue", "scheduler")); err == nil {
			for _, w := range strings.Fields(s) {
				if strings.HasPrefix(w, "[") {
					d.scheduler = strings.Trim(w, "[]")
				}
			}
		}
		return &d
	}
	return nil
}

// probeKmem writes a kmem limit in a scratch cgroup of ours and reads it back:
// kernels since 6.x accept the write and ignore it (the limit stays unlimited).
func probeKmem(tag string) (bool, string) {
	mount := hierarchyMount("memory")
	if mount == "" {
		return false, "no memory hierarchy"
	}
	dir := filepath.Join(mount, tag+"-kmem-probe")
	if err := os.Mkdir(dir, 0o755); err != nil {
		return false, err.Error()
	}
	defer os.Remove(dir)
	file := filepath.Join(dir, "memory.kmem.limit_in_bytes")
	if !exists(file) {
		return false, "no memory.kmem.limit_in_bytes"
	}
	const want = 50593792
	if err := os.WriteFile(file, []byte(strconv.Itoa(want)), 0); err != nil {
		return false, "writing it: " + err.Error()
	}
	got, err := readInt(file)
	if err != nil {
		return false, err.Error()
	}
	if got != want {
		return false, fmt.Sprintf("wrote %d, reads back %d", want, got)
	}
	return true, ""
}

// ownHugetlbV2 reads hugetlb.<size>.max (and .rsvd.max) of pid's cgroup2 cgroup,
// after checking it is the configured cgroupsPath (as the library does for v1).
func ownHugetlbV2(pid int, cgPath, pageSize string) (limit, rsvd int64, hasRsvd bool, err error) {
	dir, err := v2Dir(pid)
	if err != nil {
		return 0, 0, false, err
	}
	if !strings.HasSuffix(dir, cgPath) {
		return 0, 0, false, fmt.Errorf("cgroup2 cgroup %q is not %q", dir, cgPath)
	}
	max := func(name string) (int64, error) {
		s, err := readTrimmed(filepath.Join(dir, name))
		if err != nil {
			return 0, err
		}
		if s == "max" {
			return -1, nil
		}
		return strconv.ParseInt(s, 10, 64)
	}
	if limit, err = max("hugetlb." + pageSize + ".max"); err != nil {
		return 0, 0, false, err
	}
	if exists(filepath.Join(dir, "hugetlb."+pageSize+".rsvd.max")) {
		rsvd, err = max("hugetlb." + pageSize + ".rsvd.max")
		return limit, rsvd, true, err
	}
	return limit, 0, false, nil
}

// ownBlkio reads what the library cannot on a BFQ-only kernel: the weight
// (blkio.bfq.weight "default N") and the four throttle files.
type ownBlkioData struct {
	weight   int64 // -1: no weight file
	throttle map[string]map[string]uint64
}

var throttleFiles = []string{"read_bps_device", "write_bps_device", "read_iops_device", "write_iops_device"}

func ownBlkio(pid int, cgPath string) (*ownBlkioData, error) {
	dir, err := v1Dir(pid, "blkio")
	if err != nil {
		return nil, err
	}
	if !strings.HasSuffix(dir, cgPath) {
		return nil, fmt.Errorf("blkio cgroup %q is not %q", dir, cgPath)
	}
	d := &ownBlkioData{weight: -1, throttle: map[string]map[string]uint64{}}
	for _, name := range []string{"blkio.weight", "blkio.bfq.weight"} {
		s, err := readTrimmed(filepath.Join(dir, name))
		if err != nil {
			continue
		}
		f := strings.Fields(s)
		if len(f) == 2 && f[0] == "default" {
			f = f[1:]
		}
		if len(f) == 1 {
			if d.weight, err = strconv.ParseInt(f[0], 10, 64); err != nil {
				return nil, fmt.Errorf("%s: %q", name, s)
			}
			break
		}
	}
	for _, t := range throttleFiles {
		s, err := readTrimmed(filepath.Join(dir, "blkio.throttle."+t))
		if err != nil {
			return nil, err
		}
		d.throttle[t] = map[string]uint64{}
		for _, line := range strings.Split(s, "\n") {
			f := strings.Fields(line)
			if len(f) != 2 {
				continue
			}
			rate, err := strconv.ParseUint(f[1], 10, 64)
			if err != nil {
				return nil, fmt.Errorf("blkio.throttle.%s: %q", t, line)
			}
			d.throttle[t][f[0]] = rate
		}
	}
	return d, nil
}

// ownCPURealtime reads the cgroup's cpu.rt_period_us and cpu.rt_runtime_us.
func ownCPURealtime(pid int) (period, runtime int64, err error) {
	dir, err := v1Dir(pid, "cpu")
	if err != nil {
		return 0, 0, err
	}
	if period, err = readInt(filepath.Join(dir, "cpu.rt_period_us")); err != nil {
		return 0, 0, err
	}
	runtime, err = readInt(filepath.Join(dir, "cpu.rt_runtime_us"))
	return period, runtime, err
}
