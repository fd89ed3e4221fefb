#!/usr/bin/env bash
# linux.seccomp (runtime-spec config-linux.md "Seccomp", "The Container Process
# State"; runtime.md "Errors"): checked from inside the container with ocrt-probe
# (/proc/self/status Seccomp, raw syscalls and their errno), for noNewPrivileges
# true and false, every kind of action the kernel can show us, arg-conditioned
# rules, unknown syscall names, the SCMP_ACT_NOTIFY listener hand-off and the
# contrib/seccomp/default.json profile.
source "$(dirname "$0")/lib.sh"
itest_init
require_probe
# The raw syscall numbers below are x86_64's.
[ "$(uname -m)" == x86_64 ] || itest_skip "syscall numbers in this test are for x86_64, host is $(uname -m)"
grep -q '^Seccomp:' /proc/self/status || itest_skip "kernel without seccomp (no Seccomp: in /proc/self/status)"

OCRT_SECCOMP_LISTENER=${OCRT_SECCOMP_LISTENER:-$ITEST_SOURCE_TOP/build/test/integration/seccomp-listener}
OCRT_SECCOMP_PROFILE=${OCRT_SECCOMP_PROFILE:-$ITEST_SOURCE_TOP/contrib/seccomp/default.json}

NR_GETPRIORITY=140
NR_GETCPU=309
NR_KEYCTL=250

bundle=$(make_bundle main ocrt-probe all) || itest_die "cannot build a bundle"
# Status fields, then each syscall line "NR ARG..." as `result=` / `errno=` pairs.
probe_script() {
    local script="ocrt-probe all"
    for call in "$@"; do script="$script; echo call=$call; ocrt-probe syscall $call"; done
    set_args "$bundle" sh -c "$script"
}
# errno printed for the syscall line CALL ("NR ARG...") in $OUT.
errno_of() {
    printf '%s\n' "$OUT" | sed -n "/^call=$1\$/,/^errno=/p" | sed -n 's/^errno=//p' | head -n 1
}
# set_seccomp NNP PYTHON: linux.seccomp = PYTHON expression; process.noNewPrivileges = NNP.
set_seccomp() {
    edit_config "$bundle" "
c['process']['noNewPrivileges'] = $1
c['linux'].pop('seccomp', None)
s = $2
if s is not None: c['linux']['seccomp'] = s
"
}

# No linux.seccomp: no filter.
set_seccomp True None
probe_script "$NR_GETPRIORITY 0 0"
id=$(new_id none)
run_cmd ocrt run --bundle "$bundle" "$id"
assert_eq 0 "$RC" "run without linux.seccomp (stderr: $ERR)"
assert_eq 0 "$(probe_value "$OUT" Seccomp)" "no linux.seccomp: /proc/self/status Seccomp is 0"

# errnoRet, EPERM by default, and an arg-conditioned rule; both noNewPrivileges values.
errno_profile="{'defaultAction': 'SCMP_ACT_ALLOW', 'architectures': ['SCMP_ARCH_X86_64'], 'syscalls': [
  {'names': ['getpriority'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 42,
   'args': [{'index': 1, 'value': 4242, 'op': 'SCMP_CMP_EQ'}]},
  {'names': ['getcpu'], 'action': 'SCMP_ACT_ERRNO'}]}"
for nnp in True False; do
    set_seccomp "$nnp" "$errno_profile"
    probe_script "$NR_GETPRIORITY 0 4242" "$NR_GETPRIORITY 0 0" "$NR_GETCPU 0 0 0"
    id=$(new_id errno)
    run_cmd ocrt run --bundle "$bundle" "$id"
    assert_eq 0 "$RC" "NNP $nnp: run with an errno profile (stderr: $ERR)"
    assert_eq 2 "$(probe_value "$OUT" Seccomp)" "NNP $nnp: /proc/self/status Seccomp is 2 (filter mode)"
    [ "$nnp" == True ] && want_nnp=1 || want_nnp=0
    assert_eq "$want_nnp" "$(probe_value "$OUT" NoNewPrivs)" "NNP $nnp: NoNewPrivs is $want_nnp"
    assert_eq 42 "$(errno_of "$NR_GETPRIORITY 0 4242")" "NNP $nnp: getpriority(0, 4242) fails with errnoRet 42"
    assert_eq 0 "$(errno_of "$NR_GETPRIORITY 0 0")" "NNP $nnp: getpriority(0, 0) is not matched by the arg rule"
    assert_eq 1 "$(errno_of "$NR_GETCPU 0 0 0")" "NNP $nnp: getcpu without errnoRet fails with EPERM"
