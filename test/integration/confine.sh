#!/usr/bin/env bash
# Confinement fields of config.json, checked from inside real containers:
# linux.sysctl (config-linux.md "Sysctl"), linux.devices ("Devices"),
# linux.personality ("Personality"), process.oomScoreAdj (config.md "Linux
# Process"), the LSM labels (process.apparmorProfile, process.selinuxLabel,
# linux.mountLabel), and security.md P7: /proc writes only reach a verified procfs.
source "$(dirname "$0")/lib.sh"
itest_init
require_command nsenter

host_sysctl() { cat "/proc/sys/$1" 2>/dev/null; }
cap_sys_resource() { (( (0x$(awk '/^CapEff:/ {print $2}' /proc/self/status) >> 24) & 1 )); }
nothing_left() {  # nothing_left ID WHAT: no state dir and no process of ID
    if [ -e "$STATE/$1" ]; then fail "$2: no state dir left" "\"$STATE/$1\" exists"; else pass "$2: no state dir left"; fi
    local left
    left=$(processes_under "$ITEST_TMP")
    assert_eq "" "$left" "$2: no process left in the bundles"
}

host_oom=$(cat /proc/self/oom_score_adj)
oom=$((host_oom < 0 ? 321 : (host_oom + 321 > 1000 ? 1000 : host_oom + 321)))
host_shmmax=$(host_sysctl kernel/shmmax)
host_somaxconn=$(host_sysctl net/core/somaxconn)
host_core_pattern=$(host_sysctl kernel/core_pattern)

# ---------------------------------------------------------------- applied from inside
report='echo shmmax=$(cat /proc/sys/kernel/shmmax)
echo msgmax=$(cat /proc/sys/kernel/msgmax)
echo ip_forward=$(cat /proc/sys/net/ipv4/ip_forward)
echo somaxconn=$(cat /proc/sys/net/core/somaxconn)
echo oom=$(cat /proc/self/oom_score_adj)
echo machine=$(uname -m)
for d in /dev/itest-null /dev/itest-loop /dev/itest-u /dev/sub/itest-fifo /opt/itest-zero; do
  echo "dev.${d##*/}=$(stat -c "%F|%t:%T|%a|%u:%g" $d 2>&1)"
done
echo ro_sys=$( (echo 1 >/proc/sys/kernel/shmmax) 2>/dev/null && echo writable || echo refused)'
bundle=$(make_bundle main sh -c "$report") || itest_die "cannot build a bundle"
edit_config "$bundle" "
c['process']['oomScoreAdj'] = $oom
c['linux']['sysctl'] = {'kernel.shmmax': '8193000', 'kernel/msgmax': '12345',
                        'net.ipv4.ip_forward': '1', 'net.core.somaxconn': '321'}
c['linux']['personality'] = {'domain': 'LINUX32'}
c['linux']['readonlyPaths'] = ['/proc/sys']
c['linux']['devices'] = [
    {'path': '/dev/itest-null', 'type': 'c', 'major': 1, 'minor': 3, 'fileMode': 0o640, 'uid': 1000, 'gid': 5},
    {'path': '/dev/itest-loop', 'type': 'b', 'major': 7, 'minor': 200, 'fileMode': 0o600},
    {'path': '/dev/itest-u', 'type': 'u', 'major': 1, 'minor': 7, 'uid': 12, 'gid': 34},
    {'path': '/dev/sub/itest-fifo', 'type': 'p', 'fileMode': 0o604},
    {'path': '/opt/itest-zero', 'type': 'c', 'major': 1, 'minor': 5, 'fileMode': 0o666},
]
"
id=$(new_id applied)
run_cmd ocrt run --bundle "$bundle" "$id"
[ "$RC" -eq 0 ] || itest_die "run with sysctls, devices, personality and oomScoreAdj failed (exit $RC): $ERR"
inside=$OUT
value() { probe_value "$inside" "$1"; }
assert_eq "8193000" "$(value shmmax)" "kernel.shmmax set in the container's IPC namespace"
assert_eq "12345" "$(value msgmax)" "a key written with slashes (kernel/msgmax)"
assert_eq "1" "$(value ip_forward)" "net.ipv4.ip_forward set in the container's network namespace"
assert_eq "321" "$(value somaxconn)" "net.core.somaxconn set in the container's network namespace"
assert_eq "refused" "$(value ro_sys)" "readonlyPaths /proc/sys still applies after the sysctls"
assert_eq "$host_shmmax" "$(host_sysctl kernel/shmmax)" "the host's kernel.shmmax is unchanged"
assert_eq "$host_somaxconn" "$(host_sysctl net/core/somaxconn)" "the host's net.core.somaxconn is unchanged"
assert_eq "$oom" "$(value oom)" "process.oomScoreAdj is the container's oom_score_adj"
assert_eq "$host_oom" "$(cat /proc/self/oom_score_adj)" "the caller's oom_score_adj is unchanged"
case $(uname -m) in
    x86_64) assert_eq "i686" "$(value machine)" "personality LINUX32: uname -m says i686" ;;
    aarch64) assert_eq "armv8l" "$(value machine)" "personality LINUX32: uname -m says armv8l" ;;
    *) echo "# personality: no 32-bit name known for $(uname -m); not checked" ;;
