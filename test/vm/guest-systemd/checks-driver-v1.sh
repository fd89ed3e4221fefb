#!/bin/sh
# Runs in the systemd guest booted with cgroup v1 (systemd.unified_cgroup_hierarchy=0:
# systemd's "hybrid" layout, v1 controllers plus cgroup2 at /sys/fs/cgroup/unified):
# the systemd cgroup driver starts the scope, then ocrt places the init in every v1
# hierarchy at the scope's path (also those systemd does not run: cpuset, freezer, ...)
# and writes the v1 files. One "ok - " / "not ok - " line per check, then the summary.
. "${0%/*}/guest-lib.sh"
root=/run/ocrt-vm-sd1
bundle=/run/ocrt-vm-bundle-sd1

cp -a /vmtest/bundle "$bundle"
check_eq tmpfs "$(awk '$2 == "/sys/fs/cgroup" {print $3}' /proc/mounts)" "/sys/fs/cgroup is the v1 tmpfs (systemd booted with cgroup v1)"

# The per-device blockIO values go to the guest's root disk, vda.
dev=$(cat /sys/block/vda/dev)
[ "${dev%:*}" = 254 ] || sed -i "s/\"major\": 254,/\"major\": ${dev%:*},/" "$bundle/config-sd-driver-v1.json"
use sd-driver-v1
unit=ocrt-vm-sdv1.scope
path=/ocrt.slice/$unit
v1() { echo "/sys/fs/cgroup/$1$path"; }
# create is never run inside $(...): the init inherits stdout.
(cd "$bundle" && ocrt --systemd-cgroup create vm-sdv1 >/tmp/vm-sd1.out 2>&1); rc=$?
check_eq 0 "$rc" "[cg:place.systemdScope] v1: create --systemd-cgroup ($(cat /tmp/vm-sd1.out))"
pid=$(field vm-sdv1 pid)
check_eq active "$(systemctl is-active $unit 2>&1)" "[cg:place.systemdScope] v1: systemd reports the scope active"
check_eq $path "$(show $unit ControlGroup)" "[cg:place.systemdScope] v1: the unit's ControlGroup"
others=$(grep -v ":$path\$" /proc/$pid/cgroup 2>&1)
check_eq "" "$others" "[cg:place.systemdScope] v1: the init is at the scope's path in every hierarchy"
check_eq 33554432 "$(cat $(v1 memory)/memory.limit_in_bytes 2>&1)" "[cg:memory.limit] v1: memory.limit_in_bytes of the scope"
check_eq 20 "$(cat $(v1 pids)/pids.max 2>&1)" "[cg:pids.limit] v1: pids.max of the scope"
check_eq 512 "$(cat $(v1 cpu,cpuacct)/cpu.shares 2>&1)" "[cg:cpu.shares] v1: cpu.shares of the scope"
check_eq 50000 "$(cat $(v1 cpu,cpuacct)/cpu.cfs_quota_us 2>&1)" "[cg:cpu.quota] v1: cpu.cfs_quota_us of the scope"
check_eq 0 "$(cat $(v1 cpuset)/cpuset.cpus 2>&1)" "[cg:cpu.cpus] v1: cpuset.cpus (a hierarchy ocrt makes the scope's path in)"
check_eq 33554432 "$(show $unit MemoryLimit)" "[cg:memory.limit] v1: systemd's MemoryLimit"
check_eq 512 "$(show $unit CPUShares)" "[cg:cpu.shares] v1: systemd's CPUShares"
# The v1 files systemd has no property for (written by ocrt into the scope's path).
check_eq 16777216 "$(cat $(v1 memory)/memory.soft_limit_in_bytes 2>&1)" "[cg:memory.reservation] v1: memory.soft_limit_in_bytes of the scope"
check_eq 67108864 "$(cat $(v1 memory)/memory.memsw.limit_in_bytes 2>&1)" "[cg:memory.swap] v1: memory.memsw.limit_in_bytes of the scope"
check_eq 30 "$(cat $(v1 memory)/memory.swappiness 2>&1)" "[cg:memory.swappiness] v1: memory.swappiness of the scope"
check_eq 16777216 "$(cat $(v1 memory)/memory.kmem.tcp.limit_in_bytes 2>&1)" "[cg:memory.kernelTCP] v1: memory.kmem.tcp.limit_in_bytes of the scope"
has "$(cat $(v1 memory)/memory.oom_control 2>&1)" "oom_kill_disable 1" "[cg:memory.disableOOMKiller] v1: memory.oom_control of the scope"
check_eq 1 "$(cat $(v1 memory)/memory.use_hierarchy 2>&1)" "[cg:memory.useHierarchy] v1: memory.use_hierarchy of the scope"
check_eq 100000 "$(cat $(v1 cpu,cpuacct)/cpu.cfs_period_us 2>&1)" "[cg:cpu.period] v1: cpu.cfs_period_us of the scope"
check_eq 5000 "$(cat $(v1 cpu,cpuacct)/cpu.cfs_burst_us 2>&1)" "[cg:cpu.burst] v1: cpu.cfs_burst_us of the scope"
if [ ! -e $(v1 cpu,cpuacct)/cpu.rt_runtime_us ]; then
    echo "n/a - [cg:cpu.realtimeRuntime] v1: the guest's kernel has no cpu.rt_runtime_us (no CONFIG_RT_GROUP_SCHED)"
    echo "n/a - [cg:cpu.realtimePeriod] v1: the guest's kernel has no cpu.rt_period_us (no CONFIG_RT_GROUP_SCHED)"
