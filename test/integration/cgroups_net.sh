#!/bin/bash
# linux.resources.network (config-linux.md "Network"): net_cls.classid and
# net_prio.ifpriomap on a real kernel. This host has both controllers compiled in but
# mounts neither, so the script re-executes itself in a private mount namespace, puts
# a fresh tmpfs over /sys/fs/cgroup there (the host's hierarchies bound back into it,
# so nothing is created on the host's tmpfs) and mounts them itself: first combined,
# as systemd hosts do ("net_cls,net_prio" with net_cls and net_prio symlinks to it),
# then as two separate hierarchies. Values are read back from the host files and from
# inside the container (its /proc/self/cgroup and a read-only bind of /sys/fs/cgroup);
# update changes them; delete leaves no directory; a bad interface name is a clear
# error. Every cgroup made is removed and the hierarchies unmounted once empty, so
# the kernel drops them again (/proc/cgroups shows hierarchy 0).
# The host kernel has no rdma controller: its refusal is checked here, rdma itself
# runs in the VM test (test/vm/run-rdma.sh).
if [ "${OCRT_CGNET_PRIVATE:-}" != 1 ]; then
    [ "$(id -u)" -eq 0 ] || { echo "SKIP: cgroups_net: needs root (mounts, cgroups)"; exit 77; }
    command -v unshare >/dev/null || { echo "SKIP: cgroups_net: needs \"unshare\" (util-linux)"; exit 77; }
    OCRT_CGNET_PRIVATE=1 exec unshare --mount --propagation private -- bash "$0" "$@"
fi
source "$(dirname "$0")/lib.sh"
itest_init
require_probe

CG=/sys/fs/cgroup
PREFIX=ocrt-test-cgnet-$$
COMBINED="$CG/net_cls,net_prio"

# /proc/cgroups: the hierarchy id of a controller (0: not bound to any v1 hierarchy)
# and how many cgroups it has.
hierarchy_of() { awk -v c="$1" '$1 == c {print $2}' /proc/cgroups; }
cgroup_count() { awk -v c="$1" '$1 == c {print $3}' /proc/cgroups; }

grep -qw net_cls /proc/cgroups && grep -qw net_prio /proc/cgroups ||
    itest_skip "this kernel has no net_cls/net_prio controllers (CONFIG_CGROUP_NET_CLASSID/NET_PRIO)"
[ "$(stat -f -c %T $CG 2>/dev/null)" = tmpfs ] && [ -d $CG/memory ] ||
    itest_skip "needs a cgroup v1 (or hybrid) host with /sys/fs/cgroup a tmpfs of hierarchies"
mountpoint -q "$CG/net_cls" || mountpoint -q "$COMBINED" || mountpoint -q "$CG/net_prio" &&
    itest_skip "net_cls/net_prio are already mounted here; this test mounts its own"

# Our own hierarchies (mount points in this namespace only).
NET_MOUNTS=()

# Kill what is left in our cgroups, remove them deepest first in every hierarchy.
remove_our_cgroups() {
    local dir pid
    for dir in $CG/*/$PREFIX; do
        [ -d "$dir" ] || continue
        for pid in $(find "$dir" -name cgroup.procs -exec cat {} + 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
    done
    for _ in $(seq 1 25); do
        for dir in $CG/*/$PREFIX; do
            [ -d "$dir" ] && find "$dir" -depth -type d -exec rmdir {} \; 2>/dev/null
        done
        compgen -G "$CG/*/$PREFIX" >/dev/null || break
        sleep 0.2
    done
}

# Unmount our net hierarchies. The kernel destroys a v1 hierarchy at its last unmount
# only if no cgroup (not even a dying one) is left in it, so first wait until the
# removed cgroups are really gone (/proc/cgroups counts only the root).
release_net_hierarchies() {
    local point
    for _ in $(seq 1 50); do
        [ "$(cgroup_count net_cls)" -le 1 ] && [ "$(cgroup_count net_prio)" -le 1 ] && break
        sleep 0.1
    done
    for point in "${NET_MOUNTS[@]}"; do umount "$point" 2>/dev/null || umount -l "$point" 2>/dev/null; done
    NET_MOUNTS=()
    rm -f "$CG/net_cls" "$CG/net_prio" 2>/dev/null
    rmdir "$COMBINED" "$CG/net_cls" "$CG/net_prio" 2>/dev/null
    # Destroying the hierarchy takes an RCU grace period or two.
    for _ in $(seq 1 50); do
        [ "$(hierarchy_of net_cls)" = 0 ] && [ "$(hierarchy_of net_prio)" = 0 ] && return 0
        sleep 0.1
    done
    return 1
}

