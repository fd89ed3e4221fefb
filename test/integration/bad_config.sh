#!/usr/bin/env bash
# Broken bundles: create must fail with a message that locates the problem (a JSON
# pointer into config.json where there is one), and leave nothing behind: no state
# dir, no process, no mount. runtime-spec runtime.md "Errors" ("the state of the
# environment SHOULD be as if the operation were never attempted"), "Create";
# config.md "Root", "Process"; cli-contract.md section 3 (exec error wording).
source "$(dirname "$0")/lib.sh"
itest_init

# expect_clean_failure WHAT BUNDLE MESSAGE...: create fails, stderr holds every MESSAGE.
expect_clean_failure() {
    local what=$1 bundle=$2
    shift 2
    local id
    id=$(new_id bad)
    run_cmd ocrt create --bundle "$bundle" --pid-file "$bundle/init.pid" "$id"
    if ((RC == 0)); then
        fail "$what: create fails" "create unexpectedly succeeded"
    elif ((RC == 124)); then
        fail "$what: create fails" "create timed out"
    else
        pass "$what: create fails (exit $RC)"
    fi
    assert_ne "" "$ERR" "$what: an error is printed on stderr"
    local message
    for message in "$@"; do
        assert_contains "$(unescape_quotes "$ERR")" "$message" "$what: message names \"$message\""
    done
    assert_eq "" "$OUT" "$what: nothing on stdout"
    [ -e "$STATE/$id" ] && fail "$what: no state dir" "\"$STATE/$id\" exists" || pass "$what: no state dir"
    [ -e "$bundle/init.pid" ] && fail "$what: no pid file" "\"$bundle/init.pid\" exists" || pass "$what: no pid file"
    assert_fail "$what: state says it does not exist" "container does not exist" ocrt state "$id"
    assert_eq "" "$(processes_under "$bundle")" "$what: no process left with cwd/root in the bundle"
    assert_eq "" "$(mounts_under "$bundle")" "$what: no mount left under the bundle"
}

# Malformed JSON (config.md: config.json is a JSON document).
bundle=$(make_bundle malformed true) || itest_die "cannot build a bundle"
printf '{"ociVersion": "1.3.0", "process": {' >"$bundle/config.json"
expect_clean_failure "malformed JSON" "$bundle" "config.json"

# Missing config.json.
bundle=$(make_bundle noconfig true) || itest_die "cannot build a bundle"
rm -f "$bundle/config.json"
expect_clean_failure "missing config.json" "$bundle" "config.json"

# Unknown rlimit (config.md "POSIX process": rlimits type must be a valid RLIMIT_*).
bundle=$(make_bundle rlimit true) || itest_die "cannot build a bundle"
edit_config "$bundle" "c['process']['rlimits'] = [{'type': 'RLIMIT_NOFILE', 'soft': 10, 'hard': 10}, {'type': 'RLIMIT_BOGUS', 'soft': 1, 'hard': 1}]"
expect_clean_failure "unknown rlimit" "$bundle" "/process/rlimits/1/type" "RLIMIT_BOGUS"

# Wrong type for a field (config.md "Hostname": a string).
bundle=$(make_bundle wrongtype true) || itest_die "cannot build a bundle"
edit_config "$bundle" "c['hostname'] = 42"
expect_clean_failure "hostname of the wrong type" "$bundle" "/hostname"

# Wrong type deeper down.
bundle=$(make_bundle wrongtype2 true) || itest_die "cannot build a bundle"
edit_config "$bundle" "c['process']['user']['uid'] = 'root'"
expect_clean_failure "uid of the wrong type" "$bundle" "/process/user/uid"

# Missing executable: resolved at create time with runc's wording (cli-contract 3).
bundle=$(make_bundle noexec nope) || itest_die "cannot build a bundle"
expect_clean_failure "missing executable" "$bundle" 'exec: "nope": executable file not found in $PATH'

# Missing absolute executable.
bundle=$(make_bundle noabs /bin/nope) || itest_die "cannot build a bundle"
expect_clean_failure "missing absolute executable" "$bundle" 'exec: "/bin/nope"' "no such file or directory"

# A terminal on create needs a console socket to hand the pty to (runc's wording;
# terminal.sh covers the rest).
bundle=$(make_bundle terminal true) || itest_die "cannot build a bundle"
edit_config "$bundle" "c['process']['terminal'] = True"
expect_clean_failure "process.terminal without --console-socket" "$bundle" \
    "cannot allocate tty if ocrt will detach without setting console socket"

# Missing rootfs (config.md "Root": path MUST exist).
bundle=$(make_bundle norootfs true) || itest_die "cannot build a bundle"
rm -rf "$bundle/rootfs"
expect_clean_failure "missing rootfs" "$bundle" "rootfs"

# Bad mount: a source that does not exist, found only while mounting.
bundle=$(make_bundle badmount true) || itest_die "cannot build a bundle"
edit_config "$bundle" "c['mounts'].append({'destination': '/data', 'type': 'bind', 'source': '$ITEST_TMP/absent-source', 'options': ['rbind']})"
expect_clean_failure "bind mount of a missing source" "$bundle" "absent-source"

# Duplicate namespace type (config-linux.md "Namespaces": MUST generate an error).
bundle=$(make_bundle dupns true) || itest_die "cannot build a bundle"
edit_config "$bundle" "c['linux']['namespaces'].append({'type': 'pid'})"
expect_clean_failure "duplicated namespace type" "$bundle" "/linux/namespaces"

# Relative cwd (config.md "Process": cwd MUST be an absolute path).
bundle=$(make_bundle relcwd true) || itest_die "cannot build a bundle"
edit_config "$bundle" "c['process']['cwd'] = 'relative/dir'"
expect_clean_failure "relative process.cwd" "$bundle" "/process/cwd"

# A cwd that resolves outside the container through an fd the caller leaked
# (CVE-2024-21626; security.md P3) fails before execve, whatever the fd is.
bundle=$(make_bundle leakedcwd true) || itest_die "cannot build a bundle"
edit_config "$bundle" "c['process']['cwd'] = '/proc/self/fd/7'"
exec 7<"$ITEST_TMP"
expect_clean_failure "process.cwd through a leaked host directory fd" "$bundle" \
    'process.cwd "/proc/self/fd/7" is outside the container root'
exec 7<&-

# The state root itself must hold no stray entries after all of that.
leftover=$(ls -A "$STATE" 2>/dev/null)
assert_eq "" "$leftover" "state root \"$STATE\" is empty after every failed create"

itest_finish
