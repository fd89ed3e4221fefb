# shellcheck shell=bash
# Common helpers for the ocrt integration tests; sourced by every test script.
#
# Environment (meson sets all of them; defaults suit a checkout built in ./build):
#   OCRT              the ocrt binary
#   OCRT_PROBE        the static ocrt-probe binary ("" when it could not be built)
#   OCRT_MAKE_ROOTFS  test/helpers/make-rootfs.sh
#   OCRT_SCHEMA_DIR   runtime-spec JSON schemas (optional)
#
# A script calls itest_init first and itest_finish last. Each script exits
# 0 = pass, 1 = fail, 77 = skip. Assertions do not stop the script: every
# failed one is reported, and itest_finish turns any failure into exit 1.
# Whatever happens, the EXIT trap force-deletes the containers the test made,
# kills processes left in its bundles, unmounts what is under its temp dir
# and removes that dir.

set -uo pipefail

ITEST_NAME=$(basename "$0" .sh)
ITEST_SOURCE_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OCRT=${OCRT:-$ITEST_SOURCE_TOP/build/runtime/cli/ocrt}
OCRT_PROBE=${OCRT_PROBE-$ITEST_SOURCE_TOP/build/test/integration/ocrt-probe}
OCRT_MAKE_ROOTFS=${OCRT_MAKE_ROOTFS:-$ITEST_SOURCE_TOP/test/helpers/make-rootfs.sh}
OCRT_SCHEMA_DIR=${OCRT_SCHEMA_DIR:-$ITEST_SOURCE_TOP/../shared/runtime-spec/schema}

ITEST_TMP=""      # per-test temp dir (0711 so a user-namespaced init can traverse it)
STATE=""          # per-test --root
ITEST_FAILURES=0
ITEST_CHECKS=0
ITEST_RUN_TIMEOUT=${ITEST_RUN_TIMEOUT:-10}  # seconds per command
ITEST_TIMEOUTS=0
ITEST_MAX_TIMEOUTS=${ITEST_MAX_TIMEOUTS:-3}

# ---------------------------------------------------------------- outcome

itest_skip() {
    echo "SKIP: $ITEST_NAME: $*"
    exit 77
}

# A broken precondition: stop this script now (the trap still cleans up).
itest_die() {
    echo "FAIL: $ITEST_NAME: $*" >&2
    ITEST_FAILURES=$((ITEST_FAILURES + 1))
    exit 1
}

itest_finish() {
    if ((ITEST_FAILURES > 0)); then
        echo "FAIL: $ITEST_NAME: $ITEST_FAILURES of $ITEST_CHECKS checks failed"
        exit 1
    fi
    echo "PASS: $ITEST_NAME: $ITEST_CHECKS checks"
    exit 0
}

pass() {
    ITEST_CHECKS=$((ITEST_CHECKS + 1))
    echo "ok - $*"
}

fail() {
    ITEST_CHECKS=$((ITEST_CHECKS + 1))
    ITEST_FAILURES=$((ITEST_FAILURES + 1))
    echo "not ok - $1"
    shift
    local line
    for line in "$@"; do printf '    %s\n' "$line"; done
}

# ---------------------------------------------------------------- assertions

# assert_eq EXPECTED ACTUAL WHAT
assert_eq() {
    if [ "$1" == "$2" ]; then pass "$3"; else fail "$3" "expected: '$1'" "actual:   '$2'"; fi
}

assert_ne() {
    if [ "$1" != "$2" ]; then pass "$3"; else fail "$3" "both are: '$1'"; fi
}

# assert_contains HAYSTACK NEEDLE WHAT
assert_contains() {
    if [[ "$1" == *"$2"* ]]; then pass "$3"; else fail "$3" "expected to contain: '$2'" "actual: '$1'"; fi
}

assert_not_contains() {
    if [[ "$1" != *"$2"* ]]; then pass "$3"; else fail "$3" "expected not to contain: '$2'" "actual: '$1'"; fi
}

# assert_match STRING EXTENDED_REGEX WHAT
assert_match() {
    if [[ "$1" =~ $2 ]]; then pass "$3"; else fail "$3" "expected to match: $2" "actual: '$1'"; fi
}