done

# defaultErrnoRet: an allowlist whose default answer is EOPNOTSUPP (95); a non-root
# user without NNP, so the filter goes in before the user switch and must let the
# rest of the init through.
set_seccomp False "None"
edit_config "$bundle" "
s = json.load(open('$OCRT_SECCOMP_PROFILE'))
s['defaultErrnoRet'] = 95
s['syscalls'][0]['names'].remove('getpriority')
c['linux']['seccomp'] = s
c['process']['user'] = {'uid': 1000, 'gid': 1000}
"
probe_script "$NR_GETPRIORITY 0 0" "$NR_KEYCTL 0 0 0"
id=$(new_id defaulterrno)
run_cmd ocrt run --bundle "$bundle" "$id"
assert_eq 0 "$RC" "allowlist profile, uid 1000, NNP false: run works (stderr: $ERR)"
assert_eq 2 "$(probe_value "$OUT" Seccomp)" "allowlist profile: Seccomp is 2"
assert_eq 95 "$(errno_of "$NR_GETPRIORITY 0 0")" "a call outside the allowlist fails with defaultErrnoRet 95"
assert_eq 95 "$(errno_of "$NR_KEYCTL 0 0 0")" "keyctl fails with defaultErrnoRet 95"
edit_config "$bundle" "c['process']['user'] = {'uid': 0, 'gid': 0}"

# SCMP_ACT_KILL / _KILL_PROCESS / _KILL_THREAD / _TRAP (SIGSYS without a handler):
# the process dies of SIGSYS, so `ocrt run` exits 128+31.
for action in SCMP_ACT_KILL SCMP_ACT_KILL_PROCESS SCMP_ACT_KILL_THREAD SCMP_ACT_TRAP; do
    for nnp in True False; do
        set_seccomp "$nnp" "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [{'names': ['getcpu'], 'action': '$action'}]}"
        set_args "$bundle" ocrt-probe syscall "$NR_GETCPU" 0 0 0
        id=$(new_id kill)
        run_cmd ocrt run --bundle "$bundle" "$id"
        assert_eq 159 "$RC" "$action, NNP $nnp: the process is killed by SIGSYS (stdout: $OUT, stderr: $ERR)"
    done
done

# SCMP_ACT_TRACE without a tracer: ENOSYS (seccomp(2)); SCMP_ACT_LOG: the call runs.
set_seccomp True "{'defaultAction': 'SCMP_ACT_ALLOW', 'syscalls': [
  {'names': ['getcpu'], 'action': 'SCMP_ACT_TRACE', 'errnoRet': 7},
  {'names': ['getpriority'], 'action': 'SCMP_ACT_LOG'}]}"
probe_script "$NR_GETCPU 0 0 0" "$NR_GETPRIORITY 0 0"
id=$(new_id trace)
run_cmd ocrt run --bundle "$bundle" "$id"
assert_eq 0 "$RC" "run with TRACE and LOG rules (stderr: $ERR)"
assert_eq 38 "$(errno_of "$NR_GETCPU 0 0 0")" "SCMP_ACT_TRACE without a tracer fails with ENOSYS"
assert_eq 0 "$(errno_of "$NR_GETPRIORITY 0 0")" "SCMP_ACT_LOG lets the call run"

# An unknown syscall name is skipped with a warning; the other names still apply.
# So is an architecture of the spec's list that libseccomp 2.5 cannot build for.
set_seccomp True "{'defaultAction': 'SCMP_ACT_ALLOW', 'architectures': ['SCMP_ARCH_X86_64', 'SCMP_ARCH_LOONGARCH64'],
  'syscalls': [
  {'names': ['itest_no_such_syscall', 'getpriority'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 42}]}"
