#!/usr/bin/env bash
# P1 /proc/self/exe sealing (security.md §1 CVE-2019-5736, §6 P1): while the init runs
# ocrt code in the container's namespaces, /proc/<init>/exe is a sealed memfd, never
# the host binary; a hostile entrypoint ("#!/proc/self/exe") and a privileged
# attacker sharing the pid namespace cannot write the host binary.
source "$(dirname "$0")/lib.sh"
itest_init
require_probe
require_command sha256sum

# Attack a private copy of ocrt: a broken seal must not corrupt the build's binary.
cp "$OCRT" "$ITEST_TMP/ocrt" || itest_die "cannot copy ocrt"
OCRT=$ITEST_TMP/ocrt
hash_before=$(sha256sum <"$OCRT")

shared=$ITEST_TMP/shared
mkdir -p "$shared"

# The attacker: pid 1 of a pid namespace, root with CAP_SYS_PTRACE and
# CAP_DAC_OVERRIDE, so that neither non-dumpability nor file modes are what stops it.
attacker=$(make_bundle attacker sh -c 'ocrt-probe exe-attack 4 >/shared/report.tmp; mv /shared/report.tmp /shared/report') ||
    itest_die "cannot build the attacker bundle"
mkdir -p "$attacker/rootfs/shared"
edit_config "$attacker" "
c['mounts'].append({'destination': '/shared', 'type': 'bind', 'source': '$shared', 'options': ['rbind', 'rw']})
for s in ('bounding', 'effective', 'permitted'):
    c['process']['capabilities'][s] += ['CAP_SYS_PTRACE', 'CAP_DAC_OVERRIDE']"
attacker_id=$(new_id attacker)
assert_ok "create the attacker" ocrt create --bundle "$attacker" "$attacker_id"
attacker_pid=$(state_field "$attacker_id" pid)
assert_ok "start the attacker" ocrt start "$attacker_id"

# The victim joins the attacker's pid namespace; its entrypoint is the CVE's script.
victim=$(make_bundle victim /hostile) || itest_die "cannot build the victim bundle"
printf '#!/proc/self/exe\n' >"$victim/rootfs/hostile"
chmod 0755 "$victim/rootfs/hostile"
edit_config "$victim" "
c['linux']['namespaces'] = [n for n in c['linux']['namespaces'] if n['type'] != 'pid']
c['linux']['namespaces'].append({'type': 'pid', 'path': '/proc/$attacker_pid/ns/pid'})"
victim_id=$(new_id victim)
assert_ok "create the victim in the attacker's pid namespace" ocrt create --bundle "$victim" "$victim_id"
init=$(state_field "$victim_id" pid)
[ -n "$init" ] || itest_die "no pid for the victim"

# (a) security.md P1: the waiting init's exe is a sealed memfd, not the host inode.
assert_eq "/memfd:ocrt-sealed-exe (deleted)" "$(readlink "/proc/$init/exe")" "/proc/<init>/exe is the sealed memfd"
seals=$(python3 -c '
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
print(fcntl.fcntl(fd, 1034))  # F_GET_SEALS
' "/proc/$init/exe" 2>&1)
# F_SEAL_SEAL 1 | SHRINK 2 | GROW 4 | WRITE 8
if [[ "$seals" =~ ^[0-9]+$ ]] && (((seals & 15) == 15)); then
    pass "the memfd carries F_SEAL_SEAL|SHRINK|GROW|WRITE ($seals)"
else
    fail "the memfd carries F_SEAL_SEAL|SHRINK|GROW|WRITE" "F_GET_SEALS: $seals"
fi
binary_inode=$(stat -c %i "$OCRT")
binary_maps=$(awk -v ino="$binary_inode" '$5 == ino' "/proc/$init/maps" | wc -l)
assert_eq "0" "$binary_maps" "no mapping of the ocrt binary is left in the init"
if python3 -c 'import os, sys; os.open(sys.argv[1], os.O_WRONLY)' "/proc/$init/exe" 2>/dev/null; then
    fail "opening /proc/<init>/exe for writing fails, even for host root"
else
    pass "opening /proc/<init>/exe for writing fails, even for host root"
fi

# (b) The hostile entrypoint: /proc/self/exe is data, so exec fails instead of
# running ocrt inside the container; the attacker meanwhile writes all it can.
sleep 0.5
assert_fail "start with a \"#!/proc/self/exe\" entrypoint fails" "exec format error" ocrt start "$victim_id"
wait_file "$shared/report" 10 || itest_die "the attacker wrote no report"
report=$(cat "$shared/report")
echo "$report" | sed 's/^/# /'
assert_contains "$(probe_value "$report" exe_attack.targets)" "memfd:ocrt-sealed-exe" \
    "the attacker got hold of the init's exe (the attack was real)"
assert_eq "0" "$(probe_value "$report" exe_attack.written)" "the attacker wrote nothing through /proc/<pid>/exe"
assert_eq "$hash_before" "$(sha256sum <"$OCRT")" "the host ocrt binary is unchanged (sha256)"

# (c) The same in a user namespace, where the init is root only of its own namespace
# (PR_SET_MM_MAP then rests on CAP_SYS_ADMIN there); the container's host
# credentials may not open the exe for writing either.
if [ -e /proc/self/ns/user ]; then
    userns=$(make_bundle userns sleep 30) || itest_die "cannot build the userns bundle"
    chown -R 100000:100000 "$userns/rootfs"
    edit_config "$userns" "
c['linux']['namespaces'].append({'type': 'user'})
c['linux']['uidMappings'] = [{'containerID': 0, 'hostID': 100000, 'size': 65536}]
c['linux']['gidMappings'] = [{'containerID': 0, 'hostID': 100000, 'size': 65536}]"
    userns_id=$(new_id userns)
    assert_ok "create a container with a user namespace" ocrt create --bundle "$userns" "$userns_id"
    userns_init=$(state_field "$userns_id" pid)
    assert_eq "/memfd:ocrt-sealed-exe (deleted)" "$(readlink "/proc/$userns_init/exe")" \
        "user namespace: /proc/<init>/exe is the sealed memfd"
    if setpriv --reuid=100000 --regid=100000 --clear-groups -- \
        python3 -c 'import os, sys; os.open(sys.argv[1], os.O_WRONLY)' "/proc/$userns_init/exe" 2>/dev/null; then
        fail "user namespace: the container's host uid cannot open /proc/<init>/exe for writing"
    else
        pass "user namespace: the container's host uid cannot open /proc/<init>/exe for writing"
    fi
    assert_ok "delete the user-namespace container" ocrt delete --force "$userns_id"
fi
# (d) ocrt exec runs ocrt code in the container's namespaces too: the same hostile
# script must find a sealed placeholder there, not the host binary.
target=$(make_bundle target sleep 30) || itest_die "cannot build the exec target bundle"
printf '#!/proc/self/exe\n' >"$target/rootfs/hostile"
chmod 0755 "$target/rootfs/hostile"
target_id=$(new_id target)
assert_ok "create the exec target" ocrt create --bundle "$target" "$target_id"
assert_ok "start the exec target" ocrt start "$target_id"
assert_fail "exec of a \"#!/proc/self/exe\" script fails: the exec'ing process is sealed too" \
    "exec format error" ocrt exec "$target_id" /hostile
assert_ok "delete the exec target" ocrt delete --force "$target_id"
assert_eq "$hash_before" "$(sha256sum <"$OCRT")" "the host ocrt binary is still unchanged at the end"

itest_finish
