#!/usr/bin/env bash
# `ocrt exec`: a process added to a running container joins every namespace of the
# init, gets the container's confinement (or what the flags / --process ask for),
# and ocrt's exit status is the process's. cli-contract.md section 13 (exec) and 4
# (exit codes); runtime-spec runtime.md "Lifecycle"; security.md P2 (fds), P3 (cwd),
# P9 (exec --cap never touches inheritable/ambient).
source "$(dirname "$0")/lib.sh"
itest_init
require_probe

# A long-running busybox container without noNewPrivileges, so both values can be seen.
bundle=$(make_bundle main ocrt-probe sleep 600) || itest_die "cannot build a bundle"
edit_config "$bundle" "
c['process']['noNewPrivileges'] = False
c['process']['rlimits'] = [{'type': 'RLIMIT_NOFILE', 'hard': 1000, 'soft': 900}]
c['linux']['namespaces'].append({'type': 'cgroup'})
"
id=$(new_id main)
run_cmd ocrt run -d --bundle "$bundle" "$id"
[ "$RC" -eq 0 ] || itest_die "run -d of the target container failed (exit $RC): $ERR"
init_pid=$(state_field "$id" pid)
[ -n "$init_pid" ] && [ "$init_pid" -gt 0 ] || itest_die "no init pid for \"$id\""

# ns_inode PID TYPE: the inode of /proc/PID/ns/TYPE as the host sees it.
ns_inode() { readlink "/proc/$1/ns/$2" | sed 's/.*\[\([0-9]*\)\]/\1/'; }

# --- namespaces and the default confinement (the config's process)
run_cmd ocrt exec "$id" ocrt-probe all
assert_eq "0" "$RC" "exec ocrt-probe all exits 0 (stderr: $ERR)"
probe=$OUT
value() { probe_value "$probe" "$1"; }
for ns in mnt pid net ipc uts cgroup user time; do
    [ -e "/proc/self/ns/$ns" ] || continue
    assert_eq "$(ns_inode "$init_pid" "$ns")" "$(value "ns.$ns")" "exec process is in the init's $ns namespace"
done
assert_ne "$(ns_inode $$ mnt)" "$(value ns.mnt)" "exec process is not in the host mount namespace"
assert_ne "1" "$(value pid)" "exec process is not pid 1 of the container"
assert_eq "itest" "$(value hostname)" "exec process sees the container's hostname"
assert_eq "0000000020000420" "$(value CapEff)" "CapEff is the config's set"
assert_eq "0000000020000420" "$(value CapBnd)" "CapBnd is the config's set"
assert_eq "0000000000000000" "$(value CapInh)" "CapInh is empty"
assert_eq "0" "$(value NoNewPrivs)" "NoNewPrivs follows the config (false)"
assert_eq "900/1000" "$(value rlimit.NOFILE)" "RLIMIT_NOFILE from process.rlimits"
assert_eq "0,1,2" "$(value fds)" "only fds 0-2 reach the exec process"
assert_eq "/" "$(value cwd)" "cwd is the config's"
assert_eq "/usr/sbin:/usr/bin:/sbin:/bin" "$(value env.PATH)" "env is the config's"

# Session keyring: one named "_ses.<id>", never the caller's. (The init's keyring is
# not searchable by name, so each exec gets its own keyring of that name.)
host_keyring=$("$OCRT_PROBE" all | sed -n 's/^keyring.session=//p')
assert_match "$(value keyring.session)" '^[0-9]+$' "exec process has a session keyring"
assert_ne "$host_keyring" "$(value keyring.session)" "exec process does not keep the caller's session keyring"

# --- the process flags
run_cmd ocrt exec --cap CAP_SYS_ADMIN -c CAP_NET_RAW "$id" ocrt-probe all
probe=$OUT
# CAP_NET_RAW (13) + CAP_SYS_ADMIN (21) on top of 0x20000420
assert_eq "0000000020202420" "$(value CapEff)" "--cap adds to CapEff (stderr: $ERR)"
assert_eq "0000000020202420" "$(value CapPrm)" "--cap adds to CapPrm"
assert_eq "0000000020202420" "$(value CapBnd)" "--cap adds to CapBnd"
assert_eq "0000000000000000" "$(value CapInh)" "--cap never adds to CapInh (CVE-2022-29162)"
assert_eq "0000000000000000" "$(value CapAmb)" "--cap never adds to CapAmb"
assert_fail "--cap of an unknown capability fails" 'unknown capability "CAP_BOGUS"' ocrt exec --cap CAP_BOGUS "$id" true
assert_eq "255" "$RC" "an exec setup failure exits 255"

run_cmd ocrt exec --no-new-privs "$id" ocrt-probe all
assert_eq "1" "$(probe_value "$OUT" NoNewPrivs)" "--no-new-privs sets NoNewPrivs (stderr: $ERR)"