probe_script "$NR_GETPRIORITY 0 0"
id=$(new_id unknown)
run_cmd ocrt run --bundle "$bundle" "$id"
assert_eq 0 "$RC" "a profile naming an unknown syscall runs (stderr: $ERR)"
assert_contains "$(unescape_quotes "$ERR")" 'unknown syscall "itest_no_such_syscall" skipped' "the unknown syscall is warned about"
assert_eq 42 "$(errno_of "$NR_GETPRIORITY 0 0")" "the known name of that rule still applies"
# libseccomp learnt LOONGARCH64 in 2.6.
if [[ "$("$OCRT" --version | sed -n 's/^libseccomp: //p')" == 2.5.* ]]; then
    assert_contains "$(unescape_quotes "$ERR")" 'architecture "SCMP_ARCH_LOONGARCH64" is not supported by this libseccomp: skipped' \
        "an architecture libseccomp lacks is warned about and skipped"
fi

# The flags libseccomp 2.5 can give seccomp(2) are accepted by the kernel.
set_seccomp True "{'defaultAction': 'SCMP_ACT_ALLOW', 'flags': ['SECCOMP_FILTER_FLAG_LOG',
  'SECCOMP_FILTER_FLAG_SPEC_ALLOW', 'SECCOMP_FILTER_FLAG_TSYNC'],
  'syscalls': [{'names': ['getpriority'], 'action': 'SCMP_ACT_ERRNO', 'errnoRet': 42}]}"
probe_script "$NR_GETPRIORITY 0 0"
id=$(new_id flags)
run_cmd ocrt run --bundle "$bundle" "$id"
assert_eq 0 "$RC" "LOG, SPEC_ALLOW and TSYNC flags load (stderr: $ERR)"
assert_eq 42 "$(errno_of "$NR_GETPRIORITY 0 0")" "with those flags the rules still apply"

# WAIT_KILLABLE_RECV goes only with a notify listener (the kernel's rule): a clear
# create error naming the flag, with nothing left behind.
set_seccomp True "{'defaultAction': 'SCMP_ACT_ALLOW', 'flags': ['SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV']}"
id=$(new_id badflag)
assert_fail "WAIT_KILLABLE_RECV without a notify rule fails create" \
    '/linux/seccomp/flags/0: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV needs an SCMP_ACT_NOTIFY rule' \
    ocrt create --bundle "$bundle" "$id"
assert_true "no state is left after the failed create" test ! -e "$STATE/$id"

