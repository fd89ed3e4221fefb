# Sourced (after guest-lib.sh) by the two cgroup v2 guests: guest/checks.sh runs these
# checks with the cgroupfs driver, guest-systemd/checks-driver.sh with the systemd
# driver, so every linux.resources key is read back the same way under both. The
# caller sets:
#   rc_label    the check names' prefix ("v2", "v2 systemd")
#   rc_driver   ocrt's global flags for create/run ("" or "--systemd-cgroup")
#   rc_config   the config variant prefix ("" or "sd-": make-configs.py writes both)
#   rc_dev      the block device of the per-device blockIO values ("7:0", "254:0")
#   rc_cg NAME  prints the host cgroup directory of the container vm-NAME
#   rc_left NAME  succeeds when the container vm-NAME left something of its driver
#               (the systemd unit); cgroupfs: never
#   rc_reload   a command run before the host files are read again ("systemctl
#               daemon-reload": systemd rewrites the files from the unit's properties),
#               or "" for none
# create/run -d are never run inside $(...): the init would hold the substitution open.

na() { echo "n/a - [cg:$1] $2"; }
rc_run() {  # VARIANT ID: run -d, output kept in /tmp/rc-run.out
    use "$rc_config$1"
    (cd "$bundle" && ocrt $rc_driver run -d "$2" >/tmp/rc-run.out 2>&1)
}

# Every linux.resources field (make-configs.py "allres"), converted to the v2 files:
# each read on the host side and from inside (the container's cgroup namespace mount).
cg=$(rc_cg allres)
rc_run allres vm-allres && ok "[cg:place.absolute] $rc_label: create with every linux.resources field" ||
    not_ok "[cg:place.absolute] $rc_label: create with every linux.resources field" "$(cat /tmp/rc-run.out)"
check_eq "0::${cg#/sys/fs/cgroup}" "$(cat /proc/$(field vm-allres pid)/cgroup 2>&1)" "[cg:place.absolute] $rc_label: the init is in ${cg#/sys/fs/cgroup}"
files="memory.max memory.low memory.swap.max memory.high cpu.weight cpu.max cpu.max.burst cpuset.cpus cpuset.mems pids.max io.weight io.max hugetlb.2MB.max hugetlb.2MB.rsvd.max"
inside=$(ocrt exec vm-allres sh -c 'for f in '"$files"'; do echo "$f=$(cat /sys/fs/cgroup/$f 2>&1 | tr "\n" " ")"; done' 2>&1)
host_side="host"
both() {  # KEY FILE EXPECTED WHAT
    check_eq "$3" "$(cat $cg/$2 2>&1 | tr '\n' ' ' | sed 's/ *$//')" "[cg:$1] $rc_label $host_side: $2 is '$3' ($4)"
    [ -z "$inside" ] || check_eq "$3" "$(echo "$inside" | sed -n "s|^$2=||p" | sed 's/ *$//')" "[cg:$1] $rc_label inside: $2 is '$3' ($4)"
}
all_files() {
    both memory.limit memory.max 67108864 "memory.limit"
    both memory.reservation memory.low 16777216 "memory.reservation"
    both memory.swap memory.swap.max 33554432 "memory+swap 96M minus memory 64M"
    both unified memory.high 50331648 "linux.resources.unified, written as given"
    both cpu.shares cpu.weight 79 "shares 2048 converted as runc"
    both cpu.quota cpu.max "30000 60000" "quota"
    both cpu.period cpu.max "30000 60000" "period"
    both cpu.burst cpu.max.burst 5000 "burst"
    both cpu.cpus cpuset.cpus 1 "cpus"
    both cpu.mems cpuset.mems 0 "mems"
    both pids.limit pids.max 25 "pids.limit"
    both blockIO.weight io.weight "default 4950 $rc_dev 2930" "blkio weight 500 -> io.weight 4950"
    both blockIO.weightDevice io.weight "default 4950 $rc_dev 2930" "per-device weight 300 -> 2930"
    io="$rc_dev rbps=1048576 wbps=2097152 riops=200 wiops=300"
    both blockIO.throttleReadBpsDevice io.max "$io" "rbps"
    both blockIO.throttleWriteBpsDevice io.max "$io" "wbps"
    both blockIO.throttleReadIOPSDevice io.max "$io" "riops"
    both blockIO.throttleWriteIOPSDevice io.max "$io" "wiops"
    both hugepageLimits hugetlb.2MB.max 4194304 "hugepageLimits"
    both hugepageLimits.rsvd hugetlb.2MB.rsvd.max 4194304 "the reservation limit in step"
}
all_files
if [ -n "$rc_reload" ]; then
    # Only the host files again: what the driver left to systemd must still be there.
    $rc_reload
    inside= host_side="host after $rc_reload"
    all_files