cgnet_cleanup() {
    remove_our_cgroups
    release_net_hierarchies
}
trap 'cg_status=$?; cgnet_cleanup; (exit $cg_status); itest_cleanup' EXIT

# A fresh tmpfs over /sys/fs/cgroup in this namespace, with the host's hierarchies
# (and their alias symlinks) as they were.
host_view=$ITEST_TMP/host-cgroup
mkdir -p "$host_view"
mount --rbind $CG "$host_view" || itest_die "cannot bind $CG"
mount -t tmpfs -o mode=755 cgroup-net-test $CG || itest_die "cannot mount a tmpfs over $CG in the private namespace"
for entry in "$host_view"/*; do
    name=$(basename "$entry")
    if [ -L "$entry" ]; then
        ln -s "$(readlink "$entry")" "$CG/$name"
    else
        mkdir "$CG/$name" && mount --rbind "$entry" "$CG/$name" || itest_die "cannot bind $entry back"
    fi
done
umount -l "$host_view"

# mount_net LAYOUT: "combined" (one hierarchy, systemd's names) or "separate".
mount_net() {
    if [ "$1" = combined ]; then
        mkdir "$COMBINED" && mount -t cgroup -o net_cls,net_prio cgroup "$COMBINED" ||
            itest_die "cannot mount a net_cls,net_prio hierarchy ($(hierarchy_of net_cls)/$(hierarchy_of net_prio) in /proc/cgroups)"
        NET_MOUNTS=("$COMBINED")
        ln -s net_cls,net_prio "$CG/net_cls" && ln -s net_cls,net_prio "$CG/net_prio" || itest_die "cannot make the symlinks"
    else
        mkdir "$CG/net_cls" "$CG/net_prio" && mount -t cgroup -o net_cls cgroup "$CG/net_cls" ||
            itest_die "cannot mount a net_cls hierarchy"
        NET_MOUNTS=("$CG/net_cls")
        mount -t cgroup -o net_prio cgroup "$CG/net_prio" || itest_die "cannot mount a net_prio hierarchy"
        NET_MOUNTS+=("$CG/net_prio")
    fi
}

# The host directory of the container's cgroup for CONTROLLER (from state.json).
cg_dir() {
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["ocrt"]["cgroupDirs"].get(sys.argv[2], ""))' \
        "$STATE/$1/state.json" "$2"
}

leftover_dirs() {
    find -L $CG/*/$PREFIX -type d -name "$1" 2>/dev/null
}

# A bundle whose /cg.sh prints ctl/file=value for the container's own cgroup, found
# through /proc/self/cgroup ("N:net_cls,net_prio:/path" names both controllers).
cg_bundle() {
    local bundle
    bundle=$(make_bundle "$@") || exit 1
    cat >"$bundle/rootfs/cg.sh" <<'EOF'
for item in "$@"; do
    ctl=${item%%/*}; file=${item#*/}
    path=$(grep -E "^[0-9]+:([^:]*,)?$ctl(,[^:]*)?:" /proc/self/cgroup | cut -d: -f3)
    echo "$item=$(cat /sys/fs/cgroup/$ctl$path/$file 2>&1 | tr '\n' ' ' | sed 's/ *$//')"
done
EOF
    edit_config "$bundle" 'c["mounts"].append({"destination": "/sys/fs/cgroup", "type": "bind",
        "source": "/sys/fs/cgroup", "options": ["rbind", "ro"]})'
    echo "$bundle"
}

inside() {
    printf '%s\n' "$1" | sed -n "s|^$2=||p" | head -n 1
}

