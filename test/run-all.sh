#!/usr/bin/env bash
# Installs the dependencies, builds ocrt and runs every test (unit + root integration).
# Ends with one line: "N passed, N failed, N skipped".
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
python3 - "$build/meson-logs/testlog.json" <<'PY'
import json, sys
passed = failed = skipped = 0
for line in open(sys.argv[1]):
    r = json.loads(line).get("result")
    if r in ("OK", "EXPECTEDFAIL"): passed += 1
    elif r == "SKIP": skipped += 1
    else: failed += 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed or passed == 0 else 0)
PY
