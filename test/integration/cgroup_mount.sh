#!/bin/bash
# A "cgroup" mount (config.md "Mounts"; config-linux.md "Control groups") on this
# cgroup v1 hybrid host shows the container's OWN cgroups, as runc does: a tmpfs at
# /sys/fs/cgroup with a directory per host hierarchy (and the host's alias symlinks)
# holding the container's cgroup in that hierarchy as its root, and unified/ for
# cgroup2. Without a cgroup namespace each is a bind of the container's directory;
# with one, a fresh mount made inside the namespace. Read-only unless "rw".
source "$(dirname "$0")/lib.sh"
itest_init

CG=/sys/fs/cgroup
PREFIX=ocrt-test-cgmount-$$
[ "$(stat -f -c %T $CG 2>/dev/null)" = tmpfs ] && [ -d $CG/memory ] && [ -d $CG/pids ] ||
    itest_skip "needs a cgroup v1 (or hybrid) host with the memory and pids hierarchies"

cgmount_cleanup() {
    local dir pid
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        for dir in $CG/*/$PREFIX; do
            [ -d "$dir" ] || continue
            for pid in $(find "$dir" -name cgroup.procs -exec cat {} + 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
            find "$dir" -depth -type d -exec rmdir {} \; 2>/dev/null
        done
        compgen -G "$CG/*/$PREFIX" >/dev/null || break
        sleep 0.2
    done
}
trap 'cg_status=$?; cgmount_cleanup; (exit $cg_status); itest_cleanup' EXIT

# A sibling cgroup beside the container's: the container must not see it.
mkdir -p $CG/memory/$PREFIX/sibling-$$ $CG/pids/$PREFIX/sibling-$$ $CG/unified/$PREFIX/sibling-$$ || itest_die "cannot make the sibling cgroups"

host_names=$(ls $CG | sort | tr '\n' ' ')
script='echo "ls=$(ls /sys/fs/cgroup | sort | tr "\n" " ")"
echo "mem=$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>&1)"
echo "pids=$(cat /sys/fs/cgroup/pids/pids.max 2>&1)"
echo "memdirs=$(find /sys/fs/cgroup/memory /sys/fs/cgroup/pids /sys/fs/cgroup/unified -mindepth 1 -type d 2>&1 | tr "\n" " ")"
echo "found=$(find /sys/fs/cgroup -name "sibling-*" 2>&1 | tr "\n" " ")"
echo "unified=$(grep -x 1 /sys/fs/cgroup/unified/cgroup.procs 2>&1)"
if echo 99 >/sys/fs/cgroup/pids/pids.max 2>/dev/null; then echo write=ok; else echo write=refused; fi
while read -r _ _ _ root point opts _ fstype source rest; do
    case $point in /sys/fs/cgroup*) echo "mnt $point $root $fstype ${opts%%,*}";; esac
done </proc/self/mountinfo'

field() { sed -n "s/^$1=//p" <<<"$OUT"; }

check_view() {  # WHAT ROOT ACCESS: assertions on $OUT of one run
    local what=$1 root=$2 access=$3
    assert_eq "$host_names" "$(field ls)" "[cg:place.mount] $what: /sys/fs/cgroup lists the host's hierarchies"
    assert_eq "33554432" "$(field mem)" "[cg:place.mount] $what: memory/memory.limit_in_bytes is the container's limit"
    assert_eq "77" "$(field pids)" "[cg:place.mount] $what: pids/pids.max is the container's limit"
    assert_eq "" "$(field memdirs)" "[cg:place.mount] $what: memory/, pids/ and unified/ are the container's cgroup (no cgroup below it)"
    assert_eq "" "$(field found)" "[cg:place.mount] $what: a sibling cgroup on the host is not visible"
    assert_eq "1" "$(field unified)" "[cg:place.mount] $what: unified/cgroup.procs lists the container's init"
    assert_contains "$OUT" "mnt /sys/fs/cgroup / tmpfs $access" "[cg:place.mount] $what: /sys/fs/cgroup is a $access tmpfs"
    assert_contains "$OUT" "mnt /sys/fs/cgroup/memory $root cgroup $access" "[cg:place.mount] $what: memory/ shows $root as a $access cgroup mount"
    assert_contains "$OUT" "mnt /sys/fs/cgroup/unified $root cgroup2 $access" "[cg:place.mount] $what: unified/ shows $root as a $access cgroup2 mount"
    local want=refused
    [ "$access" = rw ] && want=ok
    assert_eq "$want" "$(field write)" "[cg:place.mount] $what: writing pids.max is ${want/ok/allowed}"
}

run_view() {  # NAME CGROUPNS(0|1) MOUNT-OPTIONS-PYTHON-LIST [USERNS(0|1)]
    local name=$1 cgns=$2 options=$3 userns=${4:-0}
    id=$(new_id "$name")
    bundle=$(make_bundle "$name" sh -c "$script") || exit 1
    [ "$userns" = 1 ] && chown -R 100000:100000 "$bundle/rootfs"
    edit_config "$bundle" "c['linux']['cgroupsPath'] = '/$PREFIX/$id'
c['linux']['resources'] = {'memory': {'limit': 33554432}, 'pids': {'limit': 77}}
c['mounts'].append({'destination': '/sys/fs/cgroup', 'type': 'cgroup', 'source': 'cgroup', 'options': $options})
if $cgns: c['linux']['namespaces'].append({'type': 'cgroup'})
if $userns:
    c['linux']['namespaces'].append({'type': 'user'})
    c['linux']['uidMappings'] = [{'containerID': 0, 'hostID': 100000, 'size': 65536}]
    c['linux']['gidMappings'] = [{'containerID': 0, 'hostID': 100000, 'size': 65536}]"
    assert_ok "[cg:place.mount] $name: run a container with a cgroup mount" ocrt run --bundle "$bundle" "$id"
}

ro='["nosuid", "noexec", "nodev", "relatime", "ro"]'
run_view plain 0 "$ro"
check_view "no cgroup namespace" "/$PREFIX/$id" ro
run_view cgns 1 "$ro"
check_view "cgroup namespace" "/" ro
run_view cgns-rw 1 '["nosuid", "noexec", "nodev", "relatime", "rw"]'
check_view "cgroup namespace, rw" "/" rw
# A user namespace may not mount a v1 hierarchy afresh: the container's directories are bound.
run_view userns 1 "$ro" 1
check_view "user and cgroup namespaces" "/" ro
assert_eq "max" "$(cat $CG/pids/$PREFIX/sibling-$$/pids.max)" "[cg:place.mount] the rw container did not write the host's sibling cgroup"

itest_finish
