#!/usr/bin/env bash
# OCI hooks: config.md "POSIX-platform Hooks" (each phase's moment and namespace,
# path/args/env, state on stdin, timeout) and runtime.md "Lifecycle" steps 3-13
# (failure of each phase). Every hook is /bin/sh running rec.sh, which records what
# it got (stdin, argv, environ, namespaces, what it can see) into a record dir.
source "$(dirname "$0")/lib.sh"
itest_init

# Everything hooks touch lives in $hk, bind-mounted at the same path in the
# container, so one path works before pivot_root (runtime mount tree) and after it.
hk=$ITEST_TMP/hk
only_host=$ITEST_TMP/only-host # not mounted into the container
mkdir -p "$hk" || itest_die "cannot create \"$hk\""
: >"$only_host"
hook_path=/bin/sh
hook_env_path="PATH=/usr/sbin:/usr/bin:/sbin:/bin"

cat >"$hk/rec.sh" <<EOF
# rec.sh PHASE ACTION RECORD_DIR CHECK_DIR: records this hook's view, then
# ACTION: ok | fail (exit 7 with a message) | sleep (exec sleep 30, pid recorded).
phase=\$1 action=\$2 d=\$3 check=\$4
cat >"\$d/\$phase.json"
cat /proc/\$\$/cmdline >"\$d/\$phase.argv" 2>/dev/null
cat /proc/\$\$/environ >"\$d/\$phase.env" 2>/dev/null
for n in mnt pid net uts ipc user; do readlink /proc/self/ns/\$n; done >"\$d/\$phase.ns"
if [ -e "$only_host" ]; then echo yes; else echo no; fi >"\$d/\$phase.host"
if [ -e "\$d/userran" ]; then echo yes; else echo no; fi >"\$d/\$phase.userran"
if [ -d "\$check" ]; then echo yes; else echo no; fi >"\$d/\$phase.statedir"
echo "\$phase" >>"\$d/order"
case "\$action" in
fail) echo "hook \$phase refuses" >&2; exit 7 ;;
sleep) echo \$\$ >"\$d/\$phase.sleeper"; exec sleep 30 ;;
esac
exit 0
EOF

# hooked_bundle NAME ID SPEC...: a bundle whose process marks <record dir>/userran and
# then waits for TERM; SPEC is PHASE[:ACTION[:TIMEOUT]] for each hook. Prints the
# bundle path; the record dir is $hk/NAME.
hooked_bundle() {
    local name=$1 id=$2
    shift 2
    local rec=$hk/$name bundle
    mkdir -p "$rec" || itest_die "cannot create \"$rec\""
    bundle=$(make_bundle "$name" sh -c "touch $rec/userran; trap 'exit 0' TERM; sleep 60 & wait") ||
        itest_die "cannot build a bundle"
    python3 - "$bundle/config.json" "$hk" "$rec" "$STATE/$id" "$hook_path" "$hook_env_path" "$@" <<'PY' ||
import json, sys
path, hk, rec, check, hook_path, env_path, specs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6], sys.argv[7:]
with open(path) as f:
    c = json.load(f)
c["mounts"].append({"destination": hk, "type": "bind", "source": hk, "options": ["rbind", "rw"]})
c["annotations"] = {"org.ocrt.itest": "hooks"}
c["hooks"] = {}
for spec in specs:
    parts = spec.split(":")
    phase, action, timeout = (parts + ["ok", ""][len(parts) - 1:])[:3]
    # startContainer's /bin/sh is the container's busybox: argv[0] must name the applet.
    argv0 = "sh" if phase == "startContainer" else "rec-" + phase
    hook = {"path": hook_path, "args": [argv0, hk + "/rec.sh", phase, action, rec, check],
            "env": [env_path, "HOOK_NOTE=" + phase + " with spaces"]}
    if timeout:
        hook["timeout"] = int(timeout)
    c["hooks"].setdefault(phase, []).append(hook)
with open(path, "w") as f:
    json.dump(c, f, indent=2)
PY
        itest_die "could not add hooks to \"$bundle\""
    echo "$bundle"
}

ns_of() { # ns_of PID: its mnt pid net uts ipc user namespaces, one a line
    local n
    for n in mnt pid net uts ipc user; do readlink "/proc/$1/ns/$n"; done
}

field_of() { # field_of FILE FIELD: a top-level field of a recorded state
    json_field "$2" <"$1" 2>/dev/null
}

annotation_of() {
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("annotations", {}).get("org.ocrt.itest", ""))' "$1" 2>/dev/null
}

host_ns=$(ns_of $$)
all_phases=(prestart createRuntime createContainer startContainer poststart poststop)

