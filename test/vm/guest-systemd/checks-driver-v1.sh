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
# --- One key per container below (each needs something of the guest's kernel). ---
sd_run() {  # VARIANT ID: run -d with the systemd driver, output in /tmp/vm-sd1run.out
    use "$1"
    (cd "$bundle" && ocrt --systemd-cgroup run -d "$2" >/tmp/vm-sd1run.out 2>&1)
}
scope_dir() { echo "/sys/fs/cgroup/$1/ocrt.slice/ocrt-$2.scope"; }  # HIERARCHY ID
# refused_v1 KEY VARIANT ID FIELD WHY: create fails naming FIELD, leaving no unit and no state.
refused_v1() {
    use "$2"
    (cd "$bundle" && ocrt --systemd-cgroup create "$3" >/tmp/vm-sd1ref.out 2>&1); rc=$?
    if [ $rc = 0 ]; then not_ok "[cg:$1] v1: $5 fails create, naming $4" "create succeeded"
    else has "$(cat /tmp/vm-sd1ref.out)" "$4" "[cg:$1] v1: $5 fails create, naming $4"; fi
    gone "ocrt-$3.scope" && [ ! -e "$root/$3" ] && ok "[cg:$1] v1: the refused create left no unit and no state" ||
        not_ok "[cg:$1] v1: the refused create left no unit and no state"
    ocrt delete --force "$3" >/dev/null 2>&1
}

# memory.kernel: written where the file exists; Linux 6.1 keeps memory.kmem.limit_in_bytes
# but ignores writes (reads back unlimited), as runc meets it too: create must succeed.
sd_run sd-v1-kmem vm-sdv1k; rc=$?
check_eq 0 "$rc" "[cg:memory.kernel] v1: run -d with memory.kernel 48 MB ($(cat /tmp/vm-sd1run.out))"
kmem=$(cat $(scope_dir memory vm-sdv1k)/memory.kmem.limit_in_bytes 2>&1)
if [ "$kmem" = 50331648 ]; then
    ok "[cg:memory.kernel] v1: memory.kmem.limit_in_bytes of the scope is 50331648"
else
    echo "n/a - [cg:memory.kernel] v1: kernel $(uname -r) ignores memory.kmem.limit_in_bytes (reads back '$kmem')"
    check_eq running "$(field vm-sdv1k status)" "[cg:memory.kernel] v1: a memory.kernel limit does not fail create (written as runc does; the kernel ignores it)"
fi
check_eq 67108864 "$(cat $(scope_dir memory vm-sdv1k)/memory.limit_in_bytes 2>&1)" "[cg:memory.limit] v1: memory.limit_in_bytes beside memory.kernel"
ocrt delete --force vm-sdv1k && gone ocrt-vm-sdv1k.scope && ok "[cg:cmd.delete] v1: delete --force the memory.kernel container and its unit" ||
    not_ok "[cg:cmd.delete] v1: delete --force the memory.kernel container and its unit"

# checkBeforeUpdate: a limit below memory.usage_in_bytes is refused before systemd or the
# file sees it (the v1 kernel would reclaim or OOM-kill to meet it).
rm -f "$bundle/rootfs/ready"
sd_run sd-cbu vm-cbu && ok "[cg:memory.checkBeforeUpdate] v1: run -d a container holding 24 MB" ||
    not_ok "[cg:memory.checkBeforeUpdate] v1: run -d a container holding 24 MB" "$(cat /tmp/vm-sd1run.out)"
cbu=$(scope_dir memory vm-cbu)
for i in $(seq 100); do [ -e "$bundle/rootfs/ready" ] && break; sleep 0.2; done
usage=$(cat $cbu/memory.usage_in_bytes 2>/dev/null || echo 0)
[ "$usage" -gt 25165824 ] && ok "[cg:memory.checkBeforeUpdate] v1: memory.usage_in_bytes ($usage) is above 24 MB" ||
    not_ok "[cg:memory.checkBeforeUpdate] v1: memory.usage_in_bytes is above 24 MB" "$usage"
out=$(echo '{"memory": {"limit": 8388608, "checkBeforeUpdate": true}}' | ocrt update --resources - vm-cbu 2>&1) &&
    not_ok "[cg:memory.checkBeforeUpdate] v1: update below the usage is refused" "update succeeded" || {
    has "$out" "below the current usage" "[cg:memory.checkBeforeUpdate] v1: update below the usage is refused"
    has "$out" "/linux/resources/memory/limit" "[cg:memory.checkBeforeUpdate] v1: the refusal names /linux/resources/memory/limit"; }
