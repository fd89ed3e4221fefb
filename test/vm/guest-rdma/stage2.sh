#!/bin/sh
# Stage 2 of the rdma guest: the mounts of a pure cgroup v2 host, the soft-RoCE
# modules, then the checks. Only rdma is enabled for children on cgroup2, so the
# checks can later move it (and devices, freezer, pids) to v1 hierarchies.
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
for m in $(cat /lib/modules/rdma/order); do
    insmod "/lib/modules/rdma/$m.ko" || echo "GUEST: insmod $m failed"
done
mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup
echo +rdma >/sys/fs/cgroup/cgroup.subtree_control
echo "GUEST: kernel $(uname -r), cgroup2 controllers: $(cat /sys/fs/cgroup/cgroup.subtree_control)"
sh /checks.sh
echo "GUEST: checks exited $?"
poweroff -f
