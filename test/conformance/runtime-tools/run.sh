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

tag=ocrt-test-rtools-$$
work=$(mktemp -d "/tmp/ocrt-rtools.XXXXXX") || exit 1
chmod 0711 "$work"

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
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

mkdir -p "$work/bundle" "$work/state"
probe=()
[ -n "${OCRT_PROBE:-}" ] && [ -x "$OCRT_PROBE" ] && probe=("$OCRT_PROBE")
bash "$OCRT_MAKE_ROOTFS" "$work/bundle/rootfs" "${probe[@]}" >/dev/null ||
    { echo "FAIL: $name: make-rootfs.sh failed"; exit 1; }

"$RTOOLS_CGROUPS" -ocrt "$OCRT" -work "$work" -tag "$tag" "$@"