fi
for key in memory.kernel memory.kernelTCP memory.useHierarchy blockIO.leafWeight blockIO.leafWeightDevice; do
    ok "[cg:$key] $rc_label: create with $key succeeds (no v2 counterpart; ignored as runc does)"
done
na memory.kernel "cgroup v2 has no kernel memory limit (kmem is part of memory.max); create succeeds and ignores it"
na memory.kernelTCP "cgroup v2 has no separate TCP buffer limit; create succeeds and ignores it"
na memory.useHierarchy "cgroup v2 is always hierarchical; create succeeds and ignores it"
na blockIO.leafWeight "the v2 io controller has no leaf weight; create succeeds and ignores it"
na blockIO.leafWeightDevice "the v2 io controller has no per-device leaf weight; create succeeds and ignores it"
ocrt delete --force vm-allres && ok "[cg:cmd.delete] $rc_label: delete the every-resource container" ||
    not_ok "[cg:cmd.delete] $rc_label: delete the every-resource container"
[ -d $cg ] && not_ok "[cg:cmd.delete] $rc_label: its cgroup is gone" || ok "[cg:cmd.delete] $rc_label: its cgroup is gone"
rc_left allres && not_ok "[cg:cmd.delete] $rc_label: nothing of the driver is left" || ok "[cg:cmd.delete] $rc_label: nothing of the driver is left"

rc_run idle vm-idle && ok "[cg:cpu.idle] $rc_label: create with cpu.idle 1" || not_ok "[cg:cpu.idle] $rc_label: create with cpu.idle 1" "$(cat /tmp/rc-run.out)"
check_eq 1 "$(cat $(rc_cg idle)/cpu.idle 2>&1)" "[cg:cpu.idle] $rc_label host: cpu.idle is 1"
check_eq 1 "$(ocrt exec vm-idle cat /sys/fs/cgroup/cpu.idle 2>&1)" "[cg:cpu.idle] $rc_label inside: cpu.idle is 1"
ocrt delete --force vm-idle

# v1-only settings: refused naming the field, nothing left behind.
refused() {  # KEY VARIANT FIELD
    use $rc_config$2
    # Not in $(...): a create that wrongly succeeds leaves an init holding its stdout.
    (cd "$bundle" && ocrt $rc_driver create vm-refused >/tmp/rc-refused.out 2>&1); rc=$?; out=$(cat /tmp/rc-refused.out)
    [ $rc = 0 ] && not_ok "[cg:$1] $rc_label: $3 is refused" "create succeeded" ||
        case "$out" in *"$3"*) ok "[cg:$1] $rc_label: $3 is refused, naming the field" ;; *) not_ok "[cg:$1] $rc_label: $3 is refused, naming the field" "$out" ;; esac
    if [ -e "$root/vm-refused" ] || [ -d $(rc_cg refused) ] || rc_left refused; then not_ok "[cg:$1] $rc_label: the refused create left nothing"
    else ok "[cg:$1] $rc_label: the refused create left nothing"; fi
    ocrt delete --force vm-refused >/dev/null 2>&1
}
na memory.swappiness "cgroup v2 has no per-cgroup swappiness"
refused memory.swappiness swappiness /linux/resources/memory/swappiness
na memory.disableOOMKiller "cgroup v2 cannot disable the OOM killer"
refused memory.disableOOMKiller nooomkiller /linux/resources/memory/disableOOMKiller
na cpu.realtimeRuntime "cgroup v2 has no realtime CPU limits (cpu.rt_* are v1 only)"
na cpu.realtimePeriod "cgroup v2 has no realtime CPU limits (cpu.rt_* are v1 only)"
refused cpu.realtimeRuntime realtime /linux/resources/cpu/realtimeRuntime
refused cpu.realtimePeriod rtperiod /linux/resources/cpu/realtimePeriod
na network.classID "cgroup v2 has no net_cls controller"
na network.priorities "cgroup v2 has no net_prio controller"
refused network.classID netclass /linux/resources/network
refused network.priorities netprio /linux/resources/network

