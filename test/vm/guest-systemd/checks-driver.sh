#!/bin/sh
# Runs in the systemd guest after checks.sh: the systemd cgroup driver (--systemd-cgroup,
# --cgroup-manager=systemd). The container's cgroup is a transient scope; every resource
# is read back from systemd (systemctl show), from the host's cgroup files and from
# inside the container; later commands run without the flag (the state remembers).
# One "ok - " / "not ok - " line per check, then "VMTEST-SUMMARY passed=N failed=M".
. "${0%/*}/guest-lib.sh"
root=/run/ocrt-vm-sd
bundle=/run/ocrt-vm-bundle-sd

cp -a /vmtest/bundle "$bundle"
# create and run -d are never run inside $(...): the container's init inherits stdout
# and the substitution would wait for it to end.

# --- a scope in ocrt.slice with every resource ------------------------------------
use sd-driver
unit=ocrt-vm-sdd.scope
cg=/sys/fs/cgroup/ocrt.slice/$unit
(cd "$bundle" && ocrt --systemd-cgroup create vm-sdd >/tmp/vm-sd.out 2>&1); rc=$?; out=$(cat /tmp/vm-sd.out)
check_eq 0 "$rc" "[cg:place.systemdScope] create --systemd-cgroup with cgroupsPath ocrt.slice:ocrt:vm-sdd ($out)"
pid=$(field vm-sdd pid)
own() { sed -n "s/^ *\"$2\": \"\(.*\)\",*$/\1/p" "$root/$1/state.json"; }
check_eq systemd "$(own vm-sdd cgroupManager)" "the state records the systemd driver"
check_eq $unit "$(own vm-sdd systemdUnit)" "the state records the unit"
check_eq active "$(systemctl is-active $unit 2>&1)" "[cg:place.systemdScope] systemd reports $unit active"
check_eq /ocrt.slice/$unit "$(show $unit ControlGroup)" "[cg:place.systemdScope] the unit's ControlGroup is /ocrt.slice/$unit"
check_eq yes "$(show $unit Delegate)" "[cg:place.systemdScope] the unit has Delegate=yes"
check_eq "0::/ocrt.slice/$unit" "$(cat /proc/$pid/cgroup 2>&1)" "[cg:place.systemdScope] /proc/<init>/cgroup is the scope"
check_eq "ocrt container vm-sdd" "$(show $unit Description)" "the unit's Description names the container"
check_eq 5s "$(show $unit TimeoutStopUSec)" "the annotation org.systemd.property.TimeoutStopUSec is a unit property"
check_eq inactive-or-failed "$(show $unit CollectMode)" "the annotation org.systemd.property.CollectMode is a unit property"

# The resources: unit properties where systemd has them, and the cgroup files.
check_eq 33554432 "$(show $unit MemoryMax)" "[cg:memory.limit] systemd's MemoryMax is the limit"
check_eq 20 "$(show $unit TasksMax)" "[cg:pids.limit] systemd's TasksMax is the limit"
check_eq 20 "$(show $unit CPUWeight)" "[cg:cpu.shares] systemd's CPUWeight is shares 512 converted"
check_eq 500ms "$(show $unit CPUQuotaPerSecUSec)" "[cg:cpu.quota] systemd's CPUQuota is 50000/100000"
check_eq 0 "$(show $unit AllowedCPUs)" "[cg:cpu.cpus] systemd's AllowedCPUs is 0"
check_eq 33554432 "$(cat $cg/memory.max 2>&1)" "[cg:memory.limit] memory.max of the scope (host file)"
check_eq 20 "$(cat $cg/pids.max 2>&1)" "[cg:pids.limit] pids.max of the scope (host file)"
check_eq 20 "$(cat $cg/cpu.weight 2>&1)" "[cg:cpu.shares] cpu.weight is shares 512 converted (host file)"
check_eq "50000 100000" "$(cat $cg/cpu.max 2>&1)" "[cg:cpu.quota] cpu.max of the scope (host file)"
check_eq 0 "$(cat $cg/cpuset.cpus 2>&1)" "[cg:cpu.cpus] cpuset.cpus of the scope (host file)"
check_eq 0 "$(cat $cg/cpuset.mems 2>&1)" "[cg:cpu.mems] cpuset.mems of the scope (host file)"
check_eq "default 4950" "$(cat $cg/io.weight 2>&1 | head -1)" "[cg:blockIO.weight] io.weight is blkio weight 500 converted (host file)"
check_eq 4194304 "$(cat $cg/hugetlb.2MB.max 2>&1)" "[cg:hugepageLimits] hugetlb.2MB.max of the scope (host file; systemd has no property)"
inside=$(ocrt exec vm-sdd sh -c 'for f in memory.max pids.max cpu.weight cpu.max cpuset.cpus hugetlb.2MB.max; do echo "$f=$(cat /sys/fs/cgroup/$f)"; done' 2>&1)
has "$inside" "memory.max=33554432" "[cg:memory.limit] memory.max read inside the container (its cgroup namespace root)"
has "$inside" "pids.max=20" "[cg:pids.limit] pids.max read inside the container"
has "$inside" "cpu.weight=20" "[cg:cpu.shares] cpu.weight read inside the container"
has "$inside" "cpu.max=50000 100000" "[cg:cpu.quota] cpu.max read inside the container"
has "$inside" "cpuset.cpus=0" "[cg:cpu.cpus] cpuset.cpus read inside the container"
has "$inside" "hugetlb.2MB.max=4194304" "[cg:hugepageLimits] hugetlb.2MB.max read inside the container"