# assert_true WHAT CMD...: the command must succeed (its output is shown when it does not).
assert_true() {
    local what=$1
    shift
    local output
    if output=$("$@" 2>&1); then pass "$what"; else fail "$what" "command failed: $*" "$output"; fi
}

# Run a command with output captured in files (never pipes: a detached container
# would keep a pipe open and hang us). A leading word `ocrt` means the binary under
# test with this test's state root. Sets RC, OUT, ERR.
run_cmd() {
    local out=$ITEST_TMP/last.out err=$ITEST_TMP/last.err
    local command=("$@")
    [ "${command[0]}" == ocrt ] && command=("$OCRT" --root "$STATE" "${command[@]:1}")
    timeout -k 5 "$ITEST_RUN_TIMEOUT" "${command[@]}" >"$out" 2>"$err" </dev/null
    RC=$?
    OUT=$(cat "$out")
    ERR=$(cat "$err")
    if ((RC == 124)); then
        ERR="$ERR (timed out after ${ITEST_RUN_TIMEOUT}s)"
        ITEST_TIMEOUTS=$((ITEST_TIMEOUTS + 1))
        # A hanging runtime would push the script past meson's timeout before it
        # reports anything; stop early with what we have.
        if ((ITEST_TIMEOUTS >= ITEST_MAX_TIMEOUTS)); then
            echo "not ok - command timed out: ${command[*]}"
            ITEST_FAILURES=$((ITEST_FAILURES + 1))
            itest_die "$ITEST_TIMEOUTS ocrt commands timed out (the last: ${command[*]}); stopping"
        fi
    fi
}

# ocrt ARGS...: the binary under test with this test's private state root.
ocrt() {
    "$OCRT" --root "$STATE" "$@"
}

# assert_ok WHAT CMD...: exit 0 expected.
assert_ok() {
    local what=$1
    shift
    run_cmd "$@"
    if ((RC == 0)); then pass "$what"; else fail "$what" "command: $*" "exit: $RC" "stderr: $ERR" "stdout: $OUT"; fi
}

# Text-format log lines escape quotes (msg="exec: \"x\": ..."); compare messages without that.
unescape_quotes() {
    printf '%s' "${1//\\\"/\"}"
}

# assert_fail WHAT MESSAGE CMD...: non-zero exit expected, and stderr containing
# MESSAGE (skip that part with MESSAGE="").
assert_fail() {
    local what=$1 message=$2
    shift 2
    run_cmd "$@"
    if ((RC == 0)); then
        fail "$what" "command unexpectedly succeeded: $*" "stdout: $OUT"
    elif ((RC == 124)); then
        fail "$what" "command timed out: $*"
    elif [ -n "$message" ] && [[ "$(unescape_quotes "$ERR")" != *"$message"* ]]; then
        fail "$what" "command: $*" "exit: $RC (non-zero as expected)" "stderr should contain: '$message'" "stderr: '$ERR'"
    else
        pass "$what"
    fi
}

# ---------------------------------------------------------------- requirements

require_root() {
    [ "$(id -u)" -eq 0 ] || itest_skip "needs root (namespaces, mounts, pivot_root)"
}

require_ocrt() {
    [ -x "$OCRT" ] || itest_skip "ocrt binary not built at \"$OCRT\""
}

require_probe() {
    [ -n "$OCRT_PROBE" ] && [ -x "$OCRT_PROBE" ] ||
        itest_skip "ocrt-probe not built (this machine could not link it statically)"
}

require_command() {
    command -v "$1" >/dev/null 2>&1 || itest_skip "needs \"$1\" on the host"
}

# ---------------------------------------------------------------- set-up / clean-up

itest_init() {
    require_root
    require_ocrt
    [ -x "$OCRT_MAKE_ROOTFS" ] || [ -f "$OCRT_MAKE_ROOTFS" ] || itest_die "make-rootfs.sh missing at \"$OCRT_MAKE_ROOTFS\""
    ITEST_TMP=$(mktemp -d "/tmp/ocrt-itest-$ITEST_NAME.XXXXXX") || itest_die "mktemp failed"
    chmod 0711 "$ITEST_TMP"
    STATE=$ITEST_TMP/state
    : >"$ITEST_TMP/ids"
    : >"$ITEST_TMP/pids"
    trap itest_cleanup EXIT
    trap 'exit 1' INT TERM HUP
}