run_cmd ocrt exec --user 1000:1001 -g 5 --additional-gids 6 "$id" ocrt-probe all
probe=$OUT
assert_eq "1000" "$(value uid)" "--user sets the uid (stderr: $ERR)"
assert_eq "1001" "$(value gid)" "--user sets the gid"
assert_eq "5,6" "$(value groups)" "--additional-gids sets the groups"
assert_eq "0000000000000000" "$(value CapEff)" "a non-root --user has no effective capabilities"
run_cmd ocrt exec -u 7 "$id" ocrt-probe all
assert_eq "7:0" "$(probe_value "$OUT" uid):$(probe_value "$OUT" gid)" "--user uid alone keeps the config's gid (stderr: $ERR)"
assert_fail "--user with a name fails" 'not a decimal number' ocrt exec --user nobody "$id" true

run_cmd ocrt exec --cwd /tmp -e FOO=bar --env BAZ=qux "$id" ocrt-probe all
probe=$OUT
assert_eq "/tmp" "$(value cwd)" "--cwd sets the cwd (stderr: $ERR)"
assert_eq "bar" "$(value env.FOO)" "--env adds FOO"
assert_eq "qux" "$(value env.BAZ)" "--env is repeatable"
assert_eq "/usr/sbin:/usr/bin:/sbin:/bin" "$(value env.PATH)" "--env keeps the config's env"
run_cmd ocrt exec -e PATH=/bin "$id" ocrt-probe env
assert_eq "env.PATH=/bin" "$(grep '^env.PATH=' <<<"$OUT")" "--env PATH=... replaces the config's PATH (one entry)"

assert_fail "--cwd of a missing directory fails" "process.cwd" ocrt exec --cwd /no/such/dir "$id" true

# stdio: the process reads and writes ocrt's own fds 0-2.
echo "from-stdin" >"$ITEST_TMP/stdin"
"$OCRT" --root "$STATE" exec "$id" sh -c 'cat; echo to-stderr >&2' <"$ITEST_TMP/stdin" >"$ITEST_TMP/io.out" 2>"$ITEST_TMP/io.err"
assert_eq "from-stdin" "$(cat "$ITEST_TMP/io.out")" "exec process reads ocrt's stdin and writes its stdout"
assert_eq "to-stderr" "$(cat "$ITEST_TMP/io.err")" "exec process writes ocrt's stderr"

# Arguments after the command belong to it, even when they look like flags.
run_cmd ocrt exec "$id" sh -c 'echo "$0 $1"' -d --tty
assert_eq "-d --tty" "$OUT" "flags after the command are its arguments (stderr: $ERR)"

# P3: a cwd that resolves outside the container fails before execve. fd 7 is a host
# directory leaked into ocrt; inside the container it is /proc/self/fd/7.
rm -f "$bundle/rootfs/escaped"
"$OCRT" --root "$STATE" exec --cwd /proc/self/fd/7 "$id" sh -c 'touch escaped; touch /escaped' \
    7<"$bundle" >"$ITEST_TMP/cwd.out" 2>"$ITEST_TMP/cwd.err" </dev/null
rc=$?
assert_eq "255" "$rc" "exec --cwd /proc/self/fd/7 (a host dir) fails"
assert_contains "$(cat "$ITEST_TMP/cwd.err")" "outside the container root" "the cwd error names the breakout"
assert_true "nothing ran: no file in the host dir" test ! -e "$bundle/escaped"
assert_true "nothing ran: no file in the container root" test ! -e "$bundle/rootfs/escaped"

# P2: leaked fds do not reach the process; --preserve-fds passes exactly 3..3+N-1.
"$OCRT" --root "$STATE" exec "$id" ocrt-probe all 7<"$bundle" 9>"$ITEST_TMP/leak" >"$ITEST_TMP/fds.out" 2>&1 </dev/null
assert_eq "0,1,2" "$(sed -n 's/^fds=//p' "$ITEST_TMP/fds.out")" "leaked fds 7 and 9 do not reach the exec process"
"$OCRT" --root "$STATE" exec --preserve-fds 1 "$id" ocrt-probe all 3<"$bundle/config.json" 7<"$bundle" \
    >"$ITEST_TMP/fds.out" 2>&1 </dev/null
assert_eq "0,1,2,3" "$(sed -n 's/^fds=//p' "$ITEST_TMP/fds.out")" "--preserve-fds 1 passes fd 3 and nothing else"
assert_fail "--preserve-fds of a closed fd fails" "unable to stat preserved-fd" ocrt exec --preserve-fds 4 "$id" true
# The caller left fd 3 closed: ocrt's own fds (its state dir, its lock) would land
# there and must not be handed to the container as a "preserved" fd (P2).
assert_fail "--preserve-fds 1 with fd 3 not passed fails instead of leaking ocrt's own fd" \
    "unable to stat preserved-fd 0 (of 1)" ocrt exec --preserve-fds 1 "$id" true

