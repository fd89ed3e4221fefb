#!/usr/bin/env bash
# `ocrt run`: foreground exit status, 128+signal, detached mode, stdio passthrough.
# cli-contract.md sections 4 (exit codes and stdio) and 5 (run); runtime-spec
# runtime.md "Lifecycle" (run = create + start + wait).
source "$(dirname "$0")/lib.sh"
itest_init
require_probe

bundle=$(make_bundle main ocrt-probe exit 3) || itest_die "cannot build a bundle"

# Exit status of the container's process is ocrt's exit status.
id=$(new_id exit3)
run_cmd ocrt run --bundle "$bundle" "$id"
assert_eq "3" "$RC" "run exits with the container's exit code 3 (stderr: $ERR)"
assert_fail "run removes the container afterwards" "container does not exist" ocrt state "$id"

set_args "$bundle" ocrt-probe exit 0
id=$(new_id exit0)
run_cmd ocrt run --bundle "$bundle" "$id"
assert_eq "0" "$RC" "run exits 0 for a process exiting 0 (stderr: $ERR)"

# stdout and stderr of the container are ocrt's own.
set_args "$bundle" sh -c 'echo hello-from-container; echo oops-on-stderr >&2'
id=$(new_id stdio)
run_cmd ocrt run --bundle "$bundle" "$id"
assert_eq "0" "$RC" "run of echo exits 0 (stderr: $ERR)"
assert_eq "hello-from-container" "$OUT" "container stdout reaches ocrt's stdout"
assert_contains "$ERR" "oops-on-stderr" "container stderr reaches ocrt's stderr"

# Killed by a signal: 128 + signal number. PID 1 of a pid namespace ignores signals
# sent from inside, so kill it from the host via `ocrt kill`.
set_args "$bundle" ocrt-probe sleep 60
id=$(new_id sigkill)
"$OCRT" --root "$STATE" run --bundle "$bundle" "$id" >"$ITEST_TMP/run.out" 2>"$ITEST_TMP/run.err" </dev/null &
run_pid=$!
remember_pid "$run_pid"
if wait_status "$id" running 10; then
    pass "foreground run reaches \"running\""
    assert_ok "kill KILL of the running container" ocrt kill "$id" KILL
    # bounded wait: the process must end shortly after its init died
    for _ in $(seq 1 100); do kill -0 "$run_pid" 2>/dev/null || break; sleep 0.05; done
    if kill -0 "$run_pid" 2>/dev/null; then
        fail "run returns after its container was killed" "ocrt run (pid $run_pid) still alive after 5 s"
    else
        wait "$run_pid"
        assert_eq "137" "$?" "run exits 137 (128+SIGKILL) when the container is killed"
    fi
else
    fail "foreground run reaches \"running\"" "status: $(state_field "$id" status)" "stderr: $(cat "$ITEST_TMP/run.err")"
fi

# A missing executable is a run failure: exit 1 with runc's wording (cli-contract 3).
set_args "$bundle" nope
id=$(new_id missing)
assert_fail "run of a missing executable fails" 'executable file not found in $PATH' ocrt run --bundle "$bundle" "$id"
assert_eq "1" "$RC" "run setup failure exits 1"

# Detached: returns at once, the container keeps running.
set_args "$bundle" ocrt-probe sleep 60
id=$(new_id detach)
run_cmd ocrt run -d --bundle "$bundle" --pid-file "$ITEST_TMP/d.pid" "$id"
assert_eq "0" "$RC" "run -d exits 0 (stderr: $ERR)"
assert_eq "running" "$(state_field "$id" status)" "run -d leaves the container running"
assert_eq "$(cat "$ITEST_TMP/d.pid" 2>/dev/null)" "$(state_field "$id" pid)" "run -d writes the pid file"
assert_ok "kill the detached container" ocrt kill "$id" KILL
wait_status "$id" stopped 10 && pass "detached container stops" || fail "detached container stops" "status: $(state_field "$id" status)"
assert_ok "delete the detached container" ocrt delete "$id"

itest_finish
