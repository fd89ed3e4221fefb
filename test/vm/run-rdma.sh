#!/usr/bin/env bash
# linux.resources.rdma on a real kernel. Neither this host's kernel (no rdma
# controller) nor the cloud kernel of vm-cgroupv2 (no soft-RDMA driver) can show an
# rdma.max line: the full Debian kernel (linux-image-amd64) has the rdma controller
# built in and the soft-RoCE driver rdma_rxe as a module (its soft-iWARP siw is not
# built). The guest loads rdma_rxe, makes an rxe0 device on a dummy netdev with
# iproute2's rdma tool, and runs guest-rdma/checks.sh: rdma.max of a container on
# pure cgroup v2, then on a v1 rdma hierarchy (the controller moved off cgroup2).
#
#   bash test/vm/run-rdma.sh [RDMA_CONTEXT]   # OCRT, OCRT_PROBE as the integration tests
#
# RDMA_CONTEXT: the static test/helpers/rdma-context (meson builds it); with it the
# guest also shows the hca_handle limit refusing a device context.
#
# Only the kernel image and the few modules the guest loads are cached (about 10 MB
# in $OCRT_VM_CACHE/rdma-<version>), not the whole 400 MB package.
# Exit 0 when every guest check passed, 1 otherwise, 77 when QEMU, the kernel
# package or the rdma tool cannot be had here.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
OCRT=${OCRT:-$top/build/runtime/cli/ocrt}
OCRT_PROBE=${OCRT_PROBE:-$top/build/test/integration/ocrt-probe}
cache=${OCRT_VM_CACHE:-/var/cache/ocrt-vm}
flavour=amd64
rdma_context=${1:-}
# Load order; rxe checksums with the kernel's "crc32" shash (ENOENT without it).
modules="crc32_generic ib_core ib_uverbs udp_tunnel ip6_udp_tunnel rdma_rxe dummy"

skip() { echo "SKIP: vm-rdma: $*"; exit 77; }
fail() { echo "FAIL: vm-rdma: $*"; exit 1; }

[ "$(id -u)" = 0 ] || skip "needs root"
[ -x "$OCRT" ] || skip "no ocrt binary at \"$OCRT\""
[ -x "$OCRT_PROBE" ] || skip "no static ocrt-probe (this machine cannot link statically)"

source "$here/vm-lib.sh"
vm_install_packages qemu-system-x86 busybox-static cpio kmod iproute2
rdma_tool=$(command -v rdma) || skip "no rdma tool (iproute2) on the host"
ip_tool=$(command -v ip) || skip "no ip tool (iproute2) on the host"

# The kernel and the modules, cut out of the package once.
kpkg=$(apt-cache depends "linux-image-$flavour" 2>/dev/null | awk '/Depends: linux-image-/{print $2; exit}')
[ -n "$kpkg" ] || skip "no linux-image-$flavour package known to apt"
kver=${kpkg#linux-image-}
kdir=$cache/rdma-$kver
complete=yes
for f in vmlinuz $(printf 'modules/%s.ko ' $modules); do [ -f "$kdir/$f" ] || complete=no; done
if [ $complete = no ]; then
    mkdir -p "$cache"
    dl=$(mktemp -d "$cache/rdma-dl.XXXXXX")
    t0=$(date +%s.%N)
    (cd "$dl" && apt-get download "$kpkg" >/dev/null 2>&1) || { rm -rf "$dl"; skip "cannot download $kpkg"; }
    dpkg -x "$dl/${kpkg}"_*.deb "$dl/x" || { rm -rf "$dl"; skip "cannot unpack $kpkg"; }
    mkdir -p "$dl/keep/modules"
    cp "$dl/x/boot/vmlinuz-$kver" "$dl/keep/vmlinuz"
    for m in $modules; do
        f=$(find "$dl/x/lib/modules/$kver" -name "$m.ko*" | head -1)
        [ -n "$f" ] || { rm -rf "$dl"; fail "no $m module in $kpkg"; }
        case "$f" in *.xz) xz -dc "$f" ;; *.zst) zstd -qdc "$f" ;; *) cat "$f" ;; esac >"$dl/keep/modules/$m.ko"
    done
    rm -rf "$kdir" && mv "$dl/keep" "$kdir"
    echo "vm: fetched $kpkg ($(du -sh "$dl"/*.deb | cut -f1) download) and kept $(du -sh "$kdir" | cut -f1) in $(echo "$(date +%s.%N) - $t0" | bc) s"
    rm -rf "$dl"
fi

work=$(mktemp -d /var/tmp/ocrt-vm-rdma.XXXXXX)
trap 'rm -rf "$work"' EXIT