# --- exit status
run_cmd ocrt exec "$id" ocrt-probe exit 0
assert_eq "0" "$RC" "exit status 0 is ocrt's (stderr: $ERR)"
run_cmd ocrt exec "$id" ocrt-probe exit 3
assert_eq "3" "$RC" "exit status 3 is ocrt's"
run_cmd ocrt exec "$id" sh -c 'kill -KILL $$'
assert_eq "137" "$RC" "a process killed by SIGKILL gives 128+9"
assert_fail "a missing executable fails" 'executable file not found in $PATH' ocrt exec "$id" nope
assert_eq "255" "$RC" "a missing executable exits 255"
assert_contains "$ERR" "exec failed:" "setup failures say \"exec failed\""

# Signals to ocrt are forwarded: SIGTERM ends the process, ocrt exits 128+15.
"$OCRT" --root "$STATE" exec "$id" ocrt-probe sleep 60 >"$ITEST_TMP/sig.out" 2>"$ITEST_TMP/sig.err" </dev/null &
exec_pid=$!
remember_pid "$exec_pid"
for _ in $(seq 1 100); do
    [ -n "$(pgrep -P "$exec_pid" 2>/dev/null)" ] && break
    sleep 0.05
done
sleep 0.2
kill -TERM "$exec_pid"
for _ in $(seq 1 100); do kill -0 "$exec_pid" 2>/dev/null || break; sleep 0.05; done
if kill -0 "$exec_pid" 2>/dev/null; then
    fail "exec returns after SIGTERM" "ocrt exec (pid $exec_pid) still alive after 5 s"
else
    wait "$exec_pid"
    assert_eq "143" "$?" "SIGTERM to ocrt exec reaches the process: exit 128+15 ($(cat "$ITEST_TMP/sig.err"))"
fi

# --- detached, with a pid file
pid_file=$ITEST_TMP/exec.pid
echo -n "" >"$pid_file"  # CRI-O pre-creates it empty
run_cmd ocrt exec -d --pid-file "$pid_file" "$id" ocrt-probe sleep 60
assert_eq "0" "$RC" "exec -d exits 0 (stderr: $ERR)"
exec_pid=$(cat "$pid_file" 2>/dev/null)
assert_match "$exec_pid" '^[0-9]+$' "the pid file holds bare decimal digits (no newline)"
if [[ "$exec_pid" =~ ^[0-9]+$ ]]; then
    remember_pid "$exec_pid"
    assert_true "the detached process runs" pid_alive "$exec_pid"
    assert_eq "$(ns_inode "$init_pid" pid)" "$(ns_inode "$exec_pid" pid)" "the detached process is in the init's pid namespace"
    assert_eq "ocrt-probe" "$(cat "/proc/$exec_pid/comm" 2>/dev/null)" "the pid file names the exec'd process itself"
    kill -KILL "$exec_pid"
fi

# --- exec into a created container works; --no-new-keyring at create carries over to exec
created=$(new_id created)
assert_ok "create a second container" ocrt create --no-new-keyring --bundle "$bundle" "$created"
run_cmd ocrt exec "$created" ocrt-probe all
assert_eq "$host_keyring" "$(probe_value "$OUT" keyring.session)" "create --no-new-keyring: exec keeps the caller's keyring (stderr: $ERR)"
run_cmd ocrt exec "$created" ocrt-probe exit 4
assert_eq "4" "$RC" "exec into a created container runs (stderr: $ERR)"
assert_eq "created" "$(state_field "$created" status)" "exec leaves the created container created"
assert_ok "delete the created container" ocrt delete --force "$created"

# --- --process FILE
cat >"$ITEST_TMP/process.json" <<'JSON'
{"args": ["ocrt-probe", "all"], "cwd": "/dev", "env": ["PATH=/bin", "FROM=file"],
 "user": {"uid": 2, "gid": 3, "additionalGids": [4]}, "noNewPrivileges": true,
 "capabilities": {"bounding": ["CAP_KILL"], "effective": ["CAP_KILL"], "permitted": ["CAP_KILL"]}}
JSON
run_cmd ocrt exec --process "$ITEST_TMP/process.json" --env IGNORED=1 --cwd /tmp "$id"
probe=$OUT
assert_eq "0" "$RC" "exec --process exits 0 (stderr: $ERR)"
assert_eq "2:3:4" "$(value uid):$(value gid):$(value groups)" "--process sets the user"
assert_eq "/dev" "$(value cwd)" "--process sets the cwd (the --cwd flag is ignored)"
assert_eq "file" "$(value env.FROM)" "--process sets the env"
assert_eq "" "$(value env.IGNORED)" "--env is ignored with --process"
assert_eq "0000000000000020" "$(value CapBnd)" "--process sets the capabilities"
assert_eq "1" "$(value NoNewPrivs)" "--process sets noNewPrivileges"

