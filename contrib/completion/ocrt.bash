# bash completion for ocrt. Install as /usr/share/bash-completion/completions/ocrt.

_ocrt_container_ids() {
    local root=${OCRT_ROOT:-}
    local i
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
            --root=*) root=${COMP_WORDS[i]#--root=} ;;
            --root) root=${COMP_WORDS[i + 1]} ;;
        esac
    done
    ocrt ${root:+--root "$root"} list -q 2>/dev/null
}

_ocrt() {
    local cur prev
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD - 1]}

    local commands="create start state kill delete run exec list spec features pause resume ps update events help"
    local global_flags="--root --log --log-format --debug --systemd-cgroup --cgroup-manager --rootless --version --help"

    # The command is the first word that is not a global flag or its value.
    local command="" i
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
            --root | --log | --log-format | --cgroup-manager | --rootless) ((i++)) ;;
            -*) ;;
            *) command=${COMP_WORDS[i]}; break ;;
        esac
    done

    case $prev in
        --log-format) COMPREPLY=($(compgen -W "text json" -- "$cur")); return ;;
        --cgroup-manager) COMPREPLY=($(compgen -W "cgroupfs systemd disabled" -- "$cur")); return ;;
        --rootless) COMPREPLY=($(compgen -W "true false auto" -- "$cur")); return ;;
        -f | --format) [[ $command == list || $command == ps ]] && { COMPREPLY=($(compgen -W "table json" -- "$cur")); return; } ;;
        --root | --log | --pid-file | --console-socket | --pidfd-socket)
            COMPREPLY=($(compgen -f -- "$cur")); return ;;
        -p | --process) [[ $command == exec ]] && { COMPREPLY=($(compgen -f -- "$cur")); return; } ;;
        --cwd) [[ $command == exec ]] && return ;;
        -c | --cap) [[ $command == exec ]] && { COMPREPLY=($(compgen -W "CAP_CHOWN CAP_DAC_OVERRIDE CAP_FOWNER CAP_KILL CAP_NET_ADMIN CAP_NET_BIND_SERVICE CAP_NET_RAW CAP_SETGID CAP_SETUID CAP_SYS_ADMIN CAP_SYS_CHROOT CAP_SYS_PTRACE CAP_SYS_TIME" -- "$cur")); return; } ;;
        -b | --bundle) COMPREPLY=($(compgen -d -- "$cur")); return ;;
        -r | --resources) [[ $command == update ]] && { COMPREPLY=($(compgen -f -- "$cur")); return; } ;;
    esac

    if [[ -z $command ]]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "$global_flags" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$commands" -- "$cur"))
        fi
        return
    fi

    local create_flags="--bundle --pid-file --console-socket --pidfd-socket --no-pivot --no-new-keyring --preserve-fds"
    local flags=""
    case $command in
        create) flags=$create_flags ;;
        run) flags="$create_flags --detach --keep --no-subreaper" ;;
        exec) flags="--process --detach --pid-file --tty --console-socket --pidfd-socket --cwd --env --user --additional-gids --cap --no-new-privs --apparmor --process-label --preserve-fds --ignore-paused" ;;
        kill) flags="--all" ;;
        delete) flags="--force" ;;
        list) flags="--format --quiet" ;;
        spec) flags="--bundle --rootless" ;;
        ps) flags="--format" ;;
        events) flags="--stats --interval" ;;
        update) flags="--resources --blkio-weight --cpu-period --cpu-quota --cpu-burst --cpu-share --cpu-rt-period --cpu-rt-runtime --cpuset-cpus --cpuset-mems --cpu-idle --memory --memory-reservation --memory-swap --kernel-memory --kernel-memory-tcp --pids-limit" ;;
        help) COMPREPLY=($(compgen -W "$commands" -- "$cur")); return ;;
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$flags --help" -- "$cur"))
    elif [[ $command == kill && $prev != kill && $prev != -* ]]; then
        COMPREPLY=($(compgen -W "TERM KILL HUP INT QUIT USR1 USR2 STOP CONT WINCH" -- "$cur"))
    else
        case $command in
            start | state | kill | delete | pause | resume | ps | update | events) COMPREPLY=($(compgen -W "$(_ocrt_container_ids)" -- "$cur")) ;;
            exec)
                # The id is the first positional after exec; later words are the command.
                local seen=0 j
                for ((j = i + 1; j < COMP_CWORD; j++)); do
                    case ${COMP_WORDS[j]} in
                        -p | --process | --pid-file | --console-socket | --pidfd-socket | --cwd | -e | --env | -u | --user | \
                            -g | --additional-gids | -c | --cap | --apparmor | --process-label | --preserve-fds) ((j++)) ;;
                        -*) ;;
                        *) seen=1; break ;;
                    esac
                done
                ((seen)) || COMPREPLY=($(compgen -W "$(_ocrt_container_ids)" -- "$cur"))
                ;;
        esac
    fi
}

complete -F _ocrt ocrt
