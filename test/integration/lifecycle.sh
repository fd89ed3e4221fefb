#!/usr/bin/env bash
# Lifecycle: create/start/state/kill/delete and their error cases.
# runtime-spec runtime.md "Lifecycle", "Operations" (Query State, Create, Start, Kill,
# Delete), "Errors"; cli-contract.md sections 1 (ids), 5, 6, 10, 11, 12.
source "$(dirname "$0")/lib.sh"
itest_init

# The process marks a host-visible bind mount when it runs, and exits on SIGTERM
# (as pid 1 of its pid namespace it has no default action for TERM).
shared=$ITEST_TMP/shared
mkdir -p "$shared"
bundle=$(make_bundle main sh -c 'trap "exit 0" TERM; touch /shared/ran; sleep 60 & wait') || itest_die "cannot build a bundle"
edit_config "$bundle" "c['mounts'].append({'destination': '/shared', 'type': 'bind', 'source': '$shared', 'options': ['rbind', 'rw']})"
mkdir -p "$bundle/rootfs/shared"
pidfile=$ITEST_TMP/main.pid
id=$(new_id life)

# --- create (runtime.md "Create"): state "created", process.args not yet run.
assert_ok "create succeeds" ocrt create --bundle "$bundle" --pid-file "$pidfile" "$id"
assert_eq "created" "$(state_field "$id" status)" "state after create is \"created\""
[ -f "$pidfile" ] || itest_die "create did not write the pid file \"$pidfile\""
pid_text=$(cat "$pidfile")
assert_match "$pid_text" '^[1-9][0-9]*$' "pid file holds a bare decimal pid"
assert_eq "0" "$(tail -c 1 "$pidfile" | tr -d '0-9' | wc -c)" "pid file has no trailing newline"
assert_eq "$pid_text" "$(state_field "$id" pid)" "state pid equals the pid file"
assert_true "container init is alive after create" pid_alive "$pid_text"
assert_eq "$bundle" "$(state_field "$id" bundle)" "state bundle is the absolute bundle path"
assert_eq "$id" "$(state_field "$id" id)" "state id"
assert_eq "$(sha256sum < "$bundle/config.json")" "$(sha256sum < "$STATE/$id/config.json" 2>/dev/null)" \
    "create keeps the config it parsed in the state dir"
sleep 0.3
if [ -e "$shared/ran" ]; then
    fail "process.args must not run before start (runtime.md Lifecycle step 2)" "\"$shared/ran\" exists before start"
else
    pass "process.args not run before start"
fi

# A second create with the same id (runtime.md "Create": id must be unique).
other_bundle=$(make_bundle other true) || itest_die "cannot build a bundle"
assert_fail "create with a taken id fails" "container with given ID already exists" \
    ocrt create --bundle "$other_bundle" "$id"
assert_eq "created" "$(state_field "$id" status)" "the original container survives the clash"

# --- start (runtime.md "Start").
assert_ok "start succeeds" ocrt start "$id"
if wait_file "$shared/ran" 5; then pass "process.args ran after start"; else fail "process.args ran after start" "\"$shared/ran\" never appeared"; fi
assert_eq "running" "$(state_field "$id" status)" "state after start is \"running\""
assert_eq "$pid_text" "$(state_field "$id" pid)" "pid unchanged by start"
assert_fail "second start fails" "" ocrt start "$id"
assert_fail "delete of a running container fails" \
    "cannot delete container $id that is not stopped: running" ocrt delete "$id"
assert_eq "running" "$(state_field "$id" status)" "refused delete left it running"

# --- kill (runtime.md "Kill"): TERM by name.
assert_ok "kill TERM succeeds" ocrt kill "$id" TERM
if wait_status "$id" stopped 10; then pass "state becomes \"stopped\" after TERM"; else
    fail "state becomes \"stopped\" after TERM" "status: $(state_field "$id" status)"