# ---------------------------------------------------------------- every phase
id=$(new_id all)
bundle=$(hooked_bundle all "$id" "${all_phases[@]}")
rec=$hk/all
assert_ok "create with hooks of every phase" ocrt create --bundle "$bundle" "$id"
assert_eq "prestart createRuntime createContainer" "$(tr '\n' ' ' <"$rec/order" | sed 's/ $//')" \
    "create runs prestart, createRuntime, createContainer in that order (config.md)"
init_pid=$(state_field "$id" pid)
container_ns=$(ns_of "$init_pid")
assert_ne "$host_ns" "$container_ns" "the container has its own namespaces to compare with"
assert_eq "no" "$(cat "$rec/createContainer.userran")" "the user program has not run at create"

assert_ok "start with hooks" ocrt start "$id"
wait_file "$rec/userran" 5 || fail "the user program ran after start" "no \"$rec/userran\""
assert_ok "kill TERM" ocrt kill "$id" TERM
wait_status "$id" stopped 10 || fail "the container stops after TERM" "status: $(state_field "$id" status)"
assert_ok "delete with hooks" ocrt delete "$id"
assert_eq "${all_phases[*]}" "$(tr '\n' ' ' <"$rec/order" | sed 's/ $//')" \
    "the six phases ran once each, in lifecycle order (runtime.md Lifecycle)"

declare -A want_status=([prestart]=created [createRuntime]=creating [createContainer]=creating
    [startContainer]=created [poststart]=running [poststop]=stopped)
for phase in "${all_phases[@]}"; do
    state=$rec/$phase.json
    assert_eq "${want_status[$phase]}" "$(field_of "$state" status)" "$phase: state status on stdin"
    assert_eq "$id" "$(field_of "$state" id)" "$phase: state id"
    assert_eq "$bundle" "$(field_of "$state" bundle)" "$phase: state bundle"
    assert_eq "1.3.0" "$(field_of "$state" ociVersion)" "$phase: state ociVersion"
    assert_eq "hooks" "$(annotation_of "$state")" "$phase: state annotations"
    if [ "$phase" == poststop ]; then
        assert_eq "0" "$(field_of "$state" pid)" "$phase: state pid is 0 once stopped"
    else
        assert_eq "$init_pid" "$(field_of "$state" pid)" "$phase: state pid is the init's host pid"
    fi
    case $phase in
    createContainer | startContainer) want_ns=$container_ns where="container" ;;
    *) want_ns=$host_ns where="runtime" ;;
    esac
    assert_eq "$want_ns" "$(cat "$rec/$phase.ns")" "$phase: runs in the $where namespaces (mnt pid net uts ipc user)"
done

# argv and environ exactly as configured. createContainer's /proc is still the
# host's while its shell's $$ is a container pid, so its own files are not reachable.
for phase in prestart createRuntime startContainer poststart poststop; do
    argv0="rec-$phase"
    [ "$phase" == startContainer ] && argv0=sh
    assert_eq "$argv0|$hk/rec.sh|$phase|ok|$rec|$STATE/$id|" "$(tr '\0' '|' <"$rec/$phase.argv")" \
        "$phase: argv is args exactly, args[0] included"
    assert_eq "$hook_env_path|HOOK_NOTE=$phase with spaces|" "$(tr '\0' '|' <"$rec/$phase.env")" \
        "$phase: environment is env exactly, nothing inherited"
done

# Where the paths resolve (config.md): createContainer before pivot_root still sees
# the runtime's tree, startContainer runs in the container's root.
assert_eq "yes" "$(cat "$rec/createContainer.host")" "createContainer runs before pivot_root"
assert_eq "no" "$(cat "$rec/startContainer.host")" "startContainer runs after pivot_root, in the container's root"
assert_eq "no" "$(cat "$rec/startContainer.userran")" "startContainer runs before the user program"
assert_eq "yes" "$(cat "$rec/poststart.userran")" "poststart runs after the user program started"
assert_eq "yes" "$(cat "$rec/poststart.statedir")" "poststart runs while the container exists"
assert_eq "no" "$(cat "$rec/poststop.statedir")" "poststop runs after the container is deleted"

