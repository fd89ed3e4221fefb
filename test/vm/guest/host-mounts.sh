# Sourced by each guest's stage 2: the mounts every host has (proc, sys, dev, devpts,
# shm, tmp, run), shared propagation as under systemd; the cgroup mounts are the guest's.
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
