#!/usr/bin/env python3
"""The cgroups matrix (issue 4's closing note): resource x host mode, from what the
tests really printed.

usage: cgroups_matrix.py [--output FILE.md] LOG...

A LOG is meson's build/meson-logs/testlog.txt (each test's stdout under its name),
meson's testlog.json, or any other file holding one test's output; such a file's
test name is its base name without the extension, or given as NAME=PATH
(e.g. vm-cgroupv2=/tmp/serial.log).

Every cgroup check names what it covers with a tag right after its outcome
(lib.sh's pass/fail and the VM guests' ok/not_ok print these forms):
    ok - [cg:memory.limit] memory.limit_in_bytes is 33554432 (host file and inside)
    not ok - [cg:pids.limit] ...
    n/a - [cg:memory.kernel] cgroup v2 has no kmem limit; ...
A line may carry several tags ("ok - [cg:cmd.update] [cg:pids.limit] ..."); it
counts once for each. The test's name (and for vm-rdma the check's) gives the column. A cell is
"3 ✓", "2 ✓ 1 ✗", "n/a" (the mode has no such setting), "n/a, 2 ✓" (it has none,
and the checks show how ocrt handles it: refused, or accepted and ignored) or "—"
(nothing checked it). The n/a reasons and unknown keys (so a typo never disappears
silently) are listed below the table.
"""
import json
import os
import re
import sys

# The [cg:KEY] vocabulary: every cgroup resource and behaviour the tests check, in row order.
KEYS = """
memory.limit memory.reservation memory.swap memory.swappiness memory.disableOOMKiller
memory.kernel memory.kernelTCP memory.useHierarchy memory.checkBeforeUpdate
cpu.shares cpu.quota cpu.period cpu.burst cpu.realtimeRuntime cpu.realtimePeriod
cpu.cpus cpu.mems cpu.idle
pids.limit
blockIO.weight blockIO.leafWeight blockIO.weightDevice blockIO.leafWeightDevice
blockIO.throttleReadBpsDevice blockIO.throttleWriteBpsDevice
blockIO.throttleReadIOPSDevice blockIO.throttleWriteIOPSDevice
hugepageLimits hugepageLimits.rsvd network.classID network.priorities rdma devices unified
enforce.memory enforce.pids enforce.devices
cmd.update cmd.pause cmd.ps cmd.events.stats cmd.events.oom cmd.kill.all cmd.delete
place.absolute place.relative place.default place.cloneIntoCgroup place.cgroupns place.mount
place.systemdScope
""".split()

HOST = "v1 hybrid"
PURE_V2 = "pure v2"
SYSTEMD = "v2 + systemd"
SYSTEMD_HYBRID = "hybrid + systemd"
COLUMNS = [HOST, PURE_V2, SYSTEMD, SYSTEMD_HYBRID]


def column_of(test, check=""):
    """The host mode a check ran on, from its test's meson name; None: not a cgroup
    host test. vm-rdma mounts rdma as a v1 hierarchy beside cgroup2 for its "v1" checks."""
    name = test.rsplit(" / ", 1)[-1].strip()
    if name.startswith(("integration-", "conformance-")):
        return HOST
    if name == "vm-rdma":
        return HOST if check.startswith("v1") else PURE_V2
    if name == "vm-cgroupv2":
        return PURE_V2
    if name == "vm-systemd":
        return SYSTEMD
    if name == "vm-systemd-hybrid":
        return SYSTEMD_HYBRID
    return None


OUTCOME = re.compile(r"^(ok|not ok|n/a) - ((?:\[cg:[^\]\s]+\]\s*)+)(.*)$")
TAG = re.compile(r"\[cg:([^\]\s]+)\]")


def parse_testlog_txt(text):
    """(test name, stdout) for each test of a meson testlog.txt."""
    tests = []
    name, lines, in_stdout = None, [], False
    for line in text.splitlines():
        if line.startswith("test:") and not in_stdout:
            name, lines = line[len("test:"):].strip(), []
            continue
        if re.match(r"^-+ stdout -+$", line):
            in_stdout = True
            continue
        if in_stdout and (re.match(r"^-+ stderr -+$", line) or re.match(r"^=+$", line)):
            in_stdout = False
            if name is not None:
                tests.append((name, "\n".join(lines)))
                name = None
            continue
        if in_stdout:
            lines.append(line)
    if in_stdout and name is not None:
        tests.append((name, "\n".join(lines)))
    return tests


