#!/bin/bash
# Cgroups on this cgroup v1 hybrid host (config-linux.md "Control groups"): every
# linux.resources value is read back from inside the container (through a read-only
# bind of the host's /sys/fs/cgroup and the container's /proc/self/cgroup) and from
# the host files; limits are enforced (OOM kill, fork failure, device open denied);
# pause/resume, ps, update, events --stats, kill --all; delete and failed creates
# leave no cgroup directory behind. All cgroups live under /<ctl>/$PREFIX.
source "$(dirname "$0")/lib.sh"
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

# The host directory of the container's cgroup for CONTROLLER (from state.json).
cg_dir() {
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["ocrt"]["cgroupDirs"].get(sys.argv[2], ""))' \
        "$STATE/$1/state.json" "$2"
}

# A bundle whose rootfs has /cg.sh: `sh /cg.sh ctl/file ...` prints ctl/file=value,
# resolving the container's own cgroup from /proc/self/cgroup ("unified" is cgroup2).
cg_bundle() {
    local bundle
    bundle=$(make_bundle "$@") || exit 1
    cat >"$bundle/rootfs/cg.sh" <<'EOF'
for item in "$@"; do
    ctl=${item%%/*}; file=${item#*/}
    if [ "$ctl" = unified ]; then path=$(sed -n 's/^0:://p' /proc/self/cgroup)
    else path=$(grep -E "^[0-9]+:([^:]*,)?$ctl(,[^:]*)?:" /proc/self/cgroup | cut -d: -f3); fi
    echo "$item=$(cat /sys/fs/cgroup/$ctl$path/$file 2>&1 | tr '\n' ' ' | sed 's/ *$//')"
done
EOF
    edit_config "$bundle" 'c["mounts"].append({"destination": "/sys/fs/cgroup", "type": "bind",
        "source": "/sys/fs/cgroup", "options": ["rbind", "ro"]})'
    echo "$bundle"
}

# inside OUTPUT ITEM: the value /cg.sh printed for ITEM.
inside() {
    printf '%s\n' "$1" | sed -n "s|^$2=||p" | head -n 1
}

