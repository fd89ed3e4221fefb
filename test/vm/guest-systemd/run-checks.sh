#!/bin/sh
# Started by systemd (systemd.run=) once the guest is up: installs the ocrt under test
# and the libraries the guest lacks from the per-run disk (/vmtest, /dev/vdb) into the
# throwaway root, then runs the checks with their output on the serial console.
exec >/dev/console 2>&1
# -n: never replace a library the guest has (PID 1 has libc mapped; both are bookworm).
cp -an /vmtest/root/. /
echo "GUEST: kernel $(uname -r), PID 1 $(cat /proc/1/comm), systemd $(systemctl --version | head -1)"
sh /vmtest/checks.sh
echo "GUEST: checks exited $?"
