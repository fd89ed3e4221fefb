#!/usr/bin/env bash
# conformance-runtime-tools-cgroups: runs rtools-cgroups (main.go here, built by
# build.sh from Debian's packaged runtime-tools library) against ocrt.
#
# Environment (test/conformance/meson.build sets it):
#   RTOOLS_CGROUPS    the built program ("" when it could not be built)
#   RTOOLS_MISSING    what is missing to build it (for the skip message)
#   OCRT, OCRT_PROBE, OCRT_MAKE_ROOTFS as for the integration tests
# Exit: 0 pass, 1 fail, 77 skip (not root, ocrt or the Go program not built).
#
# net_cls/net_prio: a kernel may have them without a mount (this host: enabled in
# /proc/cgroups, mounted nowhere we can see). Then the network tests run in a
# second pass, in a private mount namespace where /sys/fs/cgroup is a new tmpfs
# holding binds of the host's hierarchies plus a net_cls,net_prio mount (and the
# usual net_cls, net_prio links); nothing of that is visible outside. Each pass
# prints its own PASS/FAIL line.
#
# Clean-up, also when the program dies: every container in the private state
# root is force-deleted, then any cgroup directory named after this run's tag is
# emptied (its processes killed) and removed in every hierarchy.
set -uo pipefail
name=conformance-runtime-tools-cgroups
skip() {
    echo "SKIP: $name: $*"
    exit 77
}
[ "$(id -u)" -eq 0 ] || skip "needs root (creates containers and cgroups)"
[ -n "${RTOOLS_CGROUPS:-}" ] && [ -x "$RTOOLS_CGROUPS" ] ||
    skip "the runtime-tools program was not built: missing ${RTOOLS_MISSING:-its build output}"
[ -x "${OCRT:-}" ] || skip "ocrt binary not built at \"${OCRT:-}\""
[ -f "${OCRT_MAKE_ROOTFS:-}" ] || skip "make-rootfs.sh not found at \"${OCRT_MAKE_ROOTFS:-}\""

private_net=false
if [ "${1:-}" == --private-net-cls ]; then
    private_net=true
    shift
fi

tag=ocrt-test-rtools-$$
work=$(mktemp -d "/tmp/ocrt-rtools.XXXXXX") || exit 1
chmod 0711 "$work"
saved=""  # the host's /sys/fs/cgroup, bound aside while the private one is built

# Deepest first: kill what is inside, then rmdir.
remove_cgroup_tree() {
    local dir
    find "$1" -depth -type d 2>/dev/null | while read -r dir; do
        if [ -f "$dir/cgroup.procs" ]; then
            while read -r pid; do kill -KILL "$pid" 2>/dev/null; done <"$dir/cgroup.procs"
        fi
        rmdir "$dir" 2>/dev/null || { sleep 0.2; rmdir "$dir" 2>/dev/null; }
    done
}

cleanup() {
    local status=$? id dir
    set +e
    trap - EXIT INT TERM HUP
    if [ -d "$work/state" ]; then
        for id in $(ls -1 "$work/state"); do
            timeout -k 1 10 "$OCRT" --root "$work/state" delete --force "$id" >/dev/null 2>&1 </dev/null
        done
    fi
    # Absolute paths sit at the top of a hierarchy; relative ones below ocrt's own
    # cgroup (or its parent, on cgroup2), so look a few levels down.
    find /sys/fs/cgroup -mindepth 2 -maxdepth 8 -type d -name "$tag*" -prune 2>/dev/null |
        while read -r dir; do remove_cgroup_tree "$dir"; done
    umount -R "$work/bundle/rootfs" 2>/dev/null
    # Never rm -rf a tree that may still hold a cgroup mount: rmdir only.
    if [ -n "$saved" ]; then
        umount -R -l "$saved" 2>/dev/null
        rmdir "$saved" 2>/dev/null
    fi
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# Whether net_cls is enabled in this kernel but has no mount we can see.
net_cls_unmounted() {
    awk '$1 == "net_cls" && $4 == 1 { found = 1 } END { exit !found }' /proc/cgroups || return 1
    ! awk '$0 ~ / - cgroup / { n = split($NF, o, ","); for (i = 1; i <= n; i++) if (o[i] == "net_cls") f = 1 } END { exit !f }' \
        /proc/self/mountinfo
}

# In the private mount namespace only: a new /sys/fs/cgroup with the host's
# hierarchies bound back and net_cls,net_prio mounted.
private_cgroup_mounts() {
    local entry base
    saved=$(mktemp -d "/tmp/ocrt-rtools-cgroupfs.XXXXXX") || return 1
    mount --rbind /sys/fs/cgroup "$saved" || return 1
    mount -t tmpfs -o mode=0755,size=64k ocrt-rtools /sys/fs/cgroup || return 1
    for entry in "$saved"/*; do
        base=$(basename "$entry")
        if [ -L "$entry" ]; then
            cp -P "$entry" /sys/fs/cgroup/ || return 1
        elif [ -d "$entry" ] && mountpoint -q "$entry"; then
            mkdir "/sys/fs/cgroup/$base" && mount --bind "$entry" "/sys/fs/cgroup/$base" || return 1
        fi
    done
    mkdir /sys/fs/cgroup/net_cls,net_prio &&
        mount -t cgroup -o net_cls,net_prio ocrt-rtools /sys/fs/cgroup/net_cls,net_prio || return 1
    ln -s net_cls,net_prio /sys/fs/cgroup/net_cls && ln -s net_cls,net_prio /sys/fs/cgroup/net_prio || return 1
    umount -R -l "$saved" && rmdir "$saved" && saved=""
}

mkdir -p "$work/bundle" "$work/state"
probe=()
[ -n "${OCRT_PROBE:-}" ] && [ -x "$OCRT_PROBE" ] && probe=("$OCRT_PROBE")
bash "$OCRT_MAKE_ROOTFS" "$work/bundle/rootfs" "${probe[@]}" >/dev/null ||
    { echo "FAIL: $name: make-rootfs.sh failed"; exit 1; }

if $private_net; then
    private_cgroup_mounts || { echo "FAIL: $name: could not mount net_cls,net_prio in a private mount namespace"; exit 1; }
    "$RTOOLS_CGROUPS" -ocrt "$OCRT" -work "$work" -tag "$tag" -only network "$@"
    exit
fi
if net_cls_unmounted && command -v unshare >/dev/null; then
    "$RTOOLS_CGROUPS" -ocrt "$OCRT" -work "$work" -tag "$tag" -skip network "$@"
    status=$?
    echo "# the network tests: in a private mount namespace with net_cls,net_prio mounted"
    unshare -m --propagation private bash "$0" --private-net-cls "$@"
    second=$?
    ((status == 0)) && status=$second
    exit "$status"
fi
"$RTOOLS_CGROUPS" -ocrt "$OCRT" -work "$work" -tag "$tag" "$@"
