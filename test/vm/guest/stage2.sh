#!/bin/sh
# Stage 2: a host with nothing but a pure cgroup v2 hierarchy, then the checks.
export PATH=/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mount --make-rshared /
mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup
for c in cpu memory pids io cpuset hugetlb; do echo "+$c" >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null; done
# A block device for the per-device io settings: loop0 (7:0) on a tmpfs file, with the
# io.cost controller enabled on it (per-device io.weight needs it).
for m in /modules/*.ko; do [ -e "$m" ] && insmod "$m"; done
dd if=/dev/zero of=/tmp/blk.img bs=1M count=16 2>/dev/null && losetup /dev/loop0 /tmp/blk.img &&
    echo "7:0 enable=1" >/sys/fs/cgroup/io.cost.qos
echo "GUEST: block devices: $(cat /sys/block/*/dev 2>/dev/null | tr '\n' ' ')"
echo "GUEST: kernel $(uname -r), cgroup2 controllers: $(cat /sys/fs/cgroup/cgroup.subtree_control)"
sh /checks.sh
echo "GUEST: checks exited $?"
poweroff -f
