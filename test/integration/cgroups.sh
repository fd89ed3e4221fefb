#!/bin/bash
# Cgroups on this cgroup v1 hybrid host (config-linux.md "Control groups"): every
# linux.resources value is read back from inside the container (through a read-only
# bind of the host's /sys/fs/cgroup and the container's /proc/self/cgroup) and from
# the host files; limits are enforced (OOM kill, fork failure, device open denied);
# pause/resume, ps, update, events --stats, kill --all; delete and failed creates
# leave no cgroup directory behind. All cgroups live under /<ctl>/$PREFIX.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/cgroups-lib.sh"
itest_init

CG=/sys/fs/cgroup
PREFIX=ocrt-test-cgroups-$$
[ -d $CG/memory ] && [ -d $CG/freezer ] && [ -d $CG/pids ] && [ -d $CG/devices ] ||
    itest_skip "needs the cgroup v1 memory, freezer, pids and devices hierarchies"

# Our prefix in every hierarchy: thaw, kill what is inside, remove deepest first.
cgroups_cleanup() {
    local dir pid
    for dir in $CG/*/$PREFIX $(find $CG -maxdepth 5 -type d -name "$PREFIX-rel" 2>/dev/null); do
        [ -d "$dir" ] || continue
        find "$dir" -name freezer.state -exec sh -c 'echo THAWED > "$1"' _ {} \; 2>/dev/null
        for pid in $(find "$dir" -name cgroup.procs -exec cat {} + 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
    done
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        for dir in $CG/*/$PREFIX $(find $CG -maxdepth 5 -type d -name "$PREFIX-rel" 2>/dev/null); do
            [ -d "$dir" ] && find "$dir" -depth -type d -exec rmdir {} \; 2>/dev/null
        done
        compgen -G "$CG/*/$PREFIX" >/dev/null || [ -n "$(find $CG -maxdepth 5 -type d -name "$PREFIX-rel")" ] || break
        sleep 0.2
    done
}
trap 'cg_status=$?; cgroups_cleanup; (exit $cg_status); itest_cleanup' EXIT

