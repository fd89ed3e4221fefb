#!/bin/sh
# Runs in the systemd guest (Debian, systemd as PID 1, pure cgroup v2) as a oneshot
# unit: drives ocrt with the cgroupfs driver as a user would and reports one
# "ok - " / "not ok - " line per check, then "VMTEST-SUMMARY passed=N failed=M".
. "${0%/*}/guest-lib.sh"
root=/run/ocrt-vm
bundle=/run/ocrt-vm-bundle

# The per-run disk is read-only; ocrt writes nothing into a bundle, but copy it to be free.
cp -a /vmtest/bundle "$bundle"

check_eq systemd "$(cat /proc/1/comm)" "PID 1 is systemd"
check_eq cgroup2 "$(awk '$2 == "/sys/fs/cgroup" {print $3}' /proc/mounts)" "/sys/fs/cgroup is cgroup2 (pure v2 under systemd)"
case "$(cat /proc/self/cgroup)" in 0::/system.slice/*) ok "the checks run in a systemd unit's cgroup" ;;
    *) not_ok "the checks run in a systemd unit's cgroup" "$(cat /proc/self/cgroup)" ;; esac

use hello-slice
out=$(cd "$bundle" && ocrt run sd-hello 2>&1); rc=$?
check_eq 0 "$rc" "run exits 0 under systemd (cgroupsPath /ocrt.slice/sd-hello)"
check_eq "hello from ocrt" "$out" "run prints the container's output"
[ -d /sys/fs/cgroup/ocrt.slice/sd-hello ] && not_ok "run removes its cgroup" || ok "run removes its cgroup"

# Not a check yet (known gap, reported): the default cgroupsPath is relative to our own
# cgroup, here a systemd service's, which holds this shell.
use hello
# The default cgroupsPath ("<id>", relative) under systemd: ocrt runs in this unit's
# cgroup, which has processes; v2 allows no controllers for its children, so the
# container goes below the unit's parent (as runc) and the unit's cgroup is left alone.
own=/sys/fs/cgroup$(sed -n 's/^0:://p' /proc/self/cgroup)
parent=${own%/*}
type_before=$(cat $own/cgroup.type); subtree_before=$(cat $own/cgroup.subtree_control)
out=$(cd "$bundle" && ocrt run sd-default 2>&1); rc=$?
check_eq 0 "$rc" "run with the default cgroupsPath inside a systemd unit ($out)"
check_eq "hello from ocrt" "$out" "the default-path container ran"
check_eq "$type_before" "$(cat $own/cgroup.type)" "the unit's own cgroup type is unchanged"
check_eq "$subtree_before" "$(cat $own/cgroup.subtree_control)" "the unit's own subtree_control is unchanged"
[ -d "$parent/sd-default" ] && not_ok "run removes its cgroup below the unit's parent" || ok "run removes its cgroup below the unit's parent"
[ -d "$own/sd-default" ] && not_ok "nothing was made inside the unit's own cgroup" || ok "nothing was made inside the unit's own cgroup"
ocrt delete --force sd-default >/dev/null 2>&1

# create/start/kill/delete with a cgroupsPath under a slice-like path.
use slice
cg=/sys/fs/cgroup/ocrt.slice/vm-slice
(cd "$bundle" && ocrt create sd-slice) && ok "create with cgroupsPath /ocrt.slice/vm-slice" || not_ok "create with cgroupsPath /ocrt.slice/vm-slice"
check_eq created "$(field sd-slice status)" "state after create"
pid=$(field sd-slice pid)
check_eq "0::/ocrt.slice/vm-slice" "$(cat /proc/$pid/cgroup 2>&1)" "the init is in /ocrt.slice/vm-slice"
check_eq 33554432 "$(cat $cg/memory.max 2>&1)" "memory.max in the container's cgroup"
check_eq 20 "$(cat $cg/pids.max 2>&1)" "pids.max in the container's cgroup"
ocrt start sd-slice && ok "start" || not_ok "start"
check_eq running "$(field sd-slice status)" "state after start"
check_eq "[$pid]" "$(ocrt ps --format json sd-slice 2>&1)" "ps --format json lists the init"
ocrt pause sd-slice && ok "pause" || not_ok "pause"
check_eq 1 "$(cat $cg/cgroup.freeze 2>&1)" "pause sets cgroup.freeze"
check_eq paused "$(field sd-slice status)" "state after pause"
ocrt resume sd-slice && ok "resume" || not_ok "resume"
check_eq running "$(field sd-slice status)" "state after resume"
ocrt update --pids-limit 30 sd-slice && ok "update" || not_ok "update"
check_eq 30 "$(cat $cg/pids.max 2>&1)" "update changed pids.max"
ocrt kill sd-slice KILL && ok "kill" || not_ok "kill"
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do [ "$(field sd-slice status)" = stopped ] && break; sleep 0.2; done
check_eq stopped "$(field sd-slice status)" "state after kill"
ocrt delete sd-slice && ok "delete" || not_ok "delete"
[ -d $cg ] && not_ok "delete removes the container's cgroup" || ok "delete removes the container's cgroup"
[ -e "$root/sd-slice" ] && not_ok "delete removes the state dir" || ok "delete removes the state dir"
[ -n "$pid" ] && [ -d "/proc/$pid" ] && not_ok "no process left after delete" || ok "no process left after delete"
failed_units=$(systemctl list-units --failed --no-legend 2>&1)
check_eq "" "$failed_units" "systemd answers and reports no failed unit after the container"

leftover=$(ls "$root" 2>/dev/null | wc -l)
check_eq 0 "$leftover" "no state dirs are left in --root"
summary