check_eq 67108864 "$(cat $cbu/memory.limit_in_bytes 2>&1)" "[cg:memory.checkBeforeUpdate] v1: memory.limit_in_bytes keeps the old limit"
check_eq 67108864 "$(show ocrt-vm-cbu.scope MemoryLimit)" "[cg:memory.checkBeforeUpdate] v1: systemd's MemoryLimit keeps the old limit"
check_eq running "$(field vm-cbu status)" "[cg:memory.checkBeforeUpdate] v1: nothing was OOM-killed"
echo '{"memory": {"limit": 50331648, "checkBeforeUpdate": true}}' | ocrt update --resources - vm-cbu &&
    ok "[cg:memory.checkBeforeUpdate] v1: update above the usage is applied" || not_ok "[cg:memory.checkBeforeUpdate] v1: update above the usage is applied"
check_eq 50331648 "$(cat $cbu/memory.limit_in_bytes 2>&1)" "[cg:memory.checkBeforeUpdate] v1: memory.limit_in_bytes is the new limit"
check_eq 50331648 "$(show ocrt-vm-cbu.scope MemoryLimit)" "[cg:memory.checkBeforeUpdate] v1: systemd's MemoryLimit is the new limit"
out=$(ocrt update --memory 8M vm-cbu 2>&1) && not_ok "[cg:memory.checkBeforeUpdate] v1: a later update --memory below the usage is refused too" "update succeeded" ||
    has "$out" "below the current usage" "[cg:memory.checkBeforeUpdate] v1: a later update --memory below the usage is refused too"
check_eq 50331648 "$(cat $cbu/memory.limit_in_bytes 2>&1)" "[cg:memory.checkBeforeUpdate] v1: memory.limit_in_bytes still holds the last applied limit"
ocrt delete --force vm-cbu
rm -f "$bundle/rootfs/ready"

# cpu.idle: a v1 cpu controller file since Linux 5.15 (SCHED_IDLE for the group).
if [ -e /sys/fs/cgroup/cpu,cpuacct/cpu.idle ]; then
    sd_run sd-v1-idle vm-sdv1i && ok "[cg:cpu.idle] v1: run -d with cpu.idle 1" || not_ok "[cg:cpu.idle] v1: run -d with cpu.idle 1" "$(cat /tmp/vm-sd1run.out)"
    check_eq 1 "$(cat $(scope_dir cpu,cpuacct vm-sdv1i)/cpu.idle 2>&1)" "[cg:cpu.idle] v1: cpu.idle of the scope is 1"
    check_eq 1 "$(ocrt exec vm-sdv1i cat /sys/fs/cgroup/cpu/cpu.idle 2>&1)" "[cg:cpu.idle] v1 inside: cpu/cpu.idle is 1"
    ocrt delete --force vm-sdv1i
else
    echo "n/a - [cg:cpu.idle] kernel $(uname -r) has no v1 cpu.idle (before 5.15 or no CONFIG_FAIR_GROUP_SCHED)"
    refused_v1 cpu.idle sd-v1-idle vm-sdv1i /linux/resources/cpu/idle "cpu.idle without the cpu.idle file"
fi

# blockIO weights: v1 weights are BFQ's (blkio.bfq.weight*; CFQ is gone), which exist
# once a disk uses bfq. The guest has no kernel modules to load, so bfq only if built in.
sched=$(cat /sys/block/vda/queue/scheduler 2>&1)
echo bfq >/sys/block/vda/queue/scheduler 2>/dev/null
case "$(cat /sys/block/vda/queue/scheduler 2>&1)" in
*'[bfq]'*)
    sd_run sd-v1-bfq vm-sdv1b && ok "[cg:blockIO.weight] v1: run -d with blockIO weight 200, vda 300 (bfq)" ||
        not_ok "[cg:blockIO.weight] v1: run -d with blockIO weight 200, vda 300 (bfq)" "$(cat /tmp/vm-sd1run.out)"
    check_eq 200 "$(cat $(scope_dir blkio vm-sdv1b)/blkio.bfq.weight 2>&1)" "[cg:blockIO.weight] v1: blkio.bfq.weight of the scope"
    check_eq "default 200 $dev 300" "$(cat $(scope_dir blkio vm-sdv1b)/blkio.bfq.weight_device 2>&1 | tr '\n' ' ' | sed 's/ *$//')" \
        "[cg:blockIO.weightDevice] v1: blkio.bfq.weight_device of the scope"
    ocrt delete --force vm-sdv1b ;;