esac
# busybox stat: %t/%T are major/minor in hex, %a the octal mode.
assert_eq "character special file|1:3|640|1000:5" "$(value dev.itest-null)" "char device: type, numbers, mode, owner"
assert_eq "block special file|7:c8|600|0:0" "$(value dev.itest-loop)" "block device: type, numbers, mode"
assert_eq "character special file|1:7|666|12:34" "$(value dev.itest-u)" "type u is an unbuffered char device, default mode 0666"
assert_eq "fifo|0:0|604|0:0" "$(value dev.itest-fifo)" "fifo in a new subdirectory of /dev"
assert_eq "character special file|1:5|666|0:0" "$(value dev.itest-zero)" "device outside /dev (config-linux.md allows it)"

# A file already at a device path that is not that device is an error.
bundle_clash=$(make_bundle clash true) || itest_die "cannot build a bundle"
mkdir -p "$bundle_clash/rootfs/opt" && echo "plain file" >"$bundle_clash/rootfs/opt/itest-zero"
edit_config "$bundle_clash" "
c['linux']['devices'] = [{'path': '/opt/itest-zero', 'type': 'c', 'major': 1, 'minor': 5}]
"
id=$(new_id clash)
assert_fail "a regular file where a device is requested fails create" \
    'device "/opt/itest-zero": a regular file is already there, not the requested character device 1:5' \
    ocrt create --bundle "$bundle_clash" "$id"
nothing_left "$id" "device clash"
assert_eq "plain file" "$(cat "$bundle_clash/rootfs/opt/itest-zero")" "the clashing file is untouched"

# A symlinked device path stays inside the rootfs (P4).
bundle_link=$(make_bundle link true) || itest_die "cannot build a bundle"
outside=$ITEST_TMP/outside
mkdir -p "$outside"
mkdir -p "$bundle_link/rootfs/opt" && ln -s "$outside" "$bundle_link/rootfs/opt/escape"
edit_config "$bundle_link" "
c['linux']['devices'] = [{'path': '/opt/escape/itest-null', 'type': 'c', 'major': 1, 'minor': 3}]
c['process']['args'] = ['stat', '-c', '%F|%t:%T', '/opt/escape/itest-null']
"
id=$(new_id link)
assert_ok "device below a symlink to a host path" ocrt run --bundle "$bundle_link" "$id"
assert_eq "character special file|1:3" "$OUT" "the device is made at the symlink's target inside the rootfs"
assert_eq "" "$(ls -A "$outside")" "nothing was created in the host directory the symlink names"

# In a user namespace (container root is host uid 100000) the same writes work.
if [ -e /proc/self/ns/user ]; then
    bundle_user=$(make_bundle user sh -c 'echo shmmax=$(cat /proc/sys/kernel/shmmax); echo oom=$(cat /proc/self/oom_score_adj); echo machine=$(uname -m); echo fuse=$(stat -c "%F|%t:%T" /dev/fuse 2>&1)') ||
        itest_die "cannot build a bundle"
    chown -R 100000:100000 "$bundle_user/rootfs"
    edit_config "$bundle_user" "
