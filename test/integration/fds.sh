#!/usr/bin/env bash
# Inherited fds and sd_notify: --preserve-fds, socket activation (LISTEN_FDS) and
# NOTIFY_SOCKET passthrough. cli-contract.md sections 5 and 16; security.md section 6
# P2 (at the user process's first instruction the only fds are 0-2 plus exactly the
# preserved set, for run and create+start, even when the caller leaked fds).
source "$(dirname "$0")/lib.sh"
itest_init
require_probe
require_command python3

LISTENER=$(dirname "$0")/../helpers/notify-listener.py

bundle=$(make_bundle main ocrt-probe all) || itest_die "cannot build a bundle"

# fifo_open NAME FD: a named pipe whose read end the test holds (read-write, so
# opening its write end never blocks); its path is $ITEST_TMP/NAME.
fifo_path() { echo "$ITEST_TMP/$1.fifo"; }
mkfifo "$(fifo_path a)" "$(fifo_path b)" || itest_die "mkfifo failed"
exec 5<>"$(fifo_path a)" 6<>"$(fifo_path b)"

# read_pipe FD: one line from FD, "" after 5 s.
read_pipe() {
    local line=""
    read -r -t 5 line <&"$1"
    printf '%s' "$line"
}

# ocrt_with_fds OUTFILE ARGS...: ocrt with this test's root, stdin closed, the caller's
# other fds as they are (fds 7 and 8 leaked without close-on-exec, as by a careless
# engine); sets RC and ERR.
ocrt_with_fds() {
    local out=$1
    shift
    timeout -k 5 "$ITEST_RUN_TIMEOUT" "$OCRT" --root "$STATE" "$@" >"$out" 2>"$ITEST_TMP/err" </dev/null 7</dev/null 8<"$bundle/config.json"
    RC=$?
    ERR=$(cat "$ITEST_TMP/err")
}

# ---------------------------------------------------------------- P2 with run

# The test shell's own fds 5 and 6 (fifo ends) leak into ocrt too: none may arrive.
id=$(new_id leak)
ocrt_with_fds "$ITEST_TMP/out" run --bundle "$bundle" "$id"
OUT=$(cat "$ITEST_TMP/out")
assert_eq "0" "$RC" "run with leaked fds succeeds (stderr: $ERR)"
assert_eq "0,1,2" "$(probe_value "$OUT" fds)" "run: leaked fds 5-8 do not reach the process (P2)"

set_args "$bundle" sh -c 'ocrt-probe all; echo written-inside >&3'
id=$(new_id preserve)
ocrt_with_fds "$ITEST_TMP/out" run --preserve-fds 2 --bundle "$bundle" "$id" 3>"$(fifo_path a)" 4</dev/null
OUT=$(cat "$ITEST_TMP/out")
assert_eq "0" "$RC" "run --preserve-fds 2 succeeds (stderr: $ERR)"
# The probe is a child of sh here: sh itself holds nothing else open.
assert_eq "0,1,2,3,4" "$(probe_value "$OUT" fds)" "run --preserve-fds 2: exactly 0-4, none of the leaked 5-8"
assert_eq "written-inside" "$(read_pipe 5)" "run --preserve-fds: a pipe written inside is read on the host"

# ---------------------------------------------------------------- P2 with create + start

id=$(new_id createstart)
ocrt_with_fds "$ITEST_TMP/created.out" create --preserve-fds 1 --bundle "$bundle" "$id" 3>"$(fifo_path b)"
assert_eq "0" "$RC" "create --preserve-fds 1 succeeds (stderr: $ERR)"
assert_ok "start after create --preserve-fds" ocrt start "$id"
wait_status "$id" stopped || fail "container $id did not stop"
OUT=$(cat "$ITEST_TMP/created.out")
assert_eq "0,1,2,3" "$(probe_value "$OUT" fds)" "create+start --preserve-fds 1: exactly 0-3, none of the leaked 5-8"
assert_eq "written-inside" "$(read_pipe 6)" "create+start --preserve-fds: the pipe reaches the host"
assert_ok "delete the stopped container" ocrt delete "$id"