# ifpriomap VALUE IFACE: the priority of IFACE in an ifpriomap text (one line or many).
priority_of() {
    printf '%s\n' "$1" | tr ' ' '\n' | paste -d' ' - - | awk -v i="$2" '$1 == i {print $2}'
}

# The extra interface: the host's first one that is not lo (the kernel resolves
# ifpriomap names in the initial network namespace, whatever the writer's is).
EXTRA=$(ls /sys/class/net | grep -vx lo | head -n 1)
[ -n "$EXTRA" ] || itest_skip "needs a network interface besides lo"

shared=$ITEST_TMP/shared
mkdir -p "$shared"

# ---------------------------------------------------------------- combined: net_cls,net_prio
mount_net combined
assert_ne 0 "$(hierarchy_of net_cls)" "[cg:network.classID] the test mounted its own net_cls,net_prio hierarchy"

id=$(new_id net)
bundle=$(cg_bundle net sh -c 'while true; do sh /cg.sh net_cls/net_cls.classid net_prio/net_prio.ifpriomap > /shared/v.tmp; mv /shared/v.tmp /shared/values; sleep 0.05; done') || exit 1
edit_config "$bundle" "c['linux']['cgroupsPath'] = '/$PREFIX/$id'
c['mounts'].append({'destination': '/shared', 'type': 'bind', 'source': '$shared', 'options': ['rbind', 'rw']})
c['linux']['resources'] = {'network': {'classID': 1048577,
    'priorities': [{'name': 'lo', 'priority': 5}, {'name': '$EXTRA', 'priority': 7}]}}"
assert_ok "create a container with linux.resources.network (combined hierarchy)" ocrt create --bundle "$bundle" "$id"
init_pid=$(state_field "$id" pid)
cls_dir=$(cg_dir "$id" net_cls)
assert_eq "$COMBINED/$PREFIX/$id" "$cls_dir" "[cg:network.classID] the net_cls cgroup is in the combined hierarchy's mount"
assert_eq "$cls_dir" "$(cg_dir "$id" net_prio)" "[cg:network.priorities] net_prio shares the combined hierarchy's directory"
assert_eq "$init_pid" "$(cat "$cls_dir/cgroup.procs" 2>&1)" "[cg:network.classID] before start, the init is in the net_cls,net_prio cgroup"
assert_ok "start it" ocrt start "$id"
wait_file "$shared/values" 5 || fail "the container reports its net values" "no $shared/values"
assert_eq 1048577 "$(cat "$cls_dir/net_cls.classid" 2>&1)" "[cg:network.classID] host: net_cls.classid is 1048577 (0x100001)"
map=$(cat "$cls_dir/net_prio.ifpriomap" 2>&1)
assert_eq 5 "$(priority_of "$map" lo)" "[cg:network.priorities] host: net_prio.ifpriomap has lo 5"
assert_eq 7 "$(priority_of "$map" "$EXTRA")" "[cg:network.priorities] host: net_prio.ifpriomap has $EXTRA 7"
out=$(cat "$shared/values")
assert_eq 1048577 "$(inside "$out" net_cls/net_cls.classid)" "[cg:network.classID] inside the container: net_cls.classid is 1048577"
assert_eq "5 7" "$(priority_of "$(inside "$out" net_prio/net_prio.ifpriomap)" lo) $(priority_of "$(inside "$out" net_prio/net_prio.ifpriomap)" "$EXTRA")" \
    "[cg:network.priorities] inside the container: ifpriomap has lo 5 and $EXTRA 7"

# update --resources: new values on the host and inside.
printf '%s\n' '{"network": {"classID": 2097154, "priorities": [{"name": "lo", "priority": 9}]}}' >"$ITEST_TMP/net.json"
assert_ok "[cg:cmd.update] update --resources with a new classID and lo priority" ocrt update --resources "$ITEST_TMP/net.json" "$id"
assert_eq 2097154 "$(cat "$cls_dir/net_cls.classid" 2>&1)" "[cg:network.classID] host: update changed net_cls.classid to 2097154"
assert_eq 9 "$(priority_of "$(cat "$cls_dir/net_prio.ifpriomap" 2>&1)" lo)" "[cg:network.priorities] host: update changed lo to 9"
ok=no
for _ in $(seq 1 40); do
    out=$(cat "$shared/values" 2>/dev/null)
    [ "$(inside "$out" net_cls/net_cls.classid)" = 2097154 ] &&
        [ "$(priority_of "$(inside "$out" net_prio/net_prio.ifpriomap)" lo)" = 9 ] && { ok=yes; break; }
    sleep 0.1
