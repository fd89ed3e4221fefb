#!/usr/bin/env python3
"""Writes the guest's config variants next to the bundle, from `ocrt spec`.

usage: make-configs.py SPEC_JSON OUT_DIR
Each variant is one container the guest checks run: config-<name>.json.
"""
import copy
import json
import sys

base = json.load(open(sys.argv[1]))
out = sys.argv[2]
base["process"]["terminal"] = False
base["root"]["readonly"] = False
base["linux"].pop("resources", None)


def variant(name, args, edit=None):
    config = copy.deepcopy(base)
    config["process"]["args"] = args
    if edit:
        edit(config)
    with open(f"{out}/config-{name}.json", "w") as f:
        json.dump(config, f, indent=2)


def with_cgroup_ns(config):
    if not any(ns["type"] == "cgroup" for ns in config["linux"]["namespaces"]):
        config["linux"]["namespaces"].append({"type": "cgroup"})


def with_user_ns(config):
    config["linux"]["namespaces"].append({"type": "user"})
    config["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]
    config["linux"]["gidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]
    # A cgroup mount needs rights the mapped root lacks outside its namespace.
    config["mounts"] = [m for m in config["mounts"] if m["type"] != "cgroup"]


variant("hello", ["/bin/sh", "-c", "echo hello from $(hostname)"])
variant("exit3", ["/bin/sh", "-c", "exit 3"])
variant("sleep", ["/bin/sleep", "30"])
variant("probe", ["/bin/ocrt-probe", "all"], with_cgroup_ns)
variant("userns", ["/bin/ocrt-probe", "all"], with_user_ns)


def with_limits(config):
    # Converted to cgroup v2 files by ocrt (runc's rules): checked from the guest's host side.
    config["linux"]["cgroupsPath"] = "/ocrt-vm/limits"
    config["linux"]["resources"] = {
        "memory": {"limit": 33554432, "swap": 67108864},
        "cpu": {"shares": 1024, "quota": 50000, "period": 100000},
        "pids": {"limit": 20},
    }


variant("limits", ["/bin/sleep", "30"], with_limits)


# The "cgroup" mount of `ocrt spec` shows the container's own cgroup2 cgroup at
# /sys/fs/cgroup: a fresh cgroup2 mount in its cgroup namespace, a bind without one.
CGVIEW_SCRIPT = ("echo max=$(cat /sys/fs/cgroup/memory.max); echo pids=$(cat /sys/fs/cgroup/pids.max); "
                 "echo self=$(cat /proc/self/cgroup); "
                 "echo dirs=$(ls -d /sys/fs/cgroup/*/ 2>/dev/null | wc -l); "
                 "while read -r _ _ _ root point opts rest; do if [ \"$point\" = /sys/fs/cgroup ]; then "
                 "set -- ${rest#*- }; echo \"root=$root $1 ${opts%%,*}\"; fi; done </proc/self/mountinfo")


def with_cgroup_view(path, cgroup_ns):
    def edit(config):
        config["linux"]["cgroupsPath"] = path
        config["linux"]["resources"] = {"memory": {"limit": 41943040}, "pids": {"limit": 33}}
        config["linux"]["namespaces"] = [ns for ns in config["linux"]["namespaces"] if ns["type"] != "cgroup"]
        if cgroup_ns:
            config["linux"]["namespaces"].append({"type": "cgroup"})
    return edit


variant("cgview-ns", ["/bin/sh", "-c", CGVIEW_SCRIPT], with_cgroup_view("/ocrt-vm/cgview-ns", True))
variant("cgview-nons", ["/bin/sh", "-c", CGVIEW_SCRIPT], with_cgroup_view("/ocrt-vm/cgview-nons", False))


# Device rules on cgroup v2 are an eBPF program. CAP_MKNOD, so that "m" is decided by
# the filter alone. The defaults come after the configured rules (runc's order), so a
# rule shows on a device outside them: c 1:200 (no driver: ENXIO once the filter lets
# the open through, EPERM when it does not).
def with_mknod(config):
    for kind in ("bounding", "effective", "permitted"):
        caps = config["process"]["capabilities"].setdefault(kind, [])
        if "CAP_MKNOD" not in caps:
            caps.append("CAP_MKNOD")


def with_device_rules(config):
    with_mknod(config)
    config["linux"]["resources"] = {"devices": [
        {"allow": True, "type": "c", "major": 1, "minor": 200, "access": "rw"},
        {"allow": False, "type": "c", "major": 1, "minor": 200, "access": "w"},
    ]}


variant("devices-default", ["/bin/sleep", "30"], with_mknod)
variant("devices-rules", ["/bin/sleep", "30"], with_device_rules)


def with_small_memory(config):
    # 32 MB and no swap: an 80 MB allocation is OOM-killed (events reports it).
    config["linux"]["cgroupsPath"] = "/ocrt-vm/oom"
    config["linux"]["resources"] = {"memory": {"limit": 33554432, "swap": 33554432}}


variant("oom", ["/bin/sleep", "60"], with_small_memory)


def with_own_cgroup(config):
    config["linux"]["cgroupsPath"] = "/ocrt-vm/intocg"


variant("intocg", ["/bin/sleep", "60"], with_own_cgroup)


# Every linux.resources field at once (checks.sh reads each file on the guest's host side
# and from inside through the container's cgroup mount). The per-device values use the
# guest's loop device, 7:0 (stage2.sh sets it up). kernel, kernelTCP, useHierarchy and
# leafWeight have no v2 counterpart: create must still succeed (runc ignores them too).
def with_all_resources(config):
    config["linux"]["cgroupsPath"] = "/ocrt-vm/allres"
    loop = {"major": 7, "minor": 0}
    config["linux"]["resources"] = {
        "memory": {"limit": 67108864, "reservation": 16777216, "swap": 100663296, "swappiness": 0,
                   "kernel": 33554432, "kernelTCP": 16777216, "useHierarchy": True},
        "cpu": {"shares": 2048, "quota": 30000, "period": 60000, "burst": 5000, "cpus": "1", "mems": "0"},
        "pids": {"limit": 25},
        "blockIO": {"weight": 500, "leafWeight": 300,
                    "weightDevice": [dict(loop, weight=300, leafWeight=100)],
                    "throttleReadBpsDevice": [dict(loop, rate=1048576)],
                    "throttleWriteBpsDevice": [dict(loop, rate=2097152)],
                    "throttleReadIOPSDevice": [dict(loop, rate=200)],
                    "throttleWriteIOPSDevice": [dict(loop, rate=300)]},
        "hugepageLimits": [{"pageSize": "2MB", "limit": 4194304}],
        "unified": {"memory.high": "50331648"},
    }


variant("allres", ["/bin/sleep", "60"], with_all_resources)


def resources_at(path, resources):
    def edit(config):
        config["linux"]["cgroupsPath"] = path
        config["linux"]["resources"] = resources
    return edit


# cpu.idle on its own: an idle group's weight is fixed by the kernel.
variant("idle", ["/bin/sleep", "60"], resources_at("/ocrt-vm/idle", {"cpu": {"idle": 1}}))
# v1-only settings: create fails naming the field, leaving nothing.
variant("swappiness", ["/bin/true"], resources_at("/ocrt-vm/refused", {"memory": {"swappiness": 60}}))
variant("nooomkiller", ["/bin/true"], resources_at("/ocrt-vm/refused", {"memory": {"disableOOMKiller": True}}))
variant("realtime", ["/bin/true"], resources_at("/ocrt-vm/refused", {"cpu": {"realtimeRuntime": 1000, "realtimePeriod": 100000}}))
variant("rtperiod", ["/bin/true"], resources_at("/ocrt-vm/refused", {"cpu": {"realtimePeriod": 100000}}))
variant("netclass", ["/bin/true"], resources_at("/ocrt-vm/refused", {"network": {"classID": 1048577}}))
variant("netprio", ["/bin/true"], resources_at("/ocrt-vm/refused", {"network": {"priorities": [{"name": "lo", "priority": 5}]}}))
# The init holds 24 MB (the trailing echo keeps the shell, and its memory, alive); /ready
# once the string is built (while it grows, the shell briefly holds up to twice that).
variant("cbu", ["/bin/sh", "-c", "a=$(head -c 25165824 /dev/zero | tr '\\0' x); : >/ready; sleep 60; echo ${#a}"],
        resources_at("/ocrt-vm/cbu", {"memory": {"limit": 67108864, "swap": 67108864}}))
# 20 background sleeps under pids.max=8 cannot all be forked.
variant("pidlimit", ["/bin/sh", "-c", "for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do sleep 3 & done; echo forked; wait"],
        resources_at("/ocrt-vm/pidlimit", {"pids": {"limit": 8}}))
# A relative cgroupsPath: below ocrt's own cgroup (the guest root).
variant("relative", ["/bin/sleep", "60"], resources_at("ocrt-vm-rel/x", {"pids": {"limit": 10}}))


# The systemd guest (run-systemd.sh): cgroupfs under a slice-like path (checks.sh), and
# the systemd driver (checks-driver.sh).
def in_slice(config):
    config["linux"]["cgroupsPath"] = "/ocrt.slice/vm-slice"
    config["linux"]["resources"] = {"memory": {"limit": 33554432}, "pids": {"limit": 20}}


def hello_in_slice(config):
    config["linux"]["cgroupsPath"] = "/ocrt.slice/sd-hello"


variant("hello-slice", ["/bin/sh", "-c", "echo hello from $(hostname)"], hello_in_slice)
variant("slice", ["/bin/sleep", "60"], in_slice)


# The systemd driver: every resource systemd has a property for, plus hugetlb (which it
# has not: written to the file only) and device rules (the eBPF filter).
def systemd_resources(config):
    with_mknod(config)
    with_cgroup_ns(config)
    config["linux"]["cgroupsPath"] = "ocrt.slice:ocrt:vm-sdd"
    config.setdefault("annotations", {}).update({
        "org.systemd.property.TimeoutStopUSec": "uint64 5000000",
        "org.systemd.property.CollectMode": "inactive-or-failed",
    })
    config["linux"]["resources"] = {
        "memory": {"limit": 33554432},
        "cpu": {"shares": 512, "quota": 50000, "period": 100000, "cpus": "0", "mems": "0"},
        "pids": {"limit": 20},
        "blockIO": {"weight": 500},
        "hugepageLimits": [{"pageSize": "2MB", "limit": 4194304}],
        "devices": [
            {"allow": True, "type": "c", "major": 1, "minor": 200, "access": "rw"},
            {"allow": False, "type": "c", "major": 1, "minor": 200, "access": "w"},
        ],
    }


def systemd_bad_file(config):
    # memory.oom.group takes 0 or 1: the write fails after systemd started the unit.
    config["linux"]["cgroupsPath"] = "ocrt.slice:ocrt:vm-sdbad"
    config["linux"]["resources"] = {"pids": {"limit": 20}, "unified": {"memory.oom.group": "7"}}


def systemd_bad_path(config):
    config["linux"]["cgroupsPath"] = "ocrt.slice:vm-sdpath"


# The systemd guest's first virtio disk, vda, for per-device blockIO values (254:0; the
# guest rewrites the major if its kernel gave virtio_blk another one).
VIRTIO_BLK_MAJOR = 254


# The systemd driver on a v1/hybrid systemd host (run-systemd.sh with OCRT_VM_CGROUP=hybrid).
def systemd_resources_v1(config):
    with_mknod(config)
    with_cgroup_ns(config)
    config["linux"]["cgroupsPath"] = "ocrt.slice:ocrt:vm-sdv1"
    vda = {"major": VIRTIO_BLK_MAJOR, "minor": 0}
    config["linux"]["resources"] = {
        "memory": {"limit": 33554432, "reservation": 16777216, "swap": 67108864, "swappiness": 30,
                   "kernelTCP": 16777216, "disableOOMKiller": True, "useHierarchy": True},
        "cpu": {"shares": 512, "quota": 50000, "period": 100000, "burst": 5000, "cpus": "0", "mems": "0"},
        "pids": {"limit": 20},
        "blockIO": {"throttleReadBpsDevice": [dict(vda, rate=1048576)],
                    "throttleWriteBpsDevice": [dict(vda, rate=2097152)],
                    "throttleReadIOPSDevice": [dict(vda, rate=200)],
                    "throttleWriteIOPSDevice": [dict(vda, rate=300)]},
        "hugepageLimits": [{"pageSize": "2MB", "limit": 4194304}],
        "network": {"classID": 1048577, "priorities": [{"name": "lo", "priority": 5}]},
        "devices": [
            {"allow": False, "access": "rwm"},
            {"allow": True, "type": "c", "major": 1, "minor": 5, "access": "rwm"},
            {"allow": True, "type": "c", "major": 1, "minor": 3, "access": "rwm"},
            {"allow": True, "type": "c", "major": 1, "minor": 200, "access": "rm"},
        ],
    }


variant("sd-driver-v1", ["/bin/sleep", "120"], systemd_resources_v1)
# linux.resources.unified on the hybrid host: refused (v1 has no such files).
variant("sd-unified-v1", ["/bin/true"], resources_at("ocrt.slice:ocrt:vm-sdv1u", {"unified": {"pids.max": "5"}}))
variant("sd-driver", ["/bin/sleep", "120"], systemd_resources)
# More hybrid systemd-driver containers (checks-driver-v1.sh), each one key on its own so
# that one the guest's kernel lacks fails only its own create.
VDA = {"major": VIRTIO_BLK_MAJOR, "minor": 0}
variant("sd-v1-kmem", ["/bin/sleep", "60"], resources_at("ocrt.slice:ocrt:vm-sdv1k", {"memory": {"limit": 67108864, "kernel": 50331648}}))
variant("sd-v1-idle", ["/bin/sleep", "60"], resources_at("ocrt.slice:ocrt:vm-sdv1i", {"cpu": {"idle": 1}}))
variant("sd-v1-bfq", ["/bin/sleep", "60"], resources_at("ocrt.slice:ocrt:vm-sdv1b", {"blockIO": {"weight": 200, "weightDevice": [dict(VDA, weight=300)]}}))
variant("sd-v1-bfqdev", ["/bin/true"], resources_at("ocrt.slice:ocrt:vm-sdv1b", {"blockIO": {"weightDevice": [dict(VDA, weight=300)]}}))
variant("sd-v1-leaf", ["/bin/true"], resources_at("ocrt.slice:ocrt:vm-sdv1l", {"blockIO": {"leafWeight": 300}}))
variant("sd-v1-leafdev", ["/bin/true"], resources_at("ocrt.slice:ocrt:vm-sdv1l", {"blockIO": {"weightDevice": [dict(VDA, leafWeight=300)]}}))
# No cgroupsPath: the systemd driver's default, system.slice/ocrt-<id>.scope.
variant("sd-v1-default", ["/bin/sleep", "60"])
# The "cgroup" mount on v1: a tmpfs with each hierarchy bound at the container's cgroup.
CGVIEW_V1_SCRIPT = ("echo mem=$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes); echo pids=$(cat /sys/fs/cgroup/pids/pids.max); "
                    "echo memdirs=$(ls -d /sys/fs/cgroup/memory/*/ 2>/dev/null | wc -l); "
                    "while read -r _ _ _ root point opts rest; do case $point in /sys/fs/cgroup|/sys/fs/cgroup/memory|/sys/fs/cgroup/pids) "
                    "set -- ${rest#*- }; echo \"mnt $point $root $1 ${opts%%,*}\";; esac; done </proc/self/mountinfo")
for ns in ("ns", "nons"):
    def cgview_v1(config, ns=ns):
        config["linux"]["cgroupsPath"] = "ocrt.slice:ocrt:vm-sdv1cg" + ns
        config["linux"]["resources"] = {"memory": {"limit": 41943040}, "pids": {"limit": 33}}
        config["linux"]["namespaces"] = [n for n in config["linux"]["namespaces"] if n["type"] != "cgroup"]
        if ns == "ns":
            config["linux"]["namespaces"].append({"type": "cgroup"})
    variant("sd-v1-cgview-" + ns, ["/bin/sh", "-c", CGVIEW_V1_SCRIPT], cgview_v1)
variant("sd-bad-file", ["/bin/sleep", "60"], systemd_bad_file)
variant("sd-bad-path", ["/bin/sleep", "60"], systemd_bad_path)


# v2-resource-checks.sh runs the same containers with the systemd driver in the systemd
# guest: "sd-<variant>", the same config but for cgroupsPath "/ocrt-vm/<x>" ->
# "ocrt.slice:ocrt:vm-<x>" (the scope ocrt-vm-<x>.scope in ocrt.slice), and the
# per-device blockIO values on that guest's first virtio disk (vda, 254:0; the guest
# rewrites the major if its kernel gave virtio_blk another one).
for name in ("allres", "idle", "swappiness", "nooomkiller", "realtime", "rtperiod", "netclass", "netprio", "cbu", "pidlimit", "oom",
             "cgview-ns", "cgview-nons"):
    with open(f"{out}/config-{name}.json") as f:
        config = json.load(f)
    config["linux"]["cgroupsPath"] = "ocrt.slice:ocrt:vm-" + config["linux"]["cgroupsPath"].removeprefix("/ocrt-vm/")
    for key, devices in config["linux"].get("resources", {}).get("blockIO", {}).items():
        if isinstance(devices, list):
            for device in devices:
                device["major"] = VIRTIO_BLK_MAJOR
    with open(f"{out}/config-sd-{name}.json", "w") as f:
        json.dump(config, f, indent=2)
