#!/usr/bin/env bash
# process.terminal (runtime-spec config.md "Process": terminal, consoleSize) and the
# console socket protocol (cli-contract.md section 8), security.md P8 (/dev/console
# is the verified devpts peer, 136:n, the same device as fds 0-2).
#  - create --console-socket: contrib's ocrt-console-receiver gets the master,
#    types a line, and reads the echo and the container's answers back;
#  - the runc wording for a terminal without a socket and a socket without a
#    terminal, and nothing left behind;
#  - run without a socket: ocrt proxies the pty to its own terminal (a python pty
#    here), follows window size changes, keeps the container's exit code.
source "$(dirname "$0")/lib.sh"
itest_init
require_command python3
RECEIVER=${OCRT_CONSOLE_RECEIVER:-$ITEST_SOURCE_TOP/build/contrib/console-receiver/ocrt-console-receiver}
[ -x "$RECEIVER" ] || itest_skip "ocrt-console-receiver not built at \"$RECEIVER\""

# What the container reports about its terminal, one "key value" per line.
report='read line; echo "got:$line"; stty size;
stat -c "console %F %t:%T" /dev/console; stat -f -c "consolefs %t" /dev/console;
for f in 0 1 2; do stat -L -c "fd$f %t:%T" /proc/self/fd/$f; done; echo "tty $(tty)";
echo "ctty $(cut -d" " -f7 /proc/self/stat)"'

bundle=$(make_bundle main sh -c "$report; exit 7") || itest_die "cannot build a bundle"
edit_config "$bundle" 'c["process"]["terminal"] = True; c["process"]["consoleSize"] = {"height": 33, "width": 111}'

# ---------------------------------------------------------------- console socket round trip
sock=$ITEST_TMP/console.sock
"$RECEIVER" --timeout 20 --input $'hello-typed\n' "$sock" >"$ITEST_TMP/recv.out" 2>"$ITEST_TMP/recv.err" </dev/null &
receiver=$!
remember_pid "$receiver"
wait_file "$sock" || itest_die "the receiver did not listen on \"$sock\""

id=$(new_id socket)
assert_ok "create with a terminal and --console-socket" ocrt create --bundle "$bundle" --console-socket "$sock" "$id"
assert_eq "created" "$(state_field "$id" status)" "the container is created once the master was sent"
assert_ok "start" ocrt start "$id"
wait "$receiver"
receiver_rc=$?
out=$(tr -d '\r' <"$ITEST_TMP/recv.out")
assert_eq "0" "$receiver_rc" "the receiver got a pty master and saw every slave close (stderr: $(cat "$ITEST_TMP/recv.err"))"
assert_contains "$(cat "$ITEST_TMP/recv.err")" "got /dev/ptmx" "the message payload is the master's name"
assert_match "$out" $'(^|\n)hello-typed\n' "the typed line is echoed by the pty"
assert_contains "$out" "got:hello-typed" "the process read the typed line from its terminal"
assert_match "$out" $'(^|\n)33 111\n' "stty size inside shows process.consoleSize (33 rows, 111 columns)"
console=$(sed -n 's/^console character special file \([0-9a-f]*:[0-9a-f]*\)$/\1/p' <<<"$out")
assert_match "$console" '^88:[0-9a-f]+$' "/dev/console is a char device with the pty slave major 136 (0x88)"
assert_contains "$out" "consolefs 1cd1" "/dev/console lives on devpts (magic 0x1cd1)"
for f in 0 1 2; do
    assert_contains "$out" "fd$f $console" "fd $f is the same pty as /dev/console ($console)"
done
assert_match "$out" $'(^|\n)tty /dev/pts/[0-9]+' "tty names the pty as the process's terminal"
# /proc/<pid>/stat field 7 (tty_nr) is the controlling terminal: major << 8 | minor.
assert_contains "$out" "ctty $((0x88 * 256 + 0x${console#*:}))" "the pty is the controlling terminal of the process"
wait_status "$id" stopped || fail "the container stops after its process exits" "status: $(state_field "$id" status)"
assert_ok "delete the stopped container" ocrt delete "$id"