BLOCK_DEV=$(for d in /sys/block/*; do case $(cat "$d/dev") in 7:*) ;; *) cat "$d/dev"; break ;; esac; done)

# ---------------------------------------------------------------- every resource, read back
id=$(new_id res)
bundle=$(cg_bundle res sh /cg.sh memory/memory.limit_in_bytes memory/memory.soft_limit_in_bytes \
    memory/memory.memsw.limit_in_bytes memory/memory.swappiness memory/memory.oom_control \
    cpu/cpu.shares cpu/cpu.cfs_period_us cpu/cpu.cfs_quota_us cpu/cpu.cfs_burst_us cpu/cpu.idle \
    cpuset/cpuset.cpus cpuset/cpuset.mems pids/pids.max blkio/blkio.bfq.weight \
    blkio/blkio.throttle.read_bps_device blkio/blkio.throttle.write_iops_device \
    unified/hugetlb.2MB.max devices/devices.list) || exit 1
edit_config "$bundle" "c['linux']['cgroupsPath'] = '/$PREFIX/$id'
c['linux']['resources'] = {
  'memory': {'limit': 67108864, 'reservation': 33554432, 'swap': 134217728, 'swappiness': 10,
             'disableOOMKiller': False, 'kernel': -1, 'kernelTCP': -1},
  'cpu': {'shares': 512, 'period': 100000, 'quota': 50000, 'burst': 10000, 'idle': 0,
          'cpus': '0', 'mems': '0'},
  'pids': {'limit': 42},
  'blockIO': {'weight': 200,
              'throttleReadBpsDevice': [{'major': ${BLOCK_DEV%:*}, 'minor': ${BLOCK_DEV#*:}, 'rate': 1048576}],
              'throttleWriteIOPSDevice': [{'major': ${BLOCK_DEV%:*}, 'minor': ${BLOCK_DEV#*:}, 'rate': 300}]},
  'hugepageLimits': [{'pageSize': '2MB', 'limit': 4194304}],
  'devices': [{'allow': False, 'access': 'rwm'}, {'allow': True, 'type': 'c', 'major': 10, 'minor': 200, 'access': 'rw'}],
}"
assert_ok "create and run a container with every v1 resource" ocrt run --keep --bundle "$bundle" "$id"
out=$OUT
declare -A want=(
    [memory/memory.limit_in_bytes]=67108864 [memory/memory.soft_limit_in_bytes]=33554432
    [memory/memory.memsw.limit_in_bytes]=134217728 [memory/memory.swappiness]=10
    [cpu/cpu.shares]=512 [cpu/cpu.cfs_period_us]=100000 [cpu/cpu.cfs_quota_us]=50000
    [cpu/cpu.cfs_burst_us]=10000 [cpu/cpu.idle]=0 [cpuset/cpuset.cpus]=0 [cpuset/cpuset.mems]=0
    [pids/pids.max]=42 [blkio/blkio.bfq.weight]=200
    [blkio/blkio.throttle.read_bps_device]="$BLOCK_DEV 1048576"
    [blkio/blkio.throttle.write_iops_device]="$BLOCK_DEV 300" [unified/hugetlb.2MB.max]=4194304
)
for item in "${!want[@]}"; do
    assert_eq "${want[$item]}" "$(inside "$out" "$item")" "inside the container: $item"
done
assert_match "$(inside "$out" memory/memory.oom_control)" "oom_kill_disable 0" "inside: the OOM killer stays enabled"
assert_eq "c 10:200 rw c *:* m b *:* m c 1:3 rwm c 1:5 rwm c 1:7 rwm c 1:8 rwm c 1:9 rwm c 5:0 rwm c 5:1 rwm c 5:2 rwm c 136:* rwm" \
    "$(inside "$out" devices/devices.list)" "inside: devices.list is deny-all, the configured rules, the default devices"
# The host's files hold the same values (run --keep: the cgroups stay until delete).
assert_eq "67108864" "$(cat "$(cg_dir "$id" memory)/memory.limit_in_bytes" 2>&1)" "host: memory.limit_in_bytes"
assert_eq "512" "$(cat "$(cg_dir "$id" cpu)/cpu.shares" 2>&1)" "host: cpu.shares"
assert_eq "42" "$(cat "$(cg_dir "$id" pids)/pids.max" 2>&1)" "host: pids.max"
assert_eq "4194304" "$(cat "$(cg_dir "$id" hugetlb)/hugetlb.2MB.max" 2>&1)" "host: hugetlb.2MB.max (cgroup2 on a hybrid host)"
assert_ok "delete the stopped container" ocrt delete "$id"
assert_eq "" "$(leftover_dirs "$id")" "delete leaves no cgroup directory of it in any hierarchy"

# A cgroup namespace made after the init joined its cgroup shows that cgroup as the root.
id=$(new_id cgns)
bundle=$(cg_bundle cgns cat /proc/self/cgroup) || exit 1
edit_config "$bundle" "c['linux']['cgroupsPath'] = '/$PREFIX/$id'
c['linux']['namespaces'].append({'type': 'cgroup'})"
assert_ok "run a container with a cgroup namespace" ocrt run --bundle "$bundle" "$id"
assert_eq "/ /" "$(sed -n 's/^[0-9]*:memory://p; s/^[0-9]*:pids://p' <<<"$OUT" | tr '\n' ' ' | sed 's/ $//')" \
    "cgroup namespace: the container's memory and pids cgroups are its root"
assert_not_contains "$OUT" "$PREFIX" "cgroup namespace: the host path of the cgroup is not visible"
assert_eq "" "$(leftover_dirs "$id")" "run (without --keep) removes the cgroups when the container exits"

# Relative and empty cgroupsPath: below ocrt's own cgroup in each hierarchy (runc's rule),
# the empty one named after the id.
for form in relative empty; do
    id=$(new_id $form)
    bundle=$(cg_bundle $form sleep 100) || exit 1
    if [ $form == relative ]; then
        path="$PREFIX-rel/$id"
        edit_config "$bundle" "c['linux']['cgroupsPath'] = '$path'"
    else
        path=$id
    fi
    assert_ok "create with a $form cgroupsPath" ocrt create --bundle "$bundle" "$id"
    for ctl in memory pids; do
        own=$(sed -n "s/^[0-9]*:$ctl://p" /proc/self/cgroup)
        want=$CG/$ctl${own%/}/$path
        assert_eq "$want" "$(cg_dir "$id" $ctl)" "$form cgroupsPath: the $ctl cgroup is below ocrt's own ($own)"
        assert_eq "$(state_field "$id" pid)" "$(cat "$want/cgroup.procs" 2>&1)" "$form cgroupsPath: the init is in $want"
    done
    assert_ok "delete the $form-path container" ocrt delete --force "$id"
    assert_eq "" "$(find $CG -maxdepth 6 -type d -name "$id" 2>/dev/null)" "$form cgroupsPath: delete leaves no directory"
done

# events streams a stats line per interval and ends when the container does.
id=$(new_id events)
bundle=$(cg_bundle events sleep 1) || exit 1
edit_config "$bundle" "c['linux']['cgroupsPath'] = '/$PREFIX/$id'"
assert_ok "create+start a short container" bash -c "'$OCRT' --root '$STATE' create --bundle '$bundle' '$id' && '$OCRT' --root '$STATE' start '$id'"
assert_ok "events --interval 200ms streams until the container stops" ocrt events --interval 200ms "$id"
lines=$(grep -c '"type":"stats"' <<<"$OUT")
((lines >= 2)) && pass "events printed $lines stats lines" || fail "events printed several stats lines" "$OUT"
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
assert_eq 137 "$RC" "a process allocating beyond memory.limit is SIGKILLed (exit 128+9)"
assert_not_contains "$OUT" survived "the allocation never completed"
assert_match "$(cat "$(cg_dir "$id" memory)/memory.oom_control" 2>&1)" "oom_kill [1-9]" "host: memory.oom_control counts the OOM kill"
assert_ok "delete after the OOM kill" ocrt delete "$id"

# Pids: 20 background sleeps under pids.max=8 cannot all be forked.
id=$(new_id pids)
bundle=$(cg_bundle pidlimit sh -c 'n=0; for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do sleep 3 & n=$((n+1)); done; echo forked; wait') || exit 1
edit_config "$bundle" "c['linux']['cgroupsPath'] = '/$PREFIX/$id'
c['linux']['resources'] = {'pids': {'limit': 8}}"
run_cmd ocrt run --keep --bundle "$bundle" "$id"
assert_match "$ERR$OUT" "can't fork|Resource temporarily unavailable|Try again" "fork fails once pids.max is reached"
assert_match "$(cat "$(cg_dir "$id" pids)/pids.events" 2>&1)" "max [1-9]" "host: pids.events counts the refused forks"
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
    assert_contains "$OUT" mknod-ok "devices ($allow allow rule): mknod of c 10:229 is allowed"
    if [ $allow == no ]; then
        assert_not_contains "$OUT" open-ok "devices: opening c 10:229 is denied without a rule"
        assert_contains "$ERR" "Operation not permitted" "devices: the open fails with EPERM"
    else
        assert_contains "$OUT" open-ok "devices: an allow rule for c 10:229 lets the container open it"
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
assert_ok "update --pids-limit --memory --cpu-share" ocrt update --pids-limit 55 --memory 96M --cpu-share 300 "$id"
ok=no
for _ in $(seq 1 40); do
    grep -q "pids/pids.max=55" "$shared/limits" 2>/dev/null && grep -q "memory/memory.limit_in_bytes=100663296" "$shared/limits" &&
        grep -q "cpu/cpu.shares=300" "$shared/limits" && { ok=yes; break; }
    sleep 0.1
done
assert_eq yes "$ok" "inside: the running container sees pids.max=55, memory 96M and cpu.shares=300 after update ($(tr '\n' ' ' <"$shared/limits" 2>/dev/null))"
printf '%s\n' '{"pids": {"limit": 77}, "cpu": {"shares": 700}}' >"$ITEST_TMP/res.json"
run_cmd bash -c "'$OCRT' --root '$STATE' update --resources - '$id' < '$ITEST_TMP/res.json'"
assert_eq 0 "$RC" "update --resources - reads linux.resources from stdin ($ERR)"
assert_eq 77 "$(cat "$(cg_dir "$id" pids)/pids.max")" "host: pids.max after update --resources"
assert_eq 700 "$(cat "$(cg_dir "$id" cpu)/cpu.shares")" "host: cpu.shares after update --resources"
assert_eq 100663296 "$(cat "$(cg_dir "$id" memory)/memory.limit_in_bytes")" "host: memory limit unchanged by a later update without it"
assert_eq "77 700 100663296" "$(python3 -c '
import json, sys; r = json.load(open(sys.argv[1]))["linux"]["resources"]
print(r["pids"]["limit"], r["cpu"]["shares"], r["memory"]["limit"])' "$STATE/$id/config.json" 2>&1)" \
    "update merges the new values into the container's config snapshot"
assert_fail "update refuses a bad value" "invalid value" ocrt update --pids-limit lots "$id"

# pause / resume
assert_ok "pause" ocrt pause "$id"
assert_eq paused "$(state_field "$id" status)" "state reports paused"
assert_eq FROZEN "$(cat "$(cg_dir "$id" freezer)/freezer.state")" "host: freezer.state is FROZEN"
before=$(cat "$shared/count"); sleep 0.5; after=$(cat "$shared/count")
assert_eq "$before" "$after" "the counting process stops while paused"
assert_fail "pause twice is refused" "container not running" ocrt pause "$id"
# Frozen, the cgroup's membership holds still: ps must list exactly it.
procs=$(sort -n "$(cg_dir "$id" pids)/cgroup.procs" | tr '\n' ',' | sed 's/,$//')
run_cmd ocrt ps --format json "$id"
assert_eq "[$procs]" "$OUT" "ps --format json lists exactly the pids of the container's cgroup"
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
assert_ok "resume" ocrt resume "$id"
wait "$ignored_exec"
assert_eq 0 "$?" "exec --ignore-paused succeeds once resumed ($(cat "$ITEST_TMP/ignored.out"))"
assert_eq ran "$(cat "$shared/ignored-paused" 2>/dev/null)" "the --ignore-paused exec ran its command"
assert_eq running "$(state_field "$id" status)" "state reports running again"
sleep 0.5
assert_ne "$after" "$(cat "$shared/count")" "the counting process continues after resume"
assert_fail "resume of a running container is refused" "container not paused" ocrt resume "$id"

# ps
assert_ok "ps --format json" ocrt ps --format json "$id"
assert_match "$OUT" "^\[([0-9]+,)*$init_pid(,[0-9]+)*\]$" "ps --format json is a JSON array holding the init pid"
assert_ok "ps (table, passing ps arguments)" ocrt ps "$id" -o pid,comm
assert_match "$(head -n 1 <<<"$OUT")" "PID +COMMAND" "ps table keeps the header of the given ps format"
assert_match "$OUT" "$init_pid +sh" "ps table shows the init"
assert_not_contains "$OUT" " $$ " "ps table leaves out host processes"
assert_fail "ps refuses an unknown format" "invalid format" ocrt ps --format yaml "$id"

# exec: the new process joins the container's cgroups (the init's, in every hierarchy)
assert_ok "exec a process in the live container" ocrt exec "$id" cat /proc/self/cgroup
assert_eq "$(cat /proc/$init_pid/cgroup)" "$OUT" "exec: the process is in the same cgroups as the init"

# events --stats
assert_ok "events --stats" ocrt events --stats "$id"
stats=$(python3 -c '
import json, sys
e = json.loads(sys.argv[1]); d = e["data"]
print(e["type"], e["id"], d["pids"]["current"] >= 1, d["pids"]["limit"], d["memory"]["usage"]["usage"] > 0,
      d["memory"]["usage"]["limit"], d["cpu"]["usage"]["total"] > 0, "blkio" in d, "hugetlb" in d)' "$OUT" 2>&1)
assert_eq "stats $id True 77 True 100663296 True True True" "$stats" "events --stats: runc's stats object with live numbers"

# kill --all reaches every process of the cgroup
assert_ok "kill --all KILL" ocrt kill --all "$id" KILL
wait_status "$id" stopped 5 || fail "the container stops after kill --all" "status $(state_field "$id" status)"
left=""
for _ in $(seq 1 20); do left=$(cat "$(cg_dir "$id" pids)/cgroup.procs" 2>/dev/null); [ -z "$left" ] && break; sleep 0.1; done
assert_eq "" "$left" "no process is left in the cgroup after kill --all"
assert_ok "kill --all on the stopped container exits 0" ocrt kill --all "$id" KILL
assert_ok "delete it" ocrt delete "$id"
assert_eq "" "$(leftover_dirs "$id")" "delete leaves no cgroup directory behind"

# delete --force of a paused container: thawed, killed, removed
id=$(new_id paused)
bundle=$(cg_bundle paused sleep 100) || exit 1
edit_config "$bundle" "c['linux']['cgroupsPath'] = '/$PREFIX/$id'"
assert_ok "create+start a container to pause" bash -c "'$OCRT' --root '$STATE' create --bundle '$bundle' '$id' && '$OCRT' --root '$STATE' start '$id'"
init_pid=$(state_field "$id" pid)
assert_ok "pause it" ocrt pause "$id"
assert_ok "delete --force of a paused container" ocrt delete --force "$id"
pid_alive "$init_pid" && fail "its init is gone" "pid $init_pid alive" || pass "its init is gone"
assert_eq "" "$(leftover_dirs "$id")" "delete --force leaves no cgroup directory behind"

# ---------------------------------------------------------------- nothing left behind on failure
id=$(new_id escape)
bundle=$(cg_bundle escape true) || exit 1
edit_config "$bundle" "c['linux']['cgroupsPath'] = '$PREFIX/../../x'"
assert_fail "a cgroupsPath escaping with .. is refused" "/linux/cgroupsPath" ocrt create --bundle "$bundle" "$id"
assert_eq "" "$(ls "$STATE" 2>/dev/null | grep -x "$id")" "no state dir after a bad cgroupsPath"
assert_eq "" "$(ls -d $CG/*/x 2>/dev/null | grep -v '^$CG/unified$')" "no cgroup made for the bad cgroupsPath"