# Devices: the eBPF filter on the scope. /dev/zero is a default (readable); c 1:200 is
# allowed rw then denied w: a read open reaches the (absent) driver, a write open is refused.
# The node is made in the container's /dev (the bundle lives on /run, mounted nodev).
out=$(ocrt exec vm-sdd sh -c "$device_probe" 2>&1)
has "$out" "r /dev/zero ok" "[cg:devices] /dev/zero (a default rule) opens inside the scope"
has "$out" "r /dev/x ENXIO" "[cg:devices] allow c 1:200 rw lets a read open through"
has "$out" "w /dev/x EPERM" "[cg:enforce.devices] deny c 1:200 w refuses a write open inside the scope"

# systemd rewrites a unit's cgroup files from its properties on daemon-reload: the
# limits survive only because they are unit properties.
systemctl daemon-reload
check_eq 33554432 "$(cat $cg/memory.max 2>&1)" "[cg:memory.limit] memory.max survives systemctl daemon-reload"
check_eq 20 "$(cat $cg/pids.max 2>&1)" "[cg:pids.limit] pids.max survives systemctl daemon-reload"
check_eq "50000 100000" "$(cat $cg/cpu.max 2>&1)" "[cg:cpu.quota] cpu.max survives systemctl daemon-reload"

# Later commands without the flag: the state says systemd and the unit.
ocrt exec -d --pid-file /tmp/vm-sdd-exec.pid vm-sdd sleep 30 && ok "exec -d without the flag" || not_ok "exec -d without the flag"
epid=$(cat /tmp/vm-sdd-exec.pid 2>/dev/null)
check_eq "0::/ocrt.slice/$unit" "$(cat /proc/$epid/cgroup 2>&1)" "[cg:place.systemdScope] the exec'd process joins the scope"
ps=$(ocrt ps --format json vm-sdd 2>&1)
has "$ps" "$pid" "[cg:cmd.ps] ps --format json lists the init"
has "$ps" "$epid" "[cg:cmd.ps] ps --format json lists the exec'd process"
ocrt start vm-sdd && ok "start without the flag" || not_ok "start without the flag"
ocrt update --memory 67108864 --pids-limit 30 vm-sdd && ok "[cg:cmd.update] update without the flag" || not_ok "[cg:cmd.update] update without the flag"
check_eq 67108864 "$(cat $cg/memory.max 2>&1)" "[cg:cmd.update] update changed memory.max"
check_eq 30 "$(cat $cg/pids.max 2>&1)" "[cg:cmd.update] update changed pids.max"
check_eq 67108864 "$(show $unit MemoryMax)" "[cg:cmd.update] update changed systemd's MemoryMax"
check_eq 30 "$(show $unit TasksMax)" "[cg:cmd.update] update changed systemd's TasksMax"
systemctl daemon-reload
check_eq 67108864 "$(cat $cg/memory.max 2>&1)" "[cg:cmd.update] the updated memory.max survives daemon-reload"
ocrt pause vm-sdd && ok "[cg:cmd.pause] pause without the flag" || not_ok "[cg:cmd.pause] pause without the flag"
check_eq 1 "$(cat $cg/cgroup.freeze 2>&1)" "[cg:cmd.pause] pause sets the scope's cgroup.freeze"
check_eq paused "$(field vm-sdd status)" "[cg:cmd.pause] state after pause"
ocrt resume vm-sdd && ok "[cg:cmd.pause] resume" || not_ok "[cg:cmd.pause] resume"
check_eq 0 "$(cat $cg/cgroup.freeze 2>&1)" "[cg:cmd.pause] resume clears cgroup.freeze"
check_eq running "$(field vm-sdd status)" "[cg:cmd.pause] state after resume"
stats=$(ocrt events --stats vm-sdd 2>&1)
case "$stats" in *'"pids":{"current":'[1-9]*',"limit":30}'*) ok "[cg:cmd.events.stats] events --stats reports pids of the scope" ;;
    *) not_ok "[cg:cmd.events.stats] events --stats reports pids of the scope" "$stats" ;; esac
