#!/usr/bin/env bash
# process.ioPriority, process.scheduler and process.execCPUAffinity (runtime-spec
# config.md "Linux Process"), checked from inside the container with
# `ocrt-probe sched` (sched_getattr, ioprio_get, sched_getaffinity), for the init
# (`run`) and for `exec --process`; bad values fail naming the field and leave
# nothing behind.
source "$(dirname "$0")/lib.sh"
itest_init
require_probe

cpu_root=/sys/fs/cgroup/cpu
rt_cgroup="ocrt-test-sched-$$-rt"  # absolute cgroupsPath with realtime runtime (below the root's 950000us)
cleanup_rt_cgroup() {  # keeps $? for itest_cleanup, which exits with it
    local status=$? ctl
    for ctl in /sys/fs/cgroup/*/"$rt_cgroup"; do [ -d "$ctl" ] && rmdir "$ctl" 2>/dev/null; done
    return "$status"
}
trap 'cleanup_rt_cgroup; itest_cleanup' EXIT

value() { probe_value "$OUT" "$1"; }

# nothing_left ID WHAT: no state dir, no process in the bundles but the init(s) we
# expect (EXPECTED_PROCS, default 0), no cgroup of ID.
nothing_left() {
    if [ -e "$STATE/$1" ]; then fail "$2: no state dir left" "\"$STATE/$1\" exists"; else pass "$2: no state dir left"; fi
    local left
    left=$(processes_under "$ITEST_TMP" | wc -l)
    assert_eq "${EXPECTED_PROCS:-0}" "$left" "$2: no process left in the bundles"
    local dirs
    dirs=$(ls -d /sys/fs/cgroup/*/"$1" 2>/dev/null)
    assert_eq "" "$dirs" "$2: no cgroup left"
}

# ---------------------------------------------------------------- run: the init
# An unprivileged user without CAP_SYS_NICE: a lower nice value and the realtime
# I/O class only work because ocrt sets them before the user switch drops the
# capabilities.
bundle=$(make_bundle run ocrt-probe sched) || itest_die "cannot build a bundle"
edit_config "$bundle" "
c['process']['user'] = {'uid': 1000, 'gid': 1000}
c['process']['scheduler'] = {'policy': 'SCHED_OTHER', 'nice': -5}
c['process']['ioPriority'] = {'class': 'IOPRIO_CLASS_RT', 'priority': 3}
"
id=$(new_id nice)
assert_ok "run with scheduler SCHED_OTHER nice -5 and ioPriority RT 3 as uid 1000" ocrt run --bundle "$bundle" "$id"
assert_eq "SCHED_OTHER" "$(value sched.policy)" "init: policy SCHED_OTHER"
assert_eq "-5" "$(value sched.nice)" "init: nice -5 (needs CAP_SYS_NICE: set before the user switch)"
assert_eq "IOPRIO_CLASS_RT" "$(value ioprio.class)" "init: I/O class RT (needs privileges: set before the switch)"
assert_eq "3" "$(value ioprio.priority)" "init: I/O priority 3"

edit_config "$bundle" "
c['process']['user'] = {'uid': 0, 'gid': 0}
c['process']['scheduler'] = {'policy': 'SCHED_BATCH', 'nice': 7}
c['process']['ioPriority'] = {'class': 'IOPRIO_CLASS_IDLE', 'priority': 7}
"
id=$(new_id batch)
assert_ok "run with SCHED_BATCH nice 7 and ioPriority IDLE" ocrt run --bundle "$bundle" "$id"
assert_eq "SCHED_BATCH" "$(value sched.policy)" "init: policy SCHED_BATCH"
assert_eq "7" "$(value sched.nice)" "init: nice 7"
assert_eq "IOPRIO_CLASS_IDLE" "$(value ioprio.class)" "init: I/O class IDLE"

edit_config "$bundle" "
c['process']['scheduler'] = {'policy': 'SCHED_IDLE'}
del c['process']['ioPriority']
"
id=$(new_id idle)
assert_ok "run with SCHED_IDLE" ocrt run --bundle "$bundle" "$id"
assert_eq "SCHED_IDLE" "$(value sched.policy)" "init: policy SCHED_IDLE"