# checkBeforeUpdate: v2 would OOM-kill to meet a limit below the usage; ocrt refuses it.
cg=$(rc_cg cbu)
rm -f "$bundle/rootfs/ready"
rc_run cbu vm-cbu && ok "[cg:memory.checkBeforeUpdate] $rc_label: run -d a container holding 24 MB" ||
    not_ok "[cg:memory.checkBeforeUpdate] $rc_label: run -d a container holding 24 MB" "$(cat /tmp/rc-run.out)"
for i in $(seq 100); do [ -e "$bundle/rootfs/ready" ] && break; sleep 0.2; done
[ "$(cat $cg/memory.current 2>/dev/null || echo 0)" -gt 25165824 ] && ok "[cg:memory.checkBeforeUpdate] $rc_label: memory.current is above 24 MB" ||
    not_ok "[cg:memory.checkBeforeUpdate] $rc_label: memory.current is above 24 MB" "$(cat $cg/memory.current 2>&1)"
out=$(echo '{"memory": {"limit": 8388608, "checkBeforeUpdate": true}}' | ocrt update --resources - vm-cbu 2>&1) &&
    not_ok "[cg:memory.checkBeforeUpdate] $rc_label: update below the usage is refused" "update succeeded" ||
    has "$out" "below the current usage" "[cg:memory.checkBeforeUpdate] $rc_label: update below the usage is refused"
check_eq 67108864 "$(cat $cg/memory.max 2>&1)" "[cg:memory.checkBeforeUpdate] $rc_label: memory.max keeps the old limit"
check_eq running "$(field vm-cbu status)" "[cg:memory.checkBeforeUpdate] $rc_label: nothing was OOM-killed"
echo '{"memory": {"limit": 50331648, "swap": 50331648, "checkBeforeUpdate": true}}' | ocrt update --resources - vm-cbu &&
    ok "[cg:memory.checkBeforeUpdate] $rc_label: update above the usage is applied" || not_ok "[cg:memory.checkBeforeUpdate] $rc_label: update above the usage is applied"
check_eq 50331648 "$(cat $cg/memory.max 2>&1)" "[cg:memory.checkBeforeUpdate] $rc_label: memory.max is the new limit"
# The applied update's checkBeforeUpdate stays in force for later updates that do not say.
out=$(ocrt update --memory 8M vm-cbu 2>&1) && not_ok "[cg:memory.checkBeforeUpdate] $rc_label: a later update --memory below the usage is refused too" "update succeeded" ||
    has "$out" "below the current usage" "[cg:memory.checkBeforeUpdate] $rc_label: a later update --memory below the usage is refused too"
check_eq 50331648 "$(cat $cg/memory.max 2>&1)" "[cg:memory.checkBeforeUpdate] $rc_label: memory.max still holds the last applied limit"
check_eq running "$(field vm-cbu status)" "[cg:memory.checkBeforeUpdate] $rc_label: still nothing OOM-killed"
ocrt delete --force vm-cbu
rm -f "$bundle/rootfs/ready"

# pids.max is enforced: forks beyond it fail.
use ${rc_config}pidlimit
out=$(cd "$bundle" && ocrt $rc_driver run vm-pidlimit 2>&1)
has "$out" "can't fork" "[cg:enforce.pids] $rc_label: fork fails once pids.max is reached"

# OOM kills: `events` streams {"type":"oom","id":...} (inotify on memory.events),
# events --stats counts them in memory.oom_kill.
rc_run oom vm-oom && ok "[cg:memory.limit] $rc_label: run -d with a 32 MB memory limit" ||
    not_ok "[cg:memory.limit] $rc_label: run -d with a 32 MB memory limit" "$(cat /tmp/rc-run.out)"
