# Sourced by every guest check file (busybox or dash sh): TAP-like "ok - " / "not ok - "
# lines, counted for the "VMTEST-SUMMARY passed=N failed=M" line the host reads, and
# ocrt as the checks call it ($root: the state root, $bundle: the bundle).
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok - $1"; }
# Returns 0, so "test && not_ok X || ok X" never counts one check twice.
not_ok() { failed=$((failed + 1)); echo "not ok - $1"; [ -z "${2:-}" ] || echo "    $2"; return 0; }
check_eq() { if [ "$1" = "$2" ]; then ok "$3"; else not_ok "$3" "expected '$1', got '$2'"; fi; }
# has TEXT PART NAME: TEXT contains PART.
has() { case "$1" in *"$2"*) ok "$3" ;; *) not_ok "$3" "expected to contain '$2', got '$(echo "$1" | tr '\n' '|')'" ;; esac; }
summary() { echo "VMTEST-SUMMARY passed=$passed failed=$failed"; }
use() { cp "$bundle/config-$1.json" "$bundle/config.json"; }
ocrt() { /usr/sbin/ocrt --root "$root" "$@"; }
field() { ocrt state "$1" | sed -n "s/^ *\"$2\": \"*\([^\",]*\)\"*,*$/\1/p"; }
# The systemd guest: a unit's property, and whether a unit is gone (not loaded any more).
show() { systemctl show -p "$2" --value "$1" 2>&1; }
gone() {
    [ "$(systemctl show -p LoadState --value "$1" 2>/dev/null)" = not-found ] ||
        [ -z "$(systemctl list-units --all --no-legend "$1" 2>/dev/null)" ]
}
# For `ocrt exec ID sh -c "$device_probe"`: makes /dev/x (c 1:200, no driver) in the
# container's /dev, opens each device for reading (r) or writing (w) and prints
# "r /dev/zero R" ... with R one of ok, EPERM (the device rules refused the open) or
# ENXIO (they let it through to the absent driver).
device_probe='
try() {
    if [ "$1" = r ]; then head -c 1 "$2" >/dev/null 2>/tmp/err; else (: >"$2") 2>/tmp/err; fi && { echo "$1 $2 ok"; return; }
    if grep -q "not permitted" /tmp/err; then echo "$1 $2 EPERM"; elif grep -q "No such device" /tmp/err; then echo "$1 $2 ENXIO"; else echo "$1 $2 $(cat /tmp/err)"; fi
}
rm -f /dev/x; mknod /dev/x c 1 200 2>/tmp/err && echo "mknod ok" || echo "mknod $(cat /tmp/err)"
for d in /dev/null /dev/zero /dev/full /dev/urandom /dev/x; do try r $d; done
try w /dev/null; try w /dev/x'
