#!/usr/bin/env bash
# bench.sh: time `run` of /bin/true for ocrt beside crun and runc, in one hyperfine
# invocation, and print mean times with the ratio to crun.
#
#   sudo bash contrib/bench/bench.sh            # OCRT=path/to/ocrt RUNS=50 to override
#
# Without OCRT it times a release build (LTO, no tests) made in build-release/, as
# the runc and crun packages are release builds too.
#
# This host mounts cgroups in hybrid mode, which crun refuses. So the benchmark runs
# inside a private mount namespace (`unshare -m`) with cgroup2 mounted on
# /sys/fs/cgroup; crun and ocrt run with --cgroup-manager=disabled there. runc
# needs working cgroups: if it fails in that namespace it is timed in a second
# hyperfine invocation outside it, and the table says so.
#
# Every iteration uses a fresh container id (the shell's pid and $RANDOM) and `run`
# deletes the container when it exits; a --prepare step force-deletes leftovers.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
if [ -z "${OCRT:-}" ] && [ "${1:-}" != "--inner" ]; then
    if [ ! -f "$top/build-release/build.ninja" ]; then
        meson setup "$top/build-release" --buildtype=release -Db_lto=true -Dtests=false >/dev/null
    fi
    ninja -C "$top/build-release" >/dev/null
fi
OCRT=${OCRT:-$top/build-release/runtime/cli/ocrt}
export OCRT
RUNS=${RUNS:-50}
WARMUP=${WARMUP:-3}

if [ "${1:-}" == "--inner" ]; then
    inner=yes
    work=$2
else
    inner=no
fi

# ------------------------------------------------------------------ helpers

# runtime_command NAME: the shell command hyperfine times for NAME.
runtime_command() {
    local name=$1 global=""
    case $name in
        ocrt) global="$OCRT --root $work/state-ocrt --cgroup-manager=disabled" ;;
        crun) global="crun --root $work/state-crun --cgroup-manager=disabled" ;;
        runc) global="runc --root $work/state-runc" ;;
    esac
    echo "cd $work/bundle && $global run bench-$name-\$\$-\$RANDOM >/dev/null"
}

# prepare_command NAME: force-delete whatever an earlier iteration left behind.
prepare_command() {
    local name=$1 tool=$1
    [ "$name" == ocrt ] && tool=$OCRT
    echo "for d in $work/state-$name/*; do [ -e \"\$d\" ] && $tool --root $work/state-$name delete --force \"\${d##*/}\" >/dev/null 2>&1; done; true"
}

# Smoke-test one runtime in the current mount namespace.
works_here() {
    local name=$1
    bash -c "$(runtime_command "$name")" >/dev/null 2>"$work/$name.smoke.err"
}

# hyperfine_for NAMES...: one hyperfine invocation over NAMES, JSON to $work/<first>.json.
hyperfine_for() {
    local args=() name
    for name in "$@"; do
        args+=(--prepare "$(prepare_command "$name")" --command-name "$name" "$(runtime_command "$name")")
    done
    hyperfine --shell=bash --warmup "$WARMUP" --runs "$RUNS" --export-json "$work/$1.json" "${args[@]}"
}

# ------------------------------------------------------------------ inside unshare -m

if [ "$inner" == yes ]; then
    mount --make-rprivate /
    umount -l /sys/fs/cgroup 2>/dev/null || true
    mount -t cgroup2 cgroup2 /sys/fs/cgroup
    names=(crun)
    if [ -x "$OCRT" ]; then
        if works_here ocrt; then names+=(ocrt); else
            echo "ocrt failed its smoke run, left out: $(cat "$work/ocrt.smoke.err")" >&2
        fi
    fi
    if works_here runc; then names+=(runc); else
        echo "runc does not run in the cgroup2 mount namespace ($(tail -n 1 "$work/runc.smoke.err")); timing it outside" >&2
        : >"$work/runc-outside"
    fi
    works_here crun || { echo "crun failed: $(cat "$work/crun.smoke.err")" >&2; exit 1; }
    hyperfine_for "${names[@]}"
    exit 0
fi

# ------------------------------------------------------------------ outside

[ "$(id -u)" -eq 0 ] || { echo "bench.sh needs root" >&2; exit 1; }
missing=()
for tool in hyperfine runc crun; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if ((${#missing[@]})); then
    echo "installing ${missing[*]}" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }
fi
[ -x "$OCRT" ] || echo "warning: no ocrt at \"$OCRT\" (build it or set OCRT); timing crun and runc only" >&2

work=$(mktemp -d /tmp/ocrt-bench.XXXXXX)
cleanup() {
    local name tool d
    for name in ocrt crun runc; do
        tool=$name
        [ "$name" == ocrt ] && tool=$OCRT
        for d in "$work/state-$name"/*; do
            [ -e "$d" ] && "$tool" --root "$work/state-$name" delete --force "${d##*/}" >/dev/null 2>&1
        done
    done
    rm -rf "$work"
}
trap cleanup EXIT

bash "$top/test/helpers/make-rootfs.sh" "$work/bundle/rootfs" >/dev/null
mkdir -p "$work"/state-{ocrt,crun,runc}
# ociVersion 1.0.2: Debian's crun 1.8 rejects newer versions; all three accept it.
python3 - "$work/bundle/config.json" <<'PY'
import json, sys
caps = ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]
config = {
    "ociVersion": "1.0.2",
    "root": {"path": "rootfs", "readonly": True},
    "process": {"terminal": False, "user": {"uid": 0, "gid": 0}, "args": ["/bin/true"],
                "env": ["PATH=/bin"], "cwd": "/", "noNewPrivileges": True,
                "capabilities": {"bounding": caps, "effective": caps, "permitted": caps}},
    "hostname": "bench",
    "mounts": [
        {"destination": "/proc", "type": "proc", "source": "proc"},
        {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
        {"destination": "/dev/pts", "type": "devpts", "source": "devpts", "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]},
        {"destination": "/dev/shm", "type": "tmpfs", "source": "shm", "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
        {"destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]},
    ],
    "linux": {"namespaces": [{"type": t} for t in ("pid", "network", "ipc", "uts", "mount")]},
}
json.dump(config, open(sys.argv[1], "w"), indent=2)
PY

OCRT=$OCRT RUNS=$RUNS WARMUP=$WARMUP unshare -m bash "$0" --inner "$work"
if [ -e "$work/runc-outside" ]; then
    if works_here runc; then hyperfine_for runc; else
        echo "runc fails outside too, not measured: $(tail -n 1 "$work/runc.smoke.err")" >&2
    fi
fi

python3 - "$work" <<'PY'
import glob, json, os, sys
work = sys.argv[1]
results = {}
for path in glob.glob(os.path.join(work, "*.json")):
    if path.endswith("config.json"):
        continue
    for r in json.load(open(path))["results"]:
        results[r["command"]] = r
outside = os.path.exists(os.path.join(work, "runc-outside"))
base = results.get("crun")
print()
print(f"{'runtime':<8} {'mean ms':>9} {'stddev':>8} {'vs crun':>8}")
for name in ("ocrt", "crun", "runc"):
    r = results.get(name)
    if not r:
        print(f"{name:<8} {'-':>9} {'-':>8} {'-':>8}   (not measured)")
        continue
    ratio = f"{r['mean'] / base['mean']:.2f}x" if base else "-"
    note = "   (separate hyperfine run, host cgroups)" if name == "runc" and outside else ""
    print(f"{name:<8} {r['mean'] * 1000:>9.2f} {r['stddev'] * 1000:>8.2f} {ratio:>8}{note}")
PY