# exec (P2 holds for it too): a created container, a process added with --preserve-fds 1.
set_args "$bundle" sleep 30
id=$(new_id exec)
ocrt_with_fds "$ITEST_TMP/exec-init.out" create --bundle "$bundle" "$id"
assert_eq "0" "$RC" "create for exec succeeds (stderr: $ERR)"
ocrt_with_fds "$ITEST_TMP/out" exec --preserve-fds 1 "$id" sh -c 'ocrt-probe all; echo exec-pipe >&3' 3>"$(fifo_path a)"
OUT=$(cat "$ITEST_TMP/out")
assert_eq "0" "$RC" "exec --preserve-fds 1 succeeds (stderr: $ERR)"
assert_eq "0,1,2,3" "$(probe_value "$OUT" fds)" "exec --preserve-fds 1: exactly 0-3, none of the leaked 5-8"
assert_eq "exec-pipe" "$(read_pipe 5)" "exec --preserve-fds: the pipe reaches the host"
ocrt_with_fds "$ITEST_TMP/out" exec "$id" ocrt-probe all
assert_eq "0,1,2" "$(probe_value "$(cat "$ITEST_TMP/out")" fds)" "exec without --preserve-fds: leaked fds 5-8 do not arrive"
run_cmd ocrt delete --force "$id"
set_args "$bundle" sh -c 'ocrt-probe all; echo written-inside >&3'

# A preserved fd that is not open is an error (runc's words), and leaves nothing.
id=$(new_id missingfd)
timeout -k 5 "$ITEST_RUN_TIMEOUT" "$OCRT" --root "$STATE" run --preserve-fds 2 --bundle "$bundle" "$id" \
    >/dev/null 2>"$ITEST_TMP/err" </dev/null 3<&- 4<&-
RC=$?
ERR=$(cat "$ITEST_TMP/err")
assert_ne "0" "$RC" "run --preserve-fds 2 without fds 3 and 4 fails"
assert_contains "$ERR" "unable to stat preserved-fd 0 (of 2)" "the missing preserved fd is named (stderr: $ERR)"
assert_eq "" "$(ls -A "$STATE" 2>/dev/null)" "a refused --preserve-fds leaves no state behind"

# With --log, ocrt's own log file takes the free fd 3: it must not pass for the caller's.
id=$(new_id ownfd)
timeout -k 5 "$ITEST_RUN_TIMEOUT" "$OCRT" --root "$STATE" --log "$ITEST_TMP/ownfd.log" run --preserve-fds 1 \
    --bundle "$bundle" "$id" >"$ITEST_TMP/out" 2>&1 </dev/null 3<&-
RC=$?
assert_ne "0" "$RC" "run --preserve-fds 1 with fd 3 closed and --log fails"
assert_contains "$(cat "$ITEST_TMP/ownfd.log")" "unable to stat preserved-fd 0 (of 1)" "ocrt's own log fd is not taken for a preserved fd"

# ---------------------------------------------------------------- socket activation

# LISTEN_PID must name ocrt itself: bash -c 'exec' keeps the pid $$ stands for.
set_args "$bundle" sh -c 'ocrt-probe all; echo listen-fd >&3; echo preserved-fd >&4'
id=$(new_id listen)
LISTEN_FDS=1 bash -c 'export LISTEN_PID=$$; exec "$@"' _ \
    "$OCRT" --root "$STATE" run --preserve-fds 1 --bundle "$bundle" "$id" \
    >"$ITEST_TMP/out" 2>"$ITEST_TMP/err" </dev/null 3>"$(fifo_path a)" 4>"$(fifo_path b)" 7</dev/null
