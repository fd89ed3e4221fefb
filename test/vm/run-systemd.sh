#!/usr/bin/env bash
# Boots a Debian guest with systemd as PID 1 (pure cgroup v2 under systemd, the most
# common production host) in QEMU and runs guest-systemd/checks.sh there against the
# ocrt under test: the cgroupfs driver under a slice-like cgroupsPath (checks.sh) and
# the systemd cgroup driver (checks-driver.sh).
#
#   bash test/vm/run-systemd.sh        # OCRT as the integration tests
#   OCRT_VM_CGROUP=hybrid bash test/vm/run-systemd.sh   # systemd on cgroup v1 (its
#       hybrid layout): the systemd driver's v1 checks (checks-driver-v1.sh)
#
# The root image (debootstrap minbase + systemd) is built once and cached in
# $OCRT_VM_CACHE, keyed by the suite and package list; each run boots a snapshot of it
# (never written) plus a small per-run disk with ocrt, its libraries and the bundle.
# Exit 0 when every guest check passed, 1 otherwise, 77 when QEMU, debootstrap or the
# kernel package cannot be had here.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
OCRT=${OCRT:-$top/build/runtime/cli/ocrt}
cache=${OCRT_VM_CACHE:-/var/cache/ocrt-vm}
flavour=${OCRT_VM_KERNEL:-cloud-amd64}
suite=bookworm
packages=systemd-sysv,dbus,libseccomp2,udev

skip() { echo "SKIP: vm-systemd: $*"; exit 77; }
fail() { echo "FAIL: vm-systemd: $*"; exit 1; }

[ "$(id -u)" = 0 ] || skip "needs root"
[ -x "$OCRT" ] || skip "no ocrt binary at \"$OCRT\""

source "$here/vm-lib.sh"
vm_install_packages qemu-system-x86 busybox-static cpio kmod debootstrap e2fsprogs
vm_fetch_kernel

