#!/usr/bin/env bash
# The malicious-rootfs matrix (security.md §5.3; properties P4, P6, P8 of §6; CVE-2019-19921,
# CVE-2019-18837, CVE-2024-45310, CVE-2025-31133, CVE-2026-41579/-47766): the image ships
# /proc, /sys, /dev, /dev/null, /dev/pts, /dev/shm, /dev/console, /etc/hostname, mount
# destinations and masked/read-only paths as absolute, relative ("../../..") or dangling
# symlinks aimed at decoy trees on the host, or /dev/null as a regular file. Every case
# must end in a failed create with a clear error, or in a correct in-root result; the
# decoy trees, the host's mount table and the dangling targets stay untouched.
source "$(dirname "$0")/lib.sh"
itest_init

decoy=$ITEST_TMP/decoy
mkdir -p "$decoy"/{proc,sys,dev/pts,dev/shm,mnt,etc,masked/sub}
for dir in proc sys dev dev/pts dev/shm mnt masked/sub; do echo "decoy $dir" >"$decoy/$dir/marker"; done
echo "decoy ptmx" >"$decoy/dev/ptmx"
echo "decoy null" >"$decoy/dev/null"
echo "decoy console" >"$decoy/dev/console"
echo "decoy hostname" >"$decoy/etc/hostname"
echo "decoy secret" >"$decoy/masked/secret"
# Never to exist on the host: where the dangling links point.
dangling=/tmp/ocrt-itest-dangling-$$-$RANDOM
echo "$dangling" >>"$ITEST_TMP/ids"  # not an id: only so that a failure report shows it

config_src=$ITEST_TMP/config-src
mkdir -p "$config_src/dir"
echo "payload" >"$config_src/dir/payload"
echo "from-config" >"$config_src/hostname"

base=$(make_bundle base true) || itest_die "cannot build the base bundle"

# Content, kinds, modes and owners of the decoy tree.
tree_hash() {
    (
        cd "$decoy" || exit 1
        find . -printf '%p %y %m %U:%G %s %l\n' | sort
        find . -type f -exec sha256sum {} + | sort
    ) | sha256sum
}

# Host mount points, without other tests' private dirs (they run in parallel).
host_mounts() {
    awk -v mine="$ITEST_TMP" '$5 !~ "^/tmp/" || index($5, mine) == 1 || index($5, "/tmp/ocrt-itest-dangling") == 1 { print $5 }' \
        /proc/self/mountinfo | sort
}

# link_target KIND NAME: where a KIND (abs|rel|dangling) link for decoy NAME points.
link_target() {
    case $1 in
    abs) echo "$decoy/$2" ;;
    rel) echo "$(printf '../%.0s' {1..24})${decoy#/}/$2" ;;
    dangling) echo "$dangling/$2" ;;
    esac
}

# new_case NAME: a fresh copy of the base bundle; prints its path.
new_case() {
    local bundle=$ITEST_TMP/case-$1
    cp -a "$base" "$bundle" || itest_die "cannot copy the base bundle"
    echo "$bundle"
}

# plant BUNDLE PATH TARGET: replace PATH in the rootfs by a symlink to TARGET.
plant() {
    rm -rf "$1/rootfs$2"
    mkdir -p "$(dirname "$1/rootfs$2")"
    ln -s "$3" "$1/rootfs$2"
}

# no_dev_tmpfs BUNDLE: the image's own /dev is used (no tmpfs over it).
no_dev_tmpfs() {
    edit_config "$1" "c['mounts'] = [m for m in c['mounts'] if m['destination'] != '/dev']"
}

# check_case WHAT BUNDLE EXPECT [MESSAGE|CHECK]: EXPECT "fail" wants a failed run with
# MESSAGE on stderr; "ok" wants a run in which the shell test CHECK holds.
check_case() {
    local what=$1 bundle=$2 expect=$3 detail=${4:-}
    local hash_before mounts_before id
    hash_before=$(tree_hash)
    mounts_before=$(host_mounts)
    id=$(new_id mal)
    if [ "$expect" == ok ]; then
        set_args "$bundle" sh -c "$detail && echo IN_ROOT_OK"
        run_cmd ocrt run --bundle "$bundle" "$id"
        if ((RC == 0)) && [[ "$OUT" == *IN_ROOT_OK* ]]; then
            pass "$what: runs, and in the container: $detail"
        else
            fail "$what: runs, and in the container: $detail" "exit $RC" "stdout: $OUT" "stderr: $ERR"
        fi
    else
        run_cmd ocrt run --bundle "$bundle" "$id"
        if ((RC != 0)) && [[ "$(unescape_quotes "$ERR")" == *"$detail"* ]]; then
            pass "$what: refused ($detail)"
        else
            fail "$what: refused with '$detail'" "exit $RC" "stderr: $ERR"
        fi
        [ -d "$STATE/$id" ] && fail "$what: no state left" "\"$STATE/$id\" exists"
    fi
    timeout -k 1 5 "$OCRT" --root "$STATE" delete --force "$id" >/dev/null 2>&1 </dev/null
    assert_eq "$hash_before" "$(tree_hash)" "$what: the decoy tree is byte-identical"
    assert_eq "$mounts_before" "$(host_mounts)" "$what: no new host mount"
    if [ -e "$dangling" ]; then
        fail "$what: the dangling target \"$dangling\" was not created on the host"
        rm -rf "$dangling"
    fi
}

# --- P6: procfs and sysfs only on a real directory (CVE-2019-19921, CVE-2023-27561).
for kind in abs rel dangling; do
    for dir in proc sys; do
        bundle=$(new_case "$dir-$kind")
        plant "$bundle" "/$dir" "$(link_target $kind $dir)"
        check_case "/$dir is a $kind symlink" "$bundle" fail "must be mounted on an ordinary directory"
    done