done
if [ $ok = yes ]; then
    pass "[cg:network.classID] inside: the running container sees classid 2097154 and lo 9 after update"
else
    fail "[cg:network.classID] inside: the running container sees classid 2097154 and lo 9 after update" "$out"
fi

# A name the kernel does not know: a clear error naming the field; nothing changed.
printf '%s\n' '{"network": {"priorities": [{"name": "lo", "priority": 3}, {"name": "nosuchif0", "priority": 4}]}}' >"$ITEST_TMP/bad.json"
assert_fail "[cg:network.priorities] update with an unknown interface fails naming the field and the interface" \
    '/linux/resources/network/priorities/1: write "nosuchif0 4"' ocrt update --resources "$ITEST_TMP/bad.json" "$id"
assert_contains "$ERR" "no such device" "[cg:network.priorities] the error gives the kernel's reason"
assert_eq running "$(state_field "$id" status)" "[cg:network.priorities] the container keeps running after the refused update"
assert_eq 2097154 "$(cat "$cls_dir/net_cls.classid" 2>&1)" "[cg:network.classID] the refused update left net_cls.classid alone"

assert_ok "[cg:cmd.delete] delete --force the network container" ocrt delete --force "$id"
assert_eq "" "$(leftover_dirs "$id")" "[cg:network.classID] delete leaves no cgroup directory (net_cls,net_prio and the others)"
assert_eq "" "$(find "$COMBINED" -mindepth 1 -type d 2>&1)" "[cg:network.priorities] no cgroup is left below the combined hierarchy's root"

# create with an unknown interface: refused, nothing left behind.
id=$(new_id badif)
bundle=$(cg_bundle badif true) || exit 1
edit_config "$bundle" "c['linux']['cgroupsPath'] = '/$PREFIX/$id'
c['linux']['resources'] = {'network': {'classID': 1, 'priorities': [{'name': 'nosuchif0', 'priority': 4}]}}"
assert_fail "[cg:network.priorities] create with an unknown interface fails naming the field" \
    'config.json: /linux/resources/network/priorities/0: write "nosuchif0 4"' ocrt create --bundle "$bundle" "$id"
assert_eq "" "$(leftover_dirs "$id")" "[cg:network.priorities] the refused create left no cgroup directory"
assert_eq "" "$(ls "$STATE" 2>/dev/null | grep -x "$id")" "[cg:network.priorities] the refused create left no state dir"

# A "cgroup" mount with a cgroup namespace shows the combined hierarchy under its own
# name and the aliases, with the container's own cgroup as its root.
id=$(new_id view)
bundle=$(make_bundle view sh -c 'ls /sys/fs/cgroup | tr "\n" " "; echo; cat /sys/fs/cgroup/net_cls/net_cls.classid; cat /sys/fs/cgroup/net_prio/net_prio.ifpriomap | grep "^lo "') || exit 1
edit_config "$bundle" "c['linux']['cgroupsPath'] = '/$PREFIX/$id'
c['linux']['namespaces'].append({'type': 'cgroup'})
c['mounts'].append({'destination': '/sys/fs/cgroup', 'type': 'cgroup', 'source': 'cgroup', 'options': ['ro']})
c['linux']['resources'] = {'network': {'classID': 65537, 'priorities': [{'name': 'lo', 'priority': 2}]}}"
assert_ok "[cg:place.mount] run a container with a cgroup mount and a cgroup namespace" ocrt run --bundle "$bundle" "$id"
lines=()
mapfile -t lines <<<"$OUT"
assert_match "${lines[0]:-}" "(^| )net_cls,net_prio( |$)" "[cg:place.mount] the container's /sys/fs/cgroup has the net_cls,net_prio hierarchy"
assert_match "${lines[0]:-}" "(^| )net_cls .*net_prio( |$)" "[cg:place.mount] and the net_cls and net_prio aliases"
assert_eq 65537 "${lines[1]:-}" "[cg:network.classID] inside, /sys/fs/cgroup/net_cls/net_cls.classid of its own cgroup is 65537"
assert_eq "lo 2" "${lines[2]:-}" "[cg:network.priorities] inside, /sys/fs/cgroup/net_prio/net_prio.ifpriomap has lo 2"
assert_eq "" "$(leftover_dirs "$id")" "[cg:network.classID] run removes the cgroups when the container exits"

