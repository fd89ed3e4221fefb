#!/usr/bin/env bash
# Does the kernel state inside the container match config.json? The probe prints
# what was really applied. runtime-spec config.md ("Root", "Mounts", "Process",
# "POSIX process", "Linux Process", "User", "Hostname", "Domainname"), config-linux.md
# ("Default Filesystems", "Namespaces", "Default Devices", "Masked Paths",
# "Readonly Paths"), runtime-linux.md ("File descriptors", "Dev symbolic links").
source "$(dirname "$0")/lib.sh"
itest_init
require_probe

host_data=$ITEST_TMP/hostdata
mkdir -p "$host_data"
echo "from the host" >"$host_data/file"

bundle=$(make_bundle main ocrt-probe all) || itest_die "cannot build a bundle"
mkdir -p "$bundle/rootfs/data" "$bundle/rootfs/scratch"
edit_config "$bundle" "
c['hostname'] = 'itest-host'
c['domainname'] = 'itest.example'
p = c['process']
p['user'] = {'uid': 1000, 'gid': 1000, 'additionalGids': [5, 20], 'umask': 0o027}
p['cwd'] = '/home/user'
p['env'].append('ITEST_VAR=hello world')
# Non-root keeps permitted/effective across execve only through the ambient set.
p['capabilities']['inheritable'] = ['CAP_KILL']
p['capabilities']['ambient'] = ['CAP_KILL']
p['rlimits'] = [{'type': 'RLIMIT_NOFILE', 'soft': 512, 'hard': 1000},
                {'type': 'RLIMIT_CORE', 'soft': 0, 'hard': 0}]
c['root']['readonly'] = True
c['mounts'].append({'destination': '/scratch', 'type': 'tmpfs', 'source': 'tmpfs',
                    'options': ['nosuid', 'nodev', 'size=1m', 'mode=1777']})
c['mounts'].append({'destination': '/data', 'type': 'bind', 'source': '$host_data',
                    'options': ['rbind', 'ro']})
c['linux']['maskedPaths'] = ['/proc/keys', '/proc/bus', '/proc/itest-missing']
c['linux']['readonlyPaths'] = ['/proc/sys']
"

id=$(new_id probe)
run_cmd ocrt run --bundle "$bundle" "$id"
[ "$RC" -eq 0 ] || itest_die "run of the probe failed (exit $RC): $ERR"
probe=$OUT
value() { probe_value "$probe" "$1"; }

# Identity (config.md "POSIX-platform User").
assert_eq "1000" "$(value uid)" "uid from process.user.uid"
assert_eq "1000" "$(value euid)" "euid from process.user.uid"
assert_eq "1000" "$(value gid)" "gid from process.user.gid"
assert_eq "1000" "$(value egid)" "egid from process.user.gid"
assert_eq "5,20" "$(printf '%s\n' "$(value groups)" | tr ',' '\n' | sort -n | paste -sd, -)" \
    "supplementary groups are exactly additionalGids"
assert_eq "0027" "$(value umask)" "umask from process.user.umask"
# Process (config.md "Process").
assert_eq "/home/user" "$(value cwd)" "cwd from process.cwd"
assert_eq "hello world" "$(value env.ITEST_VAR)" "env from process.env"
assert_eq "/usr/sbin:/usr/bin:/sbin:/bin" "$(value env.PATH)" "PATH from process.env"
assert_eq "512/1000" "$(value rlimit.NOFILE)" "RLIMIT_NOFILE soft/hard"
assert_eq "0/0" "$(value rlimit.CORE)" "RLIMIT_CORE soft/hard"
# Linux process: capabilities. Bounding CAP_AUDIT_WRITE=29, CAP_KILL=5,
# CAP_NET_BIND_SERVICE=10 -> 0x20000420. For uid 1000 execve keeps only the ambient
# set (CAP_KILL -> 0x20) in permitted/effective (capabilities(7)).
assert_eq "0000000020000420" "$(value CapBnd)" "bounding set from process.capabilities.bounding"
assert_eq "0000000000000020" "$(value CapAmb)" "ambient set from process.capabilities.ambient"
assert_eq "0000000000000020" "$(value CapInh)" "inheritable set from process.capabilities.inheritable"
assert_eq "0000000000000020" "$(value CapEff)" "non-root effective set = ambient after execve"
assert_eq "0000000000000020" "$(value CapPrm)" "non-root permitted set = ambient after execve"
assert_eq "1" "$(value NoNewPrivs)" "noNewPrivileges sets no_new_privs"
# UTS (config.md "Hostname", "Domainname").
assert_eq "itest-host" "$(value hostname)" "hostname"
assert_eq "itest.example" "$(value domainname)" "domainname"
# Namespaces (config-linux.md "Namespaces").
assert_eq "1" "$(value pid)" "the process is pid 1 of a new pid namespace"
assert_eq "0" "$(value ppid)" "pid 1 has no parent inside its namespace"
for ns in uts pid net ipc mnt; do
    host_ns=$(readlink /proc/self/ns/$ns | sed 's/.*\[\(.*\)\]/\1/')
    assert_ne "$host_ns" "$(value ns.$ns)" "new $ns namespace (inode differs from the host's)"
done
host_user_ns=$(readlink /proc/self/ns/user | sed 's/.*\[\(.*\)\]/\1/')
assert_eq "$host_user_ns" "$(value ns.user)" "no user namespace requested: the host's is inherited"
# runtime-linux.md "File descriptors": only stdio is passed.
assert_eq "0,1,2" "$(value fds)" "only fds 0,1,2 are open in the container"