# new_id WORD: a container id unique to this run, remembered for clean-up.
new_id() {
    local id="itest-$1-$$-$RANDOM"
    echo "$id" >>"$ITEST_TMP/ids"
    echo "$id"
}

# remember_pid PID: a helper process (unshare, background run) to kill at clean-up.
remember_pid() {
    echo "$1" >>"$ITEST_TMP/pids"
}

# mountinfo mount points (field 5) under DIR, deepest first, octal escapes decoded.
mounts_under() {
    local dir=$1
    python3 - "$dir" <<'PY'
import re, sys
prefix = sys.argv[1].rstrip("/")
points = []
for line in open("/proc/self/mountinfo"):
    point = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), line.split()[4])
    if point == prefix or point.startswith(prefix + "/"):
        points.append(point)
for point in sorted(set(points), key=len, reverse=True):
    print(point)
PY
}

# Host pids whose cwd or root lies under DIR, or whose root is the same directory as
# one of DIR's */rootfs (a pivoted container root is a bind of it: same dev:ino).
processes_under() {
    python3 - "$1" "$$" <<'PY'
import glob, os, sys
top, me = sys.argv[1].rstrip("/"), {sys.argv[2], str(os.getpid()), str(os.getppid())}
roots = set()
for rootfs in glob.glob(top + "/rootfs") + glob.glob(top + "/*/rootfs"):
    st = os.stat(rootfs)
    roots.add((st.st_dev, st.st_ino))
for pid in filter(str.isdigit, os.listdir("/proc")):
    if pid in me:
        continue
    try:
        links = [os.readlink(f"/proc/{pid}/{name}") for name in ("cwd", "root")]
        if any(l == top or l.startswith(top + "/") for l in links):
            print(pid)
            continue
        st = os.stat(f"/proc/{pid}/root")
        if (st.st_dev, st.st_ino) in roots:
            print(pid)
    except OSError:
        pass  # gone, or a kernel thread
PY
}