fi
check_eq 0 "$(cat $(v1 cpuset)/cpuset.mems 2>&1)" "[cg:cpu.mems] v1: cpuset.mems of the scope"
check_eq "$dev 1048576" "$(cat $(v1 blkio)/blkio.throttle.read_bps_device 2>&1)" "[cg:blockIO.throttleReadBpsDevice] v1: blkio.throttle.read_bps_device of the scope"
check_eq "$dev 2097152" "$(cat $(v1 blkio)/blkio.throttle.write_bps_device 2>&1)" "[cg:blockIO.throttleWriteBpsDevice] v1: blkio.throttle.write_bps_device of the scope"
check_eq "$dev 200" "$(cat $(v1 blkio)/blkio.throttle.read_iops_device 2>&1)" "[cg:blockIO.throttleReadIOPSDevice] v1: blkio.throttle.read_iops_device of the scope"
check_eq "$dev 300" "$(cat $(v1 blkio)/blkio.throttle.write_iops_device 2>&1)" "[cg:blockIO.throttleWriteIOPSDevice] v1: blkio.throttle.write_iops_device of the scope"
# The limit, and the reservation limit in step where the kernel accounts reservations.
check_eq 4194304 "$(cat $(v1 hugetlb)/hugetlb.2MB.limit_in_bytes 2>&1)" "[cg:hugepageLimits] v1: hugetlb.2MB.limit_in_bytes of the scope"
if [ -e $(v1 hugetlb)/hugetlb.2MB.rsvd.limit_in_bytes ]; then
    check_eq 4194304 "$(cat $(v1 hugetlb)/hugetlb.2MB.rsvd.limit_in_bytes 2>&1)" "[cg:hugepageLimits.rsvd] v1: hugetlb.2MB.rsvd.limit_in_bytes of the scope"
else
    echo "n/a - [cg:hugepageLimits.rsvd] kernel $(uname -r) has no v1 hugetlb reservation files"
fi
check_eq 1048577 "$(cat $(v1 net_cls,net_prio)/net_cls.classid 2>&1)" "[cg:network.classID] v1: net_cls.classid of the scope"
has "$(cat $(v1 net_cls,net_prio)/net_prio.ifpriomap 2>&1)" "lo 5" "[cg:network.priorities] v1: net_prio.ifpriomap of the scope"
stats=$(ocrt events --stats vm-sdv1 2>&1)
case "$stats" in *'"pids":{"current":'[1-9]*',"limit":20}'*) ok "[cg:cmd.events.stats] v1: events --stats reports pids of the scope" ;;
    *) not_ok "[cg:cmd.events.stats] v1: events --stats reports pids of the scope" "$stats" ;; esac
case "$stats" in *'"limit":33554432'*) ok "[cg:cmd.events.stats] v1: events --stats reports the memory limit" ;;
    *) not_ok "[cg:cmd.events.stats] v1: events --stats reports the memory limit" "$stats" ;; esac
inside=$(ocrt exec vm-sdv1 sh -c 'cat /proc/self/cgroup' 2>&1)
has "$inside" "memory:/" "[cg:place.cgroupns] v1: exec works and the container sees its own cgroups"

out=$(ocrt exec vm-sdv1 sh -c "$device_probe" 2>&1)
has "$out" "r /dev/zero ok" "[cg:devices] v1: /dev/zero (allowed) opens"
has "$out" "r /dev/x ENXIO" "[cg:devices] v1: c 1:200 allowed rm: a read open reaches the driver"
has "$out" "w /dev/x EPERM" "[cg:enforce.devices] v1: c 1:200 not allowed w: a write open is refused"

systemctl daemon-reload
check_eq 33554432 "$(cat $(v1 memory)/memory.limit_in_bytes 2>&1)" "[cg:memory.limit] v1: memory.limit_in_bytes survives daemon-reload"
check_eq 512 "$(cat $(v1 cpu,cpuacct)/cpu.shares 2>&1)" "[cg:cpu.shares] v1: cpu.shares survives daemon-reload"
check_eq 20 "$(cat $(v1 pids)/pids.max 2>&1)" "[cg:pids.limit] v1: pids.max survives daemon-reload"
out=$(ocrt exec vm-sdv1 sh -c "$device_probe" 2>&1)
has "$out" "w /dev/x EPERM" "[cg:enforce.devices] v1: the device rules hold after daemon-reload"
has "$out" "r /dev/zero ok" "[cg:devices] v1: /dev/zero still opens after daemon-reload"