c['linux']['namespaces'].append({'type': 'user'})
c['linux']['uidMappings'] = [{'containerID': 0, 'hostID': 100000, 'size': 65536}]
c['linux']['gidMappings'] = [{'containerID': 0, 'hostID': 100000, 'size': 65536}]
c['linux']['sysctl'] = {'kernel.shmmax': '8194000'}
c['linux']['personality'] = {'domain': 'LINUX32'}
c['process']['oomScoreAdj'] = $oom
if $([ -c /dev/fuse ] && echo True || echo False):
    c['linux']['devices'] = [{'path': '/dev/fuse', 'type': 'c', 'major': 10, 'minor': 229}]
"
    id=$(new_id user)
    assert_ok "run with sysctl, personality and oomScoreAdj in a user namespace" ocrt run --bundle "$bundle_user" "$id"
    assert_eq "8194000" "$(probe_value "$OUT" shmmax)" "kernel.shmmax set inside a user namespace"
    assert_eq "$oom" "$(probe_value "$OUT" oom)" "oomScoreAdj inside a user namespace"
    [ "$(uname -m)" == x86_64 ] && assert_eq "i686" "$(probe_value "$OUT" machine)" "LINUX32 inside a user namespace"
    if [ -c /dev/fuse ]; then
        assert_eq "character special file|a:e5" "$(probe_value "$OUT" fuse)" "no mknod in a user namespace: the host's /dev/fuse is bound"
        # A host node that is not the requested device is never bound in its place.
        edit_config "$bundle_user" "c['linux']['devices'] = [{'path': '/dev/fuse', 'type': 'c', 'major': 1, 'minor': 3}]"
        id=$(new_id usermismatch)
        assert_fail "a host node that differs from the requested device fails create" \
            "device \"/dev/fuse\": no mknod here (user namespace), and the host's node is not the character device 1:3" \
            ocrt create --bundle "$bundle_user" "$id"
        nothing_left "$id" "mismatched host device"
    fi
fi

# ---------------------------------------------------------------- refused sysctls
bundle_bad=$(make_bundle bad true) || itest_die "cannot build a bundle"
marker=$ITEST_TMP/marker
edit_config "$bundle_bad" "
c['linux']['sysctl'] = {'kernel.core_pattern': '|/bin/sh -c \"touch $marker\"'}
"
id=$(new_id corepattern)
assert_fail "kernel.core_pattern (not namespaced) is refused" \
    "config.json: /linux/sysctl/kernel.core_pattern: sysctl \"kernel.core_pattern\" is not namespaced" \
    ocrt create --bundle "$bundle_bad" "$id"
nothing_left "$id" "refused kernel.core_pattern"
assert_eq "$host_core_pattern" "$(host_sysctl kernel/core_pattern)" "the host's kernel.core_pattern is unchanged"

edit_config "$bundle_bad" "
c['linux']['sysctl'] = {'net.core.somaxconn': '100'}
c['linux']['namespaces'] = [n for n in c['linux']['namespaces'] if n['type'] != 'network']
"
id=$(new_id nonetns)
assert_fail "a net.* sysctl without a network namespace is refused" \
    "config.json: /linux/sysctl/net.core.somaxconn: sysctl \"net.core.somaxconn\" needs a private network namespace" \
    ocrt create --bundle "$bundle_bad" "$id"
nothing_left "$id" "net sysctl without netns"
assert_eq "$host_somaxconn" "$(host_sysctl net/core/somaxconn)" "the host's net.core.somaxconn is unchanged"

# Joining the host's network namespace by path: the sysctl would change the host.
edit_config "$bundle_bad" "
c['linux']['namespaces'].append({'type': 'network', 'path': '/proc/$$/ns/net'})
"
id=$(new_id hostnetns)
assert_fail "a net.* sysctl in the host's network namespace (joined by path) is refused" \
    "config.json: /linux/sysctl/net.core.somaxconn: sysctl \"net.core.somaxconn\" would change the host" \
    ocrt create --bundle "$bundle_bad" "$id"