case "$stats" in *'"usage":{"limit":67108864,"usage":'[1-9]*) ok "[cg:cmd.events.stats] events --stats reports memory usage and limit" ;;
    *) not_ok "[cg:cmd.events.stats] events --stats reports memory usage and limit" "$stats" ;; esac
ocrt kill --all vm-sdd KILL && ok "[cg:cmd.kill.all] kill --all without the flag" || not_ok "[cg:cmd.kill.all] kill --all without the flag"
for i in $(seq 1 25); do [ "$(field vm-sdd status)" = stopped ] && break; sleep 0.2; done
check_eq stopped "$(field vm-sdd status)" "[cg:cmd.kill.all] stopped after kill --all"
[ -d "/proc/$epid" ] && not_ok "[cg:cmd.kill.all] kill --all killed the exec'd process too" || ok "[cg:cmd.kill.all] kill --all killed the exec'd process too"
ocrt delete vm-sdd && ok "[cg:cmd.delete] delete without the flag" || not_ok "[cg:cmd.delete] delete without the flag"
gone $unit && ok "[cg:cmd.delete] the unit is gone after delete" || not_ok "[cg:cmd.delete] the unit is gone after delete" "$(systemctl status $unit 2>&1 | head -3)"
[ -d $cg ] && not_ok "[cg:cmd.delete] the scope's cgroup is gone after delete" || ok "[cg:cmd.delete] the scope's cgroup is gone after delete"
[ -e "$root/vm-sdd" ] && not_ok "delete removes the state dir" || ok "delete removes the state dir"

# --- delete --force of a running container stops its unit --------------------------
(cd "$bundle" && ocrt --systemd-cgroup run -d vm-sdd2 >/dev/null 2>&1) && ok "run -d with the systemd driver" || not_ok "run -d with the systemd driver"
check_eq active "$(systemctl is-active $unit 2>&1)" "[cg:place.systemdScope] the unit's name is free again for a new container"
ocrt delete --force vm-sdd2 && ok "[cg:cmd.delete] delete --force of a running container" || not_ok "[cg:cmd.delete] delete --force of a running container"
gone $unit && ok "[cg:cmd.delete] delete --force stops the running container's unit" ||
    not_ok "[cg:cmd.delete] delete --force stops the running container's unit" "$(systemctl status $unit 2>&1 | head -3)"
[ -d $cg ] && not_ok "[cg:cmd.delete] and removes its cgroup" || ok "[cg:cmd.delete] and removes its cgroup"

# --- the default cgroupsPath: system.slice:ocrt:<id> --------------------------------
use sleep
(cd "$bundle" && ocrt --cgroup-manager=systemd create vm-sddef >/tmp/vm-sd.out 2>&1); rc=$?; out=$(cat /tmp/vm-sd.out)
check_eq 0 "$rc" "[cg:place.default] create --cgroup-manager=systemd with no cgroupsPath ($out)"
dpid=$(field vm-sddef pid)
check_eq active "$(systemctl is-active ocrt-vm-sddef.scope 2>&1)" "[cg:place.default] the default unit ocrt-vm-sddef.scope is active"
check_eq "0::/system.slice/ocrt-vm-sddef.scope" "$(cat /proc/$dpid/cgroup 2>&1)" "[cg:place.default] the init is in /system.slice/ocrt-vm-sddef.scope"
ocrt delete --force vm-sddef && ok "[cg:cmd.delete] delete --force of a created container without the flag" ||
    not_ok "[cg:cmd.delete] delete --force of a created container without the flag"