# ---------------------------------------------------------------- failures in create
# create_fails NAME PHASE SPEC...: create must fail naming the failing hook, and leave
# nothing behind: no state dir, no init (its pid came on the hooks' stdin).
create_fails() {
    local name=$1 phase=$2 id bundle rec pid
    shift 2
    id=$(new_id "$name")
    bundle=$(hooked_bundle "$name" "$id" "$@")
    rec=$hk/$name
    assert_fail "$name: create fails" "$phase hook \"$hook_path\" exited with status 7: hook $phase refuses" \
        ocrt create --bundle "$bundle" "$id"
    [ -e "$STATE/$id" ] && fail "$name: no state dir left" "\"$STATE/$id\" exists" || pass "$name: no state dir left"
    pid=$(field_of "$rec/$phase.json" pid)
    assert_match "$pid" '^[1-9][0-9]*$' "$name: the hook saw the init's pid"
    if pid_alive "$pid"; then fail "$name: the init is gone" "pid $pid alive"; else pass "$name: the init is gone"; fi
    assert_eq "no" "$(cat "$rec/$phase.userran")" "$name: the user program never ran"
    assert_eq "" "$(processes_under "$ITEST_TMP/$name")" "$name: no process left in the bundle"
}

create_fails prestart-fails prestart prestart:fail createRuntime createContainer poststop
assert_eq "prestart poststop" "$(tr '\n' ' ' <"$hk/prestart-fails/order" | sed 's/ $//')" \
    "a failed prestart hook stops the create phase, then poststop runs (runtime.md Lifecycle 3, 13)"
assert_eq "stopped" "$(field_of "$hk/prestart-fails/poststop.json" status)" "poststop after a failed create sees \"stopped\""
create_fails runtime-fails createRuntime createRuntime createRuntime:fail createContainer
assert_eq "createRuntime createRuntime" "$(tr '\n' ' ' <"$hk/runtime-fails/order" | sed 's/ $//')" \
    "the first createRuntime hook ran, the failing second stopped the rest"
create_fails container-fails createContainer createRuntime createContainer:fail poststop
assert_eq "createRuntime createContainer poststop" "$(tr '\n' ' ' <"$hk/container-fails/order" | sed 's/ $//')" \
    "a failed createContainer hook ends create, then poststop runs (runtime.md Lifecycle 5, 13)"

# ---------------------------------------------------------------- timeout
id=$(new_id timeout)
bundle=$(hooked_bundle timeout "$id" prestart createRuntime:sleep:1 createContainer)
rec=$hk/timeout
assert_fail "a createRuntime hook past its timeout fails create, naming the hook" \
    "createRuntime hook \"$hook_path\" timed out after 1s and was killed" ocrt create --bundle "$bundle" "$id"
sleeper=$(cat "$rec/createRuntime.sleeper" 2>/dev/null)
assert_match "$sleeper" '^[1-9][0-9]*$' "the timed-out hook recorded its pid"
if pid_alive "$sleeper"; then fail "the timed-out hook was killed" "pid $sleeper alive"; else pass "the timed-out hook was killed"; fi
[ -e "$STATE/$id" ] && fail "timeout: no state dir left" "\"$STATE/$id\" exists" || pass "timeout: no state dir left"
init_pid=$(field_of "$rec/createRuntime.json" pid)
if pid_alive "$init_pid"; then fail "timeout: the init is gone" "pid $init_pid alive"; else pass "timeout: the init is gone"; fi
assert_eq "prestart createRuntime" "$(tr '\n' ' ' <"$rec/order" | sed 's/ $//')" "timeout: createContainer never ran"

# ---------------------------------------------------------------- startContainer failure
id=$(new_id start-fails)
bundle=$(hooked_bundle start-fails "$id" startContainer:fail poststart)
rec=$hk/start-fails
assert_ok "start-fails: create" ocrt create --bundle "$bundle" "$id"
assert_fail "a failing startContainer hook fails start, naming the hook" \
    "startContainer hook \"$hook_path\" exited with status 7: hook startContainer refuses" ocrt start "$id"
wait_status "$id" stopped 5 && pass "a failed startContainer stops the container" ||
    fail "a failed startContainer stops the container" "status: $(state_field "$id" status)"
sleep 0.2
[ -e "$rec/userran" ] && fail "the user program did not run" "\"$rec/userran\" exists" || pass "the user program did not run"
assert_eq "startContainer" "$(tr '\n' ' ' <"$rec/order" | sed 's/ $//')" "no poststart after a failed start"
assert_ok "start-fails: delete" ocrt delete "$id"

# ---------------------------------------------------------------- poststart / poststop failures only warn
id=$(new_id post-fails)
bundle=$(hooked_bundle post-fails "$id" poststart:fail poststart poststop:fail poststop)
rec=$hk/post-fails
assert_ok "post-fails: create" ocrt create --bundle "$bundle" "$id"
assert_ok "a failing poststart hook does not fail start" ocrt start "$id"
assert_contains "$(unescape_quotes "$ERR")" "poststart hook \"$hook_path\" exited with status 7: hook poststart refuses" \
    "the poststart failure is logged as a warning"
