#!/usr/bin/env bash
# Command-line surface: --version, features, state and list output, spec, logging.
# runtime-spec features.md, runtime.md "State"; cli-contract.md sections 2, 3, 6, 7, 15.
source "$(dirname "$0")/lib.sh"
itest_init

schema_ok=no
if [ -d "$OCRT_SCHEMA_DIR" ] && python3 -c 'import jsonschema' 2>/dev/null; then
    schema_ok=yes
else
    echo "note: schema validation replaced by key checks (schema dir \"$OCRT_SCHEMA_DIR\" or python3-jsonschema missing)"
fi

# validate_json WHAT SCHEMA_FILE REQUIRED_KEYS JSON_FILE
validate_json() {
    local what=$1 schema=$2 required=$3 file=$4 output
    if output=$(python3 - "$schema_ok" "$OCRT_SCHEMA_DIR" "$schema" "$required" "$file" 2>&1 <<'PY'
import json, sys
use_schema, schema_dir, schema_name, required, path = sys.argv[1:]
doc = json.load(open(path))
if use_schema == "yes":
    import jsonschema
    schema = json.load(open(f"{schema_dir}/{schema_name}"))
    resolver = jsonschema.RefResolver(base_uri=f"file://{schema_dir}/", referrer=schema)
    jsonschema.validate(doc, schema, resolver=resolver)
missing = [k for k in required.split() if k not in doc]
if missing:
    sys.exit(f"missing keys: {missing}")
PY
    ); then
        pass "$what"
    else
        fail "$what" "$output" "document: $(head -c 600 "$file")"
    fi
}

# --- --version (cli-contract 7).
assert_ok "--version exits 0" "$OCRT" --version
assert_match "$(printf '%s\n' "$OUT" | head -n 1)" '^ocrt version [0-9]+\.[0-9]+\.[0-9]+' "first line is \"ocrt version X.Y.Z\""
assert_match "$OUT" $'(^|\n)spec: 1\\.[0-9]+\\.[0-9]+' "a \"spec: 1.x.y\" line"
assert_eq "" "$ERR" "--version prints nothing on stderr"
run_cmd "$OCRT" -v
assert_eq "0" "$RC" "-v is an alias of --version"

# --- features (runtime-spec features.md; cli-contract 7).
assert_ok "features exits 0" "$OCRT" features
assert_eq "" "$ERR" "features prints nothing on stderr (CRI-O reads combined output)"
printf '%s' "$OUT" >"$ITEST_TMP/features.json"
validate_json "features JSON is valid against features-schema.json" features-schema.json \
    "ociVersionMin ociVersionMax linux" "$ITEST_TMP/features.json"
assert_eq "1.3.0" "$(json_field ociVersionMax <"$ITEST_TMP/features.json")" "features ociVersionMax is the spec version"

# --- spec (cli-contract 15): writes a config that parses and runs once args are fixed.
specdir=$ITEST_TMP/specbundle
mkdir -p "$specdir"
assert_ok "spec --bundle DIR exits 0" "$OCRT" spec --bundle "$specdir"
if [ -f "$specdir/config.json" ]; then
    pass "spec wrote config.json"
    validate_json "spec output is valid against config-schema.json" config-schema.json \
        "ociVersion root process" "$specdir/config.json"
    assert_fail "spec refuses to overwrite config.json" "exists" "$OCRT" spec --bundle "$specdir"
    bash "$OCRT_MAKE_ROOTFS" "$specdir/rootfs" >/dev/null || itest_die "make-rootfs.sh failed"
    edit_config "$specdir" "c['process']['terminal'] = False; c['process']['args'] = ['sh', '-c', 'echo spec-ok']"
    sid=$(new_id spec)
    run_cmd ocrt run --bundle "$specdir" "$sid"
    assert_eq "0" "$RC" "run with the spec-generated config exits 0 (stderr: $ERR)"
    assert_eq "spec-ok" "$OUT" "the spec-generated container ran its process"
else
    fail "spec wrote config.json" "no \"$specdir/config.json\""
fi
# Without --bundle, spec writes into the current directory.
mkdir -p "$ITEST_TMP/speccwd"
(cd "$ITEST_TMP/speccwd" && "$OCRT" spec >/dev/null 2>&1 </dev/null)
[ -f "$ITEST_TMP/speccwd/config.json" ] && pass "spec without --bundle writes ./config.json" ||
    fail "spec without --bundle writes ./config.json" "nothing in \"$ITEST_TMP/speccwd\""