gone ocrt-vm-sddef.scope && ok "[cg:cmd.delete] delete --force stops and removes the unit" ||
    not_ok "[cg:cmd.delete] delete --force stops and removes the unit" "$(systemctl status ocrt-vm-sddef.scope 2>&1 | head -3)"
[ -d /sys/fs/cgroup/system.slice/ocrt-vm-sddef.scope ] && not_ok "[cg:cmd.delete] and its cgroup" || ok "[cg:cmd.delete] and its cgroup"
[ -d "/proc/$dpid" ] && not_ok "no process left after delete --force" || ok "no process left after delete --force"

# --- failures leave nothing behind --------------------------------------------------
use sd-bad-file
(cd "$bundle" && ocrt --systemd-cgroup create vm-sdbad >/tmp/vm-sd.out 2>&1); rc=$?; out=$(cat /tmp/vm-sd.out)
[ "$rc" -ne 0 ] && ok "create fails when a resource cannot be written after the unit started" ||
    not_ok "create fails when a resource cannot be written after the unit started" "rc=$rc"
has "$out" "memory.oom.group" "the error names the file that could not be written"
gone ocrt-vm-sdbad.scope && ok "[cg:place.systemdScope] no unit is left after the failed create" ||
    not_ok "[cg:place.systemdScope] no unit is left after the failed create" "$(systemctl status ocrt-vm-sdbad.scope 2>&1 | head -3)"
[ -d /sys/fs/cgroup/ocrt.slice/ocrt-vm-sdbad.scope ] && not_ok "no cgroup is left after the failed create" || ok "no cgroup is left after the failed create"
[ -e "$root/vm-sdbad" ] && not_ok "no state dir after the failed create" || ok "no state dir after the failed create"

use sd-bad-path
(cd "$bundle" && ocrt --systemd-cgroup create vm-sdpath >/tmp/vm-sd.out 2>&1); rc=$?; out=$(cat /tmp/vm-sd.out)
[ "$rc" -ne 0 ] && ok "a cgroupsPath that is not slice:prefix:name is refused" || not_ok "a cgroupsPath that is not slice:prefix:name is refused" "rc=$rc"
has "$out" "/linux/cgroupsPath" "the error names /linux/cgroupsPath"
[ -e "$root/vm-sdpath" ] && not_ok "no state dir after the refused cgroupsPath" || ok "no state dir after the refused cgroupsPath"

# --- every resource key, the same checks as the pure v2 guest's cgroupfs driver ------
# (v2-resource-checks.sh, configs "sd-<variant>": scopes ocrt-vm-<x>.scope in ocrt.slice).
# The per-device blockIO values go to the guest's root disk, vda; per-device io.weight
# needs the io.cost controller on it.
dev=$(cat /sys/block/vda/dev)
[ "${dev%:*}" = 254 ] || sed -i "s/\"major\": 254,/\"major\": ${dev%:*},/" "$bundle/config-sd-allres.json"
echo "$dev enable=1" >/sys/fs/cgroup/io.cost.qos
rc_label="v2 systemd" rc_driver=--systemd-cgroup rc_config=sd- rc_dev=$dev rc_reload="systemctl daemon-reload"
rc_cg() { echo "/sys/fs/cgroup/ocrt.slice/ocrt-vm-$1.scope"; }
rc_left() { ! gone "ocrt-vm-$1.scope"; }
. "${0%/*}/v2-resource-checks.sh"
na place.relative "the systemd driver's cgroupsPath is slice:prefix:name, a scope in a named slice; nothing is relative to ocrt's own cgroup"
na rdma "the systemd guest has no RDMA device (vm-rdma checks linux.resources.rdma with the cgroupfs driver)"
na place.cloneIntoCgroup "the scope only exists once systemd started it with the init's pid (StartTransientUnit): the init is cloned first, then moved in before it runs user code"

left=$(systemctl list-units --all --no-legend 'ocrt-*' 2>&1)
check_eq "" "$left" "no ocrt unit is left in systemd"
check_eq "" "$(systemctl list-units --failed --no-legend 2>&1)" "systemd reports no failed unit"
check_eq 0 "$(ls "$root" 2>/dev/null | wc -l)" "no state dirs are left in --root"
summary
