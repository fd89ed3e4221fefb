# shellcheck shell=bash
# Shared by the VM tests (run-cgroupv2.sh, run-systemd.sh); sourced after they define
# skip() and set cache and flavour.

# vm_install_packages PKG...: Debian packages only; idempotent; skip when apt cannot.
vm_install_packages() {
    local need=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
    done
    if ((${#need[@]})); then
        (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}") \
            >/dev/null 2>&1 || skip "cannot install ${need[*]}"
    fi
}

# vm_fetch_kernel: the kernel package downloaded and unpacked into $cache, never
# installed on the host. Sets kpkg, kver and kdir.
vm_fetch_kernel() {
    mkdir -p "$cache"
    kpkg=$(apt-cache depends "linux-image-$flavour" 2>/dev/null | awk '/Depends: linux-image-/{print $2; exit}')
    [ -n "$kpkg" ] || skip "no linux-image-$flavour package known to apt"
    kver=${kpkg#linux-image-}
    kdir=$cache/$kpkg
    if [ ! -f "$kdir/boot/vmlinuz-$kver" ]; then
        (cd "$cache" && apt-get download "$kpkg" >/dev/null 2>&1) || skip "cannot download $kpkg"
        dpkg -x "$cache/${kpkg}"_*.deb "$kdir.tmp" && mv "$kdir.tmp" "$kdir" || skip "cannot unpack $kpkg"
        rm -f "$cache/${kpkg}"_*.deb
    fi
}

# vm_accel: KVM when it can run a stock kernel here, else TCG; sets the array accel.
vm_accel() {
    if [ -w /dev/kvm ] && grep -qwE 'vmx|svm' /proc/cpuinfo; then accel=(-enable-kvm -cpu host); else accel=(-accel tcg -cpu max); fi
}

# vm_report NAME WHERE LOG TAIL: the guest's lines from the serial LOG, then
# "PASS: NAME: N checks in WHERE" (exit 0) or a FAIL line (exit 1) from its
# VMTEST-SUMMARY; TAIL lines of the log when the guest never reported.
vm_report() {
    local name=$1 where=$2 log=$3 tail_lines=$4 summary passed failed
    # Everything the guest reports is prefixed (n/a lines: the cgroups matrix); the rest of the serial log is kernel noise.
    grep -aE '^(GUEST|ok -|not ok -|n/a -|    |VMTEST)' "$log" | tr -d '\r'
    summary=$(grep -a '^VMTEST-SUMMARY' "$log" | tr -d '\r' | tail -1)
    [ -n "$summary" ] || { echo "FAIL: $name: the guest never reported (see the log above)"; tail -"$tail_lines" "$log"; exit 1; }
    passed=$(sed -n 's/.*passed=\([0-9]*\).*/\1/p' <<<"$summary")
    failed=$(sed -n 's/.*failed=\([0-9]*\).*/\1/p' <<<"$summary")
    if [ "${failed:-1}" = 0 ] && [ "${passed:-0}" -gt 0 ]; then
        echo "PASS: $name: $passed checks in $where"
        exit 0
    fi
    echo "FAIL: $name: ${failed:-?} of $((passed + failed)) checks failed in $where"
    exit 1
}
