#!/usr/bin/env bash
# Fresh Debian 12 machine, as root: install the build dependencies, build ocrt,
# make a busybox bundle and run a container that prints from inside.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
bash contrib/install-deps.sh
[ -f build/build.ninja ] || meson setup build >/dev/null
ninja -C build >/dev/null
ocrt=$top/build/runtime/cli/ocrt

bundle=$(mktemp -d /tmp/ocrt-quickstart.XXXXXX)
trap '"$ocrt" --root "$bundle/state" delete --force quickstart >/dev/null 2>&1 || true; rm -rf "$bundle"' EXIT
bash test/helpers/make-rootfs.sh "$bundle/rootfs" >/dev/null
"$ocrt" spec --bundle "$bundle"
python3 - "$bundle/config.json" <<'PY'
import json, sys
path = sys.argv[1]
config = json.load(open(path))
config["process"]["terminal"] = False
config["process"]["args"] = ["sh", "-c", "echo hello from inside ocrt: $(hostname), uid $(id -u), pid $$"]
config["hostname"] = "ocrt-demo"
json.dump(config, open(path, "w"), indent=2)
PY
cd "$bundle"
"$ocrt" --root "$bundle/state" run quickstart
