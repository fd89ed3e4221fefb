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
for c in cpu memory pids io cpuset; do echo "+$c" >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null; done
echo "GUEST: kernel $(uname -r), cgroup2 controllers: $(cat /sys/fs/cgroup/cgroup.subtree_control)"
sh /checks.sh
echo "GUEST: checks exited $?"
poweroff -f