*)
    echo "n/a - [cg:blockIO.weight] vda cannot use bfq (schedulers: $sched; no modules in the guest), so no blkio.bfq.weight"
    echo "n/a - [cg:blockIO.weightDevice] vda cannot use bfq (schedulers: $sched; no modules in the guest), so no blkio.bfq.weight_device"
    refused_v1 blockIO.weight sd-v1-bfq vm-sdv1b /linux/resources/blockIO/weight "blockIO.weight without bfq"
    refused_v1 blockIO.weightDevice sd-v1-bfqdev vm-sdv1b /linux/resources/blockIO/weightDevice/0/weight "a per-device weight without bfq" ;;
esac
# Leaf weights were CFQ's only (gone since Linux 5.0): refused naming the field, as on the host.
if [ ! -e /sys/fs/cgroup/blkio/blkio.leaf_weight ]; then
    echo "n/a - [cg:blockIO.leafWeight] kernel $(uname -r) has no CFQ: blkio.leaf_weight does not exist"
    refused_v1 blockIO.leafWeight sd-v1-leaf vm-sdv1l /linux/resources/blockIO/leafWeight "blockIO.leafWeight without blkio.leaf_weight"
    echo "n/a - [cg:blockIO.leafWeightDevice] kernel $(uname -r) has no CFQ: blkio.leaf_weight_device does not exist"
    refused_v1 blockIO.leafWeightDevice sd-v1-leafdev vm-sdv1l /linux/resources/blockIO/weightDevice/0/leafWeight "a per-device leafWeight without blkio.leaf_weight_device"
fi
echo "$sched" | sed -n 's/.*\[\(.*\)\].*/\1/p' >/sys/block/vda/queue/scheduler 2>/dev/null

# OOM kills: the 80 MB allocation of an exec'd shell is killed at the 32 MB limit, and the
# streaming `events` reports it (v1: the memory.oom_control eventfd).
sd_run sd-oom vm-oom && ok "[cg:enforce.memory] v1: run -d with a 32 MB memory (and memory+swap) limit" ||
    not_ok "[cg:enforce.memory] v1: run -d with a 32 MB memory (and memory+swap) limit" "$(cat /tmp/vm-sd1run.out)"
rm -f /tmp/vm-sd1-events.out
timeout 60 /usr/sbin/ocrt --root "$root" events --interval 1s vm-oom >/tmp/vm-sd1-events.out 2>&1 &
events_pid=$!
for i in $(seq 50); do grep -q '"type":"stats"' /tmp/vm-sd1-events.out && break; sleep 0.2; done
timeout 60 /usr/sbin/ocrt --root "$root" exec vm-oom sh -c 'a=$(head -c 83886080 /dev/zero | tr "\\0" x); echo survived ${#a}' >/tmp/vm-sd1-oom.out 2>&1; rc=$?
check_eq 137 "$rc" "[cg:enforce.memory] v1: the exec'd 80 MB allocation is OOM-killed ($(cat /tmp/vm-sd1-oom.out))"
has "$(cat $(scope_dir memory vm-oom)/memory.oom_control 2>&1)" "oom_kill 1" "[cg:enforce.memory] v1: memory.oom_control of the scope counts the kill"
for i in $(seq 50); do grep -q '"type":"oom"' /tmp/vm-sd1-events.out && break; sleep 0.2; done
check_eq '{"type":"oom","id":"vm-oom"}' "$(grep '"type":"oom"' /tmp/vm-sd1-events.out | head -n 1)" "[cg:cmd.events.oom] v1: events streams runc's oom line"
kill $events_pid 2>/dev/null; wait $events_pid 2>/dev/null
check_eq running "$(field vm-oom status)" "[cg:enforce.memory] v1: the container survives its exec'd process's OOM kill"
ocrt delete --force vm-oom && gone ocrt-vm-oom.scope && ok "[cg:cmd.delete] v1: delete --force after an OOM kill removes the unit" ||
    not_ok "[cg:cmd.delete] v1: delete --force after an OOM kill removes the unit"

