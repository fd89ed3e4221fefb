#!/usr/bin/env bash
# Boots a Debian kernel in QEMU (software emulation: this machine's /dev/kvm cannot
# run a stock kernel) on a busybox initramfs that mounts a pure cgroup v2 hierarchy,
# and runs guest/checks.sh there against the ocrt under test. Hosts without cgroup
# v1 are what most users run; this is where ocrt meets them in CI.
#
#   bash test/vm/run-cgroupv2.sh        # OCRT, OCRT_PROBE as the integration tests
#
# Exit 0 when every guest check passed, 1 otherwise, 77 when QEMU or the kernel
# package cannot be had here. The kernel .deb is cached in $OCRT_VM_CACHE.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
OCRT=${OCRT:-$top/build/runtime/cli/ocrt}
OCRT_PROBE=${OCRT_PROBE:-$top/build/test/integration/ocrt-probe}
cache=${OCRT_VM_CACHE:-/var/cache/ocrt-vm}
flavour=${OCRT_VM_KERNEL:-cloud-amd64}

skip() { echo "SKIP: vm-cgroupv2: $*"; exit 77; }

[ "$(id -u)" = 0 ] || skip "needs root"
[ -x "$OCRT" ] || skip "no ocrt binary at \"$OCRT\""
[ -x "$OCRT_PROBE" ] || skip "no static ocrt-probe (this machine cannot link statically)"

source "$here/vm-lib.sh"
vm_install_packages qemu-system-x86 busybox-static cpio kmod
vm_fetch_kernel

work=$(mktemp -d /var/tmp/ocrt-vm.XXXXXX)
trap 'rm -rf "$work"' EXIT
# loop.ko: the guest's block device for the per-device blockIO checks.
export OCRT_VM_MODULES="$kdir/lib/modules/$kver/kernel/drivers/block/loop.ko"
bash "$here/build-initramfs.sh" "$work/initramfs.cpio.gz" "$OCRT" "$OCRT_PROBE" "$here/guest" ||
    { echo "FAIL: vm-cgroupv2: building the initramfs failed"; exit 1; }

vm_accel
log=$work/serial.log
start=$(date +%s.%N)
timeout 400 qemu-system-x86_64 "${accel[@]}" -m 1024 -smp 2 -nographic -no-reboot -nodefaults \
    -serial stdio -net none -kernel "$kdir/boot/vmlinuz-$kver" -initrd "$work/initramfs.cpio.gz" \
    -append "console=ttyS0 panic=-1 quiet" </dev/null >"$log" 2>&1
echo "vm: kernel $kver, $(echo "$(date +%s.%N) - $start" | bc) s from boot to poweroff"
vm_report vm-cgroupv2 "a pure cgroup v2 guest" "$log" 20