# The guest: guest/'s stage 1, guest-rdma's stage 2 and checks; extra/ goes over the
# initramfs root: the modules, ip and rdma with their libraries, the bundle configs.
mkdir -p "$work/guest" "$work/extra/lib/modules/rdma" "$work/extra/usr/sbin" "$work/extra/bundle"
cp "$here/guest/init" "$work/guest/init"
cp "$here/guest-rdma/stage2.sh" "$here/guest-rdma/checks.sh" "$work/guest/"
cp "$kdir"/modules/*.ko "$work/extra/lib/modules/rdma/"
echo "$modules" >"$work/extra/lib/modules/rdma/order"
install -m 755 "$rdma_tool" "$work/extra/usr/sbin/rdma"
install -m 755 "$ip_tool" "$work/extra/usr/sbin/ip2"  # busybox's ip cannot make a dummy link
ldd "$rdma_tool" "$ip_tool" | grep -o '/[^ ]*' | grep -v ':$' | sort -u | while read -r lib; do
    mkdir -p "$work/extra$(dirname "$lib")"
    cp -L "$lib" "$work/extra$lib"
done
if [ -n "$rdma_context" ]; then
    mkdir -p "$work/extra/bundle/rootfs/bin"
    install -m 755 "$rdma_context" "$work/extra/bundle/rootfs/bin/rdma-context"
fi
mkdir -p "$work/spec"
(cd "$work/spec" && "$OCRT" spec --bundle "$work/spec") || fail "ocrt spec failed"
python3 - "$work/spec/config.json" "$work/extra/bundle" <<'PY' || fail "cannot write the bundle configs"
import copy, json, sys
base = json.load(open(sys.argv[1]))
base["process"]["terminal"] = False
base["root"]["readonly"] = False
base["linux"].pop("resources", None)

def variant(name, args, path, resources):
    c = copy.deepcopy(base)
    c["process"]["args"] = args
    c["linux"]["cgroupsPath"] = path
    c["linux"]["resources"] = resources
    json.dump(c, open(f"{sys.argv[2]}/config-{name}.json", "w"), indent=2)

limits = {"rdma": {"rxe0": {"hcaHandles": 2, "hcaObjects": 100}}}
variant("rdma", ["/bin/sleep", "60"], "/ocrt-vm/rdma", limits)
variant("rdma-unknown", ["/bin/true"], "/ocrt-vm/rdma-unknown", {"rdma": {"nosuch0": {"hcaHandles": 1}}})
variant("rdma-net", ["/bin/true"], "/ocrt-vm/rdma-net", {"network": {"classID": 1048577}})
variant("rdma-v1", ["/bin/sleep", "60"], "/ocrt-vm-v1/rdma", limits)

# Enforcement: opening 2 device contexts (2 hca_handles) with a limit of 1, and of 2.
# The uverbs node has fixed numbers (IB_UVERBS_MAJOR 231, first minor 192).
def enforce(name, path, handles):
    c = copy.deepcopy(base)
    c["process"]["args"] = ["/bin/rdma-context", "/dev/infiniband/uverbs0", "2"]
    c["linux"]["cgroupsPath"] = path
    c["linux"]["resources"] = {"rdma": {"rxe0": {"hcaHandles": handles}}}
    c["linux"]["devices"] = [{"path": "/dev/infiniband/uverbs0", "type": "c", "major": 231, "minor": 192,
                              "fileMode": 0o666, "uid": 0, "gid": 0}]
    json.dump(c, open(f"{sys.argv[2]}/config-{name}.json", "w"), indent=2)

enforce("rdma-enforce1", "/ocrt-vm/enforce1", 1)
enforce("rdma-enforce2", "/ocrt-vm/enforce2", 2)
enforce("rdma-enforce1-v1", "/ocrt-vm-v1/enforce1", 1)
PY
bash "$here/build-initramfs.sh" "$work/initramfs.cpio.gz" "$OCRT" "$OCRT_PROBE" "$work/guest" "$work/extra" ||
    fail "building the initramfs failed"

vm_accel
log=$work/serial.log
start=$(date +%s.%N)
timeout 400 qemu-system-x86_64 "${accel[@]}" -m 1024 -smp 2 -nographic -no-reboot -nodefaults \
    -serial stdio -net none -kernel "$kdir/vmlinuz" -initrd "$work/initramfs.cpio.gz" \
    -append "console=ttyS0 panic=-1 quiet" </dev/null >"$log" 2>&1
echo "vm: kernel $kver, $(echo "$(date +%s.%N) - $start" | bc) s from boot to poweroff"
[ -z "${OCRT_VM_KEEP_LOG:-}" ] || cp "$log" "$OCRT_VM_KEEP_LOG"
vm_report vm-rdma "a cgroup v2 (then v1 rdma) guest with a soft-RoCE device" "$log" 30