# The host kernel has no rdma controller: the field is refused clearly, nothing left.
if ! grep -qw rdma /proc/cgroups; then
    echo "n/a - [cg:rdma] this host's kernel (cgroup v1 hybrid) has no rdma controller; checked in the vm-rdma guest"
    id=$(new_id rdma)
    bundle=$(cg_bundle rdma true) || exit 1
    edit_config "$bundle" "c['linux']['cgroupsPath'] = '/$PREFIX/$id'
c['linux']['resources'] = {'rdma': {'mlx5_0': {'hcaHandles': 2}}}"
    assert_fail "[cg:rdma] without an rdma controller, linux.resources.rdma is refused naming the field" \
        'config.json: /linux/resources/rdma/mlx5_0: the "rdma" cgroup controller is not available' ocrt create --bundle "$bundle" "$id"
    assert_eq "" "$(leftover_dirs "$id")" "[cg:rdma] the refused create left no cgroup directory"
fi

remove_our_cgroups
release_net_hierarchies
assert_eq "0 0" "$(hierarchy_of net_cls) $(hierarchy_of net_prio)" \
    "[cg:network.classID] with its cgroups removed and unmounted, the combined hierarchy is gone (/proc/cgroups)"

# ---------------------------------------------------------------- separate: net_cls and net_prio
mount_net separate
id=$(new_id sep)
bundle=$(cg_bundle sep sh /cg.sh net_cls/net_cls.classid net_prio/net_prio.ifpriomap) || exit 1
edit_config "$bundle" "c['linux']['cgroupsPath'] = '/$PREFIX/$id'
c['linux']['resources'] = {'network': {'classID': 1048578,
    'priorities': [{'name': 'lo', 'priority': 11}, {'name': '$EXTRA', 'priority': 12}]}}"
assert_ok "run --keep a network container (separate hierarchies)" ocrt run --keep --bundle "$bundle" "$id"
out=$OUT
assert_eq "$CG/net_cls/$PREFIX/$id $CG/net_prio/$PREFIX/$id" "$(cg_dir "$id" net_cls) $(cg_dir "$id" net_prio)" \
    "[cg:network.priorities] separate hierarchies: a directory in each"
assert_eq 1048578 "$(cat "$CG/net_cls/$PREFIX/$id/net_cls.classid" 2>&1)" "[cg:network.classID] separate: host net_cls.classid is 1048578"
map=$(cat "$CG/net_prio/$PREFIX/$id/net_prio.ifpriomap" 2>&1)
assert_eq "11 12" "$(priority_of "$map" lo) $(priority_of "$map" "$EXTRA")" "[cg:network.priorities] separate: host ifpriomap has lo 11 and $EXTRA 12"
assert_eq 1048578 "$(inside "$out" net_cls/net_cls.classid)" "[cg:network.classID] separate: inside, net_cls.classid is 1048578"
map=$(inside "$out" net_prio/net_prio.ifpriomap)
assert_eq "11 12" "$(priority_of "$map" lo) $(priority_of "$map" "$EXTRA")" "[cg:network.priorities] separate: inside, ifpriomap has lo 11 and $EXTRA 12"
assert_ok "delete the separate-hierarchies container" ocrt delete "$id"
assert_eq "" "$(leftover_dirs "$id")" "[cg:network.priorities] separate: delete leaves no directory in either hierarchy"

remove_our_cgroups
release_net_hierarchies
assert_eq "0 0" "$(hierarchy_of net_cls) $(hierarchy_of net_prio)" \
    "[cg:network.priorities] with its cgroups removed and unmounted, both hierarchies are gone (/proc/cgroups)"

itest_finish
