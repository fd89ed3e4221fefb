#!/bin/sh
# Started by systemd (systemd.run=) once the guest is up: installs the ocrt under test
# and the libraries the guest lacks from the per-run disk (/vmtest, /dev/vdb) into the
# throwaway root, then runs each check file with its output on the serial console and
# one VMTEST-SUMMARY over all of them.
exec >/dev/console 2>&1
# -n: never replace a library the guest has (PID 1 has libc mapped; both are bookworm).
cp -an /vmtest/root/. /
echo "GUEST: kernel $(uname -r), PID 1 $(cat /proc/1/comm), systemd $(systemctl --version | head -1)"
passed=0
failed=0
# Booted with cgroup v1 (run-systemd.sh with OCRT_VM_CGROUP=hybrid): the v1 driver checks only.
parts="checks.sh checks-driver.sh"
[ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] || parts="checks-driver-v1.sh"
for part in $parts; do
    # Streamed (a hanging check shows where), the part's own summary kept aside.
    sh /vmtest/$part 2>&1 | tee /run/vmtest-part.log | grep -v '^VMTEST-SUMMARY'
    summary=$(grep '^VMTEST-SUMMARY' /run/vmtest-part.log | tail -1)
    if [ -z "$summary" ]; then
        echo "not ok - $part reported no summary"
        failed=$((failed + 1))
        continue
    fi
    p=$(echo "$summary" | sed -n 's/.*passed=\([0-9]*\).*/\1/p')
    f=$(echo "$summary" | sed -n 's/.*failed=\([0-9]*\).*/\1/p')
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-1}))
done
echo "VMTEST-SUMMARY passed=$passed failed=$failed"
