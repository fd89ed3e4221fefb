#!/bin/sh
# Runs in the rdma guest (busybox sh): an RDMA device (rxe0, soft-RoCE on a dummy
# netdev), then linux.resources.rdma (config-linux.md "RDMA") applied by ocrt to
# rdma.max on pure cgroup v2 and on a v1 rdma hierarchy, read back on the host side
# and from inside the container, changed by update, refused clearly for a device the
# kernel does not know, removed by delete. One "ok - "/"not ok - " line per check,
# then "VMTEST-SUMMARY passed=N failed=M".
. "${0%/*}/guest-lib.sh"
root=/run/ocrt-vm
bundle=/bundle

finish() { summary; exit 0; }
# rdma.max ends its line with a space; compare without it.
max() { "$@" 2>&1 | sed 's/ *$//'; }

# ---------------------------------------------------------------- the device
ip2 link add rxenet0 type dummy && ip2 link set rxenet0 up
out=$(rdma link add rxe0 type rxe netdev rxenet0 2>&1)
if [ -e /sys/class/infiniband/rxe0 ]; then
    ok "[cg:rdma] an RDMA device: rxe0 (soft-RoCE) on a dummy netdev ($(rdma dev show rxe0 2>&1 | head -n 1))"
else
    not_ok "[cg:rdma] an RDMA device: rxe0 (soft-RoCE) on a dummy netdev" "rdma link add: $out; $(ls /sys/class/infiniband 2>&1)"
    finish
fi

# ---------------------------------------------------------------- pure cgroup v2
has " $(cat /sys/fs/cgroup/cgroup.controllers) " " rdma " "[cg:rdma] the rdma controller is on cgroup v2"
cg=/sys/fs/cgroup/ocrt-vm/rdma
use rdma
(cd "$bundle" && ocrt create vm-rdma) && ok "[cg:rdma] v2: create with linux.resources.rdma {rxe0: 2 handles, 100 objects}" ||
    not_ok "[cg:rdma] v2: create with linux.resources.rdma"
check_eq "rxe0 hca_handle=2 hca_object=100" "$(max cat $cg/rdma.max)" "[cg:rdma] v2 host: rdma.max is rxe0 hca_handle=2 hca_object=100"
ocrt start vm-rdma || not_ok "v2: start the rdma container"
check_eq "rxe0 hca_handle=2 hca_object=100" "$(max ocrt exec vm-rdma cat /sys/fs/cgroup/rdma.max)" \
    "[cg:rdma] v2 inside: the container's /sys/fs/cgroup/rdma.max has the same line"
has "$(ocrt exec vm-rdma cat /sys/fs/cgroup/rdma.current 2>&1)" "rxe0 hca_handle=0 hca_object=0" \
    "[cg:rdma] v2 inside: rdma.current counts rxe0 (nothing used)"
echo '{"rdma": {"rxe0": {"hcaHandles": 5}}}' >/tmp/rdma-update.json
ocrt update --resources /tmp/rdma-update.json vm-rdma && ok "[cg:cmd.update] v2: update --resources with new rdma handles" ||
    not_ok "[cg:cmd.update] v2: update --resources with new rdma handles"
check_eq "rxe0 hca_handle=5 hca_object=100" "$(max cat $cg/rdma.max)" "[cg:rdma] v2 host: update set hca_handle=5, hca_object stays 100"
check_eq "rxe0 hca_handle=5 hca_object=100" "$(max ocrt exec vm-rdma cat /sys/fs/cgroup/rdma.max)" \
    "[cg:rdma] v2 inside: the running container sees hca_handle=5"
echo '{"rdma": {"nosuch0": {"hcaHandles": 1}}}' >/tmp/rdma-bad.json
out=$(ocrt update --resources /tmp/rdma-bad.json vm-rdma 2>&1) && not_ok "[cg:rdma] v2: update with an unknown device fails" "$out" ||
    has "$out" '/linux/resources/rdma/nosuch0' "[cg:rdma] v2: update with an unknown device fails naming /linux/resources/rdma/nosuch0"
check_eq "rxe0 hca_handle=5 hca_object=100" "$(max cat $cg/rdma.max)" "[cg:rdma] v2: the refused update left rdma.max alone"
ocrt delete --force vm-rdma && ok "[cg:cmd.delete] v2: delete --force the rdma container" || not_ok "[cg:cmd.delete] v2: delete the rdma container"
[ -e $cg ] && not_ok "[cg:rdma] v2: delete removes the cgroup" || ok "[cg:rdma] v2: delete removes the cgroup"

use rdma-unknown
out=$(cd "$bundle" && ocrt create vm-rdma-unknown 2>&1) && not_ok "[cg:rdma] v2: create with an unknown device fails" "$out" ||
    has "$out" 'config.json: /linux/resources/rdma/nosuch0' "[cg:rdma] v2: create with an unknown device fails naming /linux/resources/rdma/nosuch0"
[ -e /sys/fs/cgroup/ocrt-vm/rdma-unknown ] && not_ok "[cg:rdma] v2: the refused create left no cgroup" ||
    ok "[cg:rdma] v2: the refused create left no cgroup"
[ -e $root/vm-rdma-unknown ] && not_ok "[cg:rdma] v2: the refused create left no state dir" || ok "[cg:rdma] v2: the refused create left no state dir"

