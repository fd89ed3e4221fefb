#!/usr/bin/env bash
# Installs what building and testing ocrt needs on Debian 12 (idempotent; root).
set -euo pipefail
packages=(meson ninja-build g++ pkg-config nlohmann-json3-dev libyaml-cpp-dev libseccomp-dev libcap-dev
          catch2 libsystemd-dev busybox-static python3 python3-jsonschema iproute2 util-linux
          # conformance-runtime-tools-cgroups: Go and the runtime-tools library with what its
          # cgroups, generate and validate packages import (all Debian -dev source packages).
          golang-go golang-github-opencontainers-runtime-tools-dev golang-github-opencontainers-specs-dev
          golang-github-hashicorp-go-multierror-dev golang-github-hashicorp-errwrap-dev
          golang-github-blang-semver-dev golang-github-sirupsen-logrus-dev golang-gocapability-dev
          golang-github-opencontainers-selinux-dev golang-github-xeipuuv-gojsonschema-dev
          golang-github-xeipuuv-gojsonpointer-dev golang-github-xeipuuv-gojsonreference-dev
          golang-golang-x-sys-dev)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    echo "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