RC=$?
OUT=$(cat "$ITEST_TMP/out")
assert_eq "0" "$RC" "run with LISTEN_FDS=1 and --preserve-fds 1 succeeds (stderr: $(cat "$ITEST_TMP/err"))"
assert_eq "0,1,2,3,4" "$(probe_value "$OUT" fds)" "LISTEN_FDS=1 + --preserve-fds 1: exactly fds 0-4"
assert_eq "1" "$(probe_value "$OUT" env.LISTEN_FDS)" "the process gets LISTEN_FDS=1"
assert_eq "1" "$(probe_value "$OUT" env.LISTEN_PID)" "the process gets LISTEN_PID=1"
assert_eq "listen-fd" "$(read_pipe 5)" "the socket-activation fd is fd 3"
assert_eq "preserved-fd" "$(read_pipe 6)" "the preserved fd follows it at fd 4"

# A LISTEN_PID naming another process is not for us: nothing passed, no env set.
set_args "$bundle" ocrt-probe all
id=$(new_id otherpid)
LISTEN_FDS=1 LISTEN_PID=1 "$OCRT" --root "$STATE" run --bundle "$bundle" "$id" \
    >"$ITEST_TMP/out" 2>"$ITEST_TMP/err" </dev/null 3</dev/null
RC=$?
OUT=$(cat "$ITEST_TMP/out")
assert_eq "0" "$RC" "run with a foreign LISTEN_PID succeeds"
assert_eq "0,1,2" "$(probe_value "$OUT" fds)" "a foreign LISTEN_PID passes no fd"
assert_eq "" "$(probe_value "$OUT" env.LISTEN_FDS)" "a foreign LISTEN_PID sets no LISTEN_FDS"

# With a socket (what systemd really hands over): a connected pair, one end as fd 3.
set_args "$bundle" sh -c 'echo over-the-socket >&3'
id=$(new_id listensock)
got=$(python3 - "$OCRT" "$STATE" "$bundle" "$id" <<'PY'
import fcntl, os, socket, subprocess, sys
ocrt, state, bundle, cid = sys.argv[1:]
pair = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
# Our end away from fd 3, which the other end is about to take.
ours = socket.socket(fileno=fcntl.fcntl(pair[0].detach(), fcntl.F_DUPFD_CLOEXEC, 10))
theirs = pair[1]
os.dup2(theirs.fileno(), 3, inheritable=True)
theirs.close()
env = dict(os.environ, LISTEN_FDS="1")
proc = subprocess.run(["bash", "-c", 'export LISTEN_PID=$$; exec "$@"', "_", ocrt, "--root", state, "run",
                       "--bundle", bundle, cid], pass_fds=(3,), env=env, stdin=subprocess.DEVNULL,
                      capture_output=True, timeout=20)
os.close(3)
ours.settimeout(5)
data = ours.recv(100).decode().strip()
print(f"{proc.returncode}:{data}")
PY
)
assert_eq "0:over-the-socket" "$got" "a socket passed with LISTEN_FDS is written from inside"

# ---------------------------------------------------------------- NOTIFY_SOCKET

# start_listener NAME: a host notify socket at $ITEST_TMP/NAME.sock (or "@..." in
# $2) recording into $ITEST_TMP/NAME.msgs; sets LISTENER_PID.
start_listener() {
    local name=$1 address=${2:-$ITEST_TMP/$1.sock}
    python3 "$LISTENER" "$address" "$ITEST_TMP/$name.msgs" 30 &
    LISTENER_PID=$!
    remember_pid "$LISTENER_PID"
    wait_file "$ITEST_TMP/$name.msgs.ready" || itest_die "the notify listener did not start"
}

messages() { cat "$ITEST_TMP/$1.msgs" 2>/dev/null; }