# Directories named NAME under our prefix in any hierarchy.
leftover_dirs() {
    find $CG/*/$PREFIX -type d -name "$1" 2>/dev/null
}

# A block device of our own for the per-device blkio settings: a loop device on a file
# in our temp dir with the BFQ scheduler (blkio.bfq.weight_device needs BFQ on the
# device; the host's disk keeps its scheduler). Without one, the throttles use the
# first non-loop disk and the per-device weight is n/a.
LOOP=""
if [ -e /sys/module/loop ] || modprobe loop 2>/dev/null; then
    truncate -s 16M "$ITEST_TMP/blk.img" && LOOP=$(losetup -f --show "$ITEST_TMP/blk.img" 2>/dev/null) || LOOP=""
    [ -n "$LOOP" ] && ! echo bfq >"/sys/block/${LOOP#/dev/}/queue/scheduler" 2>/dev/null && { losetup -d "$LOOP"; LOOP=""; }
fi
if [ -n "$LOOP" ]; then
    BLOCK_DEV=$(cat "/sys/block/${LOOP#/dev/}/dev")
    trap 'cg_status=$?; cgroups_cleanup; losetup -d "$LOOP" 2>/dev/null; (exit $cg_status); itest_cleanup' EXIT
else
    BLOCK_DEV=$(for d in /sys/block/*; do case $(cat "$d/dev") in 7:*) ;; *) cat "$d/dev"; break ;; esac; done)
fi
MAJ=${BLOCK_DEV%:*} MIN=${BLOCK_DEV#*:}

# n/a KEY REASON: the host mode has no such setting (not counted as pass or fail).
na() { echo "n/a - [cg:$1] $2"; }

# ---------------------------------------------------------------- every resource, read back
# Realtime CPU time must be granted to the parent first (the kernel checks a child
# against it): our prefix gets a share of the root's, the container half of that.
RT=no RT_WHY="this kernel has no cpu.rt_runtime_us (no CONFIG_RT_GROUP_SCHED)"
if [ -f $CG/cpu/cpu.rt_runtime_us ]; then
    RT_WHY="the root cpu cgroup has no realtime time left to grant to $CG/cpu/$PREFIX"
    mkdir -p $CG/cpu/$PREFIX && echo 10000 >$CG/cpu/$PREFIX/cpu.rt_runtime_us 2>/dev/null && RT=yes
fi
id=$(new_id res)
items=(memory/memory.limit_in_bytes memory/memory.soft_limit_in_bytes memory/memory.memsw.limit_in_bytes
    memory/memory.swappiness memory/memory.oom_control memory/memory.kmem.limit_in_bytes
    memory/memory.kmem.tcp.limit_in_bytes memory/memory.use_hierarchy
    cpu/cpu.shares cpu/cpu.cfs_period_us cpu/cpu.cfs_quota_us cpu/cpu.cfs_burst_us cpu/cpu.rt_period_us
    cpu/cpu.rt_runtime_us cpuset/cpuset.cpus cpuset/cpuset.mems pids/pids.max blkio/blkio.bfq.weight
    blkio/blkio.bfq.weight_device blkio/blkio.throttle.read_bps_device blkio/blkio.throttle.write_bps_device
    blkio/blkio.throttle.read_iops_device blkio/blkio.throttle.write_iops_device
    unified/hugetlb.2MB.max unified/hugetlb.2MB.rsvd.max devices/devices.list)
bundle=$(cg_bundle res sh /cg.sh "${items[@]}") || exit 1
rt=""
[ $RT == yes ] && rt="'realtimePeriod': 500000, 'realtimeRuntime': 4000,"
weight_device=""
[ -n "$LOOP" ] && weight_device="'weightDevice': [{'major': $MAJ, 'minor': $MIN, 'weight': 300}],"
edit_config "$bundle" "c['linux']['cgroupsPath'] = '/$PREFIX/$id'
c['linux']['resources'] = {
  'memory': {'limit': 67108864, 'reservation': 33554432, 'swap': 134217728, 'swappiness': 10,
             'disableOOMKiller': True, 'kernel': 50331648, 'kernelTCP': 16777216, 'useHierarchy': True},
  'cpu': {'shares': 512, 'period': 100000, 'quota': 50000, 'burst': 10000, $rt
          'cpus': '0', 'mems': '0'},
  'pids': {'limit': 42},
  'blockIO': {'weight': 200, $weight_device
              'throttleReadBpsDevice': [{'major': $MAJ, 'minor': $MIN, 'rate': 1048576}],
              'throttleWriteBpsDevice': [{'major': $MAJ, 'minor': $MIN, 'rate': 2097152}],
              'throttleReadIOPSDevice': [{'major': $MAJ, 'minor': $MIN, 'rate': 200}],
              'throttleWriteIOPSDevice': [{'major': $MAJ, 'minor': $MIN, 'rate': 300}]},
  'hugepageLimits': [{'pageSize': '2MB', 'limit': 4194304}],
  'devices': [{'allow': False, 'access': 'rwm'}, {'allow': True, 'type': 'c', 'major': 10, 'minor': 200, 'access': 'rw'}],
}"
assert_ok "[cg:place.absolute] create and run a container with every v1 resource (absolute cgroupsPath)" ocrt run --keep --bundle "$bundle" "$id"
out=$OUT
# item -> "KEY expected value" (the value as the kernel shows it, in the host file and inside)
declare -A want=(
    [memory/memory.limit_in_bytes]="memory.limit 67108864"
    [memory/memory.soft_limit_in_bytes]="memory.reservation 33554432"
    [memory/memory.memsw.limit_in_bytes]="memory.swap 134217728"
    [memory/memory.swappiness]="memory.swappiness 10"
    [memory/memory.kmem.tcp.limit_in_bytes]="memory.kernelTCP 16777216"
    [memory/memory.use_hierarchy]="memory.useHierarchy 1"
    [cpu/cpu.shares]="cpu.shares 512" [cpu/cpu.cfs_period_us]="cpu.period 100000"
    [cpu/cpu.cfs_quota_us]="cpu.quota 50000" [cpu/cpu.cfs_burst_us]="cpu.burst 10000"
    [cpuset/cpuset.cpus]="cpu.cpus 0" [cpuset/cpuset.mems]="cpu.mems 0"
    [pids/pids.max]="pids.limit 42" [blkio/blkio.bfq.weight]="blockIO.weight 200"
    [blkio/blkio.throttle.read_bps_device]="blockIO.throttleReadBpsDevice $BLOCK_DEV 1048576"
    [blkio/blkio.throttle.write_bps_device]="blockIO.throttleWriteBpsDevice $BLOCK_DEV 2097152"
    [blkio/blkio.throttle.read_iops_device]="blockIO.throttleReadIOPSDevice $BLOCK_DEV 200"
    [blkio/blkio.throttle.write_iops_device]="blockIO.throttleWriteIOPSDevice $BLOCK_DEV 300"
    [unified/hugetlb.2MB.max]="hugepageLimits 4194304"
    [unified/hugetlb.2MB.rsvd.max]="hugepageLimits.rsvd 4194304"
    [memory/memory.oom_control]="memory.disableOOMKiller oom_kill_disable 1 under_oom 0 oom_kill 0"
    [devices/devices.list]="devices c 10:200 rw c *:* m b *:* m c 1:3 rwm c 1:5 rwm c 1:7 rwm c 1:8 rwm c 1:9 rwm c 5:0 rwm c 5:1 rwm c 5:2 rwm c 136:* rwm"
)
[ $RT == yes ] && want+=([cpu/cpu.rt_period_us]="cpu.realtimePeriod 500000" [cpu/cpu.rt_runtime_us]="cpu.realtimeRuntime 4000")
[ -n "$LOOP" ] && want+=([blkio/blkio.bfq.weight_device]="blockIO.weightDevice default 200 $BLOCK_DEV 300")
# The host's file of ITEM for container ID ("unified" items: the cgroup2 directory).
host_file() {
    local ctl=${2%%/*}
    [ "$ctl" == unified ] && ctl=hugetlb
    cat "$(cg_dir "$1" "$ctl")/${2#*/}" 2>&1 | tr '\n' ' ' | sed 's/ *$//'
}
for item in "${!want[@]}"; do
    key=${want[$item]%% *} value=${want[$item]#* }
    assert_eq "$value" "$(inside "$out" "$item")" "[cg:$key] inside the container: $item is '$value'"
    assert_eq "$value" "$(host_file "$id" "$item")" "[cg:$key] host: $item is '$value'"
done
[ $RT == yes ] || {
    na cpu.realtimeRuntime "$RT_WHY"
    na cpu.realtimePeriod "$RT_WHY"
}
[ -n "$LOOP" ] || na blockIO.weightDevice "no loop device with the BFQ scheduler could be set up here"
# memory.kmem.limit_in_bytes: Linux 6.1 and later keep the file but ignore what is written
# (it reads back unlimited); runc writes it the same way, so create must still succeed.
kmem=$(host_file "$id" memory/memory.kmem.limit_in_bytes)
if [ "$kmem" == 50331648 ]; then
    pass "[cg:memory.kernel] host: memory.kmem.limit_in_bytes is 50331648"
    assert_eq 50331648 "$(inside "$out" memory/memory.kmem.limit_in_bytes)" "[cg:memory.kernel] inside: memory.kmem.limit_in_bytes is 50331648"
else
    na memory.kernel "kernel $(uname -r) accepts memory.kmem.limit_in_bytes but ignores it (reads back $kmem)"
    assert_eq "$kmem" "$(inside "$out" memory/memory.kmem.limit_in_bytes)" \
        "[cg:memory.kernel] a memory.kernel limit does not fail create (written as runc does; the kernel ignores it)"
fi
assert_ok "[cg:cmd.delete] delete the stopped container" ocrt delete "$id"
assert_eq "" "$(leftover_dirs "$id")" "[cg:cmd.delete] delete leaves no cgroup directory of it in any hierarchy"

# Realtime below a parent ocrt makes itself: that parent starts with no realtime budget,
# so ocrt grants it the container's first (else the kernel says EINVAL).
if [ $RT == yes ]; then
    id=$(new_id rtnest)
    bundle=$(cg_bundle rtnest sh /cg.sh cpu/cpu.rt_runtime_us) || exit 1
    edit_config "$bundle" "c['linux']['cgroupsPath'] = '/$PREFIX/rt-nest-$id/$id'
c['linux']['resources'] = {'cpu': {'realtimeRuntime': 4000}}"
    assert_ok "[cg:cpu.realtimeRuntime] create and run below a parent cgroup ocrt makes itself" ocrt run --keep --bundle "$bundle" "$id"
    assert_eq 4000 "$(inside "$OUT" cpu/cpu.rt_runtime_us)" "[cg:cpu.realtimeRuntime] inside: cpu.rt_runtime_us is 4000 below a new parent"
    assert_eq 4000 "$(cat $CG/cpu/$PREFIX/rt-nest-$id/cpu.rt_runtime_us 2>&1)" "[cg:cpu.realtimeRuntime] host: the parent ocrt made got the container's realtime budget"
    assert_ok "[cg:cmd.delete] delete the realtime container" ocrt delete "$id"
    assert_true "[cg:cmd.delete] delete removes the parent ocrt made for it" test ! -e $CG/cpu/$PREFIX/rt-nest-$id
fi

# cpu.idle=1 (SCHED_IDLE for the group; then the kernel refuses shares, so on its own).
id=$(new_id idle)
bundle=$(cg_bundle idle sh /cg.sh cpu/cpu.idle) || exit 1
edit_config "$bundle" "c['linux']['cgroupsPath'] = '/$PREFIX/$id'
c['linux']['resources'] = {'cpu': {'idle': 1}}"
if [ -f $CG/cpu/cpu.idle ]; then
    assert_ok "[cg:cpu.idle] run a container with cpu.idle 1" ocrt run --keep --bundle "$bundle" "$id"
    assert_eq 1 "$(inside "$OUT" cpu/cpu.idle)" "[cg:cpu.idle] inside the container: cpu/cpu.idle is 1"
    assert_eq 1 "$(host_file "$id" cpu/cpu.idle)" "[cg:cpu.idle] host: cpu/cpu.idle is 1"
    assert_ok "delete the idle container" ocrt delete "$id"
else
    na cpu.idle "this kernel has no cpu.idle (before 5.15)"
fi

# Settings this host cannot apply: create fails naming the field (runc fails on the missing
# file too) and leaves nothing behind.
refused() {  # KEY NAME RESOURCES-PYTHON MESSAGE WHAT
    local key=$1 name=$2 resources=$3 message=$4 what=$5
    id=$(new_id "$name")
    bundle=$(cg_bundle "$name" true) || exit 1
    edit_config "$bundle" "c['linux']['cgroupsPath'] = '/$PREFIX/$id'
c['linux']['resources'] = $resources"
    assert_fail "[cg:$key] $what" "$message" ocrt create --bundle "$bundle" "$id"
    assert_eq "" "$(leftover_dirs "$id")$(ls "$STATE" 2>/dev/null | grep -x "$id")" "[cg:$key] the refused create left no cgroup and no state dir"
}
refused unified unified "{'unified': {'memory.high': '33554432'}}" "/linux/resources/unified" \
    "linux.resources.unified is refused on a cgroup v1 host"
if [ ! -f "$CG/blkio/blkio.leaf_weight" ]; then
    na blockIO.leafWeight "kernel $(uname -r) has no CFQ: blkio.leaf_weight does not exist"
    refused blockIO.leafWeight leaf "{'blockIO': {'leafWeight': 300}}" "/linux/resources/blockIO/leafWeight" \
        "blockIO.leafWeight without blkio.leaf_weight fails create, naming the field"
    na blockIO.leafWeightDevice "kernel $(uname -r) has no CFQ: blkio.leaf_weight_device does not exist"
    refused blockIO.leafWeightDevice leafdev "{'blockIO': {'weightDevice': [{'major': $MAJ, 'minor': $MIN, 'leafWeight': 300}]}}" \
        "/linux/resources/blockIO/weightDevice/0/leafWeight" "a per-device leafWeight without blkio.leaf_weight_device fails create"
fi
# Hierarchical accounting is always on since Linux 5.x: memory.use_hierarchy takes only 1.
if [ "$(cat $CG/memory/memory.use_hierarchy)" == 1 ] && ! (mkdir $CG/memory/$PREFIX-uh && echo 0 >$CG/memory/$PREFIX-uh/memory.use_hierarchy) 2>/dev/null; then
    rmdir $CG/memory/$PREFIX-uh 2>/dev/null
    refused memory.useHierarchy nohier "{'memory': {'useHierarchy': False}}" "memory.use_hierarchy" \
        "useHierarchy false fails create on a kernel that refuses memory.use_hierarchy=0"
fi
rmdir $CG/memory/$PREFIX-uh 2>/dev/null

# A cgroup namespace made after the init joined its cgroup shows that cgroup as the root.
id=$(new_id cgns)
bundle=$(cg_bundle cgns cat /proc/self/cgroup) || exit 1
edit_config "$bundle" "c['linux']['cgroupsPath'] = '/$PREFIX/$id'
c['linux']['namespaces'].append({'type': 'cgroup'})"
assert_ok "[cg:place.cgroupns] run a container with a cgroup namespace" ocrt run --bundle "$bundle" "$id"
assert_eq "/ /" "$(sed -n 's/^[0-9]*:memory://p; s/^[0-9]*:pids://p' <<<"$OUT" | tr '\n' ' ' | sed 's/ $//')" \
    "[cg:place.cgroupns] cgroup namespace: the container's memory and pids cgroups are its root"
assert_not_contains "$OUT" "$PREFIX" "[cg:place.cgroupns] cgroup namespace: the host path of the cgroup is not visible"
assert_eq "" "$(leftover_dirs "$id")" "[cg:cmd.delete] run (without --keep) removes the cgroups when the container exits"

# Relative and empty ("default") cgroupsPath: below ocrt's own cgroup in each hierarchy (runc's rule),
# the empty one named after the id.
for form in relative default; do
    id=$(new_id $form)
    bundle=$(cg_bundle $form sleep 100) || exit 1
    if [ $form == relative ]; then
        path="$PREFIX-rel/$id"
        edit_config "$bundle" "c['linux']['cgroupsPath'] = '$path'"
    else
        path=$id
    fi
    assert_ok "[cg:place.$form] create with a $form cgroupsPath" ocrt create --bundle "$bundle" "$id"
    for ctl in memory pids; do
        own=$(sed -n "s/^[0-9]*:$ctl://p" /proc/self/cgroup)
        want=$CG/$ctl${own%/}/$path
        assert_eq "$want" "$(cg_dir "$id" $ctl)" "[cg:place.$form] $form cgroupsPath: the $ctl cgroup is below ocrt's own ($own)"
        assert_eq "$(state_field "$id" pid)" "$(cat "$want/cgroup.procs" 2>&1)" "[cg:place.$form] $form cgroupsPath: the init is in $want right after create"
    done
    assert_ok "delete the $form-path container" ocrt delete --force "$id"
    assert_eq "" "$(find $CG -maxdepth 6 -type d -name "$id" 2>/dev/null)" "[cg:cmd.delete] $form cgroupsPath: delete leaves no directory"
done

# events streams a stats line per interval and ends when the container does.
id=$(new_id events)
bundle=$(cg_bundle events sleep 1) || exit 1
edit_config "$bundle" "c['linux']['cgroupsPath'] = '/$PREFIX/$id'"
assert_ok "create+start a short container" bash -c "'$OCRT' --root '$STATE' create --bundle '$bundle' '$id' && '$OCRT' --root '$STATE' start '$id'"
assert_ok "[cg:cmd.events.stats] events --interval 200ms streams until the container stops" ocrt events --interval 200ms "$id"
lines=$(grep -c '"type":"stats"' <<<"$OUT")
((lines >= 2)) && pass "[cg:cmd.events.stats] events printed $lines stats lines" || fail "[cg:cmd.events.stats] events printed several stats lines" "$OUT"
assert_fail "events on a stopped container" "is not running" ocrt events --stats "$id"
assert_fail "events refuses a zero interval" "interval" ocrt events --interval 0s "$id"
assert_ok "delete the events container" ocrt delete "$id"

# ---------------------------------------------------------------- limits are enforced
# Memory: a shell that builds an 80 MB string in a 32 MB cgroup (no swap to escape to) is OOM-killed.
id=$(new_id oom)
bundle=$(cg_bundle oom sh -c 'a=$(head -c 83886080 /dev/zero | tr "\\0" x); echo survived ${#a}') || exit 1
edit_config "$bundle" "c['linux']['cgroupsPath'] = '/$PREFIX/$id'
c['linux']['resources'] = {'memory': {'limit': 33554432, 'swap': 33554432}}"
run_cmd ocrt run --keep --bundle "$bundle" "$id"
assert_eq 137 "$RC" "[cg:enforce.memory] a process allocating beyond memory.limit is SIGKILLed (exit 128+9)"
assert_not_contains "$OUT" survived "[cg:enforce.memory] the allocation never completed"
assert_match "$(cat "$(cg_dir "$id" memory)/memory.oom_control" 2>&1)" "oom_kill [1-9]" "[cg:enforce.memory] host: memory.oom_control counts the OOM kill"
assert_ok "delete after the OOM kill" ocrt delete "$id"

# Pids: 20 background sleeps under pids.max=8 cannot all be forked.
id=$(new_id pids)
bundle=$(cg_bundle pidlimit sh -c 'n=0; for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do sleep 3 & n=$((n+1)); done; echo forked; wait') || exit 1
edit_config "$bundle" "c['linux']['cgroupsPath'] = '/$PREFIX/$id'
c['linux']['resources'] = {'pids': {'limit': 8}}"
run_cmd ocrt run --keep --bundle "$bundle" "$id"
assert_match "$ERR$OUT" "can't fork|Resource temporarily unavailable|Try again" "[cg:enforce.pids] fork fails once pids.max is reached"
assert_match "$(cat "$(cg_dir "$id" pids)/pids.events" 2>&1)" "max [1-9]" "[cg:enforce.pids] host: pids.events counts the refused forks"
assert_ok "delete after the pids test" ocrt delete "$id"

# Devices: mknod is allowed (runc's default "c *:* m"), opening a device that no rule allows
# is not (/dev/fuse, c 10:229, opens fine on the host); with an allow rule for it, it opens.
for allow in no yes; do
    id=$(new_id dev$allow)
    bundle=$(cg_bundle dev$allow sh -c 'mknod /dev/xdev c 10 229 && echo mknod-ok; exec 3</dev/xdev && echo open-ok') || exit 1
    # No rules at all still denies every device but the defaults (the \"a\" deny comes first).
    rules="[]"
    [ $allow == yes ] && rules="[{'allow': False, 'access': 'rwm'}, {'allow': True, 'type': 'c', 'major': 10, 'minor': 229, 'access': 'rw'}]"
    edit_config "$bundle" "c['linux']['cgroupsPath'] = '/$PREFIX/$id'
for k in ('bounding', 'effective', 'permitted'): c['process']['capabilities'][k].append('CAP_MKNOD')
c['linux']['resources'] = {'devices': $rules}"
    run_cmd ocrt run --bundle "$bundle" "$id"
    assert_contains "$OUT" mknod-ok "[cg:enforce.devices] devices ($allow allow rule): mknod of c 10:229 is allowed"
    if [ $allow == no ]; then
        assert_not_contains "$OUT" open-ok "[cg:enforce.devices] devices: opening c 10:229 is denied without a rule"
        assert_contains "$ERR" "Operation not permitted" "[cg:enforce.devices] devices: the open fails with EPERM"
    else
        assert_contains "$OUT" open-ok "[cg:enforce.devices] devices: an allow rule for c 10:229 lets the container open it"
    fi
done

# ---------------------------------------------------------------- a live container: update, pause, ps, events
shared=$ITEST_TMP/shared
mkdir -p "$shared"
id=$(new_id live)
bundle=$(cg_bundle live sh -c 'n=0; while true; do n=$((n+1)); echo $n > /shared/count; sh /cg.sh pids/pids.max memory/memory.limit_in_bytes cpu/cpu.shares > /shared/limits.tmp; mv /shared/limits.tmp /shared/limits; sleep 0.05; done') || exit 1
edit_config "$bundle" "c['linux']['cgroupsPath'] = '/$PREFIX/$id'
c['mounts'].append({'destination': '/shared', 'type': 'bind', 'source': '$shared', 'options': ['rbind', 'rw']})
c['linux']['resources'] = {'pids': {'limit': 100}, 'memory': {'limit': 67108864}}"
assert_ok "create the live container" ocrt create --bundle "$bundle" "$id"
assert_ok "start it" ocrt start "$id"
wait_file "$shared/limits" 5 || fail "the live container reports its limits" "no $shared/limits"
init_pid=$(state_field "$id" pid)

# update through flags and through --resources - (stdin)
assert_ok "[cg:cmd.update] update --pids-limit --memory --cpu-share" ocrt update --pids-limit 55 --memory 96M --cpu-share 300 "$id"
ok=no
for _ in $(seq 1 40); do
    grep -q "pids/pids.max=55" "$shared/limits" 2>/dev/null && grep -q "memory/memory.limit_in_bytes=100663296" "$shared/limits" &&
        grep -q "cpu/cpu.shares=300" "$shared/limits" && { ok=yes; break; }
    sleep 0.1
done
assert_eq yes "$ok" "[cg:cmd.update] inside: the running container sees pids.max=55, memory 96M and cpu.shares=300 after update ($(tr '\n' ' ' <"$shared/limits" 2>/dev/null))"
printf '%s\n' '{"pids": {"limit": 77}, "cpu": {"shares": 700}}' >"$ITEST_TMP/res.json"
run_cmd bash -c "'$OCRT' --root '$STATE' update --resources - '$id' < '$ITEST_TMP/res.json'"
assert_eq 0 "$RC" "[cg:cmd.update] update --resources - reads linux.resources from stdin ($ERR)"
assert_eq 77 "$(cat "$(cg_dir "$id" pids)/pids.max")" "[cg:cmd.update] host: pids.max after update --resources"
assert_eq 700 "$(cat "$(cg_dir "$id" cpu)/cpu.shares")" "[cg:cmd.update] host: cpu.shares after update --resources"
assert_eq 100663296 "$(cat "$(cg_dir "$id" memory)/memory.limit_in_bytes")" "[cg:cmd.update] host: memory limit unchanged by a later update without it"
assert_eq "77 700 100663296" "$(python3 -c '
import json, sys; r = json.load(open(sys.argv[1]))["linux"]["resources"]
print(r["pids"]["limit"], r["cpu"]["shares"], r["memory"]["limit"])' "$STATE/$id/config.json" 2>&1)" \
    "[cg:cmd.update] update merges the new values into the container's config snapshot"
assert_fail "[cg:cmd.update] update refuses a bad value" "invalid value" ocrt update --pids-limit lots "$id"

# pause / resume
assert_ok "[cg:cmd.pause] pause" ocrt pause "$id"
assert_eq paused "$(state_field "$id" status)" "[cg:cmd.pause] state reports paused"
assert_eq FROZEN "$(cat "$(cg_dir "$id" freezer)/freezer.state")" "[cg:cmd.pause] host: freezer.state is FROZEN"
before=$(cat "$shared/count"); sleep 0.5; after=$(cat "$shared/count")
assert_eq "$before" "$after" "[cg:cmd.pause] the counting process stops while paused"
assert_fail "[cg:cmd.pause] pause twice is refused" "container not running" ocrt pause "$id"
# Frozen, the cgroup's membership holds still: ps must list exactly it.
procs=$(sort -n "$(cg_dir "$id" pids)/cgroup.procs" | tr '\n' ',' | sed 's/,$//')
run_cmd ocrt ps --format json "$id"
assert_eq "[$procs]" "$OUT" "[cg:cmd.ps] ps --format json lists exactly the pids of the container's cgroup"
# exec into a paused container (issue 5): refused with runc's wording unless
# --ignore-paused; then the process joins the frozen cgroup and runs after resume.
assert_fail "exec into a paused container fails" "cannot exec in a paused container" ocrt exec "$id" true
"$OCRT" --root "$STATE" exec --ignore-paused "$id" sh -c 'echo ran >/shared/ignored-paused' \
    >"$ITEST_TMP/ignored.out" 2>&1 </dev/null &
ignored_exec=$!
remember_pid "$ignored_exec"
sleep 0.5
[ -e "$shared/ignored-paused" ] && fail "the --ignore-paused exec waits in the frozen cgroup" || \
    pass "the --ignore-paused exec waits in the frozen cgroup"
assert_ok "[cg:cmd.pause] resume" ocrt resume "$id"
wait "$ignored_exec"
assert_eq 0 "$?" "exec --ignore-paused succeeds once resumed ($(cat "$ITEST_TMP/ignored.out"))"
assert_eq ran "$(cat "$shared/ignored-paused" 2>/dev/null)" "the --ignore-paused exec ran its command"
assert_eq running "$(state_field "$id" status)" "[cg:cmd.pause] state reports running again"
sleep 0.5
assert_ne "$after" "$(cat "$shared/count")" "[cg:cmd.pause] the counting process continues after resume"
assert_fail "[cg:cmd.pause] resume of a running container is refused" "container not paused" ocrt resume "$id"

# ps
assert_ok "ps --format json" ocrt ps --format json "$id"
assert_match "$OUT" "^\[([0-9]+,)*$init_pid(,[0-9]+)*\]$" "[cg:cmd.ps] ps --format json is a JSON array holding the init pid"
assert_ok "ps (table, passing ps arguments)" ocrt ps "$id" -o pid,comm
assert_match "$(head -n 1 <<<"$OUT")" "PID +COMMAND" "[cg:cmd.ps] ps table keeps the header of the given ps format"
assert_match "$OUT" "$init_pid +sh" "[cg:cmd.ps] ps table shows the init"
assert_not_contains "$OUT" " $$ " "[cg:cmd.ps] ps table leaves out host processes"
assert_fail "[cg:cmd.ps] ps refuses an unknown format" "invalid format" ocrt ps --format yaml "$id"

# exec: the new process joins the container's cgroups (the init's, in every hierarchy)
assert_ok "exec a process in the live container" ocrt exec "$id" cat /proc/self/cgroup
assert_eq "$(cat /proc/$init_pid/cgroup)" "$OUT" "[cg:place.absolute] exec: the process is in the same cgroups as the init"

# events --stats
assert_ok "events --stats" ocrt events --stats "$id"
stats=$(python3 -c '
import json, sys
e = json.loads(sys.argv[1]); d = e["data"]
print(e["type"], e["id"], d["pids"]["current"] >= 1, d["pids"]["limit"], d["memory"]["usage"]["usage"] > 0,
      d["memory"]["usage"]["limit"], d["cpu"]["usage"]["total"] > 0, "blkio" in d, "hugetlb" in d)' "$OUT" 2>&1)
assert_eq "stats $id True 77 True 100663296 True True True" "$stats" "[cg:cmd.events.stats] events --stats: runc's stats object with live numbers"

# kill --all reaches every process of the cgroup
assert_ok "[cg:cmd.kill.all] kill --all KILL" ocrt kill --all "$id" KILL
wait_status "$id" stopped 5 || fail "[cg:cmd.kill.all] the container stops after kill --all" "status $(state_field "$id" status)"
left=""
for _ in $(seq 1 20); do left=$(cat "$(cg_dir "$id" pids)/cgroup.procs" 2>/dev/null); [ -z "$left" ] && break; sleep 0.1; done
assert_eq "" "$left" "[cg:cmd.kill.all] no process is left in the cgroup after kill --all"
assert_ok "[cg:cmd.kill.all] kill --all on the stopped container exits 0" ocrt kill --all "$id" KILL
assert_ok "delete it" ocrt delete "$id"
assert_eq "" "$(leftover_dirs "$id")" "[cg:cmd.delete] delete leaves no cgroup directory behind"

# checkBeforeUpdate (config-linux.md "Memory"): a new limit below the current usage is
# refused, the old one stays. The init holds 24 MB of anonymous memory (no swap to go to).
id=$(new_id cbu)
bundle=$(cg_bundle cbu sh -c 'a=$(head -c 25165824 /dev/zero | tr "\\0" x); echo held; sleep 100; echo the shell keeps the memory') || exit 1
edit_config "$bundle" "c['linux']['cgroupsPath'] = '/$PREFIX/$id'
c['linux']['resources'] = {'memory': {'limit': 67108864, 'swap': 67108864}}"
assert_ok "[cg:memory.checkBeforeUpdate] run -d a container that holds 24 MB" ocrt run -d --bundle "$bundle" "$id"
usage=0
for _ in $(seq 50); do
    usage=$(cat "$(cg_dir "$id" memory)/memory.usage_in_bytes" 2>/dev/null || echo 0)
    ((usage > 25165824)) && break
    sleep 0.2
done
((usage > 25165824)) && pass "[cg:memory.checkBeforeUpdate] the container uses $usage bytes" ||
    fail "[cg:memory.checkBeforeUpdate] the container uses more than 24 MB" "usage $usage"
printf '%s\n' '{"memory": {"limit": 8388608, "swap": 67108864, "checkBeforeUpdate": true}}' >"$ITEST_TMP/cbu.json"
assert_fail "[cg:memory.checkBeforeUpdate] update to a limit below the usage is refused" "below the current usage" ocrt update --resources "$ITEST_TMP/cbu.json" "$id"
assert_eq 67108864 "$(cat "$(cg_dir "$id" memory)/memory.limit_in_bytes")" "[cg:memory.checkBeforeUpdate] host: the old limit stays"
assert_eq running "$(state_field "$id" status)" "[cg:memory.checkBeforeUpdate] the container keeps running"
printf '%s\n' '{"memory": {"limit": 50331648, "swap": 67108864, "checkBeforeUpdate": true}}' >"$ITEST_TMP/cbu.json"
assert_ok "[cg:memory.checkBeforeUpdate] update to a limit above the usage is applied" ocrt update --resources "$ITEST_TMP/cbu.json" "$id"
assert_eq 50331648 "$(cat "$(cg_dir "$id" memory)/memory.limit_in_bytes")" "[cg:memory.checkBeforeUpdate] host: the new limit"
# The flag is kept (in the config snapshot): a later update with --memory alone is checked too.
assert_fail "[cg:memory.checkBeforeUpdate] a later update --memory below the usage is refused too" "below the current usage" ocrt update --memory 8M "$id"
assert_eq 50331648 "$(cat "$(cg_dir "$id" memory)/memory.limit_in_bytes")" "[cg:memory.checkBeforeUpdate] host: the limit is still the last one applied"
assert_ok "delete the checkBeforeUpdate container" ocrt delete --force "$id"

# delete --force of a paused container: thawed, killed, removed
id=$(new_id paused)
bundle=$(cg_bundle paused sleep 100) || exit 1
edit_config "$bundle" "c['linux']['cgroupsPath'] = '/$PREFIX/$id'"
assert_ok "create+start a container to pause" bash -c "'$OCRT' --root '$STATE' create --bundle '$bundle' '$id' && '$OCRT' --root '$STATE' start '$id'"
init_pid=$(state_field "$id" pid)
assert_ok "pause it" ocrt pause "$id"
assert_ok "[cg:cmd.delete] delete --force of a paused container" ocrt delete --force "$id"
pid_alive "$init_pid" && fail "[cg:cmd.delete] its init is gone" "pid $init_pid alive" || pass "[cg:cmd.delete] its init is gone"
assert_eq "" "$(leftover_dirs "$id")" "[cg:cmd.delete] delete --force leaves no cgroup directory behind"

# ---------------------------------------------------------------- nothing left behind on failure
id=$(new_id escape)
bundle=$(cg_bundle escape true) || exit 1
edit_config "$bundle" "c['linux']['cgroupsPath'] = '$PREFIX/../../x'"
assert_fail "[cg:place.absolute] a cgroupsPath escaping with .. is refused" "/linux/cgroupsPath" ocrt create --bundle "$bundle" "$id"
assert_eq "" "$(ls "$STATE" 2>/dev/null | grep -x "$id")" "no state dir after a bad cgroupsPath"
assert_eq "" "$(ls -d $CG/*/x 2>/dev/null | grep -v '^$CG/unified$')" "[cg:place.absolute] no cgroup made for the bad cgroupsPath"

id=$(new_id badres)
bundle=$(cg_bundle badres true) || exit 1
edit_config "$bundle" "c['linux']['cgroupsPath'] = '/$PREFIX/$id'
c['linux']['resources'] = {'memory': {'limit': 67108864}, 'cpu': {'cpus': '4095'}}"
assert_fail "[cg:cpu.cpus] a resource the kernel refuses fails create" "cpuset.cpus" ocrt create --bundle "$bundle" "$id"
assert_eq "" "$(leftover_dirs "$id")" "[cg:cmd.delete] the failed create removed the cgroups it had made"
assert_eq "" "$(ls "$STATE" 2>/dev/null | grep -x "$id")" "and its state dir"

# config-linux.md: a cgroup already holding another container's processes is not fit for a new one.
first=$(new_id busy1)
second=$(new_id busy2)
bundle=$(cg_bundle busy sleep 100) || exit 1
edit_config "$bundle" "c['linux']['cgroupsPath'] = '/$PREFIX/busy-shared'"
assert_ok "create a container in /$PREFIX/busy-shared" ocrt create --bundle "$bundle" "$first"
assert_fail "[cg:place.absolute] a second container in the same, non-empty cgroup is refused" "already has processes" \
    ocrt create --bundle "$bundle" "$second"
assert_eq "" "$(ls "$STATE" 2>/dev/null | grep -x "$second")" "the refused create left no state dir"
assert_eq created "$(state_field "$first" status)" "the first container is untouched"
assert_ok "delete the first" ocrt delete --force "$first"
assert_eq "" "$(leftover_dirs busy-shared)" "[cg:cmd.delete] its cgroup is gone (the refused create never owned it)"

# ---------------------------------------------------------------- drivers
id=$(new_id disabled)
bundle=$(cg_bundle disabled sleep 100) || exit 1
edit_config "$bundle" "c['linux']['cgroupsPath'] = '/$PREFIX/$id'"
assert_ok "--cgroup-manager=disabled creates without cgroups" "$OCRT" --root "$STATE" --cgroup-manager=disabled create --bundle "$bundle" "$id"
assert_eq "" "$(leftover_dirs "$id")" "disabled: no cgroup directory"
assert_fail "disabled: pause explains there is no cgroup" "no cgroup" ocrt pause "$id"
assert_ok "disabled: delete" ocrt delete --force "$id"

# The systemd driver: this host has no systemd as PID 1 (the driver is checked in the
# systemd guest, test/vm/run-systemd.sh); here it must fail clearly and leave nothing.
id=$(new_id systemd)
[ -d /run/systemd/system ] || na place.systemdScope "this host does not run systemd (PID 1 is $(cat /proc/1/comm))"
assert_fail "--systemd-cgroup: a cgroupsPath not of the form slice:prefix:name is refused" "/linux/cgroupsPath" \
    "$OCRT" --root "$STATE" --systemd-cgroup create --bundle "$bundle" "$id"
edit_config "$bundle" "c['linux']['cgroupsPath'] = 'ocrt-test.slice:ocrt:$id'"
if "$OCRT" features | grep -q '"systemd": true'; then
    expected="connect to systemd"
else
    expected="built without systemd support"
fi
assert_fail "--systemd-cgroup: refused here, said clearly" "$expected" \
    "$OCRT" --root "$STATE" --systemd-cgroup create --bundle "$bundle" "$id"
assert_eq "" "$(ls "$STATE" 2>/dev/null | grep -x "$id")" "systemd: no state dir left"
assert_eq "" "$(find $CG -maxdepth 6 -name "*$id*" 2>/dev/null)" "systemd: no cgroup left"

na place.cloneIntoCgroup "CLONE_INTO_CGROUP needs the controllers on cgroup2; v1: the init joins its cgroups through cgroup.procs before it runs user code ([cg:place.relative] checks it right after create)"

itest_finish
