# Helpers for the cgroup tests (sourced after lib.sh): where a container's cgroups are
# and reading their files from inside it.

# cg_dir ID CONTROLLER: the host directory of the container's cgroup (from state.json).
cg_dir() {
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["ocrt"]["cgroupDirs"].get(sys.argv[2], ""))' \
        "$STATE/$1/state.json" "$2"
}

# A bundle whose rootfs has /cg.sh: `sh /cg.sh ctl/file ...` prints ctl/file=value,
# resolving the container's own cgroup from /proc/self/cgroup ("unified" is cgroup2),
# through a read-only bind of the host's /sys/fs/cgroup.
cg_bundle() {
    local bundle
    bundle=$(make_bundle "$@") || exit 1
    cat >"$bundle/rootfs/cg.sh" <<'EOF'
for item in "$@"; do
    ctl=${item%%/*}; file=${item#*/}
    if [ "$ctl" = unified ]; then path=$(sed -n 's/^0:://p' /proc/self/cgroup)
    else path=$(grep -E "^[0-9]+:([^:]*,)?$ctl(,[^:]*)?:" /proc/self/cgroup | cut -d: -f3); fi
    echo "$item=$(cat /sys/fs/cgroup/$ctl$path/$file 2>&1 | tr '\n' ' ' | sed 's/ *$//')"
done
EOF
    edit_config "$bundle" 'c["mounts"].append({"destination": "/sys/fs/cgroup", "type": "bind",
        "source": "/sys/fs/cgroup", "options": ["rbind", "ro"]})'
    echo "$bundle"
}

# inside OUTPUT ITEM: the value /cg.sh printed for ITEM.
inside() {
    printf '%s\n' "$1" | sed -n "s|^$2=||p" | head -n 1
}