# create + start: start returns only after the container's READY=1 reached the host.
mkdir -p "$ITEST_TMP/gate" "$bundle/rootfs/gate"
edit_config "$bundle" "
c['mounts'].append({'destination': '/gate', 'type': 'bind', 'source': '$ITEST_TMP/gate', 'options': ['rbind']})
c['process']['args'] = ['sh', '-c', 'ocrt-probe all; while [ ! -e /gate/go ]; do sleep 0.05; done; ocrt-probe notify READY=1; sleep 30']
"
start_listener create
id=$(new_id notify)
NOTIFY_SOCKET=$ITEST_TMP/create.sock timeout -k 5 "$ITEST_RUN_TIMEOUT" "$OCRT" --root "$STATE" create \
    --bundle "$bundle" "$id" >"$ITEST_TMP/notify.out" 2>"$ITEST_TMP/err" </dev/null
assert_eq "0" "$?" "create with NOTIFY_SOCKET succeeds (stderr: $(cat "$ITEST_TMP/err"))"
NOTIFY_SOCKET=$ITEST_TMP/create.sock timeout -k 5 20 "$OCRT" --root "$STATE" start "$id" \
    >"$ITEST_TMP/start.out" 2>"$ITEST_TMP/start.err" </dev/null &
start_pid=$!
remember_pid "$start_pid"
wait_status "$id" running || fail "container $id did not start"
sleep 1  # the container now waits at the gate: start must still be waiting too
assert_true "start waits while the container has not sent READY" pid_alive "$start_pid"
assert_eq "" "$(messages create)" "nothing reaches the host before READY"
touch "$ITEST_TMP/gate/go"
wait "$start_pid"
assert_eq "0" "$?" "start returns 0 once READY was relayed (stderr: $(cat "$ITEST_TMP/start.err"))"
pid=$(state_field "$id" pid)
assert_contains "$(messages create)" "msg: READY=1|MAINPID=$pid|" "the host gets READY=1 with MAINPID = the init's host pid"
assert_contains "$(messages create)" "msg: BARRIER=1" "the relay ends with a BARRIER=1"
OUT=$(cat "$ITEST_TMP/notify.out")
assert_eq "/run/notify/notify.sock" "$(probe_value "$OUT" env.NOTIFY_SOCKET)" "the process gets NOTIFY_SOCKET=/run/notify/notify.sock"
ocrt kill "$id" KILL >/dev/null 2>&1
wait_status "$id" stopped
assert_ok "delete the notify container" ocrt delete "$id"
wait "$LISTENER_PID" 2>/dev/null

# A container that exits without READY: start does not hang.
set_args "$bundle" ocrt-probe exit 0
start_listener noready
id=$(new_id noready)
NOTIFY_SOCKET=$ITEST_TMP/noready.sock run_cmd ocrt create --bundle "$bundle" "$id"
assert_eq "0" "$RC" "create with NOTIFY_SOCKET succeeds (stderr: $ERR)"
NOTIFY_SOCKET=$ITEST_TMP/noready.sock run_cmd ocrt start "$id"
assert_eq "0" "$RC" "start returns when the container exits without READY (stderr: $ERR)"
assert_eq "" "$(messages noready)" "no READY is invented for a container that exited"
assert_ok "delete the container that never got ready" ocrt delete "$id"
kill "$LISTENER_PID" 2>/dev/null

# run (foreground), and an abstract host socket as systemd may give.
set_args "$bundle" sh -c 'ocrt-probe notify "STATUS=starting"; ocrt-probe notify READY=1; ocrt-probe all; grep " /run/notify " /proc/self/mountinfo'
abstract="@ocrt-itest-notify-$$-$RANDOM"
start_listener run "$abstract"
id=$(new_id notifyrun)
# bash execs ocrt: $$ is ocrt's pid.
NOTIFY_SOCKET=$abstract timeout -k 5 "$ITEST_RUN_TIMEOUT" bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$ITEST_TMP/run.pid" \
    "$OCRT" --root "$STATE" run --bundle "$bundle" "$id" >"$ITEST_TMP/out" 2>"$ITEST_TMP/err" </dev/null
