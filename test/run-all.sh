#!/usr/bin/env bash
# Installs the dependencies, builds ocrt and runs every test (unit + root integration).
# Prints the cgroups matrix (also in $BUILD_DIR/cgroups-matrix.md), then ends with one
# line: "N passed, N failed, N skipped" over every Catch2 test case and every check of
# the integration scripts and the VM guest.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
bash contrib/install-deps.sh || { echo "dependency installation failed"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
build=${BUILD_DIR:-build}
if [ ! -f "$build/build.ninja" ]; then
    if ! meson setup "$build" > /tmp/ocrt-meson-setup.log 2>&1; then
        cat /tmp/ocrt-meson-setup.log; echo "meson setup failed"; echo "0 passed, 1 failed, 0 skipped"; exit 1
    fi
fi
if ! ninja -C "$build"; then
    echo "build failed"; echo "0 passed, 1 failed, 0 skipped"; exit 1
fi
meson test -C "$build" --no-rebuild --print-errorlogs "$@"
# Issue 4's cgroups matrix (resource x host mode) from the [cg:KEY] checks the tests
# printed; also kept in $build/cgroups-matrix.md. The count line below stays last.
echo
echo "cgroups matrix (resource x host mode):"
python3 test/cgroups_matrix.py --output "$build/cgroups-matrix.md" "$build/meson-logs/testlog.txt" ||
    echo "(the cgroups matrix could not be made)"
echo
python3 - "$build/meson-logs/testlog.json" <<'PY'
# Counts what the tests checked, not just the meson tests: a Catch2 binary adds its
# test cases, an integration script (and the VM guest) its checks. A test that
# failed without saying how many of its checks failed counts as one failure.
import json, re, sys
passed = failed = skipped = 0
for line in open(sys.argv[1]):
    r = json.loads(line)
    out, result = r.get("stdout") or "", r.get("result")
    if result == "SKIP":
        skipped += 1
        continue
    p = f = 0
    for m in re.finditer(r"^PASS: [^:\n]+: (\d+) checks", out, re.M):
        p += int(m.group(1))
    for m in re.finditer(r"^FAIL: [^:\n]+: (\d+) of (\d+) checks failed", out, re.M):
        f += int(m.group(1)); p += int(m.group(2)) - int(m.group(1))
    for m in re.finditer(r"^All tests passed \(\d+ assertions? in (\d+) test cases?\)", out, re.M):
        p += int(m.group(1))
    for m in re.finditer(r"^test cases: +\d+ \| +(\d+) passed \| +(\d+) failed", out, re.M):
        p += int(m.group(1)); f += int(m.group(2))
    ok = result in ("OK", "EXPECTEDFAIL")
    if not ok and f == 0:
        f = 1  # crashed, timed out or died before reporting its checks
    if ok and p == 0:
        p = 1
    passed += p
    failed += f
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed or passed == 0 else 0)
PY