# ---------------------------------------------------------------- refusals (runc wording)
id=$(new_id nosock)
assert_fail "create with a terminal but no console socket fails" \
    "cannot allocate tty if ocrt will detach without setting console socket" ocrt create --bundle "$bundle" "$id"
assert_fail "... and leaves no container" "container does not exist" ocrt state "$id"
assert_eq "" "$(ls -A "$STATE" 2>/dev/null)" "... and no state dir"

id=$(new_id detached)
assert_fail "run -d with a terminal but no console socket fails" \
    "cannot allocate tty if ocrt will detach without setting console socket" ocrt run -d --bundle "$bundle" "$id"
assert_fail "... and leaves no container" "container does not exist" ocrt state "$id"

id=$(new_id fgsock)
assert_fail "run in the foreground with a console socket fails" \
    "cannot use console socket if ocrt will not detach or allocate tty" \
    ocrt run --bundle "$bundle" --console-socket "$sock" "$id"

plain=$(make_bundle plain true) || itest_die "cannot build a bundle"
id=$(new_id noterm)
assert_fail "a console socket without process.terminal fails" \
    "cannot use console socket if ocrt will not detach or allocate tty" \
    ocrt create --bundle "$plain" --console-socket "$sock" "$id"

id=$(new_id nolistener)
assert_fail "a console socket nobody listens on fails create" "console socket" \
    ocrt create --bundle "$bundle" --console-socket "$ITEST_TMP/nobody.sock" "$id"
assert_fail "... and leaves no container" "container does not exist" ocrt state "$id"
assert_eq "" "$(processes_under "$ITEST_TMP")" "... and no process"

# ---------------------------------------------------------------- run proxies the pty
cat >"$ITEST_TMP/ptyrun.py" <<'PY'
# Runs argv on a new pty of size 20x70 as its controlling terminal; waits for the
# first "20 70" line, resizes to 25x90, types "go", collects everything.
import fcntl, os, pty, struct, sys, termios, time
def set_size(fd, rows, cols):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
set_size(fd, 20, 70)
out, resized, deadline = b"", False, time.time() + 15
while time.time() < deadline:
    try:
        data = os.read(fd, 4096)
    except OSError:
        break
    if not data:
        break
    out += data
    if not resized and b"20 70" in out:
        set_size(fd, 25, 90)
        time.sleep(0.3)
        os.write(fd, b"go\n")
        resized = True
_, status = os.waitpid(pid, 0)
# tcgetattr on the master reads the slave's settings: ocrt must have left it cooked.
lflag = termios.tcgetattr(fd)[3]
cooked = (lflag & termios.ECHO) and (lflag & termios.ICANON)
sys.stdout.write(out.decode(errors="replace").replace("\r", ""))
sys.stdout.write("terminal %s\n" % ("restored" if cooked else "left raw"))
sys.stdout.write("exit %d\n" % os.waitstatus_to_exitcode(status))
PY
proxied=$(make_bundle proxied sh -c 'stty size; read x; echo "read:$x"; stty size; tty; exit 5') ||
    itest_die "cannot build a bundle"
edit_config "$proxied" 'c["process"]["terminal"] = True; c["process"]["consoleSize"] = {"height": 33, "width": 111}'
id=$(new_id proxy)
run_cmd python3 "$ITEST_TMP/ptyrun.py" "$OCRT" --root "$STATE" run --bundle "$proxied" "$id"
assert_contains "$OUT" "exit 5" "run with a terminal exits with the container's code 5 (stderr: $ERR)"
assert_match "$OUT" $'(^|\n)20 70\n' "the pty takes the size of ocrt's own terminal"
assert_contains "$OUT" "read:go" "input typed on ocrt's terminal reaches the process"
assert_match "$OUT" $'(^|\n)25 90\n' "a resize of ocrt's terminal (SIGWINCH) reaches the pty"
assert_match "$OUT" $'(^|\n)/dev/pts/[0-9]+\n' "the process has the pty as its terminal"
assert_contains "$OUT" "terminal restored" "ocrt restores its terminal (echo, canonical mode) on exit"
assert_fail "run removed the container" "container does not exist" ocrt state "$id"

