#!/usr/bin/env bash
# Joining existing namespaces by path, and refusing bad paths.
# runtime-spec config-linux.md "Namespaces": the runtime MUST place the process in the
# namespace at `path`, and MUST generate an error if `path` is not a namespace of `type`.
source "$(dirname "$0")/lib.sh"
itest_init
require_probe
require_command unshare
require_command nsenter

# Persistent namespaces: unshare bind-mounts them onto files under our temp dir
# (the clean-up unmounts them).
netns=$ITEST_TMP/netns
utsns=$ITEST_TMP/utsns
touch "$netns" "$utsns"
unshare --net="$netns" --uts="$utsns" true || itest_die "unshare --net=FILE --uts=FILE failed"
nsenter --uts="$utsns" hostname joined-uts || itest_die "cannot set the hostname in \"$utsns\""
net_inode=$(stat -L -c %i "$netns")
uts_inode=$(stat -L -c %i "$utsns")

bundle=$(make_bundle join ocrt-probe all) || itest_die "cannot build a bundle"
# No "hostname": the joined namespace's own name must show through.
edit_config "$bundle" "
c.pop('hostname', None)
ns = [n for n in c['linux']['namespaces'] if n['type'] not in ('network', 'uts')]
ns += [{'type': 'network', 'path': '$netns'}, {'type': 'uts', 'path': '$utsns'}]
c['linux']['namespaces'] = ns
"
id=$(new_id join)
run_cmd ocrt run --bundle "$bundle" "$id"
if [ "$RC" -ne 0 ]; then
    fail "run joining network+uts namespaces by path" "exit $RC" "stderr: $ERR"
else
    assert_eq "$net_inode" "$(probe_value "$OUT" ns.net)" "joined the network namespace at \"$netns\""
    assert_eq "$uts_inode" "$(probe_value "$OUT" ns.uts)" "joined the uts namespace at \"$utsns\""
    assert_eq "joined-uts" "$(probe_value "$OUT" hostname)" "hostname is the joined namespace's"
    host_ipc=$(readlink /proc/self/ns/ipc | sed 's/.*\[\(.*\)\]/\1/')
    assert_ne "$host_ipc" "$(probe_value "$OUT" ns.ipc)" "namespaces without a path are still new"
fi

# Joining a namespace by path while config sets a hostname: the name is applied there.
edit_config "$bundle" "c['hostname'] = 'renamed-uts'"
id=$(new_id joinname)
run_cmd ocrt run --bundle "$bundle" "$id"
assert_eq "0" "$RC" "run with a joined uts namespace and a hostname (stderr: $ERR)"
assert_eq "renamed-uts" "$(probe_value "$OUT" hostname)" "config hostname set in the joined namespace"
assert_eq "renamed-uts" "$(nsenter --uts="$utsns" hostname)" "the joined namespace really changed"

# Bad paths: each create fails, and leaves no state, process or mount behind.
check_clean_failure() {
    local what=$1 message=$2 bad_id
    bad_id=$(new_id bad)
    assert_fail "$what" "$message" ocrt create --bundle "$bundle" --pid-file "$ITEST_TMP/bad.pid" "$bad_id"
    [ -e "$STATE/$bad_id" ] && fail "$what: no state dir left" "\"$STATE/$bad_id\" exists" || pass "$what: no state dir left"
    local procs
    procs=$(processes_under "$bundle")
    assert_eq "" "$procs" "$what: no process left in the bundle"
    assert_eq "" "$(mounts_under "$bundle")" "$what: no mount left under the bundle"
}

edit_config "$bundle" "
for n in c['linux']['namespaces']:
    if n['type'] == 'network': n['path'] = '$ITEST_TMP/does-not-exist'
"
check_clean_failure "a missing namespace path fails" "$ITEST_TMP/does-not-exist"

touch "$ITEST_TMP/plain-file"
edit_config "$bundle" "
for n in c['linux']['namespaces']:
    if n['type'] == 'network': n['path'] = '$ITEST_TMP/plain-file'
"
check_clean_failure "a path that is not a namespace fails" ""

# A uts namespace offered as the network namespace: wrong type.
edit_config "$bundle" "
for n in c['linux']['namespaces']:
    if n['type'] == 'network': n['path'] = '$utsns'
"
check_clean_failure "a namespace of the wrong type fails" ""

itest_finish