# Runs on every exit, also after a failure or a meson timeout (SIGTERM), so the
# slow part (ocrt delete, which may be what hangs) comes last and is time-boxed.
itest_cleanup() {
    local status=$?
    set +e
    trap - EXIT INT TERM HUP
    cd /
    [ -n "$ITEST_TMP" ] && [ -d "$ITEST_TMP" ] || exit "$status"
    local id pid point
    while read -r pid; do
        [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
    done <"$ITEST_TMP/pids"
    for pid in $(processes_under "$ITEST_TMP"); do
        kill -KILL "$pid" 2>/dev/null
    done
    # Every id we handed out plus anything else found in our private state root.
    {
        cat "$ITEST_TMP/ids"
        [ -d "$STATE" ] && ls -1 "$STATE"
    } 2>/dev/null | sort -u | while read -r id; do
        [ -n "$id" ] && timeout -k 1 5 "$OCRT" --root "$STATE" delete --force "$id" >/dev/null 2>&1 </dev/null
    done
    for point in $(mounts_under "$ITEST_TMP"); do
        umount -l "$point" 2>/dev/null
    done
    rm -rf "$ITEST_TMP"
    exit "$status"
}

# ---------------------------------------------------------------- bundles

# make_bundle NAME ARGS...: $ITEST_TMP/NAME with a busybox rootfs (+ probe when built)
# and a config.json running ARGS. Prints the bundle path. It runs in a command
# substitution, so callers add `|| itest_die ...` to stop on failure.
make_bundle() {
    local name=$1
    shift
    local bundle=$ITEST_TMP/$name
    mkdir -p "$bundle" || itest_die "cannot create bundle dir \"$bundle\""
    local probe_args=()
    [ -n "$OCRT_PROBE" ] && [ -x "$OCRT_PROBE" ] && probe_args=("$OCRT_PROBE")
    bash "$OCRT_MAKE_ROOTFS" "$bundle/rootfs" "${probe_args[@]}" >/dev/null || itest_die "make-rootfs.sh failed for \"$bundle\""
    write_default_config "$bundle" "$@"
    echo "$bundle"
}

# write_default_config BUNDLE ARGS...: a small, valid config (runtime-spec config.md,
# config-linux.md) close to what engines send, without cgroups (ocrt has none yet).
write_default_config() {
    python3 - "$@" <<'PY' || itest_die "could not write config.json in \"$1\""
import json, sys
bundle, args = sys.argv[1], sys.argv[2:]
caps = ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]
config = {
    "ociVersion": "1.3.0",
    "root": {"path": "rootfs", "readonly": False},
    "process": {
        "terminal": False,
        "user": {"uid": 0, "gid": 0},
        "args": args or ["true"],
        "env": ["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"],
        "cwd": "/",
        "capabilities": {"bounding": caps, "effective": caps, "permitted": caps},
        "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}],
        "noNewPrivileges": True,
    },
    "hostname": "itest",
    "mounts": [
        {"destination": "/proc", "type": "proc", "source": "proc"},
        {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
         "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
        {"destination": "/dev/pts", "type": "devpts", "source": "devpts",
         "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]},
        {"destination": "/dev/shm", "type": "tmpfs", "source": "shm",
         "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
        {"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue",
         "options": ["nosuid", "noexec", "nodev"]},
        {"destination": "/sys", "type": "sysfs", "source": "sysfs",
         "options": ["nosuid", "noexec", "nodev", "ro"]},
    ],
    "linux": {
        "namespaces": [{"type": t} for t in ("pid", "network", "ipc", "uts", "mount")],
    },
}
with open(bundle + "/config.json", "w") as out:
    json.dump(config, out, indent=2)
PY
}

# edit_config BUNDLE PYTHON: run PYTHON with the parsed config bound to `c`, save it.
edit_config() {
    local bundle=$1 code=$2
    python3 - "$bundle/config.json" "$code" <<'PY' || itest_die "edit_config failed: $code"
import json, sys
path, code = sys.argv[1], sys.argv[2]
with open(path) as f:
    c = json.load(f)
exec(code, {"c": c, "json": json})
with open(path, "w") as f:
    json.dump(c, f, indent=2)
PY
}

# set_args BUNDLE ARGS...: replace process.args.
set_args() {
    local bundle=$1
    shift
    python3 - "$bundle/config.json" "$@" <<'PY' || itest_die "set_args failed"
import json, sys
path, args = sys.argv[1], sys.argv[2:]
with open(path) as f:
    c = json.load(f)
c["process"]["args"] = args
with open(path, "w") as f:
    json.dump(c, f, indent=2)
PY
}

# ---------------------------------------------------------------- JSON and state

# json_field FIELD < JSON: prints one top-level field ("" when absent or not JSON).
json_field() {
    python3 -c '
import json, sys
try:
    v = json.load(sys.stdin).get(sys.argv[1], "")
except Exception:
    v = ""
print("" if v is None else v)' "$1"
}

# state_field ID FIELD: prints FIELD of `ocrt state ID` ("" when state fails).
state_field() {
    timeout -k 1 "$ITEST_RUN_TIMEOUT" "$OCRT" --root "$STATE" state "$1" 2>/dev/null </dev/null | json_field "$2"
}

# wait_status ID STATUS [SECONDS]: poll state until STATUS; returns 1 on timeout.
wait_status() {
    local id=$1 want=$2 seconds=${3:-10} i
    for ((i = 0; i < seconds * 20; i++)); do
        [ "$(state_field "$id" status)" == "$want" ] && return 0
        sleep 0.05
    done
    return 1
}

# wait_file PATH [SECONDS]
wait_file() {
    local path=$1 seconds=${2:-5} i
    for ((i = 0; i < seconds * 20; i++)); do
        [ -e "$path" ] && return 0
        sleep 0.05
    done
    return 1
}

# probe_value OUTPUT KEY: value of KEY from `ocrt-probe all` output.
probe_value() {
    printf '%s\n' "$1" | sed -n "s/^$2=//p" | head -n 1
}

# pid_alive PID: running (a zombie counts as gone).
pid_alive() {
    local state
    state=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null) || return 1
    [ -n "$state" ] && [ "$state" != "Z" ] && [ "$state" != "X" ]
}