assert_eq "running" "$(state_field "$id" status)" "the container keeps running after a poststart failure"
assert_ok "post-fails: kill" ocrt kill "$id" KILL
wait_status "$id" stopped 10 || fail "post-fails stops" "status: $(state_field "$id" status)"
assert_ok "a failing poststop hook does not fail delete" ocrt delete "$id"
assert_contains "$(unescape_quotes "$ERR")" "poststop hook \"$hook_path\" exited with status 7: hook poststop refuses" \
    "the poststop failure is logged as a warning"
[ -e "$STATE/$id" ] && fail "delete removed the container despite poststop" "\"$STATE/$id\" exists" ||
    pass "delete removed the container despite poststop"
assert_eq "poststart poststart poststop poststop" "$(tr '\n' ' ' <"$rec/order" | sed 's/ $//')" \
    "after a failing poststart or poststop hook the remaining ones still run (runtime.md step 13)"

# ---------------------------------------------------------------- in a user namespace
# The init asks for its id maps first, then for the runtime hooks; createContainer
# and startContainer run as its (mapped) root, in its user namespace.
if [ -e /proc/self/ns/user ]; then
    id=$(new_id userns)
    bundle=$(hooked_bundle userns "$id" createRuntime createContainer startContainer poststart)
    rec=$hk/userns
    # Host root's files are not writable for the container's root (host uid 100000).
    : >"$rec/order"
    chmod 0777 "$rec"
    chmod 0666 "$rec/order"
    chown -R 100000:100000 "$bundle/rootfs"
    edit_config "$bundle" "
c['linux']['namespaces'].append({'type': 'user'})
c['linux']['uidMappings'] = [{'containerID': 0, 'hostID': 100000, 'size': 65536}]
c['linux']['gidMappings'] = [{'containerID': 0, 'hostID': 100000, 'size': 65536}]
"
    assert_ok "userns: create with hooks" ocrt create --bundle "$bundle" "$id"
    user_init=$(state_field "$id" pid)
    user_ns=$(ns_of "$user_init")
    assert_ok "userns: start with hooks" ocrt start "$id"
    assert_eq "createRuntime createContainer startContainer poststart" "$(tr '\n' ' ' <"$rec/order" | sed 's/ $//')" \
        "userns: the hooks ran in order"
    assert_eq "$host_ns" "$(cat "$rec/createRuntime.ns")" "userns: createRuntime runs in the runtime namespaces"
    assert_eq "$user_ns" "$(cat "$rec/createContainer.ns")" "userns: createContainer runs in the container's namespaces, user included"
    assert_eq "$user_ns" "$(cat "$rec/startContainer.ns")" "userns: startContainer runs in the container's namespaces, user included"
    assert_eq "$user_init" "$(field_of "$rec/createContainer.json" pid)" "userns: createContainer sees the init's host pid"
    assert_ok "userns: delete" ocrt delete --force "$id"
fi

# ---------------------------------------------------------------- hooks that call ocrt
# A poststart hook may act on its own container: start must not hold its lock then.
id=$(new_id reentrant)
bundle=$(hooked_bundle reentrant "$id")
edit_config "$bundle" "c['hooks'] = {
    'createRuntime': [{'path': '/bin/sh', 'args': ['sh', '-c', '$OCRT --root $STATE state $id > $hk/reentrant/state.out'], 'timeout': 5}],
    'poststart': [{'path': '$OCRT', 'args': ['ocrt', '--root', '$STATE', 'kill', '$id', 'KILL'], 'timeout': 5}]}"
assert_ok "reentrant: create" ocrt create --bundle "$bundle" "$id"
assert_eq "creating" "$(json_field status <"$hk/reentrant/state.out")" "a createRuntime hook's ocrt state sees \"creating\""
assert_ok "a poststart hook may run ocrt kill on its container" ocrt start "$id"
assert_eq "" "$ERR" "reentrant: no warning from the poststart hook"
wait_status "$id" stopped 10 && pass "the poststart hook's kill stopped the container" ||
    fail "the poststart hook's kill stopped the container" "status: $(state_field "$id" status)"
assert_ok "reentrant: delete" ocrt delete "$id"

# ---------------------------------------------------------------- run = create + start + delete
id=$(new_id run)
bundle=$(hooked_bundle run "$id" "${all_phases[@]}")
set_args "$bundle" true
assert_ok "run with hooks of every phase" ocrt run --bundle "$bundle" "$id"
assert_eq "${all_phases[*]}" "$(tr '\n' ' ' <"$hk/run/order" | sed 's/ $//')" "run goes through all six phases in order"

itest_finish