RC=$?
OUT=$(cat "$ITEST_TMP/out")
assert_eq "0" "$RC" "run with an abstract NOTIFY_SOCKET succeeds (stderr: $(cat "$ITEST_TMP/err"))"
# In the foreground ocrt itself is what systemd should watch (as runc does).
assert_contains "$(messages run)" "msg: READY=1|MAINPID=$(cat "$ITEST_TMP/run.pid")|" "run relays READY=1 with MAINPID = ocrt's own pid to an abstract host socket"
assert_not_contains "$(messages run)" "STATUS=" "only the READY line is relayed"
assert_eq "notify=ok" "$(printf '%s\n' "$OUT" | grep -m1 '^notify=')" "the container's sd_notify send succeeded"
notify_mount=$(printf '%s\n' "$OUT" | grep ' /run/notify ' | awk '{print $6}')
assert_match "$notify_mount" '(^|,)ro(,|$)' "/run/notify is mounted read-only (options: $notify_mount)"
for flag in nosuid nodev noexec; do
    assert_contains "$notify_mount" "$flag" "/run/notify is mounted $flag"
done
wait "$LISTENER_PID" 2>/dev/null

# run --detach: returns after READY, with MAINPID = the init (the pid file's pid).
set_args "$bundle" sh -c 'ocrt-probe notify READY=1; sleep 30'
start_listener detach
id=$(new_id notifydetach)
NOTIFY_SOCKET=$ITEST_TMP/detach.sock run_cmd ocrt run -d --pid-file "$ITEST_TMP/detach.pid" --bundle "$bundle" "$id"
assert_eq "0" "$RC" "run -d with NOTIFY_SOCKET succeeds (stderr: $ERR)"
assert_contains "$(messages detach)" "msg: READY=1|MAINPID=$(cat "$ITEST_TMP/detach.pid")|" "run -d relays READY=1 with MAINPID = the init's host pid"
ocrt kill "$id" KILL >/dev/null 2>&1
wait_status "$id" stopped
assert_ok "delete the detached notify container" ocrt delete "$id"
wait "$LISTENER_PID" 2>/dev/null

# In a user namespace the init cannot walk the 0700 state dirs: the directory comes by fd.
userns=$(make_bundle userns sh -c 'ocrt-probe notify READY=1; ocrt-probe all') || itest_die "cannot build a bundle"
chown -R 100000:100000 "$userns/rootfs"
edit_config "$userns" "
c['linux']['namespaces'].append({'type': 'user'})
c['linux']['uidMappings'] = [{'containerID': 0, 'hostID': 100000, 'size': 65536}]
c['linux']['gidMappings'] = [{'containerID': 0, 'hostID': 100000, 'size': 65536}]
"
start_listener userns
id=$(new_id notifyuserns)
NOTIFY_SOCKET=$ITEST_TMP/userns.sock run_cmd ocrt run --bundle "$userns" "$id"
assert_eq "0" "$RC" "run in a user namespace with NOTIFY_SOCKET succeeds (stderr: $ERR)"
assert_eq "notify=ok" "$(printf '%s\n' "$OUT" | grep -m1 '^notify=')" "a user-namespaced process can send to its notify socket"
assert_contains "$(messages userns)" "msg: READY=1|MAINPID=" "READY=1 from a user-namespaced container reaches the host"
wait "$LISTENER_PID" 2>/dev/null

# Without NOTIFY_SOCKET nothing of this exists in the container.
set_args "$bundle" sh -c 'ocrt-probe all; grep -c " /run/notify " /proc/self/mountinfo'
id=$(new_id nonotify)
env -u NOTIFY_SOCKET "$OCRT" --root "$STATE" run --bundle "$bundle" "$id" >"$ITEST_TMP/out" 2>&1 </dev/null
OUT=$(cat "$ITEST_TMP/out")
assert_eq "" "$(probe_value "$OUT" env.NOTIFY_SOCKET)" "without NOTIFY_SOCKET the process gets none"
assert_eq "0" "$(printf '%s\n' "$OUT" | tail -n 1)" "without NOTIFY_SOCKET nothing is mounted at /run/notify"

exec 5>&- 6>&-
itest_finish