echo '{"args": "ocrt-probe", "cwd": "/"}' >"$ITEST_TMP/bad.json"
assert_fail "a bad --process JSON fails naming the field" "/args" ocrt exec --process "$ITEST_TMP/bad.json" "$id"
assert_contains "$ERR" "bad.json" "the error names the process file"
echo '{"args": ["true"], "cwd": "relative"}' >"$ITEST_TMP/bad.json"
assert_fail "a relative cwd in --process fails" "/cwd" ocrt exec --process "$ITEST_TMP/bad.json" "$id"
run_cmd ocrt exec -t "$id" sh -c 'exit 4'
assert_eq "4" "$RC" "exec --tty keeps the process's exit code (terminal.sh covers the pty) (stderr: $ERR)"
echo '{"args": ["true"], "cwd": "/", "terminal": true}' >"$ITEST_TMP/tty.json"
assert_fail "a detached terminal without --console-socket is refused (runc's wording)" \
    "cannot allocate tty if ocrt will detach without setting console socket" ocrt exec -d -p "$ITEST_TMP/tty.json" "$id"
assert_fail "--console-socket without --tty is refused" "cannot use console socket" ocrt exec -d --console-socket /nonexistent "$id" true

# --- a user namespace: exec joins it first, then the rest
userns=$(make_bundle userns ocrt-probe sleep 600) || itest_die "cannot build a bundle"
chown -R 100000:100000 "$userns/rootfs"
edit_config "$userns" "
c['linux']['namespaces'].append({'type': 'user'})
c['linux']['uidMappings'] = [{'containerID': 0, 'hostID': 100000, 'size': 65536}]
c['linux']['gidMappings'] = [{'containerID': 0, 'hostID': 100000, 'size': 65536}]
"
[ -e /proc/self/ns/time ] && edit_config "$userns" "
c['linux']['namespaces'].append({'type': 'time'})
c['linux']['timeOffsets'] = {'monotonic': {'secs': 864000, 'nanosecs': 0}}
"
uid=$(new_id userns)
run_cmd ocrt run -d --bundle "$userns" "$uid"
if [ "$RC" -ne 0 ]; then
    fail "run -d of a user-namespaced container" "exit $RC" "stderr: $ERR"
else
    userns_init=$(state_field "$uid" pid)
    run_cmd ocrt exec --user 5 "$uid" ocrt-probe all
    probe=$OUT
    assert_eq "0" "$RC" "exec into a user-namespaced container (stderr: $ERR)"
    for ns in user mnt pid time; do
        [ -e "/proc/self/ns/$ns" ] || continue
        assert_eq "$(ns_inode "$userns_init" "$ns")" "$(value "ns.$ns")" "userns container: exec joins the $ns namespace"
    done
    assert_eq "5" "$(value uid)" "userns container: uid 5 inside"
    host_uid=$(awk '/^Uid:/ {print $2}' /proc/"$(pgrep -n -f 'ocrt-probe sleep 600' -u 100000 2>/dev/null || echo self)"/status 2>/dev/null)
    assert_eq "100000" "$host_uid" "userns container: its init runs as host uid 100000"
    assert_ok "delete the user-namespaced container" ocrt delete --force "$uid"
fi

# --- a stopped container: runc's wording, and nothing left behind
stopped=$(new_id stopped)
set_args "$bundle" true
run_cmd ocrt run -d --bundle "$bundle" "$stopped"
wait_status "$stopped" stopped 10 || fail "the short container stops" "status: $(state_field "$stopped" status)"
before=$(ls -A "$STATE/$stopped" | tr '\n' ' ')
rm -f "$ITEST_TMP/stopped.pid"
assert_fail "exec into a stopped container fails" "cannot exec in a stopped container" \
    ocrt exec -d --pid-file "$ITEST_TMP/stopped.pid" "$stopped" ocrt-probe sleep 60
assert_eq "255" "$RC" "exec into a stopped container exits 255"
assert_true "no pid file is written" test ! -e "$ITEST_TMP/stopped.pid"
assert_eq "$before" "$(ls -A "$STATE/$stopped" | tr '\n' ' ')" "the stopped container's state dir is unchanged"
assert_eq "" "$(pgrep -f 'ocrt-probe sleep 60' 2>/dev/null | while read -r p; do [ "$(readlink /proc/$p/root)" != / ] && echo "$p"; done)" \
    "no exec process is left running"
assert_fail "exec into a missing container fails" "container does not exist" ocrt exec nope-$$ true
assert_eq "255" "$RC" "exec into a missing container exits 255"
assert_fail "exec without a command fails" "" ocrt exec "$id"

assert_ok "delete the target container" ocrt delete --force "$id"
itest_finish