# Mounts as the kernel has them (config.md "Mounts"); mountinfo fields:
# 5 = mount point, 6 = per-mount options, after " - ": fstype, source, super options.
set_args "$bundle" ocrt-probe mounts
id=$(new_id mounts)
run_cmd ocrt run --bundle "$bundle" "$id"
[ "$RC" -eq 0 ] || itest_die "run of \"ocrt-probe mounts\" failed (exit $RC): $ERR"
mountinfo=$OUT
# The last line for a mount point is the mount on top.
mount_line() { printf '%s\n' "$mountinfo" | awk -v p="$1" '$5 == p' | tail -n 1; }
mount_opts() { mount_line "$1" | awk '{print $6}'; }
has_ro='(^|,)ro(,|$)'
assert_match "$(mount_opts /)" "$has_ro" "root.readonly: / is mounted ro"
scratch=$(mount_line /scratch)
assert_contains "$scratch" " - tmpfs " "tmpfs mounted at /scratch"
assert_match "$scratch" 'size=1024k' "tmpfs size=1m applied"
assert_match "$(mount_opts /scratch)" '(^|,)nodev(,|$)' "tmpfs nodev applied"
assert_match "$(mount_opts /scratch)" '(^|,)nosuid(,|$)' "tmpfs nosuid applied"
assert_match "$(mount_opts /data)" "$has_ro" "bind mount at /data is read-only"
assert_contains "$(mount_line /proc)" " - proc " "proc mounted at /proc (config-linux.md Default Filesystems)"
assert_contains "$(mount_line /dev/pts)" " - devpts " "devpts mounted at /dev/pts"
assert_contains "$(mount_line /sys)" " - sysfs " "sysfs mounted at /sys"
assert_match "$(mount_opts /proc/sys)" "$has_ro" "readonlyPaths: /proc/sys is read-only"
[ -n "$(mount_line /proc/keys)" ] && pass "maskedPaths: file /proc/keys is covered" ||
    fail "maskedPaths: file /proc/keys is covered" "no mount on /proc/keys"
[ -n "$(mount_line /proc/bus)" ] && pass "maskedPaths: directory /proc/bus is covered" ||
    fail "maskedPaths: directory /proc/bus is covered" "no mount on /proc/bus"

# Filesystem behaviour seen from inside, as root: read-only root, ro bind, devices.
# Each check prints "name=value"; the whole script runs in one container.
set_args "$bundle" sh -c '
ocrt-probe write-file /rootfs-write
ocrt-probe write-file /scratch/ok | sed s/write-file/scratch-write/
ocrt-probe write-file /data/new | sed s/write-file/data-write/
echo data-read=$(cat /data/file)
for dev in null zero full random urandom tty; do
    echo dev.$dev=$(stat -c "%F %t:%T" /dev/$dev 2>&1)
done
for link in fd stdin stdout stderr; do
    echo link.$link=$(readlink /dev/$link 2>&1)
done
echo zero-read=$(head -c 4 /dev/zero | wc -c)
echo null-write=$(echo x >/dev/null 2>&1 && echo ok || echo fail)
echo keys-size=$(wc -c </proc/keys)
echo bus-entries=$(ls -A /proc/bus | wc -l)
echo procsys-write=$( (echo 1 >/proc/sys/kernel/hostname) 2>&1 )
'
edit_config "$bundle" "c['process']['user'] = {'uid': 0, 'gid': 0}; c['process']['cwd'] = '/'"
id=$(new_id fs)
run_cmd ocrt run --bundle "$bundle" "$id"
[ "$RC" -eq 0 ] || fail "fs check container exits 0" "exit $RC" "stderr: $ERR"
fs=$OUT
fsv() { probe_value "$fs" "$1"; }
assert_eq "error: Read-only file system" "$(fsv write-file)" "writing to a read-only root fails with EROFS"
assert_eq "ok" "$(fsv scratch-write)" "the tmpfs on a read-only root is writable"
assert_eq "error: Read-only file system" "$(fsv data-write)" "the ro bind mount refuses writes"
assert_eq "from the host" "$(fsv data-read)" "the bind mount shows the host's file"
[ -e "$host_data/new" ] && fail "nothing written through the ro bind" "\"$host_data/new\" exists" || pass "nothing written through the ro bind"
# config-linux.md "Default Devices": major:minor in hex as stat prints them.
assert_eq "character special file 1:3" "$(fsv dev.null)" "/dev/null"
assert_eq "character special file 1:5" "$(fsv dev.zero)" "/dev/zero"
assert_eq "character special file 1:7" "$(fsv dev.full)" "/dev/full"
assert_eq "character special file 1:8" "$(fsv dev.random)" "/dev/random"
assert_eq "character special file 1:9" "$(fsv dev.urandom)" "/dev/urandom"
assert_eq "character special file 5:0" "$(fsv dev.tty)" "/dev/tty"
assert_eq "4" "$(fsv zero-read)" "/dev/zero is readable"
assert_eq "ok" "$(fsv null-write)" "/dev/null is writable"
# runtime-linux.md "Dev symbolic links".
assert_eq "/proc/self/fd" "$(fsv link.fd)" "/dev/fd -> /proc/self/fd"
assert_eq "/proc/self/fd/0" "$(fsv link.stdin)" "/dev/stdin -> /proc/self/fd/0"
assert_eq "/proc/self/fd/1" "$(fsv link.stdout)" "/dev/stdout -> /proc/self/fd/1"
assert_eq "/proc/self/fd/2" "$(fsv link.stderr)" "/dev/stderr -> /proc/self/fd/2"
assert_eq "0" "$(fsv keys-size)" "maskedPaths: /proc/keys reads as empty"
assert_eq "0" "$(fsv bus-entries)" "maskedPaths: /proc/bus lists nothing"
assert_contains "$(fsv procsys-write)" "Read-only file system" "readonlyPaths: /proc/sys refuses writes with EROFS"

itest_finish