# SCMP_ACT_NOTIFY: ocrt sends the fd and the container process state to listenerPath;
# the listener's answer (errno 61) is what the container's syscall returns.
if [ -x "$OCRT_SECCOMP_LISTENER" ]; then
    for nnp in True False; do
        agent=$ITEST_TMP/agent-$nnp
        mkdir -p "$agent"
        "$OCRT_SECCOMP_LISTENER" "$agent/sock" "$agent" 61 >"$agent/out" 2>&1 </dev/null &
        listener_pid=$!
        remember_pid "$listener_pid"
        wait_file "$agent/sock" 5 || fail "the test listener starts" "$(cat "$agent/out")"
        # With NNP true the filter also asks for SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV.
        flags=""
        [ "$nnp" == True ] && flags="'flags': ['SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV'],"
        set_seccomp "$nnp" "{'defaultAction': 'SCMP_ACT_ALLOW', 'listenerPath': '$agent/sock', $flags
          'listenerMetadata': 'itest-metadata', 'syscalls': [{'names': ['getpriority'], 'action': 'SCMP_ACT_NOTIFY'}]}"
        set_args "$bundle" ocrt-probe syscall "$NR_GETPRIORITY" 0 0
        id=$(new_id notify)
        run_cmd ocrt run --bundle "$bundle" "$id"
        assert_eq 0 "$RC" "NNP $nnp: run with a notify profile (stderr: $ERR)"
        assert_eq "errno=61" "$(printf '%s\n' "$OUT" | grep '^errno=')" "NNP $nnp: the notified syscall returns the listener's errno"
        for _ in $(seq 1 100); do kill -0 "$listener_pid" 2>/dev/null || break; sleep 0.05; done
        kill -KILL "$listener_pid" 2>/dev/null  # still waiting: nothing reached it
        wait "$listener_pid"
        assert_eq 0 "$?" "NNP $nnp: the listener got the fd and answered one notification ($(cat "$agent/out"))"
        assert_eq "1" "$(cat "$agent/fds" 2>/dev/null)" "NNP $nnp: exactly one fd came with the state"
        assert_eq "nr=$NR_GETPRIORITY" "$(cat "$agent/notified" 2>/dev/null)" "NNP $nnp: the notification was for getpriority"
        state_check=$(python3 - "$agent/state.json" "$id" "$bundle" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
problems = []
if s.get("fds") != ["seccompFd"]: problems.append("fds %r" % s.get("fds"))
if s.get("metadata") != "itest-metadata": problems.append("metadata %r" % s.get("metadata"))
if not isinstance(s.get("pid"), int) or s["pid"] <= 0: problems.append("pid %r" % s.get("pid"))
st = s.get("state", {})
if st.get("id") != sys.argv[2]: problems.append("state.id %r" % st.get("id"))
if st.get("status") != "creating": problems.append("state.status %r" % st.get("status"))
if st.get("bundle") != sys.argv[3]: problems.append("state.bundle %r" % st.get("bundle"))
if st.get("pid") != s.get("pid"): problems.append("state.pid %r" % st.get("pid"))
if not s.get("ociVersion"): problems.append("no ociVersion")
print("; ".join(problems) or "ok")
PY
)
        assert_eq ok "$state_check" "NNP $nnp: the container process state has fds, pid, metadata and a creating state"
    done
    # `ocrt exec` hands its process's notify fd to the listener too, with a "running" state.
    agent=$ITEST_TMP/agent-exec
    mkdir -p "$agent/create"
    "$OCRT_SECCOMP_LISTENER" "$agent/sock" "$agent/create" 61 >"$agent/create/out" 2>&1 </dev/null &
    create_listener=$!
    remember_pid "$create_listener"
    wait_file "$agent/sock" 5 || fail "the create-time listener starts" "$(cat "$agent/create/out")"
    set_seccomp True "{'defaultAction': 'SCMP_ACT_ALLOW', 'listenerPath': '$agent/sock',
      'syscalls': [{'names': ['getpriority'], 'action': 'SCMP_ACT_NOTIFY'}]}"
    set_args "$bundle" ocrt-probe sleep 30
    id=$(new_id notifyexec)
    run_cmd ocrt run -d --bundle "$bundle" "$id"
    assert_eq 0 "$RC" "notify profile: run -d (stderr: $ERR)"
    wait_file "$agent/create/state.json" 5
    kill -KILL "$create_listener" 2>/dev/null
    wait "$create_listener" 2>/dev/null
    # A fresh listener on the same path for the exec'd process.
    rm -f "$agent/sock"
    "$OCRT_SECCOMP_LISTENER" "$agent/sock" "$agent" 62 >"$agent/out" 2>&1 </dev/null &
    exec_listener=$!
    remember_pid "$exec_listener"
    wait_file "$agent/sock" 5 || fail "the exec-time listener starts" "$(cat "$agent/out")"
    run_cmd ocrt exec "$id" ocrt-probe syscall "$NR_GETPRIORITY" 0 0
    assert_eq 0 "$RC" "notify profile: exec runs (stderr: $ERR)"
    assert_eq "errno=62" "$(printf '%s\n' "$OUT" | grep '^errno=')" "exec: the notified syscall returns the listener's errno"
    for _ in $(seq 1 100); do kill -0 "$exec_listener" 2>/dev/null || break; sleep 0.05; done
    kill -KILL "$exec_listener" 2>/dev/null
    wait "$exec_listener"
    assert_eq 0 "$?" "exec: the listener got the fd and answered ($(cat "$agent/out"))"
    exec_state=$(python3 -c '
import json, sys
s = json.load(open(sys.argv[1])); st = s.get("state", {})
print("ok" if s.get("fds") == ["seccompFd"] and st.get("status") == "running" and st.get("id") == sys.argv[2]
      and isinstance(s.get("pid"), int) and s["pid"] > 0 and s["pid"] != st.get("pid") else "bad: %r" % s)' \
        "$agent/state.json" "$id" 2>&1)
    assert_eq ok "$exec_state" "exec: the state names the exec'd process and a running container"
    run_cmd ocrt delete --force "$id"

    # A listener that is not there: create fails (runtime.md "generate an error").
    set_seccomp True "{'defaultAction': 'SCMP_ACT_ALLOW', 'listenerPath': '$ITEST_TMP/no-agent.sock',
      'syscalls': [{'names': ['getpriority'], 'action': 'SCMP_ACT_NOTIFY'}]}"
    id=$(new_id noagent)
    assert_fail "notify with an absent listener fails create" "send seccomp fd to listener" ocrt create --bundle "$bundle" "$id"
    assert_true "no state is left after the failed create" test ! -e "$STATE/$id"
