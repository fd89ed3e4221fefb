#!/bin/bash
# `ocrt events` reports OOM kills (cli-contract §14: {"type":"oom","id":"<id>"} lines
# in the stream, runc's format) on this cgroup v1 hybrid host, where the kernel
# signals them through cgroup.event_control + memory.oom_control; `events --stats`
# carries memory.oom_kill; state and delete keep working for an OOM-killed init.
# All cgroups live under /<ctl>/$PREFIX.
source "$(dirname "$0")/lib.sh"
itest_init

CG=/sys/fs/cgroup
PREFIX=ocrt-test-oom-$$
[ -f $CG/memory/cgroup.event_control ] && [ -f $CG/memory/memory.oom_control ] ||
    itest_skip "needs the cgroup v1 memory hierarchy with cgroup.event_control"
grep -q '^oom_kill ' $CG/memory/memory.oom_control ||
    itest_skip "this kernel's memory.oom_control has no oom_kill counter (before 4.13)"

EVENTS_PIDS=()
cgroups_cleanup() {
    local pid dir
    for pid in "${EVENTS_PIDS[@]}"; do kill "$pid" 2>/dev/null; done
    for dir in $CG/*/$PREFIX; do
        [ -d "$dir" ] || continue
        find "$dir" -name freezer.state -exec sh -c 'echo THAWED > "$1"' _ {} \; 2>/dev/null
        for pid in $(find "$dir" -name cgroup.procs -exec cat {} + 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
    done
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        for dir in $CG/*/$PREFIX; do [ -d "$dir" ] && find "$dir" -depth -type d -exec rmdir {} \; 2>/dev/null; done
        compgen -G "$CG/*/$PREFIX" >/dev/null || break
        sleep 0.2
    done
}
trap 'cg_status=$?; cgroups_cleanup; (exit $cg_status); itest_cleanup' EXIT

# A 32 MB memory cgroup without swap to escape to; the allocation builds an 80 MB string.
ALLOCATE='a=$(head -c 83886080 /dev/zero | tr "\\0" x); echo survived ${#a}'
oom_bundle() {
    local name=$1 id=$2 bundle
    shift 2
    bundle=$(make_bundle "$name" "$@") || exit 1
    edit_config "$bundle" "c['linux']['cgroupsPath'] = '/$PREFIX/$id'
c['linux']['resources'] = {'memory': {'limit': 33554432, 'swap': 33554432}}"
    echo "$bundle"
}

# wait_line FILE PATTERN: up to 15 s for a line matching PATTERN.
wait_line() {
    local _
    for _ in $(seq 75); do
        grep -q "$2" "$1" 2>/dev/null && return 0
        sleep 0.2
    done
    return 1
}

# --------------------------------------------------------- a process of a live container is OOM-killed
id=$(new_id live)
bundle=$(oom_bundle live "$id" sleep 1000) || exit 1
assert_ok "[cg:memory.limit] run -d a container with a 32 MB memory limit" ocrt run -d --bundle "$bundle" "$id"
events=$ITEST_TMP/events-live.out
"$OCRT" --root "$STATE" events --interval 1s "$id" >"$events" 2>"$ITEST_TMP/events-live.err" &
EVENTS_PIDS+=($!)
wait_line "$events" '"type":"stats"' && pass "[cg:cmd.events.stats] events streams stats" || fail "[cg:cmd.events.stats] events streams stats" "$(cat "$events" "$ITEST_TMP/events-live.err")"
assert_not_contains "$(cat "$events")" '"type":"oom"' "[cg:cmd.events.oom] no oom event before any OOM"
run_cmd ocrt exec "$id" sh -c "$ALLOCATE"
assert_eq 137 "$RC" "[cg:enforce.memory] the exec'd allocation is OOM-killed (exit 128+9)"
if wait_line "$events" '"type":"oom"'; then
    assert_eq "{\"type\":\"oom\",\"id\":\"$id\"}" "$(grep '"type":"oom"' "$events" | head -n 1)" "[cg:cmd.events.oom] events prints runc's oom line"
else
    fail "[cg:cmd.events.oom] events prints an oom line" "$(cat "$events" "$ITEST_TMP/events-live.err")"
fi
run_cmd ocrt events --stats "$id"
kills=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["data"]["memory"].get("oom_kill", "missing"))' "$OUT" 2>&1)
[[ "$kills" =~ ^[1-9][0-9]*$ ]] && pass "[cg:cmd.events.stats] events --stats memory.oom_kill counts the kill ($kills)" ||
    fail "[cg:cmd.events.stats] events --stats memory.oom_kill counts the kill" "$kills" "$OUT"
assert_eq running "$(state_field "$id" status)" "[cg:enforce.memory] the container keeps running after its exec'd process was OOM-killed"
# delete while events still watches (v1: the eventfd registration must not keep the cgroup busy).
assert_ok "[cg:cmd.delete] delete --force the live container while events streams" ocrt delete --force "$id"
assert_eq "" "$(find $CG/*/$PREFIX -mindepth 1 -type d -name "$id" 2>/dev/null)" "[cg:cmd.delete] delete leaves no cgroup of the live container"
ended=no
for _ in $(seq 50); do kill -0 "${EVENTS_PIDS[0]}" 2>/dev/null || { ended=yes; break; }; sleep 0.2; done
assert_eq yes "$ended" "[cg:cmd.events.oom] the events stream ends when the container is deleted"

# --------------------------------------------------------- the init itself is OOM-killed
id=$(new_id init)
bundle=$(oom_bundle init "$id" sh -c "sleep 1; $ALLOCATE") || exit 1
assert_ok "[cg:place.absolute] create the allocating container" ocrt create --bundle "$bundle" "$id"
events=$ITEST_TMP/events-init.out
"$OCRT" --root "$STATE" events --interval 500ms "$id" >"$events" 2>"$ITEST_TMP/events-init.err" &
events_pid=$!
EVENTS_PIDS+=($events_pid)
wait_line "$events" '"type":"stats"' || fail "[cg:cmd.events.stats] events streams stats for the created container" "$(cat "$ITEST_TMP/events-init.err")"
assert_ok "start it" ocrt start "$id"
wait_line "$events" '"type":"oom"' && pass "[cg:cmd.events.oom] events prints an oom line when the init is OOM-killed" ||
    fail "[cg:cmd.events.oom] events prints an oom line when the init is OOM-killed" "$(cat "$events" "$ITEST_TMP/events-init.err")"
wait_status "$id" stopped
assert_eq stopped "$(state_field "$id" status)" "[cg:enforce.memory] state: the OOM-killed container is stopped"
ended=no
for _ in $(seq 50); do kill -0 "$events_pid" 2>/dev/null || { ended=yes; break; }; sleep 0.2; done
assert_eq yes "$ended" "[cg:cmd.events.oom] the events stream ends when the container stops"
wait "$events_pid"
assert_eq 0 "$?" "[cg:cmd.events.oom] events exits 0 at the end of the stream"
assert_fail "[cg:cmd.events.stats] events --stats on the OOM-killed container" "is not running" ocrt events --stats "$id"
assert_ok "[cg:cmd.delete] delete the OOM-killed container" ocrt delete "$id"
assert_eq "" "$(find $CG/*/$PREFIX -mindepth 1 -type d -name "$id" 2>/dev/null)" "[cg:cmd.delete] delete leaves no cgroup of it behind"
run_cmd ocrt state "$id"
assert_ne 0 "$RC" "state after delete fails (the container is gone)"

itest_finish