# --- state and list of a created container.
bundle=$(make_bundle main sleep 60) || itest_die "cannot build a bundle"
id=$(new_id cli)
assert_ok "create for state/list" ocrt create --bundle "$bundle" --pid-file "$ITEST_TMP/cli.pid" "$id"
run_cmd ocrt state "$id"
assert_eq "0" "$RC" "state exits 0"
assert_eq "" "$ERR" "state prints nothing on stderr (go-runc parses combined output)"
printf '%s' "$OUT" >"$ITEST_TMP/state.json"
validate_json "state JSON is valid against state-schema.json" state-schema.json \
    "ociVersion id status pid bundle" "$ITEST_TMP/state.json"
created=$(json_field created <"$ITEST_TMP/state.json")
assert_match "$created" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$' \
    "state \"created\" is an RFC 3339 time (cli-contract 6)"

assert_ok "list -q exits 0" ocrt list -q
assert_eq "$id" "$OUT" "list -q prints the id alone"
assert_ok "list --format json exits 0" ocrt list --format json
printf '%s' "$OUT" >"$ITEST_TMP/list.json"
list_check=$(python3 - "$ITEST_TMP/list.json" "$id" "$(cat "$ITEST_TMP/cli.pid")" <<'PY' 2>&1
import json, sys
entries = json.load(open(sys.argv[1]))
assert isinstance(entries, list), f"not an array: {entries!r}"
assert len(entries) == 1, f"expected one entry, got {len(entries)}"
e = entries[0]
for key in ("id", "pid", "status", "bundle", "created", "owner"):
    assert key in e, f"missing key {key!r} in {e}"
assert e["id"] == sys.argv[2], e["id"]
assert str(e["pid"]) == sys.argv[3], (e["pid"], sys.argv[3])
assert e["status"] == "created", e["status"]
PY
)
assert_eq "" "$list_check" "list --format json: one entry with id/pid/status/bundle/created/owner"
assert_ok "list (table) exits 0" ocrt list
assert_match "$(printf '%s\n' "$OUT" | head -n 1)" '^ID +PID +STATUS +BUNDLE +CREATED +OWNER' "list table header"
assert_contains "$OUT" "$id" "list table shows the container"
assert_fail "kill with an unknown signal name is refused" 'unknown signal "NOTASIGNAL"' ocrt kill "$id" NOTASIGNAL
assert_eq "created" "$(state_field "$id" status)" "a refused kill leaves the container alone"
assert_ok "delete the created container" ocrt delete "$id"
assert_ok "list --format json on an empty root" ocrt list --format json
assert_eq "null" "$(printf '%s' "$OUT" | tr -d '[:space:]')" "empty list in JSON is null (runc)"
assert_fail "list on a missing explicit root fails" "" "$OCRT" --root "$ITEST_TMP/no-such-root" list

# --- logging (cli-contract 3): --log-format json writes one JSON line per error,
# and the error is also printed on stderr.
log=$ITEST_TMP/log.json
assert_fail "state of a missing container fails (json log)" "container does not exist" \
    "$OCRT" --root "$STATE" --log "$log" --log-format json state "itest-missing-$$"
log_check=$(python3 - "$log" <<'PY' 2>&1
import json, re, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 1, f"expected exactly one line, got {lines!r}"
entry = json.loads(lines[0])
assert entry.get("level") == "error", entry
assert "container does not exist" in entry.get("msg", ""), entry
t = entry.get("time", "")
assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", t), f"time not RFC 3339: {t!r}"
PY
)
[ -f "$log" ] || log_check="no log file written at \"$log\""
assert_eq "" "$log_check" "--log-format json: one {level,msg,time} error line"
assert_fail "a second failure appends" "container does not exist" \
    "$OCRT" --root "$STATE" --log "$log" --log-format json kill "itest-missing-$$"
assert_eq "2" "$(wc -l <"$log" | tr -d ' ')" "--log is appended to, one line per error"
assert_fail "an unknown --log-format is refused" "invalid log-format" \
    "$OCRT" --root "$STATE" --log-format yaml state "itest-missing-$$"

# --- usage errors.
assert_fail "an unknown command fails" "" "$OCRT" --root "$STATE" frobnicate
assert_ok "--help exits 0" "$OCRT" --help

itest_finish