else
    fail "seccomp-listener helper built" "missing at \"$OCRT_SECCOMP_LISTENER\""
fi

# `ocrt exec` gets the container's filter too, for both noNewPrivileges values.
for nnp in True False; do
    set_seccomp "$nnp" "$errno_profile"
    set_args "$bundle" ocrt-probe sleep 30
    id=$(new_id exec)
    run_cmd ocrt run -d --bundle "$bundle" "$id"
    if [ "$RC" -ne 0 ]; then
        fail "NNP $nnp: run -d of the exec target" "exit $RC: $ERR"
        continue
    fi
    run_cmd ocrt exec "$id" sh -c "ocrt-probe all; echo call=x; ocrt-probe syscall $NR_GETPRIORITY 0 4242"
    assert_eq 0 "$RC" "NNP $nnp: exec in a container with a filter (stderr: $ERR)"
    assert_eq 2 "$(probe_value "$OUT" Seccomp)" "NNP $nnp: the exec'd process runs under a filter (Seccomp 2)"
    assert_eq 42 "$(errno_of x)" "NNP $nnp: the exec'd process gets the profile's errnoRet 42"
    run_cmd ocrt delete --force "$id"
done

# contrib/seccomp/default.json through `ocrt spec --seccomp-profile`: busybox runs,
# keyctl is refused (EPERM).
specdir=$ITEST_TMP/specdir
mkdir -p "$specdir"
assert_ok "ocrt spec --seccomp-profile" "$OCRT" spec -b "$specdir" --seccomp-profile "$OCRT_SECCOMP_PROFILE"
embedded=$(python3 -c '
import json, sys
c = json.load(open(sys.argv[1])); p = json.load(open(sys.argv[2]))
print("same" if c["linux"]["seccomp"] == p else "different")' "$specdir/config.json" "$OCRT_SECCOMP_PROFILE")
assert_eq same "$embedded" "ocrt spec embeds the profile as linux.seccomp"
edit_config "$bundle" "c['linux']['seccomp'] = json.load(open('$specdir/config.json'))['linux']['seccomp']"
# A profile create would refuse is refused by spec too, naming the field; no config.json is written.
echo '{"defaultAction": "SCMP_ACT_BOGUS"}' >"$ITEST_TMP/bad-profile.json"
mkdir -p "$ITEST_TMP/badspec"
assert_fail "ocrt spec refuses an invalid profile" "/linux/seccomp/defaultAction" \
    "$OCRT" spec -b "$ITEST_TMP/badspec" --seccomp-profile "$ITEST_TMP/bad-profile.json"
echo '["SCMP_ACT_ALLOW"]' >"$ITEST_TMP/array-profile.json"
assert_fail "ocrt spec refuses a profile that is not a JSON object" "not a JSON object" \
    "$OCRT" spec -b "$ITEST_TMP/badspec" --seccomp-profile "$ITEST_TMP/array-profile.json"
assert_true "no config.json is written for a bad profile" test ! -e "$ITEST_TMP/badspec/config.json"
for nnp in True False; do
    edit_config "$bundle" "c['process']['noNewPrivileges'] = $nnp"
    set_args "$bundle" sh -c "echo ok; ocrt-probe syscall $NR_KEYCTL 0 0 0"
    id=$(new_id contrib)
    run_cmd ocrt run --bundle "$bundle" "$id"
    assert_eq 0 "$RC" "contrib default profile, NNP $nnp: busybox sh runs (stderr: $ERR)"
    assert_eq ok "$(printf '%s\n' "$OUT" | head -n 1)" "contrib default profile, NNP $nnp: sh -c 'echo ok' prints ok"
    assert_eq "errno=1" "$(printf '%s\n' "$OUT" | grep '^errno=')" "contrib default profile, NNP $nnp: keyctl is refused with EPERM"
done

itest_finish