edit_config "$bundle" "
c['process']['scheduler'] = {'policy': 'SCHED_DEADLINE', 'runtime': 10000000, 'deadline': 30000000, 'period': 40000000}
"
id=$(new_id deadline)
assert_ok "run with SCHED_DEADLINE 10ms every 40ms, deadline 30ms" ocrt run --bundle "$bundle" "$id"
assert_eq "SCHED_DEADLINE" "$(value sched.policy)" "init: policy SCHED_DEADLINE"
assert_eq "10000000/30000000/40000000" "$(value sched.runtime)/$(value sched.deadline)/$(value sched.period)" \
    "init: runtime/deadline/period in nanoseconds"

# A realtime policy in a cgroup with cpu.rt_runtime_us 0 (a new cgroup's default
# with RT group scheduling) is refused by the kernel: a clear error, nothing left.
rt_group=false
[ -f "$cpu_root/cpu.rt_runtime_us" ] && rt_group=true
edit_config "$bundle" "
c['process']['scheduler'] = {'policy': 'SCHED_FIFO', 'priority': 10, 'flags': ['SCHED_FLAG_RESET_ON_FORK']}
"
if $rt_group; then
    id=$(new_id fifo0)
    assert_fail "SCHED_FIFO in a cgroup without realtime runtime fails" \
        "process.scheduler: cannot set policy SCHED_FIFO priority 10 (a realtime policy needs CAP_SYS_NICE" \
        ocrt run --bundle "$bundle" "$id"
    assert_contains "$ERR" "linux.resources.cpu.realtimeRuntime" "the error names the resource that grants realtime runtime"
    nothing_left "$id" "refused SCHED_FIFO"

    # The same with realtime runtime for the container's cgroup (absolute path,
    # below the root cgroup, which has the host's realtime budget).
    edit_config "$bundle" "
c['linux']['cgroupsPath'] = '/$rt_cgroup'
c['linux'].setdefault('resources', {})['cpu'] = {'realtimeRuntime': 10000, 'realtimePeriod': 1000000}
"
else
    echo "# no cpu.rt_runtime_us on this host (no RT group scheduling): SCHED_FIFO needs no cgroup budget"
fi
id=$(new_id fifo)
assert_ok "run with SCHED_FIFO priority 10, reset-on-fork" ocrt run --bundle "$bundle" "$id"
assert_eq "SCHED_FIFO" "$(value sched.policy)" "init: policy SCHED_FIFO"
assert_eq "10" "$(value sched.priority)" "init: static priority 10"
assert_eq "1" "$(value sched.flags)" "init: SCHED_FLAG_RESET_ON_FORK"
ocrt delete --force "$id" >/dev/null 2>&1
cleanup_rt_cgroup