ocrt exec -d --pid-file /tmp/vm-sd1-exec.pid vm-sdv1 sleep 30 && ok "v1: exec -d without the flag" || not_ok "v1: exec -d without the flag"
epid=$(cat /tmp/vm-sd1-exec.pid 2>/dev/null)
others=$(grep -v ":$path\$" /proc/$epid/cgroup 2>&1)
check_eq "" "$others" "[cg:place.systemdScope] v1: the exec'd process joins the scope's path in every hierarchy"
ocrt start vm-sdv1 && ok "v1: start" || not_ok "v1: start"
ocrt update --memory 67108864 vm-sdv1 && ok "[cg:cmd.update] v1: update" || not_ok "[cg:cmd.update] v1: update"
check_eq 67108864 "$(cat $(v1 memory)/memory.limit_in_bytes 2>&1)" "[cg:cmd.update] v1: update changed memory.limit_in_bytes"
check_eq 67108864 "$(show $unit MemoryLimit)" "[cg:cmd.update] v1: update changed systemd's MemoryLimit"
ocrt pause vm-sdv1 && ok "[cg:cmd.pause] v1: pause" || not_ok "[cg:cmd.pause] v1: pause"
check_eq FROZEN "$(cat $(v1 freezer)/freezer.state 2>&1)" "[cg:cmd.pause] v1: the scope's freezer is FROZEN"
ocrt resume vm-sdv1 && ok "[cg:cmd.pause] v1: resume" || not_ok "[cg:cmd.pause] v1: resume"
check_eq THAWED "$(cat $(v1 freezer)/freezer.state 2>&1)" "[cg:cmd.pause] v1: the scope's freezer is THAWED"
ps=$(ocrt ps --format json vm-sdv1 2>&1)
has "$ps" "$epid" "[cg:cmd.ps] v1: ps lists the exec'd process"
ocrt kill --all vm-sdv1 KILL && ok "[cg:cmd.kill.all] v1: kill --all" || not_ok "[cg:cmd.kill.all] v1: kill --all"
for i in $(seq 1 25); do [ "$(field vm-sdv1 status)" = stopped ] && break; sleep 0.2; done
check_eq stopped "$(field vm-sdv1 status)" "[cg:cmd.kill.all] v1: stopped after kill --all"
ocrt delete vm-sdv1 && ok "[cg:cmd.delete] v1: delete" || not_ok "[cg:cmd.delete] v1: delete"
gone $unit && ok "[cg:cmd.delete] v1: the unit is gone" || not_ok "[cg:cmd.delete] v1: the unit is gone" "$(systemctl status $unit 2>&1 | head -3)"
check_eq "" "$(find /sys/fs/cgroup -maxdepth 3 -name $unit 2>&1)" "[cg:cmd.delete] v1: no hierarchy has the scope's directory any more"
check_eq "" "$(ls -d /sys/fs/cgroup/cpuset/ocrt.slice /sys/fs/cgroup/freezer/ocrt.slice 2>/dev/null)" \
    "[cg:cmd.delete] v1: the slice directories ocrt made where systemd does not run are gone"
# pids.max is enforced: forks beyond it fail (the v2 guest's pidlimit container).
use sd-pidlimit
out=$(cd "$bundle" && ocrt --systemd-cgroup run vm-pidlimit 2>&1)
has "$out" "can't fork" "[cg:enforce.pids] v1: fork fails once pids.max of the scope is reached"
gone ocrt-vm-pidlimit.scope && ok "[cg:cmd.delete] v1: run removes the pids container's unit" || not_ok "[cg:cmd.delete] v1: run removes the pids container's unit"
# linux.resources.unified needs cgroup v2: refused naming the field, no unit left.
use sd-unified-v1
(cd "$bundle" && ocrt --systemd-cgroup create vm-sdv1u >/tmp/vm-sd1u.out 2>&1); rc=$?
[ $rc != 0 ] && has "$(cat /tmp/vm-sd1u.out)" "/linux/resources/unified" "[cg:unified] v1: linux.resources.unified is refused, naming the field" ||
    not_ok "[cg:unified] v1: linux.resources.unified is refused, naming the field" "create succeeded"
gone ocrt-vm-sdv1u.scope && [ ! -e "$root/vm-sdv1u" ] && ok "[cg:unified] v1: the refused create left no unit and no state" ||
    not_ok "[cg:unified] v1: the refused create left no unit and no state"
ocrt delete --force vm-sdv1u >/dev/null 2>&1
echo "n/a - [cg:place.relative] the systemd driver's cgroupsPath is slice:prefix:name, a scope in a named slice; nothing is relative to ocrt's own cgroup"
echo "n/a - [cg:place.cloneIntoCgroup] the scope only exists once systemd started it with the init's pid; on v1 there is no CLONE_INTO_CGROUP anyway"
echo "n/a - [cg:rdma] the systemd guest has no RDMA device (vm-rdma checks linux.resources.rdma with the cgroupfs driver)"
check_eq 0 "$(ls "$root" 2>/dev/null | wc -l)" "v1: no state dirs are left"
summary