# enforce VERSION: a limit of 1 hca_handle lets the first device context open and
# refuses the second (EAGAIN); with 2 both open, so it is the limit that bites.
enforce() {
    if [ ! -x $bundle/rootfs/bin/rdma-context ]; then
        echo "n/a - [cg:rdma] $1: enforcement not checked (no static rdma-context helper was built)"
        return
    fi
    use rdma-enforce1$2
    out=$(cd "$bundle" && ocrt run vm-enforce1 2>&1 | tr '\n' ';')
    check_eq "context 1 ok;context 2 failed: Resource temporarily unavailable;" "$out" \
        "[cg:rdma] $1: with hca_handle=1 a second device context is refused (EAGAIN)"
    if [ -z "$2" ]; then
        use rdma-enforce2
        out=$(cd "$bundle" && ocrt run vm-enforce2 2>&1 | tr '\n' ';')
        check_eq "context 1 ok;context 2 ok;" "$out" "[cg:rdma] $1: with hca_handle=2 both device contexts open"
    fi
}
check_eq "231:192" "$(echo $((0x$(stat -c %t /dev/infiniband/uverbs0))):$((0x$(stat -c %T /dev/infiniband/uverbs0))))" \
    "[cg:rdma] the uverbs node of rxe0 is c 231:192"
enforce v2 ""

# cgroup v2 has no net_cls/net_prio: a network section is refused, not ignored.
echo "n/a - [cg:network.classID] pure cgroup v2 has no net_cls controller (classID is refused, checked below)"
echo "n/a - [cg:network.priorities] pure cgroup v2 has no net_prio controller"
use rdma-net
out=$(cd "$bundle" && ocrt create vm-rdma-net 2>&1) && not_ok "v2: a network classID is refused" "$out" ||
    has "$out" 'config.json: /linux/resources/network: net_cls and net_prio do not exist on cgroup v2' \
        "v2: linux.resources.network is refused naming /linux/resources/network"
rmdir /sys/fs/cgroup/ocrt-vm 2>/dev/null

# ---------------------------------------------------------------- a v1 rdma hierarchy
# cgroup_no_v1 is not set: rdma (with devices, freezer and pids, which ocrt's v1 driver
# uses) can be bound to v1 hierarchies once cgroup2 no longer uses it.
echo -rdma >/sys/fs/cgroup/cgroup.subtree_control
umount /sys/fs/cgroup
mount -t tmpfs -o mode=755 tmpfs /sys/fs/cgroup
moved=yes
for c in rdma devices freezer pids; do
    mkdir /sys/fs/cgroup/$c
    for _ in 1 2 3 4 5 6 7 8 9 10; do mount -t cgroup -o $c cgroup /sys/fs/cgroup/$c 2>/dev/null && break; sleep 0.2; done
    grep -q " /sys/fs/cgroup/$c cgroup " /proc/mounts || moved=no
done
if [ $moved = yes ]; then
    ok "[cg:rdma] v1: rdma, devices, freezer and pids mounted as v1 hierarchies"
else
    not_ok "[cg:rdma] v1: rdma, devices, freezer and pids mounted as v1 hierarchies" "$(grep cgroup /proc/mounts)"
    finish
fi
cg=/sys/fs/cgroup/rdma/ocrt-vm-v1/rdma
use rdma-v1
(cd "$bundle" && ocrt create vm-rdma-v1) && ok "[cg:rdma] v1: create with linux.resources.rdma" || not_ok "[cg:rdma] v1: create with linux.resources.rdma"
check_eq "rxe0 hca_handle=2 hca_object=100" "$(max cat $cg/rdma.max)" "[cg:rdma] v1 host: rdma/.../rdma.max is rxe0 hca_handle=2 hca_object=100"
check_eq "$(field vm-rdma-v1 pid)" "$(cat $cg/cgroup.procs 2>&1)" "[cg:rdma] v1: the init is in the rdma cgroup"
ocrt start vm-rdma-v1 || not_ok "v1: start the rdma container"
check_eq "rxe0 hca_handle=2 hca_object=100" "$(max ocrt exec vm-rdma-v1 cat /sys/fs/cgroup/rdma/rdma.max)" \
    "[cg:rdma] v1 inside: the container's /sys/fs/cgroup/rdma/rdma.max has the same line"
ocrt update --resources /tmp/rdma-update.json vm-rdma-v1 && ok "[cg:cmd.update] v1: update --resources with new rdma handles" ||
    not_ok "[cg:cmd.update] v1: update --resources with new rdma handles"
check_eq "rxe0 hca_handle=5 hca_object=100" "$(max cat $cg/rdma.max)" "[cg:rdma] v1 host: update set hca_handle=5"
out=$(ocrt update --resources /tmp/rdma-bad.json vm-rdma-v1 2>&1) && not_ok "[cg:rdma] v1: update with an unknown device fails" "$out" ||
    has "$out" '/linux/resources/rdma/nosuch0' "[cg:rdma] v1: update with an unknown device fails naming /linux/resources/rdma/nosuch0"
ocrt delete --force vm-rdma-v1 && ok "[cg:cmd.delete] v1: delete --force the rdma container" || not_ok "[cg:cmd.delete] v1: delete the rdma container"
enforce v1 -v1
left=$(find /sys/fs/cgroup/*/ -mindepth 1 -maxdepth 2 -type d -name "ocrt-vm-v1*" 2>/dev/null)
check_eq "" "$left" "[cg:rdma] v1: delete leaves no cgroup in any hierarchy"

finish