fi
assert_eq "0" "$(state_field "$id" pid)" "state pid is 0 once stopped (runc/crun, cli-contract 6)"
assert_fail "kill of a stopped container fails" "container not running" ocrt kill "$id" KILL
assert_fail "start of a stopped container fails" "cannot start a container that has stopped" ocrt start "$id"

# --- delete (runtime.md "Delete").
assert_ok "delete of a stopped container" ocrt delete "$id"
assert_fail "state after delete: does not exist" "container does not exist" ocrt state "$id"
[ -e "$STATE/$id" ] && fail "delete removes the state dir" "\"$STATE/$id\" still exists" || pass "delete removes the state dir"
assert_fail "delete of a missing container fails" "container does not exist" ocrt delete "$id"
assert_ok "delete --force of a missing container exits 0 (cli-contract 11)" ocrt delete --force "$id"
assert_fail "kill of a missing container fails" "container does not exist" ocrt kill "$id"
assert_fail "start of a missing container fails" "container does not exist" ocrt start "$id"
assert_fail "state of an unknown id fails" "container does not exist" ocrt state "itest-never-created-$$"

# --- ids (cli-contract 1.9).
for bad in ".." "a/b" "."; do
    assert_fail "create with id \"$bad\" is rejected" "invalid container ID format" \
        ocrt create --bundle "$other_bundle" "$bad"
done
assert_fail "state without an id fails" "" ocrt state
[ -e "$ITEST_TMP/a" ] && fail "invalid id \"a/b\" created nothing" "\"$ITEST_TMP/a\" exists" || pass "invalid id \"a/b\" created nothing"

# --- a created container can be killed (runtime-tools; containerd kills created tasks).
killable=$(make_bundle killable sleep 60) || itest_die "cannot build a bundle"
kid=$(new_id killc)
assert_ok "create (to kill)" ocrt create --bundle "$killable" --pid-file "$ITEST_TMP/k.pid" "$kid"
kpid=$(cat "$ITEST_TMP/k.pid" 2>/dev/null)
assert_ok "kill of a created container (signal by number)" ocrt kill "$kid" 9
if wait_status "$kid" stopped 10; then pass "killed created container is \"stopped\""; else
    fail "killed created container is \"stopped\"" "status: $(state_field "$kid" status)"
fi
assert_ok "delete the killed container" ocrt delete "$kid"
[ -n "$kpid" ] && ! pid_alive "$kpid" && pass "its init is gone" || fail "its init is gone" "pid $kpid"

# --- delete of a created container kills and destroys it (runc behaviour, cli-contract 11).
did=$(new_id delc)
assert_ok "create (to delete)" ocrt create --bundle "$killable" --pid-file "$ITEST_TMP/d.pid" "$did"
dpid=$(cat "$ITEST_TMP/d.pid" 2>/dev/null)
assert_ok "delete of a created container" ocrt delete "$did"
assert_fail "deleted created container does not exist" "container does not exist" ocrt state "$did"
gone=no
for _ in $(seq 1 40); do
    pid_alive "$dpid" || { gone=yes; break; }
    sleep 0.05
done
assert_eq "yes" "$gone" "delete of a created container ends its init (pid $dpid)"

# --- delete --force of a running container.
fid=$(new_id force)
assert_ok "create (to force-delete)" ocrt create --bundle "$killable" --pid-file "$ITEST_TMP/f.pid" "$fid"
fpid=$(cat "$ITEST_TMP/f.pid" 2>/dev/null)
assert_ok "start (to force-delete)" ocrt start "$fid"
assert_ok "delete --force of a running container" ocrt delete --force "$fid"
assert_fail "force-deleted container does not exist" "container does not exist" ocrt state "$fid"
gone=no
for _ in $(seq 1 40); do
    pid_alive "$fpid" || { gone=yes; break; }
    sleep 0.05
done
assert_eq "yes" "$gone" "delete --force ends the init (pid $fpid)"

itest_finish
