#!/usr/bin/env bash
# make-rootfs.sh DIR [PROBE]
# Builds a minimal container root filesystem in DIR from the static busybox
# (Debian package busybox-static), without network access. When PROBE is given
# (the static ocrt-probe binary) it is installed as /bin/ocrt-probe.
set -euo pipefail

if (($# < 1 || $# > 2)); then
    echo "usage: $0 DIR [PROBE]" >&2
    exit 2
fi
root=$1
probe=${2:-}

busybox=${BUSYBOX:-}
if [ -z "$busybox" ]; then
    for candidate in /bin/busybox /usr/bin/busybox; do
        [ -x "$candidate" ] && { busybox=$candidate; break; }
    done
fi
if [ -z "$busybox" ]; then
    echo "make-rootfs: no busybox found (apt-get install busybox-static)" >&2
    exit 1
fi
# A dynamic busybox would need a libc inside the rootfs; refuse it early and clearly.
if LC_ALL=C ldd "$busybox" 2>&1 | grep -q '=>'; then
    echo "make-rootfs: $busybox is dynamically linked; install busybox-static" >&2
    exit 1
fi

mkdir -p "$root"/{bin,dev,etc,proc,sys,tmp,root,home/user,run,var/tmp}
chmod 1777 "$root/tmp" "$root/var/tmp"
cp "$busybox" "$root/bin/busybox"
chmod 0755 "$root/bin/busybox"

applets=(sh ls cat echo true false sleep id hostname mount umount env pwd stat readlink touch mkdir rm
         ps kill grep wc head tail test printf dd cut sed uname ln chmod sync)
for applet in "${applets[@]}"; do
    ln -sf busybox "$root/bin/$applet"
done

if [ -n "$probe" ]; then
    cp "$probe" "$root/bin/ocrt-probe"
    chmod 0755 "$root/bin/ocrt-probe"
fi

cat >"$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
user:x:1000:1000:user:/home/user:/bin/sh
nobody:x:65534:65534:nobody:/:/bin/false
EOF
cat >"$root/etc/group" <<'EOF'
root:x:0:
user:x:1000:
nogroup:x:65534:
EOF
chown 1000:1000 "$root/home/user"
echo "ocrt-rootfs" >"$root/etc/hostname"
: >"$root/etc/resolv.conf"
: >"$root/etc/hosts"