id=$(new_id badres)
bundle=$(cg_bundle badres true) || exit 1
edit_config "$bundle" "c['linux']['cgroupsPath'] = '/$PREFIX/$id'
c['linux']['resources'] = {'memory': {'limit': 67108864}, 'cpu': {'cpus': '4095'}}"
assert_fail "a resource the kernel refuses fails create" "cpuset.cpus" ocrt create --bundle "$bundle" "$id"
assert_eq "" "$(leftover_dirs "$id")" "the failed create removed the cgroups it had made"
assert_eq "" "$(ls "$STATE" 2>/dev/null | grep -x "$id")" "and its state dir"

# config-linux.md: a cgroup already holding another container's processes is not fit for a new one.
first=$(new_id busy1)
second=$(new_id busy2)
bundle=$(cg_bundle busy sleep 100) || exit 1
edit_config "$bundle" "c['linux']['cgroupsPath'] = '/$PREFIX/busy-shared'"
assert_ok "create a container in /$PREFIX/busy-shared" ocrt create --bundle "$bundle" "$first"
assert_fail "a second container in the same, non-empty cgroup is refused" "already has processes" \
    ocrt create --bundle "$bundle" "$second"
assert_eq "" "$(ls "$STATE" 2>/dev/null | grep -x "$second")" "the refused create left no state dir"
assert_eq created "$(state_field "$first" status)" "the first container is untouched"
assert_ok "delete the first" ocrt delete --force "$first"
assert_eq "" "$(leftover_dirs busy-shared)" "its cgroup is gone (the refused create never owned it)"

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
assert_fail "--systemd-cgroup: a cgroupsPath not of the form slice:prefix:name is refused" "/linux/cgroupsPath" \
    "$OCRT" --root "$STATE" --systemd-cgroup create --bundle "$bundle" "$id"
edit_config "$bundle" "c['linux']['cgroupsPath'] = 'ocrt-test.slice:ocrt:$id'"
if "$OCRT" features | grep -q '"systemd": true'; then
    expected="connect to systemd"
else
    expected="built without systemd support"
fi
assert_fail "--systemd-cgroup without systemd as PID 1 fails, said clearly" "$expected" \
    "$OCRT" --root "$STATE" --systemd-cgroup create --bundle "$bundle" "$id"
assert_eq "" "$(ls "$STATE" 2>/dev/null | grep -x "$id")" "systemd: no state dir left"
assert_eq "" "$(find $CG -maxdepth 3 -name "*$id*" 2>/dev/null)" "systemd: no cgroup left"

itest_finish