# ---------------------------------------------------------------- bad values in config.json
bad_run() {  # bad_run NAME PYTHON MESSAGE
    local id slug=${1// /-}
    id=$(new_id "${slug//\//-}")
    edit_config "$bundle_bad" "$2"
    assert_fail "$1 is refused" "$3" ocrt run --bundle "$bundle_bad" "$id"
    nothing_left "$id" "$1"
}
bundle_bad=$(make_bundle bad ocrt-probe sched) || itest_die "cannot build a bundle"
bad_run "unknown policy" "c['process']['scheduler'] = {'policy': 'SCHED_FAST'}" \
    'config.json: /process/scheduler/policy: unknown scheduler policy "SCHED_FAST"'
bad_run "unknown flag" "c['process']['scheduler'] = {'policy': 'SCHED_OTHER', 'flags': ['SCHED_FLAG_NOPE']}" \
    'config.json: /process/scheduler/flags/0: unknown scheduler flag "SCHED_FLAG_NOPE"'
bad_run "nice out of range" "c['process']['scheduler'] = {'policy': 'SCHED_OTHER', 'nice': 20}" \
    'config.json: /process/scheduler/nice: value 20 out of range (-20..19)'
bad_run "unknown I/O class" "del c['process']['scheduler']; c['process']['ioPriority'] = {'class': 'IOPRIO_CLASS_NONE', 'priority': 0}" \
    'config.json: /process/ioPriority/class: unknown ioPriority class "IOPRIO_CLASS_NONE"'
bad_run "I/O priority out of range" "c['process']['ioPriority'] = {'class': 'IOPRIO_CLASS_BE', 'priority': 8}" \
    'config.json: /process/ioPriority/priority: value 8 out of range (0..7)'
bad_run "bad CPU list" "del c['process']['ioPriority']; c['process']['execCPUAffinity'] = {'final': '3-1'}" \
    'config.json: /process/execCPUAffinity/final: invalid CPU list "3-1": range "3-1" ends before it starts'

# ---------------------------------------------------------------- exec --process
# With 2+ CPUs the container's cpuset is CPU 1 only: an initial list of CPU 0 can
# only be set before the exec process joins that cgroup, a final one only after.
cpus=$(nproc --all)
bundle_exec=$(make_bundle exec ocrt-probe sleep 600) || itest_die "cannot build a bundle"
((cpus >= 2)) && edit_config "$bundle_exec" "c['linux']['resources'] = {'cpu': {'cpus': '1', 'mems': '0'}}"
id=$(new_id exec)
run_cmd ocrt run -d --bundle "$bundle_exec" "$id"
[ "$RC" -eq 0 ] || itest_die "run -d of the target container failed (exit $RC): $ERR"

# write_process PYTHON: process.json for exec: the config's process, then PYTHON on `p`.
write_process() {
    python3 - "$bundle_exec/config.json" "$ITEST_TMP/process.json" "$1" <<'PY' || itest_die "cannot write process.json"
import json, sys
with open(sys.argv[1]) as f:
    p = json.load(f)["process"]
p["args"] = ["ocrt-probe", "sched"]
exec(sys.argv[3], {"p": p})
with open(sys.argv[2], "w") as f:
    json.dump(p, f)
PY
}

write_process "p['scheduler'] = {'policy': 'SCHED_BATCH', 'nice': 3}; p['ioPriority'] = {'class': 'IOPRIO_CLASS_BE', 'priority': 2}"
assert_ok "exec --process with SCHED_BATCH nice 3 and ioPriority BE 2" ocrt exec --process "$ITEST_TMP/process.json" "$id"
assert_eq "SCHED_BATCH" "$(value sched.policy)" "exec: policy SCHED_BATCH"
assert_eq "3" "$(value sched.nice)" "exec: nice 3"
assert_eq "IOPRIO_CLASS_BE" "$(value ioprio.class)" "exec: I/O class BE"
assert_eq "2" "$(value ioprio.priority)" "exec: I/O priority 2"

write_process "p['user'] = {'uid': 1000, 'gid': 1000}; p['scheduler'] = {'policy': 'SCHED_OTHER', 'nice': -3}; p['ioPriority'] = {'class': 'IOPRIO_CLASS_RT', 'priority': 1}"
assert_ok "exec --process as uid 1000 with nice -3 and ioPriority RT 1" ocrt exec --process "$ITEST_TMP/process.json" "$id"
assert_eq "-3" "$(value sched.nice)" "exec: nice -3 as uid 1000 (set before the user switch)"
assert_eq "IOPRIO_CLASS_RT:1" "$(value ioprio.class):$(value ioprio.priority)" "exec: I/O class RT 1 as uid 1000"

run_cmd ocrt exec "$id" ocrt-probe sched
assert_eq "SCHED_OTHER:0" "$(value sched.policy):$(value sched.nice)" "exec without a scheduler keeps the default policy"

if ((cpus >= 2)); then
    assert_eq "1" "$(value affinity)" "exec without execCPUAffinity: the container's cpuset (CPU 1)"

    write_process "p['execCPUAffinity'] = {'initial': '0', 'final': '1'}"
    assert_ok "exec with initial CPU 0 (outside the container's cpuset) and final CPU 1" \
        ocrt exec --process "$ITEST_TMP/process.json" "$id"
    assert_eq "1" "$(value affinity)" "exec: the final CPU list is the process's affinity"

    write_process "p['execCPUAffinity'] = {'initial': '0'}"
    assert_ok "exec with only an initial CPU list outside the cpuset (set before the cgroup join)" \
        ocrt exec --process "$ITEST_TMP/process.json" "$id"
    assert_eq "1" "$(value affinity)" "exec: without final, the kernel gives the cgroup's CPUs"

    # Set after the join: a CPU outside the container's cpuset is refused.
    EXPECTED_PROCS=1
    write_process "p['execCPUAffinity'] = {'initial': '1', 'final': '0'}"
    assert_fail "a final CPU list outside the container's cpuset fails (set after the cgroup join)" \
        "process.execCPUAffinity.final: cannot set the CPU affinity of the exec process" \
        ocrt exec --process "$ITEST_TMP/process.json" "$id"
    assert_eq "1" "$(processes_under "$ITEST_TMP" | wc -l)" "failed final affinity: only the init is left"
else
    echo "# only $cpus CPU: the affinity changes cannot be seen; only the refusals are checked"
fi

# A CPU the machine does not have: the kernel refuses the mask, exec fails naming
# the list, and no exec process is left (the init is the only process).
EXPECTED_PROCS=1
write_process "p['execCPUAffinity'] = {'initial': '$cpus'}"
assert_fail "an initial CPU list with no usable CPU fails" \
    "process.execCPUAffinity.initial: cannot set the CPU affinity of the exec process" \
    ocrt exec --process "$ITEST_TMP/process.json" "$id"
assert_eq "1" "$(processes_under "$ITEST_TMP" | wc -l)" "failed initial affinity: only the init is left"
write_process "p['execCPUAffinity'] = {'final': '$cpus'}"
assert_fail "a final CPU list with no usable CPU fails" \
    "process.execCPUAffinity.final: cannot set the CPU affinity of the exec process" \
    ocrt exec --process "$ITEST_TMP/process.json" "$id"
assert_eq "1" "$(processes_under "$ITEST_TMP" | wc -l)" "failed final affinity (no such CPU): only the init is left"

if $rt_group; then
    write_process "p['scheduler'] = {'policy': 'SCHED_RR', 'priority': 5}"
    assert_fail "exec with SCHED_RR in a cgroup without realtime runtime fails" \
        "process.scheduler: cannot set policy SCHED_RR priority 5 (a realtime policy needs CAP_SYS_NICE" \
        ocrt exec --process "$ITEST_TMP/process.json" "$id"
    assert_eq "1" "$(processes_under "$ITEST_TMP" | wc -l)" "refused SCHED_RR: only the init is left"
fi

bad_exec() {  # bad_exec NAME PYTHON MESSAGE
    write_process "$2"
    assert_fail "exec: $1 is refused" "$ITEST_TMP/process.json: $3" ocrt exec --process "$ITEST_TMP/process.json" "$id"
    assert_eq "1" "$(processes_under "$ITEST_TMP" | wc -l)" "exec: $1: only the init is left"
}
bad_exec "unknown policy" "p['scheduler'] = {'policy': 'SCHED_FAST'}" \
    '/scheduler/policy: unknown scheduler policy "SCHED_FAST"'
bad_exec "unknown I/O class" "p['ioPriority'] = {'class': 'IOPRIO_CLASS_NONE', 'priority': 1}" \
    '/ioPriority/class: unknown ioPriority class "IOPRIO_CLASS_NONE"'
bad_exec "bad CPU list" "p['execCPUAffinity'] = {'initial': '1,,2'}" \
    '/execCPUAffinity/initial: invalid CPU list "1,,2": empty entry'
bad_exec "SCHED_DEADLINE without a deadline" "p['scheduler'] = {'policy': 'SCHED_DEADLINE', 'runtime': 1000}" \
    '/scheduler: SCHED_DEADLINE needs a runtime and a deadline'

ocrt delete --force "$id" >/dev/null 2>&1
itest_finish