# No cgroupsPath: the systemd driver's default unit, system.slice/ocrt-<id>.scope, at
# that path in every hierarchy (v1 and the unified one).
sd_run sd-v1-default vm-sdv1d && ok "[cg:place.default] v1: run -d without a cgroupsPath" ||
    not_ok "[cg:place.default] v1: run -d without a cgroupsPath" "$(cat /tmp/vm-sd1run.out)"
dpid=$(field vm-sdv1d pid)
check_eq active "$(systemctl is-active ocrt-vm-sdv1d.scope 2>&1)" "[cg:place.default] v1: systemd runs the default unit ocrt-vm-sdv1d.scope"
check_eq /system.slice/ocrt-vm-sdv1d.scope "$(show ocrt-vm-sdv1d.scope ControlGroup)" "[cg:place.default] v1: the unit's ControlGroup is in system.slice"
dcg=$(cat /proc/$dpid/cgroup 2>&1)
has "$dcg" ":memory:/system.slice/ocrt-vm-sdv1d.scope" "[cg:place.default] v1: the init's memory cgroup is the default scope"
check_eq "" "$(echo "$dcg" | grep -v ':/system.slice/ocrt-vm-sdv1d.scope$')" "[cg:place.default] v1: the init is at the default scope's path in every hierarchy"
ocrt delete --force vm-sdv1d && gone ocrt-vm-sdv1d.scope && ok "[cg:cmd.delete] v1: delete the default-path container and its unit" ||
    not_ok "[cg:cmd.delete] v1: delete the default-path container and its unit"
check_eq "" "$(ls -d /sys/fs/cgroup/*/system.slice/ocrt-vm-sdv1d.scope 2>/dev/null)" "[cg:cmd.delete] v1: no hierarchy keeps the default scope's directory"

# The "cgroup" mount (ocrt spec's /sys/fs/cgroup): a read-only tmpfs with each v1
# hierarchy showing the container's own cgroup (its limits, nothing below or beside it).
for mode in ns nons; do
    use sd-v1-cgview-$mode
    out=$(cd "$bundle" && ocrt --systemd-cgroup run vm-sdv1cg$mode 2>&1); rc=$?
    check_eq 0 "$rc" "[cg:place.mount] v1 cgroup mount ($mode): run"
    check_eq 41943040 "$(echo "$out" | sed -n 's/^mem=//p')" "[cg:place.mount] v1 cgroup mount ($mode): memory/memory.limit_in_bytes is the container's limit"
    check_eq 33 "$(echo "$out" | sed -n 's/^pids=//p')" "[cg:place.mount] v1 cgroup mount ($mode): pids/pids.max is the container's limit"
    check_eq 0 "$(echo "$out" | sed -n 's/^memdirs=//p')" "[cg:place.mount] v1 cgroup mount ($mode): no other cgroup is visible below memory/"
    [ $mode = ns ] && want=/ || want=/ocrt.slice/ocrt-vm-sdv1cg$mode.scope
    has "$out" "mnt /sys/fs/cgroup / tmpfs ro" "[cg:place.mount] v1 cgroup mount ($mode): /sys/fs/cgroup is a read-only tmpfs"
    has "$out" "mnt /sys/fs/cgroup/memory $want cgroup ro" "[cg:place.mount] v1 cgroup mount ($mode): memory/ is the scope ($want) read-only"
    has "$out" "mnt /sys/fs/cgroup/pids $want cgroup ro" "[cg:place.mount] v1 cgroup mount ($mode): pids/ is the scope ($want) read-only"
    gone ocrt-vm-sdv1cg$mode.scope && ok "[cg:cmd.delete] v1: run removes the cgroup-mount container's unit ($mode)" ||
        not_ok "[cg:cmd.delete] v1: run removes the cgroup-mount container's unit ($mode)"
done
echo "n/a - [cg:place.absolute] systemd paths are slice:prefix:name (the scope's exact path is checked as place.systemdScope and place.default)"
echo "n/a - [cg:place.relative] the systemd driver's cgroupsPath is slice:prefix:name, a scope in a named slice; nothing is relative to ocrt's own cgroup"
echo "n/a - [cg:place.cloneIntoCgroup] the scope only exists once systemd started it with the init's pid; on v1 there is no CLONE_INTO_CGROUP anyway"
echo "n/a - [cg:rdma] the systemd guest has no RDMA device (vm-rdma checks linux.resources.rdma with the cgroupfs driver)"
check_eq 0 "$(ls "$root" 2>/dev/null | wc -l)" "v1: no state dirs are left"
summary