ocrt events --interval 1s vm-oom >/tmp/vm-events.out 2>&1 &
events_pid=$!
for i in $(seq 50); do grep -q '"type":"stats"' /tmp/vm-events.out && break; sleep 0.2; done
ocrt exec vm-oom sh -c 'a=$(head -c 83886080 /dev/zero | tr "\\0" x); echo survived ${#a}' >/tmp/vm-oom.out 2>&1; rc=$?
check_eq 137 "$rc" "[cg:enforce.memory] $rc_label: the exec'd allocation is OOM-killed"
for i in $(seq 50); do grep -q '"type":"oom"' /tmp/vm-events.out && break; sleep 0.2; done
check_eq '{"type":"oom","id":"vm-oom"}' "$(grep '"type":"oom"' /tmp/vm-events.out | head -n 1)" "[cg:cmd.events.oom] $rc_label: events prints runc's oom line"
kill $events_pid 2>/dev/null
case "$(ocrt events --stats vm-oom 2>&1)" in *'"oom_kill":'[1-9]*) ok "[cg:cmd.events.stats] $rc_label: events --stats memory.oom_kill counts the kill" ;;
    *) not_ok "[cg:cmd.events.stats] $rc_label: events --stats memory.oom_kill counts the kill" "$(ocrt events --stats vm-oom 2>&1)" ;; esac
check_eq running "$(field vm-oom status)" "[cg:enforce.memory] $rc_label: the container itself survives its exec'd process's OOM kill"
ocrt delete --force vm-oom && ok "[cg:cmd.delete] $rc_label: delete --force after an OOM kill" || not_ok "[cg:cmd.delete] $rc_label: delete --force after an OOM kill"
[ -d $(rc_cg oom) ] && not_ok "[cg:cmd.delete] $rc_label: delete removes the OOM container's cgroup" || ok "[cg:cmd.delete] $rc_label: delete removes the OOM container's cgroup"

# The "cgroup" mount at /sys/fs/cgroup shows the container's own cgroup (its limits, no
# other cgroup), read-only: a fresh cgroup2 in a cgroup namespace, else a bind of its directory.
mkdir -p /sys/fs/cgroup/ocrt-vm-sibling
for mode in ns nons; do
    use ${rc_config}cgview-$mode
    out=$(cd "$bundle" && ocrt $rc_driver run vm-cgview-$mode 2>&1); rc=$?
    check_eq 0 "$rc" "[cg:place.mount] $rc_label cgroup mount ($mode): run"
    check_eq 41943040 "$(echo "$out" | sed -n 's/^max=//p')" "[cg:place.mount] $rc_label cgroup mount ($mode): /sys/fs/cgroup/memory.max is the container's limit"
    check_eq 33 "$(echo "$out" | sed -n 's/^pids=//p')" "[cg:place.mount] $rc_label cgroup mount ($mode): /sys/fs/cgroup/pids.max is the container's limit"
    check_eq 0 "$(echo "$out" | sed -n 's/^dirs=//p')" "[cg:place.mount] $rc_label cgroup mount ($mode): no other cgroup is visible"
    path=$(rc_cg cgview-$mode); path=${path#/sys/fs/cgroup}
    if [ $mode = ns ]; then
        check_eq "/ cgroup2 ro" "$(echo "$out" | sed -n 's/^root=//p')" "[cg:place.mount] $rc_label cgroup mount (ns): mountinfo root, type and ro"
        check_eq "0::/" "$(echo "$out" | sed -n 's/^self=//p')" "[cg:place.cgroupns] $rc_label: in its cgroup namespace the container's cgroup is /"
    else
        check_eq "$path cgroup2 ro" "$(echo "$out" | sed -n 's/^root=//p')" "[cg:place.mount] $rc_label cgroup mount (nons): mountinfo root, type and ro"
        check_eq "0::$path" "$(echo "$out" | sed -n 's/^self=//p')" "[cg:place.cgroupns] $rc_label: without a cgroup namespace the container sees its full path"
    fi
done
rmdir /sys/fs/cgroup/ocrt-vm-sibling
