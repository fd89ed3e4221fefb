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