nothing_left "$id" "net sysctl in the host's netns"
assert_eq "$host_somaxconn" "$(host_sysctl net/core/somaxconn)" "the host's net.core.somaxconn is unchanged (joined host netns)"

# ---------------------------------------------------------------- oomScoreAdj below the floor
bundle_oom=$(make_bundle oom sh -c 'cat /proc/self/oom_score_adj') || itest_die "cannot build a bundle"
edit_config "$bundle_oom" "c['process']['oomScoreAdj'] = -1000"
id=$(new_id oomlow)
if cap_sys_resource; then
    assert_ok "oomScoreAdj -1000 with CAP_SYS_RESOURCE" ocrt run --bundle "$bundle_oom" "$id"
    assert_eq "-1000" "$OUT" "oom_score_adj -1000 inside"
else
    assert_fail "oomScoreAdj below the current value without CAP_SYS_RESOURCE fails clearly" \
        "config.json: /process/oomScoreAdj: cannot set oom_score_adj to -1000 (lowering it below the current" \
        ocrt create --bundle "$bundle_oom" "$id"
    nothing_left "$id" "refused oomScoreAdj"
fi

# ---------------------------------------------------------------- LSM labels on a host without the LSM
lsm_case() {  # lsm_case NAME PYTHON MESSAGE
    local id
    id=$(new_id "$1")
    edit_config "$bundle_lsm" "$2"
    assert_fail "$1 requested without the LSM fails create" "$3" ocrt create --bundle "$bundle_lsm" "$id"
    nothing_left "$id" "$1"
}
bundle_lsm=$(make_bundle lsm true) || itest_die "cannot build a bundle"
if [ -e /sys/kernel/security/apparmor ]; then
    echo "# AppArmor is enabled on this host: the refusal is not checked"
else
    lsm_case apparmor "c['process']['apparmorProfile'] = 'itest-profile'" \
        'config.json: /process/apparmorProfile: apparmor profile "itest-profile" requested but AppArmor is not enabled on this host'
fi
if [ "$(stat -f -c %T /sys/fs/selinux 2>/dev/null)" == selinuxfs ]; then
    echo "# SELinux is enabled on this host: the refusals are not checked"
else
    lsm_case selinux "c['process'].pop('apparmorProfile', None); c['process']['selinuxLabel'] = 'system_u:system_r:container_t:s0'" \
        'config.json: /process/selinuxLabel: selinux label "system_u:system_r:container_t:s0" requested but SELinux is not enabled on this host'
    lsm_case mountlabel "c['process'].pop('selinuxLabel', None); c['linux']['mountLabel'] = 'system_u:object_r:container_file_t:s0:c1,c2'" \
        'config.json: /linux/mountLabel: selinux mount label "system_u:object_r:container_file_t:s0:c1,c2" requested but SELinux is not enabled on this host'
fi

# `ocrt exec --apparmor/--process-label` on such a host: refused before any fork.
bundle_exec=$(make_bundle exec sleep 60) || itest_die "cannot build a bundle"
edit_config "$bundle_exec" "c['process']['oomScoreAdj'] = $oom; c['linux']['personality'] = {'domain': 'LINUX32'}"
id=$(new_id exec)
assert_ok "create a container to exec into" ocrt create --bundle "$bundle_exec" "$id"
assert_ok "start it" ocrt start "$id"
if [ ! -e /sys/kernel/security/apparmor ]; then
    assert_fail "exec --apparmor without AppArmor fails" \
        'apparmor profile "itest-profile" requested but AppArmor is not enabled on this host' \
        ocrt exec --apparmor itest-profile "$id" true
fi
if [ "$(stat -f -c %T /sys/fs/selinux 2>/dev/null)" != selinuxfs ]; then
    assert_fail "exec --process-label without SELinux fails" \
        'selinux label "system_u:system_r:container_t:s0" requested but SELinux is not enabled on this host' \
        ocrt exec --process-label system_u:system_r:container_t:s0 "$id" true