# A user namespace and a non-root user: the pty still comes from the container's
# devpts and the process can use it (what rootless Podman asks for).
if [ -e /proc/self/ns/user ]; then
    userns=$(make_bundle userns sh -c 'stty size; read x; echo "read:$x"; stty size; echo "uid $(id -u)"; exit 5') ||
        itest_die "cannot build a bundle"
    chown -R 100000:100000 "$userns/rootfs"
    edit_config "$userns" "
c['process']['terminal'] = True
c['process']['user'] = {'uid': 1000, 'gid': 1000}
c['linux']['namespaces'].append({'type': 'user'})
c['linux']['uidMappings'] = [{'containerID': 0, 'hostID': 100000, 'size': 65536}]
c['linux']['gidMappings'] = [{'containerID': 0, 'hostID': 100000, 'size': 65536}]
"
    id=$(new_id userns)
    run_cmd python3 "$ITEST_TMP/ptyrun.py" "$OCRT" --root "$STATE" run --bundle "$userns" "$id"
    assert_contains "$OUT" "exit 5" "user namespace + uid 1000: run with a terminal keeps the exit code (stderr: $ERR)"
    assert_contains "$OUT" "read:go" "user namespace + uid 1000: input reaches the process through the pty"
    assert_contains "$OUT" "uid 1000" "user namespace + uid 1000: the process runs as uid 1000"
fi

# ---------------------------------------------------------------- exec with a terminal
running=$(make_bundle running sleep 60) || itest_die "cannot build a bundle"
id=$(new_id exec)
assert_ok "run -d a container without a terminal" ocrt run -d --bundle "$running" "$id"
python3 - "$ITEST_TMP/tty.json" "$report" <<'PY'
import json, sys
json.dump({"args": ["sh", "-c", sys.argv[2] + "; exit 6"], "cwd": "/", "terminal": True,
           "consoleSize": {"height": 44, "width": 122}, "env": ["PATH=/bin:/usr/bin"]}, open(sys.argv[1], "w"))
PY
"$RECEIVER" --timeout 20 --input $'exec-typed\n' "$sock" >"$ITEST_TMP/recv.out" 2>"$ITEST_TMP/recv.err" </dev/null &
receiver=$!
remember_pid "$receiver"
wait_file "$sock" || itest_die "the receiver did not listen on \"$sock\""
assert_ok "exec -d -p (terminal) --console-socket" ocrt exec -d -p "$ITEST_TMP/tty.json" --console-socket "$sock" "$id"
wait "$receiver"
receiver_rc=$?
out=$(tr -d '\r' <"$ITEST_TMP/recv.out")
assert_eq "0" "$receiver_rc" "the receiver got the exec process's pty master (stderr: $(cat "$ITEST_TMP/recv.err"))"
assert_contains "$out" "got:exec-typed" "the exec'd process read the typed line from its terminal"
assert_match "$out" $'(^|\n)44 122\n' "stty size shows the exec process's consoleSize"
exec_pty=$(sed -n 's/^fd0 \([0-9a-f]*:[0-9a-f]*\)$/\1/p' <<<"$out")
assert_match "$exec_pty" '^88:[0-9a-f]+$' "the exec process's fd 0 is a pty slave (136:n)"
assert_contains "$out" "ctty $((0x88 * 256 + 0x${exec_pty#*:}))" "that pty is its controlling terminal"

run_cmd python3 "$ITEST_TMP/ptyrun.py" "$OCRT" --root "$STATE" exec -t "$id" \
    sh -c 'stty size; read x; echo "read:$x"; stty size; exit 9'
assert_contains "$OUT" "exit 9" "exec -t exits with the process's code 9 (stderr: $ERR)"
assert_match "$OUT" $'(^|\n)20 70\n' "exec -t: the pty takes the size of ocrt's terminal"
assert_contains "$OUT" "read:go" "exec -t: input typed on ocrt's terminal reaches the process"
assert_match "$OUT" $'(^|\n)25 90\n' "exec -t: a resize of ocrt's terminal reaches the pty"
assert_contains "$OUT" "terminal restored" "exec -t restores ocrt's terminal on exit"
assert_ok "delete --force the exec container" ocrt delete --force "$id"

itest_finish
