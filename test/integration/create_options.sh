#!/usr/bin/env bash
# create/run options beyond the lifecycle: --no-pivot, --preserve-fds, rootfsPropagation
# and bind sources relative to the bundle. cli-contract.md section 5; runtime-spec
# config-linux.md "rootfs mount propagation", config.md "Mounts" (source relative to bundle).
source "$(dirname "$0")/lib.sh"
itest_init
require_probe

bundle=$(make_bundle main ocrt-probe all) || itest_die "cannot build a bundle"

# --no-pivot: MS_MOVE + chroot instead of pivot_root; the process still sees the rootfs as /.
id=$(new_id nopivot)
run_cmd ocrt run --no-pivot --bundle "$bundle" "$id"
assert_eq "0" "$RC" "run --no-pivot succeeds (stderr: $ERR)"
assert_eq "/" "$(probe_value "$OUT" cwd)" "run --no-pivot: the process starts in the container's /"
assert_contains "$(printf '%s' "$OUT" | grep '^hostname=')" "hostname=" "run --no-pivot: the probe ran inside"

# --preserve-fds 1: fd 3 reaches the process, fd 4 (also inherited) does not.
id=$(new_id preserve)
run_cmd_fds() { OUT=$("$OCRT" --root "$STATE" run --preserve-fds 1 --bundle "$bundle" "$id" 3</dev/null 4</dev/null 2>"$ITEST_TMP/err"); RC=$?; ERR=$(cat "$ITEST_TMP/err"); }
run_cmd_fds
assert_eq "0" "$RC" "run --preserve-fds 1 succeeds (stderr: $ERR)"
assert_eq "0,1,2,3" "$(probe_value "$OUT" fds)" "--preserve-fds 1 passes exactly fds 0-3"
id=$(new_id nopreserve)
OUT=$("$OCRT" --root "$STATE" run --bundle "$bundle" "$id" 3</dev/null 4</dev/null 2>"$ITEST_TMP/err"); RC=$?
assert_eq "0,1,2" "$(probe_value "$OUT" fds)" "without --preserve-fds a leaked fd 3 and 4 do not reach the process"

# rootfsPropagation "shared": the container's / is a shared mount.
set_args "$bundle" ocrt-probe mounts
edit_config "$bundle" "c['linux']['rootfsPropagation'] = 'shared'"
id=$(new_id shared)
run_cmd ocrt run --bundle "$bundle" "$id"
assert_eq "0" "$RC" "run with rootfsPropagation shared succeeds (stderr: $ERR)"
root_line=$(printf '%s\n' "$OUT" | awk '$5 == "/"' | tail -n 1)
assert_contains "$root_line" "shared:" "rootfsPropagation shared: / carries a shared peer group"

# A bind mount whose source is relative resolves against the bundle, not the caller's cwd.
mkdir -p "$bundle/hostdir" "$bundle/rootfs/mnt/rel"
echo relative-source > "$bundle/hostdir/marker"
set_args "$bundle" cat /mnt/rel/marker
edit_config "$bundle" "
c['linux']['rootfsPropagation'] = 'private'
c['mounts'].append({'destination': '/mnt/rel', 'type': 'bind', 'source': 'hostdir', 'options': ['rbind', 'ro']})
"
id=$(new_id relbind)
(cd / && run_cmd ocrt run --bundle "$bundle" "$id"; echo "$RC" > "$ITEST_TMP/rc"; printf '%s' "$OUT" > "$ITEST_TMP/out")
assert_eq "0" "$(cat "$ITEST_TMP/rc")" "run with a relative bind source from another cwd succeeds"
assert_eq "relative-source" "$(cat "$ITEST_TMP/out")" "relative bind source is taken from the bundle"

itest_finish