fi
assert_ok "a plain exec still works" ocrt exec "$id" cat /proc/self/oom_score_adj
assert_eq "$oom" "$OUT" "an exec process gets process.oomScoreAdj too"
if [ "$(uname -m)" == x86_64 ]; then
    assert_ok "exec uname -m" ocrt exec "$id" uname -m
    assert_eq "i686" "$OUT" "an exec process gets linux.personality too"
fi
assert_ok "delete the exec container" ocrt delete --force "$id"

# ---------------------------------------------------------------- a fake /proc (P7)
# The rootfs brings its own /proc with files named like the ones ocrt writes, and
# config.json mounts no procfs there. The writes must reach the kernel anyway.
fake_proc() {  # fake_proc ROOTFS
    mkdir -p "$1/proc/sys/kernel" "$1/proc/self"
    echo fake >"$1/proc/sys/kernel/shmmax"
    echo fake >"$1/proc/self/oom_score_adj"
}
bundle_fake=$(make_bundle fake sleep 60) || itest_die "cannot build a bundle"
fake_proc "$bundle_fake/rootfs"
edit_config "$bundle_fake" "
c['mounts'] = [m for m in c['mounts'] if m['destination'] != '/proc']
c['process']['oomScoreAdj'] = $oom
c['linux']['sysctl'] = {'kernel.shmmax': '7654321'}
"
id=$(new_id fake)
assert_ok "create with a fake /proc in the rootfs" ocrt create --bundle "$bundle_fake" --pid-file "$ITEST_TMP/fake.pid" "$id"
fpid=$(cat "$ITEST_TMP/fake.pid" 2>/dev/null)
if [ -n "$fpid" ] && [ -d "/proc/$fpid" ]; then
    assert_eq "7654321" "$(nsenter -t "$fpid" -i cat /proc/sys/kernel/shmmax)" "the sysctl reached the container's IPC namespace"
    assert_eq "$oom" "$(cat "/proc/$fpid/oom_score_adj")" "oomScoreAdj reached the real init"
else
    fail "the init of the fake-/proc container runs" "pid file gave \"$fpid\""
fi
assert_eq "fake" "$(cat "$bundle_fake/rootfs/proc/sys/kernel/shmmax")" "the fake sysctl file got nothing"
assert_eq "fake" "$(cat "$bundle_fake/rootfs/proc/self/oom_score_adj")" "the fake oom_score_adj got nothing"
assert_ok "delete the fake-/proc container" ocrt delete --force "$id"

# Where no private procfs can be made (a user namespace that does not own the pid
# namespace), ocrt falls back to /proc, and a fake one there makes create fail.
if [ -e /proc/self/ns/user ]; then
    bundle_userns=$(make_bundle userns-fake true) || itest_die "cannot build a bundle"
    fake_proc "$bundle_userns/rootfs"
    chown -R 100000:100000 "$bundle_userns/rootfs"
    edit_config "$bundle_userns" "
c['mounts'] = [m for m in c['mounts'] if m['destination'] not in ('/proc', '/sys')]
c['linux']['namespaces'] = [{'type': t} for t in ('ipc', 'uts', 'mount', 'user')]
c['linux']['uidMappings'] = [{'containerID': 0, 'hostID': 100000, 'size': 65536}]
c['linux']['gidMappings'] = [{'containerID': 0, 'hostID': 100000, 'size': 65536}]
c['linux']['sysctl'] = {'kernel.shmmax': '7654321'}
"
    id=$(new_id userns-fake)
    assert_fail "a fake /proc with no private procfs possible fails closed" \
        '"/proc" is not a procfs' ocrt create --bundle "$bundle_userns" "$id"
    echo "# $ERR"
    nothing_left "$id" "fake /proc in a user namespace"
    assert_eq "fake" "$(cat "$bundle_userns/rootfs/proc/sys/kernel/shmmax")" "the fake sysctl file got nothing (user namespace)"
fi

itest_finish
