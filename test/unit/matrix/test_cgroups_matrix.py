#!/usr/bin/env python3
"""Unit tests of test/cgroups_matrix.py against a small fake meson testlog.

usage: test_cgroups_matrix.py CGROUPS_MATRIX_PY DATA_DIR
Prints "PASS: cgroups_matrix: N checks" (run-all.sh counts it) or the failures.
"""
import importlib.util
import io
import os
import sys
import tempfile
import unittest
from contextlib import redirect_stderr, redirect_stdout

SCRIPT, DATA = sys.argv[1], sys.argv[2]
spec = importlib.util.spec_from_file_location("cgroups_matrix", SCRIPT)
matrix = importlib.util.module_from_spec(spec)
spec.loader.exec_module(matrix)


def rows(text):
    """{first cell: [other cells]} of the markdown table."""
    table = {}
    for line in text.splitlines():
        if line.startswith("| ") and not line.startswith("|---"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            table[cells[0]] = cells[1:]
    return table


class TestLog(unittest.TestCase):
    def setUp(self):
        self.tests = matrix.read_log(os.path.join(DATA, "testlog.txt"))

    def test_every_test_and_only_its_stdout(self):
        self.assertEqual([name for name, _ in self.tests], [
            "ocrt:integration / integration-cgroups", "ocrt:integration / conformance-linux_cgroups",
            "ocrt:vm / vm-cgroupv2", "ocrt:vm / vm-systemd", "ocrt / unit-cgroups"])
        first = self.tests[0][1]
        self.assertIn("not ok - [cg:pids.limit]", first)
        self.assertNotIn("stderr is not counted", first)
        self.assertNotIn("command:", first)

    def test_columns(self):
        self.assertEqual(matrix.column_of("ocrt:integration / integration-cgroups"), matrix.HOST)
        self.assertEqual(matrix.column_of("ocrt:integration / conformance-linux_cgroups"), matrix.HOST)
        self.assertEqual(matrix.column_of("ocrt:vm / vm-cgroupv2"), matrix.PURE_V2)
        self.assertEqual(matrix.column_of("vm-rdma", "v2 host: rdma.max is ..."), matrix.PURE_V2)
        self.assertEqual(matrix.column_of("vm-systemd-hybrid"), matrix.SYSTEMD_HYBRID)
        self.assertEqual(matrix.column_of("vm-rdma", "v1 host: rdma/.../rdma.max is ..."), matrix.HOST)
        self.assertEqual(matrix.column_of("ocrt:vm / vm-systemd"), matrix.SYSTEMD)
        self.assertIsNone(matrix.column_of("ocrt / unit-cgroups"))

    def test_single_log_file_named_by_its_base_name_or_given_name(self):
        path = os.path.join(DATA, "vm-rdma.log")
        self.assertEqual(matrix.read_log(path)[0][0], "vm-rdma")
        self.assertEqual(matrix.read_log("vm-cgroupv2=" + path)[0][0], "vm-cgroupv2")


class TestTable(unittest.TestCase):
    def setUp(self):
        tests = matrix.read_log(os.path.join(DATA, "testlog.txt")) + \
            matrix.read_log(os.path.join(DATA, "vm-rdma.log"))
        self.table, self.unknown = matrix.collect(tests)
        self.text = matrix.render(self.table, self.unknown)
        self.rows = rows(self.text)

    def test_header_and_every_key_in_order(self):
        keys = [k for k in self.rows if k not in ("resource", "**total**")]
        self.assertEqual(keys, matrix.KEYS + ["memroy.limit"])
        self.assertEqual(self.rows["resource"], [matrix.HOST, matrix.PURE_V2, matrix.SYSTEMD])
        self.assertEqual(len(matrix.KEYS), 51)

    def test_cells(self):
        self.assertEqual(self.rows["memory.limit"], ["3 ✓", "1 ✓", "—"])  # conformance counts on the host
        self.assertEqual(self.rows["pids.limit"], ["1 ✓ 1 ✗", "—", "—"])  # a line with two tags counts for both
        self.assertEqual(self.rows["cmd.update"], ["1 ✓", "—", "—"])
        self.assertEqual(self.rows["blockIO.leafWeight"], ["n/a", "—", "—"])
        self.assertEqual(self.rows["memory.kernel"], ["—", "n/a", "—"])
        self.assertEqual(self.rows["rdma"], ["—", "1 ✓ 1 ✗", "—"])
        self.assertEqual(self.rows["place.systemdScope"], ["—", "—", "1 ✓"])
        self.assertEqual(self.rows["memory.disableOOMKiller"], ["—", "n/a, 1 ✓", "—"])  # n/a and how it is handled
        self.assertEqual(self.rows["cpu.shares"], ["—", "—", "—"])  # stderr and unit tests are not counted

    def test_totals(self):
        self.assertEqual(self.rows["**total**"], [
            "7 ✓ 1 ✗, 5 keys checked, 1 n/a",
            "4 ✓ 1 ✗, 4 keys checked, 1 n/a",
            "1 ✓ 0 ✗, 1 keys checked, 0 n/a"])

    def test_na_reasons_and_unknown_keys_listed(self):
        self.assertIn("- n/a, pure v2, memory.kernel: cgroup v2 has no kmem limit; create succeeds and ignores it",
                      self.text)
        self.assertIn("- n/a, v1 hybrid, blockIO.leafWeight: no CFQ", self.text)
        self.assertIn("- n/a, pure v2, memory.disableOOMKiller: cgroup v2 cannot disable the OOM killer", self.text)
        self.assertIn("Unknown keys (not in KEYS): memroy.limit", self.text)


class TestMain(unittest.TestCase):
    def test_writes_the_same_table_it_prints(self):
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "m.md")
            printed = io.StringIO()
            with redirect_stdout(printed):
                rc = matrix.main(["--output", out, os.path.join(DATA, "testlog.txt")])
            self.assertEqual(rc, 0)
            with open(out, encoding="utf-8") as written:
                self.assertEqual(written.read(), printed.getvalue())

    def test_missing_log_fails(self):
        errors = io.StringIO()
        with redirect_stdout(io.StringIO()), redirect_stderr(errors):
            self.assertEqual(matrix.main(["/nonexistent/testlog.txt"]), 1)
        self.assertIn("cannot read /nonexistent/testlog.txt", errors.getvalue())


if __name__ == "__main__":
    result = unittest.main(argv=[sys.argv[0]], exit=False, verbosity=1).result
    if result.wasSuccessful():
        print(f"PASS: cgroups_matrix: {result.testsRun} checks")
        sys.exit(0)
    print(f"FAIL: cgroups_matrix: {len(result.failures) + len(result.errors)} of {result.testsRun} checks failed")
    sys.exit(1)
