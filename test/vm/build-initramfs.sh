#!/usr/bin/env bash
# Builds the guest's initramfs: busybox, ocrt with the shared libraries it links,
# the static ocrt-probe, a busybox bundle, and the guest scripts.
#   build-initramfs.sh OUT.cpio.gz OCRT OCRT_PROBE GUEST_DIR [EXTRA_DIR]
# EXTRA_DIR (optional): a tree copied over the initramfs root last (run-rdma.sh: kernel
# modules, tools and their libraries, more bundle configs).
set -euo pipefail
out=$1 ocrt=$2 probe=$3 guest=$4 extra=${5:-}
w=$(mktemp -d /var/tmp/ocrt-vm-irfs.XXXXXX)
trap 'rm -rf "$w"' EXIT
mkdir -p "$w"/{bin,dev,proc,sys,tmp,run,etc,newroot,usr/sbin}
cp /bin/busybox "$w/bin/busybox"
for applet in $(/bin/busybox --list); do [ -e "$w/bin/$applet" ] || ln -s busybox "$w/bin/$applet"; done
install -m 755 "$ocrt" "$w/usr/sbin/ocrt"
ldd "$ocrt" | grep -o '/[^ ]*' | sort -u | while read -r lib; do
    mkdir -p "$w$(dirname "$lib")"
    cp -L "$lib" "$w$lib"
done
# The bundle's rootfs: busybox and the probe; the guest writes config.json with ocrt spec.
rootfs=$w/bundle/rootfs
mkdir -p "$rootfs"/{bin,proc,sys,dev,tmp,etc}
cp /bin/busybox "$rootfs/bin/busybox"
for applet in sh cat echo ls sleep seq id hostname true false grep head wc mknod tr rm; do ln -s busybox "$rootfs/bin/$applet"; done
install -m 755 "$probe" "$rootfs/bin/ocrt-probe"
echo 'root:x:0:0:root:/:/bin/sh' >"$rootfs/etc/passwd"
(cd "$w" && "$ocrt" spec --bundle "$w/bundle") && python3 "$(dirname "$0")/make-configs.py" "$w/bundle/config.json" "$w/bundle"
rm -f "$w/bundle/config.json"
# Kernel modules the guest loads at boot (OCRT_VM_MODULES: .ko paths, e.g. loop.ko).
for module in ${OCRT_VM_MODULES:-}; do
    mkdir -p "$w/modules" && cp "$module" "$w/modules/"
done
install -m 755 "$guest/init" "$w/init"
install -m 755 "$guest/stage2.sh" "$w/stage2"
install -m 644 "$(dirname "$0")/guest/host-mounts.sh" "$w/host-mounts.sh"
install -m 755 "$guest/checks.sh" "$w/checks.sh"
install -m 644 "$(dirname "$0")/guest-lib.sh" "$w/guest-lib.sh"
install -m 644 "$(dirname "$0")/v2-resource-checks.sh" "$w/v2-resource-checks.sh"
[ -z "$extra" ] || cp -a "$extra/." "$w/"
(cd "$w" && find . | cpio -o -H newc -R 0:0 --quiet | gzip -1) >"$out"
