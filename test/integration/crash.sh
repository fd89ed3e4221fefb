#!/usr/bin/env bash
# Crash recovery (security.md §6 P14, §5.5): SIGKILL `ocrt create` at spread-out
# points of its run. Whatever the moment, either the container exists as "created"
# (create got far enough) or no process of it is left: an init orphaned by its
# parent's death ends itself. Then `delete --force` removes every trace and is
# idempotent, returning 0 for an id that is gone (runtime.md "Delete").
source "$(dirname "$0")/lib.sh"
itest_init

bundle=$(make_bundle crash sleep 30) || itest_die "cannot build a bundle"
delays=(0 0.001 0.002 0.003 0.004 0.005 0.006 0.008 0.010 0.015 0.02 0.03)
orphans=0 created=0 leftovers=0 force_failures=0
for round in 1 2; do
    for delay in "${delays[@]}"; do
        id=$(new_id crash)
        "$OCRT" --root "$STATE" create --bundle "$bundle" "$id" >/dev/null 2>&1 </dev/null &
        creator=$!
        sleep "$delay"
        kill -KILL "$creator" 2>/dev/null
        wait "$creator" 2>/dev/null
        sleep 0.3  # time for an orphaned init to notice and exit
        left=$(processes_under "$bundle")
        status=$("$OCRT" --root "$STATE" state "$id" 2>/dev/null | json_field status 2>/dev/null)
        if [ -n "$left" ]; then
            if [ "$status" == created ]; then
                created=$((created + 1))
            else
                orphans=$((orphans + 1))
                echo "    delay $delay: process(es) $left left, state: \"${status:-none}\""; for p in $left; do echo "      $(tr "\0" " " < /proc/$p/cmdline 2>/dev/null) ppid=$(awk "/PPid/{print \$2}" /proc/$p/status 2>/dev/null)"; done
            fi
        fi
        "$OCRT" --root "$STATE" delete --force "$id" >/dev/null 2>&1 || force_failures=$((force_failures + 1))
        if [ -e "$STATE/$id" ] || [ -n "$(processes_under "$bundle")" ]; then leftovers=$((leftovers + 1)); fi
    done
done
echo "    ${#delays[@]}x2 kills; $created ended as created containers"
assert_eq 0 "$orphans" "no init outlives a killed create unless the container is recorded as created"
assert_eq 0 "$force_failures" "delete --force returns 0 after every crash"
assert_eq 0 "$leftovers" "delete --force leaves no state dir and no process"
assert_eq "" "$(ls -A "$STATE" 2>/dev/null | grep '^~creating-')" "no abandoned claim dirs are left in --root"
assert_ok "delete --force of an id that never existed returns 0" ocrt delete --force "$(new_id never)"
itest_finish