done
bundle=$(new_case proc-file)
rm -rf "$bundle/rootfs/proc" && echo "not a dir" >"$bundle/rootfs/proc"
check_case "/proc is a regular file" "$bundle" fail "must be mounted on an ordinary directory"
bundle=$(new_case proc-tmpfs)
edit_config "$bundle" "c['mounts'].append({'destination': '/proc', 'type': 'tmpfs', 'source': 'tmpfs'})"
check_case "a tmpfs over /proc (CVE-2019-16884)" "$bundle" fail "can only be a proc mount"
bundle=$(new_case proc-bind)
edit_config "$bundle" "c['mounts'].append({'destination': '/proc/sys/kernel', 'type': 'bind', 'source': '$config_src/dir', 'options': ['bind']})"
check_case "a bind mount under /proc/sys" "$bundle" fail "inside /proc is not allowed"

# --- P4: /dev and what is below it resolve inside the rootfs (CVE-2026-41579, -47766).
for kind in abs rel dangling; do
    bundle=$(new_case "dev-$kind")
    plant "$bundle" /dev "$(link_target $kind dev)"
    check_case "/dev is a $kind symlink (tmpfs /dev)" "$bundle" ok \
        'test -c /dev/null && test -c /dev/pts/ptmx && test "$(readlink /dev/ptmx)" = pts/ptmx'

    bundle=$(new_case "devdir-$kind")
    no_dev_tmpfs "$bundle"
    plant "$bundle" /dev "$(link_target $kind dev)"
    check_case "/dev is a $kind symlink (the image's /dev)" "$bundle" ok 'test -c /dev/null && test -c /dev/zero'

    for node in pts shm; do
        bundle=$(new_case "dev-$node-$kind")
        no_dev_tmpfs "$bundle"
        plant "$bundle" "/dev/$node" "$(link_target $kind "dev/$node")"
        check_case "/dev/$node is a $kind symlink" "$bundle" ok "test ! -e /dev/$node/marker && touch /dev/$node/.. "
    done

    bundle=$(new_case "dev-console-$kind")
    no_dev_tmpfs "$bundle"
    plant "$bundle" /dev/console "$(link_target $kind dev/console)"
    check_case "/dev/console is a $kind symlink" "$bundle" ok 'test -c /dev/null'

    # P8 / CVE-2025-31133: /dev/null must be the real null device or nothing is done.
    bundle=$(new_case "dev-null-$kind")
    no_dev_tmpfs "$bundle"
    plant "$bundle" /dev/null "$(link_target $kind dev/null)"
    check_case "/dev/null is a $kind symlink" "$bundle" fail 'device "/dev/null": a symlink is already there, not the requested character device 1:3'
done
bundle=$(new_case dev-null-file)
no_dev_tmpfs "$bundle"
echo "planted" >"$bundle/rootfs/dev/null"
edit_config "$bundle" "c['linux']['maskedPaths'] = ['/proc/kcore']"
check_case "/dev/null is a regular file, with a masked file" "$bundle" fail 'device "/dev/null": a regular file is already there, not the requested character device 1:3'

# --- P4: config mounts land inside the rootfs whatever the image's links (CVE-2019-18837,
# CVE-2021-30465, CVE-2024-45310).
for kind in abs rel dangling; do
    bundle=$(new_case "hostname-$kind")
    plant "$bundle" /etc/hostname "$(link_target $kind etc/hostname)"
    edit_config "$bundle" "c['mounts'].append({'destination': '/etc/hostname', 'type': 'bind', 'source': '$config_src/hostname', 'options': ['rbind', 'ro']})"
    check_case "/etc/hostname is a $kind symlink, bound from the config" "$bundle" ok 'grep -q from-config /etc/hostname'

    bundle=$(new_case "mnt-$kind")
    plant "$bundle" /mnt "$(link_target $kind mnt)"
    edit_config "$bundle" "
c['mounts'].append({'destination': '/mnt/x', 'type': 'bind', 'source': '$config_src/dir', 'options': ['rbind', 'ro']})
c['mounts'].append({'destination': '/mnt/t/deep', 'type': 'tmpfs', 'source': 'tmpfs'})"
    check_case "/mnt is a $kind symlink, mounts to /mnt/x and /mnt/t/deep" "$bundle" ok \
        'test -f /mnt/x/payload && test ! -e /mnt/marker && touch /mnt/t/deep/f'

    # Masked and read-only paths below a symlinked directory resolve in the rootfs.
    bundle=$(new_case "masked-below-$kind")
    plant "$bundle" /mnt "$(link_target $kind masked)"
    edit_config "$bundle" "c['linux']['maskedPaths'] = ['/mnt/secret']; c['linux']['readonlyPaths'] = ['/mnt/sub']"
    check_case "masked and read-only paths below a $kind symlink" "$bundle" ok 'test ! -e /mnt/secret'

    # The masked or read-only path itself a symlink: refused, never followed.
    bundle=$(new_case "masked-link-$kind")
    plant "$bundle" /etc/secret "$(link_target $kind masked/secret)"
    edit_config "$bundle" "c['linux']['maskedPaths'] = ['/etc/secret']"
    check_case "a masked path that is a $kind symlink" "$bundle" fail "refusing to follow it"
    bundle=$(new_case "ro-link-$kind")
    plant "$bundle" /etc/sub "$(link_target $kind masked/sub)"
    edit_config "$bundle" "c['linux']['readonlyPaths'] = ['/etc/sub']"
    check_case "a read-only path that is a $kind symlink" "$bundle" fail "refusing to follow it"
done

itest_finish