# The root image, built once per package list. The fstab is part of the key: it mounts
# the per-run disk at /vmtest.
fstab='/dev/vda / ext4 rw 0 1
/dev/vdb /vmtest ext4 ro,x-systemd.device-timeout=30s 0 2'
key=$(printf '%s\n' "$suite" "$packages" "$fstab" | sha256sum | cut -c1-12)
image=$cache/systemd-$suite-$key.img
if [ ! -f "$image" ]; then
    mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
    [ -n "$mirror" ] || mirror=$(awk '$1 == "deb" {print $2; exit}' /etc/apt/sources.list 2>/dev/null)
    [ -n "$mirror" ] || skip "no Debian mirror configured for apt"
    root=$(mktemp -d "$cache/debootstrap.XXXXXX")
    t0=$(date +%s)
    debootstrap --variant=minbase --include="$packages" "$suite" "$root" "$mirror" >"$root.log" 2>&1 ||
        { tail -5 "$root.log"; rm -rf "$root" "$root.log"; skip "debootstrap $suite from $mirror failed"; }
    rm -f "$root"/var/cache/apt/archives/*.deb
    printf '%s\n' "$fstab" >"$root/etc/fstab"
    mkdir -p "$root/vmtest"
    echo ocrt-vm >"$root/etc/hostname"
    mkfs.ext4 -q -F -L root -d "$root" "$image.$$.tmp" 1G >/dev/null && mv "$image.$$.tmp" "$image" ||
        { rm -rf "$root" "$root.log" "$image.$$.tmp"; fail "cannot make the root image"; }
    rm -rf "$root" "$root.log"
    echo "vm: built the $suite root image ($packages) in $(($(date +%s) - t0)) s: $image"
fi

work=$(mktemp -d /var/tmp/ocrt-vm-sd.XXXXXX)
trap 'rm -rf "$work"' EXIT

# The initramfs: busybox and the virtio disk drivers, enough to mount the root.
irfs=$work/irfs
mkdir -p "$irfs"/{bin,dev,proc,newroot,modules}
cp /bin/busybox "$irfs/bin/busybox"
for applet in sh mount umount insmod sleep switch_root poweroff echo; do ln -s busybox "$irfs/bin/$applet"; done
for m in virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_blk; do
    f=$(find "$kdir/lib/modules/$kver" -name "$m.ko*" | head -1)
    [ -n "$f" ] || fail "no $m module in $kpkg"
    case "$f" in *.xz) xz -dc "$f" >"$irfs/modules/$m.ko" ;; *.zst) zstd -qdc "$f" >"$irfs/modules/$m.ko" ;; *) cp "$f" "$irfs/modules/$m.ko" ;; esac
done
install -m 755 "$here/guest-systemd/init" "$irfs/init"
(cd "$irfs" && find . | cpio -o -H newc -R 0:0 --quiet | gzip -1) >"$work/initramfs.cpio.gz"

# The per-run disk: root/ is copied over the guest's / (ocrt and the libraries it links),
# plus the bundle and the checks.
stage=$work/stage
mkdir -p "$stage/root/usr/sbin"
install -m 755 "$OCRT" "$stage/root/usr/sbin/ocrt"
# Both sides are merged-/usr (/lib -> usr/lib): place each library under its real
# directory, or copying the tree over / would hit the symlinks.
ldd "$OCRT" | grep -o '/[^ ]*' | sort -u | while read -r lib; do
    dir=$(realpath "$(dirname "$lib")")
    mkdir -p "$stage/root$dir"
    cp -L "$lib" "$stage/root$dir/$(basename "$lib")"
done
rootfs=$stage/bundle/rootfs
mkdir -p "$rootfs"/{bin,proc,sys,dev,tmp,etc}
cp /bin/busybox "$rootfs/bin/busybox"
for applet in sh cat echo ls sleep hostname true grep head wc tr rm mknod; do ln -s busybox "$rootfs/bin/$applet"; done
echo 'root:x:0:0:root:/:/bin/sh' >"$rootfs/etc/passwd"
(cd "$stage" && "$OCRT" spec --bundle "$stage/bundle") && python3 "$here/make-configs.py" "$stage/bundle/config.json" "$stage/bundle" ||
    fail "cannot write the bundle's configs"
rm -f "$stage/bundle/config.json"
install -m 755 "$here/guest-systemd/run-checks.sh" "$stage/run-checks.sh"
install -m 755 "$here/guest-systemd/checks.sh" "$stage/checks.sh"
install -m 755 "$here/guest-systemd/checks-driver.sh" "$stage/checks-driver.sh"
install -m 755 "$here/guest-systemd/checks-driver-v1.sh" "$stage/checks-driver-v1.sh"
install -m 644 "$here/guest-lib.sh" "$stage/guest-lib.sh"
install -m 644 "$here/v2-resource-checks.sh" "$stage/v2-resource-checks.sh"
size=$(( $(du -sm "$stage" | cut -f1) * 2 + 16 ))M
mkfs.ext4 -q -F -L vmtest -d "$stage" "$work/vmtest.img" "$size" >/dev/null || fail "cannot make the per-run disk"

# systemd 252 still boots on cgroup v1 when asked (hybrid: cgroup2 at /sys/fs/cgroup/unified).
v1_cmdline=
mode=${OCRT_VM_CGROUP:-v2}
name=vm-systemd
[ "$mode" = hybrid ] && v1_cmdline="systemd.unified_cgroup_hierarchy=0 " && name=vm-systemd-hybrid
vm_accel
log=$work/serial.log
start=$(date +%s.%N)
# snapshot=on: the cached image is only read; the guest's writes go to a temporary file.
timeout 400 qemu-system-x86_64 "${accel[@]}" -m 1024 -smp 2 -nographic -no-reboot -nodefaults \
    -serial stdio -net none -kernel "$kdir/boot/vmlinuz-$kver" -initrd "$work/initramfs.cpio.gz" \
    -drive "file=$image,format=raw,if=virtio,snapshot=on,cache=unsafe" \
    -drive "file=$work/vmtest.img,format=raw,if=virtio,readonly=on" \
    -append "console=ttyS0 panic=-1 ${OCRT_VM_DEBUG:+systemd.log_level=info systemd.show_status=1 }${OCRT_VM_DEBUG:-quiet systemd.show_status=0 }${v1_cmdline}systemd.run=/vmtest/run-checks.sh systemd.run_success_action=poweroff systemd.run_failure_action=poweroff" \
    </dev/null >"$log" 2>&1
echo "vm: kernel $kver, systemd guest, $(echo "$(date +%s.%N) - $start" | bc) s from boot to poweroff"
vm_report "$name" "a systemd (cgroup $mode) guest" "$log" "${OCRT_VM_DEBUG:+200}${OCRT_VM_DEBUG:-30}"
