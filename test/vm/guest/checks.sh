#!/bin/sh
# Runs in the guest (busybox sh, pure cgroup v2, no systemd): drives ocrt as a user
# would and reports one "ok - " / "not ok - " line per check, then
# "VMTEST-SUMMARY passed=N failed=M" for the host to count.
. "${0%/*}/guest-lib.sh"
root=/run/ocrt-vm
bundle=/bundle

check_eq "cgroup2" "$(awk '$2 == "/sys/fs/cgroup" {print $3}' /proc/mounts)" "the guest runs a pure cgroup v2 hierarchy"
[ -d /sys/fs/cgroup/unified ] && not_ok "no v1 hybrid leftovers" || ok "no v1 hybrid leftovers"

use hello
out=$(cd "$bundle" && ocrt run vm-hello 2>&1); rc=$?
check_eq 0 "$rc" "run exits 0 on a cgroup v2 host"
check_eq "hello from ocrt" "$out" "run prints the container's output"

use exit3
(cd "$bundle" && ocrt run vm-exit3 >/dev/null 2>&1); rc=$?
check_eq 3 "$rc" "run returns the container's exit status"

use sleep
(cd "$bundle" && ocrt create vm-life) && ok "create" || not_ok "create"
check_eq created "$(field vm-life status)" "state after create"
case "$(cat /proc/$(field vm-life pid)/cgroup 2>&1)" in 0::/*vm-life) ok "[cg:place.default] no cgroupsPath: the init is in a cgroup named after the id" ;;
    *) not_ok "[cg:place.default] no cgroupsPath: the init is in a cgroup named after the id" "$(cat /proc/$(field vm-life pid)/cgroup 2>&1)" ;; esac
ocrt start vm-life && ok "start" || not_ok "start"
check_eq running "$(field vm-life status)" "state after start"
pid=$(field vm-life pid)
ocrt kill vm-life KILL && ok "kill" || not_ok "kill"
for i in 1 2 3 4 5 6 7 8 9 10; do [ "$(field vm-life status)" = stopped ] && break; sleep 0.2; done
check_eq stopped "$(field vm-life status)" "state after kill"
ocrt delete vm-life && ok "delete" || not_ok "delete"
[ -e "$root/vm-life" ] && not_ok "delete removes the state dir" || ok "delete removes the state dir"
[ -n "$pid" ] && [ -d "/proc/$pid" ] && not_ok "no process left after delete" || ok "no process left after delete"

use probe
out=$(cd "$bundle" && ocrt run vm-probe 2>&1); rc=$?
check_eq 0 "$rc" "[cg:place.cgroupns] ocrt-probe runs in a container with a cgroup namespace"
case "$out" in *"ns.cgroup="*) ok "[cg:place.cgroupns] the probe reports its cgroup namespace" ;; *) not_ok "[cg:place.cgroupns] the probe reports its cgroup namespace" "$out" ;; esac
case "$out" in *"hostname=ocrt"*) ok "the probe sees the container's hostname" ;; *) not_ok "the probe sees the container's hostname" "$out" ;; esac

use userns
out=$(cd "$bundle" && ocrt run vm-userns 2>&1); rc=$?
check_eq 0 "$rc" "a user-namespaced container runs on the v2 host"
case "$out" in *"uid=0"*) ok "root inside the user namespace" ;; *) not_ok "root inside the user namespace" "$out" ;; esac

# cgroup v2: resources converted and written, pause/resume with cgroup.freeze, ps, update,
# exec joins the cgroup, delete removes it.
use limits
cg=/sys/fs/cgroup/ocrt-vm/limits
(cd "$bundle" && ocrt create vm-limits) && ok "[cg:place.absolute] create with linux.resources on cgroup v2" || not_ok "[cg:place.absolute] create with linux.resources on cgroup v2"
pid=$(field vm-limits pid)
check_eq "$pid" "$(cat $cg/cgroup.procs 2>&1)" "[cg:place.absolute] v2: the init is in its cgroup before start"
check_eq 33554432 "$(cat $cg/memory.max 2>&1)" "[cg:memory.limit] v2: memory.limit -> memory.max"
check_eq 33554432 "$(cat $cg/memory.swap.max 2>&1)" "[cg:memory.swap] v2: memory+swap -> memory.swap.max (swap minus limit)"
check_eq 39 "$(cat $cg/cpu.weight 2>&1)" "[cg:cpu.shares] v2: cpu.shares 1024 -> cpu.weight 39"
check_eq "50000 100000" "$(cat $cg/cpu.max 2>&1)" "[cg:cpu.quota] v2: quota/period -> cpu.max"
check_eq 20 "$(cat $cg/pids.max 2>&1)" "[cg:pids.limit] v2: pids.max"
ocrt start vm-limits && ok "v2: start" || not_ok "v2: start"
ocrt pause vm-limits && ok "[cg:cmd.pause] v2: pause" || not_ok "[cg:cmd.pause] v2: pause"
check_eq paused "$(field vm-limits status)" "[cg:cmd.pause] v2: state reports paused"
check_eq 1 "$(cat $cg/cgroup.freeze 2>&1)" "[cg:cmd.pause] v2: cgroup.freeze is 1"
ocrt resume vm-limits && ok "[cg:cmd.pause] v2: resume" || not_ok "[cg:cmd.pause] v2: resume"
check_eq running "$(field vm-limits status)" "[cg:cmd.pause] v2: running again after resume"
check_eq "[$pid]" "$(ocrt ps --format json vm-limits 2>&1)" "[cg:cmd.ps] v2: ps --format json lists the init"
ocrt update --pids-limit 30 --memory 64M vm-limits && ok "[cg:cmd.update] v2: update" || not_ok "[cg:cmd.update] v2: update"
check_eq 30 "$(cat $cg/pids.max 2>&1)" "[cg:cmd.update] v2: update changed pids.max"
check_eq 67108864 "$(cat $cg/memory.max 2>&1)" "[cg:cmd.update] v2: update changed memory.max"
ocrt exec -d --pid-file /tmp/vm-exec.pid vm-limits sleep 5 && ok "v2: exec -d" || not_ok "v2: exec -d"
grep -qx "$(cat /tmp/vm-exec.pid 2>/dev/null)" $cg/cgroup.procs && ok "[cg:place.absolute] v2: the exec'd process is in the container's cgroup" ||
    not_ok "[cg:place.absolute] v2: the exec'd process is in the container's cgroup" "$(cat $cg/cgroup.procs)"
stats=$(ocrt events --stats vm-limits 2>&1)
case "$stats" in *'"pids":{"current":'[1-9]*',"limit":30}'*) ok "[cg:cmd.events.stats] v2: events --stats reports pids.current and the limit" ;;
    *) not_ok "[cg:cmd.events.stats] v2: events --stats reports pids.current and the limit" "$stats" ;; esac
case "$stats" in *'"usage":{"limit":67108864,"usage":'[1-9]*) ok "[cg:cmd.events.stats] v2: events --stats reports memory usage and limit" ;;
    *) not_ok "[cg:cmd.events.stats] v2: events --stats reports memory usage and limit" "$stats" ;; esac
ocrt kill --all vm-limits KILL && ok "[cg:cmd.kill.all] v2: kill --all KILL" || not_ok "[cg:cmd.kill.all] v2: kill --all KILL"
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do [ -z "$(cat $cg/cgroup.procs 2>/dev/null)" ] && break; sleep 0.2; done
check_eq "" "$(cat $cg/cgroup.procs 2>&1)" "[cg:cmd.kill.all] v2: no process is left in the cgroup after kill --all (cgroup.kill)"
for i in 1 2 3 4 5 6 7 8 9 10; do [ "$(field vm-limits status)" = stopped ] && break; sleep 0.2; done
check_eq stopped "$(field vm-limits status)" "[cg:cmd.kill.all] v2: the container is stopped after kill --all"
ocrt delete --force vm-limits && ok "[cg:cmd.delete] v2: delete --force" || not_ok "[cg:cmd.delete] v2: delete --force"
[ -d $cg ] && not_ok "[cg:cmd.delete] v2: delete removes the cgroup" || ok "[cg:cmd.delete] v2: delete removes the cgroup"
[ -d /sys/fs/cgroup/ocrt-vm ] && not_ok "[cg:cmd.delete] v2: and the parent it made" || ok "[cg:cmd.delete] v2: and the parent it made"

# Every resource key read back (host files and inside), the v1-only keys refused,
# checkBeforeUpdate, the pids and OOM enforcement, the cgroup mount: the same checks as
# the systemd guest's driver runs (v2-resource-checks.sh).
rc_label=v2 rc_driver= rc_config= rc_dev=7:0 rc_reload=
rc_cg() { echo "/sys/fs/cgroup/ocrt-vm/$1"; }
rc_left() { return 1; }
. "${0%/*}/v2-resource-checks.sh"
[ -d /sys/fs/cgroup/ocrt-vm ] && rmdir /sys/fs/cgroup/ocrt-vm 2>/dev/null
[ -d /sys/fs/cgroup/ocrt-vm ] && not_ok "[cg:cmd.delete] v2: no cgroup left after the every-resource checks" "$(ls /sys/fs/cgroup/ocrt-vm)" ||
    ok "[cg:cmd.delete] v2: no cgroup left after the every-resource checks"

# A relative cgroupsPath goes below ocrt's own cgroup (here the root).
use relative
(cd "$bundle" && ocrt create vm-rel) && ok "[cg:place.relative] v2: create with a relative cgroupsPath" || not_ok "[cg:place.relative] v2: create with a relative cgroupsPath"
check_eq "$(field vm-rel pid)" "$(cat /sys/fs/cgroup/ocrt-vm-rel/x/cgroup.procs 2>&1)" "[cg:place.relative] v2: the init is in /ocrt-vm-rel/x"
check_eq 10 "$(cat /sys/fs/cgroup/ocrt-vm-rel/x/pids.max 2>&1)" "[cg:place.relative] v2: its limit is there"
ocrt delete --force vm-rel
[ -d /sys/fs/cgroup/ocrt-vm-rel ] && not_ok "[cg:cmd.delete] v2: delete removes the relative cgroup and its parent" ||
    ok "[cg:cmd.delete] v2: delete removes the relative cgroup and its parent"

# cgroup v2 devices: an eBPF program attached to the container's cgroup, probed from
# inside with guest-lib.sh's $device_probe.

use devices-default
(cd "$bundle" && ocrt run -d vm-devdef >/dev/null 2>&1) && ok "[cg:devices] devices: a container with the default rules runs" ||
    not_ok "[cg:devices] devices: a container with the default rules runs"
out=$(ocrt exec vm-devdef sh -c "$device_probe" 2>&1)
has "$out" "r /dev/null ok" "[cg:devices] devices: default rules: /dev/null can be read"
has "$out" "w /dev/null ok" "[cg:devices] devices: default rules: /dev/null can be written"
has "$out" "r /dev/zero ok" "[cg:devices] devices: default rules: /dev/zero can be read"
has "$out" "r /dev/full ok" "[cg:devices] devices: default rules: /dev/full can be read"
has "$out" "r /dev/urandom ok" "[cg:devices] devices: default rules: /dev/urandom can be read"
has "$out" "mknod ok" "[cg:devices] devices: default rules: mknod of any char device (c *:* m)"
has "$out" "r /dev/x EPERM" "[cg:enforce.devices] devices: default rules: c 1:200 cannot be opened (default deny)"
ocrt delete --force vm-devdef && ok "[cg:cmd.delete] devices: delete" || not_ok "[cg:cmd.delete] devices: delete"

use devices-rules
(cd "$bundle" && ocrt run -d vm-devrules >/dev/null 2>&1) && ok "[cg:devices] devices: a container with linux.resources.devices runs" ||
    not_ok "[cg:devices] devices: a container with linux.resources.devices runs"
out=$(ocrt exec vm-devrules sh -c "$device_probe" 2>&1)
has "$out" "r /dev/x ENXIO" "[cg:devices] devices: allow c 1:200 rw lets a read open through"
has "$out" "w /dev/x EPERM" "[cg:enforce.devices] devices: a later deny c 1:200 w refuses a write open (last match wins, per access bit)"
has "$out" "r /dev/zero ok" "[cg:devices] devices: the defaults still apply after the configured rules"
# Device rules are fixed at create (container::update drops them, as runc's update does):
# an update with rules leaves the program alone.
rules='{"devices":[{"allow":false,"access":"rwm"},{"allow":true,"type":"c","major":1,"minor":3,"access":"rwm"}],"pids":{"limit":50}}'
echo "$rules" | ocrt update --resources - vm-devrules && ok "[cg:cmd.update] devices: update --resources with device rules is accepted" ||
    not_ok "[cg:cmd.update] devices: update --resources with device rules is accepted"
out=$(ocrt exec vm-devrules sh -c "$device_probe" 2>&1)
has "$out" "r /dev/zero ok" "[cg:devices] devices: after update, the filter made at create still applies"
has "$out" "w /dev/x EPERM" "[cg:enforce.devices] devices: after update, the configured deny still applies"
ocrt delete --force vm-devrules && ok "[cg:cmd.delete] devices: delete with rules" || not_ok "[cg:cmd.delete] devices: delete with rules"

# clone3(CLONE_INTO_CGROUP): the init starts life in its own cgroup. ocrt create runs
# alone in a cgroup at pids.max=1, where a clone charged to that cgroup fails (EAGAIN).
use intocg
runner=/sys/fs/cgroup/ocrt-vm-runner
echo +pids >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null
mkdir -p $runner
(cd "$bundle" && sh -c "echo \$\$ >$runner/cgroup.procs && echo 1 >$runner/pids.max && exec /usr/sbin/ocrt --root $root create vm-intocg") >/tmp/vm-intocg.out 2>&1; rc=$?
check_eq 0 "$rc" "[cg:place.cloneIntoCgroup] v2: create from a cgroup at its pids.max (the init is cloned into its own cgroup)"
pid=$(field vm-intocg pid)
check_eq "0::/ocrt-vm/intocg" "$(cat /proc/$pid/cgroup 2>&1)" "[cg:place.cloneIntoCgroup] v2: /proc/<init>/cgroup right after create"
ocrt delete --force vm-intocg && ok "[cg:cmd.delete] v2: delete --force the clone3 container" || not_ok "[cg:cmd.delete] v2: delete --force the clone3 container"
rmdir $runner 2>/dev/null
[ -d /sys/fs/cgroup/ocrt-vm ] && not_ok "[cg:cmd.delete] v2: no cgroup left after the clone3 container" || ok "[cg:cmd.delete] v2: no cgroup left after the clone3 container"

leftover=$(ls "$root" 2>/dev/null | wc -l)
check_eq 0 "$leftover" "no state dirs are left in --root"
summary
