#!/usr/bin/env bash
# User namespace with id mappings, and a time namespace with clock offsets.
# runtime-spec config-linux.md "Namespaces", "User namespace mappings",
# "Offset for Time Namespace".
source "$(dirname "$0")/lib.sh"
itest_init
require_probe
[ -e /proc/self/ns/user ] || itest_skip "kernel without user namespaces"

# Container root is host uid/gid 100000; give it the rootfs so "/" is its own.
# (echo $(...) squeezes the map's column padding to single spaces.)
bundle=$(make_bundle userns sh -c 'ocrt-probe all; echo init_pid=$$; echo uid_map=$(echo $(cat /proc/self/uid_map)); echo gid_map=$(echo $(cat /proc/self/gid_map)); echo root_owner=$(stat -c %u:%g /)') || itest_die "cannot build a bundle"
chown -R 100000:100000 "$bundle/rootfs"
edit_config "$bundle" "
c['linux']['namespaces'].append({'type': 'user'})
c['linux']['uidMappings'] = [{'containerID': 0, 'hostID': 100000, 'size': 65536}]
c['linux']['gidMappings'] = [{'containerID': 0, 'hostID': 100000, 'size': 65536}]
"
id=$(new_id userns)
run_cmd ocrt run --bundle "$bundle" "$id"
[ "$RC" -eq 0 ] || itest_die "run in a user namespace failed (exit $RC): $ERR"
probe=$OUT
value() { probe_value "$probe" "$1"; }
assert_eq "0" "$(value uid)" "uid 0 inside the user namespace"
assert_eq "0" "$(value gid)" "gid 0 inside the user namespace"
assert_eq "0 100000 65536" "$(value uid_map)" "/proc/self/uid_map from linux.uidMappings"
assert_eq "0 100000 65536" "$(value gid_map)" "/proc/self/gid_map from linux.gidMappings"
assert_eq "0:0" "$(value root_owner)" "rootfs owned by host 100000 is owned by root inside"
host_user_ns=$(readlink /proc/self/ns/user | sed 's/.*\[\(.*\)\]/\1/')
assert_ne "$host_user_ns" "$(value ns.user)" "new user namespace (inode differs from the host's)"
assert_eq "1" "$(value init_pid)" "the container process is pid 1 inside"

# From the host the same process runs as 100000 (only visible while it is alive).
set_args "$bundle" ocrt-probe sleep 60
id=$(new_id userhost)
assert_ok "create in a user namespace" ocrt create --bundle "$bundle" --pid-file "$ITEST_TMP/u.pid" "$id"
upid=$(cat "$ITEST_TMP/u.pid" 2>/dev/null)
if [ -n "$upid" ] && [ -r "/proc/$upid/status" ]; then
    assert_eq "100000" "$(awk '/^Uid:/ {print $2}' "/proc/$upid/status")" "host sees the init as uid 100000"
    assert_eq "100000" "$(awk '/^Gid:/ {print $2}' "/proc/$upid/status")" "host sees the init as gid 100000"
    assert_eq "0 100000 65536" "$(awk '{print $1, $2, $3}' "/proc/$upid/uid_map")" "uid_map of the init as the host reads it"
else
    fail "host sees the created init" "pid file \"$ITEST_TMP/u.pid\" gave \"$upid\""
fi
assert_ok "delete the user-namespaced container" ocrt delete --force "$id"

# Time namespace: monotonic and boottime shifted by 10 days.
[ -e /proc/self/ns/time ] || itest_skip "kernel without time namespaces (userns checks passed)"
offset=864000
timens=$(make_bundle timens sh -c 'ocrt-probe all; cat /proc/self/timens_offsets | sed "s/^/offsets./; s/  */=/"') || itest_die "cannot build a bundle"
edit_config "$timens" "
c['linux']['namespaces'].append({'type': 'time'})
c['linux']['timeOffsets'] = {'monotonic': {'secs': $offset, 'nanosecs': 0}, 'boottime': {'secs': $offset}}
"
host_monotonic=$("$OCRT_PROBE" all | sed -n 's/^clock.monotonic=//p')
id=$(new_id timens)
run_cmd ocrt run --bundle "$timens" "$id"
if [ "$RC" -ne 0 ]; then
    fail "run in a time namespace" "exit $RC" "stderr: $ERR"
else
    inner=$(probe_value "$OUT" clock.monotonic)
    shift_seen=$((${inner:-0} - host_monotonic))
    if ((shift_seen >= offset - 1 && shift_seen <= offset + 30)); then
        pass "CLOCK_MONOTONIC shifted by $offset s (saw $shift_seen)"
    else
        fail "CLOCK_MONOTONIC shifted by $offset s" "host $host_monotonic, inside ${inner:-?}, shift $shift_seen"
    fi
    inner_boot=$(probe_value "$OUT" clock.boottime)
    assert_true "CLOCK_BOOTTIME shifted too (inside $inner_boot)" test "${inner_boot:-0}" -ge "$((host_monotonic + offset - 1))"
    assert_contains "$(probe_value "$OUT" offsets.monotonic)" "$offset" "/proc/self/timens_offsets lists the monotonic offset"
    host_time_ns=$(readlink /proc/self/ns/time | sed 's/.*\[\(.*\)\]/\1/')
    assert_ne "$host_time_ns" "$(probe_value "$OUT" ns.time)" "new time namespace (inode differs from the host's)"
fi

itest_finish
