#!/usr/bin/env bash
# build.sh GO OUTPUT CACHE_DIR SOURCES...: builds rtools-cgroups offline against
# Debian's packaged Go libraries (GOPATH mode, /usr/share/gocode), with Go's build
# cache and HOME inside the meson build dir, so a rebuild takes about a second.
set -euo pipefail
go=$1 out=$2 cache=$3
shift 3
mkdir -p "$cache/gocache" "$cache/home" "$cache/tmp"
exec env GO111MODULE=off GOPATH=/usr/share/gocode GOFLAGS= GOPROXY=off \
    GOCACHE="$cache/gocache" HOME="$cache/home" GOTMPDIR="$cache/tmp" \
    "$go" build -o "$out" "$@"
