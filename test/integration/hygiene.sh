#!/usr/bin/env bash
# P10 process hygiene (security.md §6 P10, §1 CVE-2016-9962): the user process starts
# with an empty signal mask and default dispositions whatever the caller had; each
# container gets its own session keyring "_ses.<id>" (or keeps the caller's with
# --no-new-keyring); the waiting init is not dumpable.
source "$(dirname "$0")/lib.sh"
itest_init
require_probe
require_command setpriv

shared=$ITEST_TMP/shared
mkdir -p "$shared"

# with_hostile_signals CMD...: CMD run by a caller that ignores USR1 and HUP (bash
# trap '') and blocks USR2, TERM, INT and ALRM (sigprocmask survives execve). A script, so
# that run_cmd's timeout can run it.
with_hostile_signals=$ITEST_TMP/with-hostile-signals
cat >"$with_hostile_signals" <<'SCRIPT'
#!/bin/bash
trap '' USR1 HUP
exec python3 -c '
import os, signal, sys
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR2, signal.SIGTERM, signal.SIGINT, signal.SIGALRM})
os.execv(sys.argv[1], sys.argv[1:])' "$@"
SCRIPT
chmod 0755 "$with_hostile_signals"

# disposition_line OUTPUT: the probe's list of non-default dispositions, "missing" if absent.
disposition_line() {
    printf '%s\n' "$1" | grep -q '^signals.not_default=' || { echo missing; return; }
    probe_value "$1" signals.not_default
}

# -- signals through `run` (the probe's stdout is ocrt's).
bundle=$(make_bundle signals ocrt-probe signals) || itest_die "cannot build a bundle"
# The harness itself must be hostile, or the test proves nothing.
caller=$("$with_hostile_signals" /bin/grep -E '^Sig(Blk|Ign)' /proc/self/status | tr '\n' ' ')
assert_match "$caller" 'SigBlk:[[:space:]]*0*6802' "the caller really blocks TERM, USR2 and ALRM (${caller})"
assert_match "$caller" 'SigIgn:[[:space:]]*0*[1-9a-f]' "the caller really ignores signals"
id=$(new_id sigrun)
run_cmd "$with_hostile_signals" "$OCRT" --root "$STATE" run --bundle "$bundle" "$id"
assert_eq "0" "$RC" "run succeeds under a hostile signal state ($ERR)"
assert_eq "0000000000000000" "$(probe_value "$OUT" SigBlk)" "run: the user process has an empty signal mask"
assert_eq "0000000000000000" "$(probe_value "$OUT" SigIgn)" "run: the user process ignores no signal"
assert_eq "" "$(disposition_line "$OUT")" "run: every disposition is SIG_DFL"

# -- signals through create + start (the waiting init catches TERM & co. meanwhile);
# the init inherits create's stdout, which is a file here.
set_args "$bundle" ocrt-probe signals
id=$(new_id sigstart)
timeout -k 5 10 "$with_hostile_signals" "$OCRT" --root "$STATE" create --bundle "$bundle" "$id" \
    >"$ITEST_TMP/started.out" 2>"$ITEST_TMP/create.err" </dev/null
assert_eq "0" "$?" "create succeeds under a hostile signal state ($(cat "$ITEST_TMP/create.err"))"
run_cmd "$with_hostile_signals" "$OCRT" --root "$STATE" start "$id"
assert_eq "0" "$RC" "start succeeds under a hostile signal state ($ERR)"
wait_status "$id" stopped 5 || fail "the started container stops"
report=$(cat "$ITEST_TMP/started.out")
assert_eq "0000000000000000" "$(probe_value "$report" SigBlk)" "create+start: empty signal mask"
assert_eq "0000000000000000" "$(probe_value "$report" SigIgn)" "create+start: no ignored signal"
assert_eq "" "$(disposition_line "$report")" "create+start: every disposition is SIG_DFL"

# -- session keyrings.
host_keyring=$("$OCRT_PROBE" keyring)
host_id=$(probe_value "$host_keyring" keyring.session)
keyring_of() {  # keyring_of ID [FLAGS...]: probe output of a container named ID
    local id=$1
    shift
    set_args "$bundle" ocrt-probe keyring
    run_cmd ocrt run "$@" --bundle "$bundle" "$id"
    ((RC == 0)) || fail "run the keyring probe in \"$id\"" "exit $RC: $ERR"
    printf '%s' "$OUT"
}
id1=$(new_id key)
id2=$(new_id key)
first=$(keyring_of "$id1")
second=$(keyring_of "$id2")
assert_eq "_ses.$id1" "$(probe_value "$first" keyring.session.name)" "the session keyring is named _ses.<id>"
assert_eq "_ses.$id2" "$(probe_value "$second" keyring.session.name)" "a second container gets its own _ses.<id>"
assert_ne "$host_id" "$(probe_value "$first" keyring.session)" "the container's keyring is not the caller's"
assert_ne "$(probe_value "$first" keyring.session)" "$(probe_value "$second" keyring.session)" \
    "two containers never share a session keyring"
id3=$(new_id nokey)
kept=$(keyring_of "$id3" --no-new-keyring)
assert_eq "$host_id" "$(probe_value "$kept" keyring.session)" "--no-new-keyring keeps the caller's session keyring"

# -- the waiting init is not dumpable. The reader is host root holding exactly the
# container's capabilities but not CAP_SYS_PTRACE: same uid, permitted caps a superset
# of the init's, so only the dumpable flag stands in the way (ptrace_may_access).
container_caps=-all,+audit_write,+kill,+net_bind_service
as_peer() { setpriv --inh-caps=-all --bounding-set="$container_caps" -- "$@"; }
setpriv --inh-caps=-all --bounding-set="$container_caps" -- sleep 30 &
control=$!
remember_pid "$control"
sleep 0.1
if as_peer cat "/proc/$control/environ" >/dev/null 2>&1; then
    pass "control: the reader can read a dumpable peer's environ"
else
    fail "control: the reader can read a dumpable peer's environ" "the method cannot tell dumpable from not"
fi
kill "$control" 2>/dev/null
set_args "$bundle" true
id=$(new_id dump)
assert_ok "create a container" ocrt create --bundle "$bundle" "$id"
init=$(state_field "$id" pid)
assert_eq "0000000020000420" "$(sed -n 's/^CapPrm:[[:space:]]*//p' "/proc/$init/status")" \
    "the waiting init holds the container's capabilities"
if as_peer cat "/proc/$init/environ" >/dev/null 2>&1; then
    fail "the waiting init's environ is closed to that reader (not dumpable)"
else
    pass "the waiting init's environ is closed to that reader (not dumpable)"
fi
assert_ok "delete the created container" ocrt delete --force "$id"

itest_finish