def parse_testlog_json(text):
    tests = []
    for line in text.splitlines():
        if line.strip():
            record = json.loads(line)
            tests.append((record.get("name", ""), record.get("stdout") or ""))
    return tests


def read_log(argument):
    """(test name, output) pairs from one LOG argument."""
    name, path = None, argument
    if "=" in argument and not os.path.exists(argument):
        name, path = argument.split("=", 1)
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read()
    if name is None:
        if text.startswith("Log of Meson test suite"):
            return parse_testlog_txt(text)
        if path.endswith(".json"):
            return parse_testlog_json(text)
        name = os.path.basename(path).split(".")[0]
    return [(name, text)]


def collect(tests):
    """{column: {key: {"ok": n, "not ok": n, "n/a": [reasons]}}} and the unknown keys."""
    table = {column: {} for column in COLUMNS}
    unknown = set()
    for name, output in tests:
        if column_of(name) is None:
            continue
        for line in output.splitlines():
            match = OUTCOME.match(line.rstrip("\r"))
            if not match:
                continue
            outcome, tags, rest = match.groups()
            column = column_of(name, rest)
            for key in TAG.findall(tags):
                if key not in KEYS:
                    unknown.add(key)
                cell = table[column].setdefault(key, {"ok": 0, "not ok": 0, "n/a": []})
                if outcome == "n/a":
                    cell["n/a"].append(rest.strip())
                else:
                    cell[outcome] += 1
    return table, sorted(unknown)


def cell_text(cell):
    if not cell:
        return "—"
    passed, failed = cell["ok"], cell["not ok"]
    if passed == 0 and failed == 0:
        return "n/a" if cell["n/a"] else "—"
    # n/a with checks: the mode lacks the setting and a test checked how it is handled
    # (refused, or accepted and ignored).
    parts = ["n/a,"] if cell["n/a"] else []
    if passed:
        parts.append(f"{passed} ✓")
    if failed:
        parts.append(f"{failed} ✗")
    return " ".join(parts)


def render(table, unknown):
    # The hybrid systemd guest is optional: its column shows only when it reported.
    columns = [c for c in COLUMNS if c != SYSTEMD_HYBRID or table[c]]
    out = ["| resource | " + " | ".join(columns) + " |", "|---|" + "---|" * len(columns)]
    for key in KEYS + [k for k in unknown if k not in KEYS]:
        out.append(f"| {key} | " + " | ".join(cell_text(table[c].get(key)) for c in columns) + " |")
    totals = []
    for column in columns:
        cells = table[column].values()
        passed = sum(c["ok"] for c in cells)
        failed = sum(c["not ok"] for c in cells)
        na = sum(1 for c in cells if c["n/a"] and not c["ok"] and not c["not ok"])
        covered = sum(1 for c in cells if c["ok"] or c["not ok"])
        totals.append(f"{passed} ✓ {failed} ✗, {covered} keys checked, {na} n/a")
    out.append("| **total** | " + " | ".join(totals) + " |")
    reasons = []
    for column in columns:
        for key in KEYS + unknown:
            cell = table[column].get(key)
            if cell and cell["n/a"]:
                reasons.append(f"- n/a, {column}, {key}: {cell['n/a'][0]}")
    if reasons:
        out += ["", *reasons]
    if unknown:
        out += ["", "Unknown keys (not in KEYS): " + ", ".join(unknown)]
    return "\n".join(out) + "\n"


def main(argv):
    output = None
    if len(argv) >= 2 and argv[0] == "--output":
        output, argv = argv[1], argv[2:]
    if not argv:
        print("usage: cgroups_matrix.py [--output FILE.md] LOG...", file=sys.stderr)
        return 2
    tests = []
    for argument in argv:
        try:
            tests += read_log(argument)
        except OSError as e:
            print(f"cgroups_matrix: cannot read {argument}: {e.strerror}", file=sys.stderr)
            return 1
    text = render(*collect(tests))
    sys.stdout.write(text)
    if output:
        with open(output, "w", encoding="utf-8") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
