# bash completion for smsotp(1)                              -*- shell-script -*-
#
# Hand-written: CLI11 cannot generate completions. tests/docs/check_docs.sh
# checks that every command, subcommand and option in `smsotp --help`,
# `smsotp COMMAND --help` and `smsotp COMMAND SUBCOMMAND --help` is offered
# here.

# Prints the names of the configured providers, one per line. `smsotp
# providers` reads only the configuration file (no network, no database, no
# secret); stdin is /dev/null and, where timeout(1) exists, it gets 2 s.
_smsotp_providers()
{
    local program=$1 config=$2
    local -a argv=("$program")
    [[ -n $config ]] && argv+=(--config "$config")
    argv+=(providers)
    if type -P timeout >/dev/null 2>&1; then
        argv=(timeout 2 "${argv[@]}")
    fi
    "${argv[@]}" 2>/dev/null </dev/null | cut -f1
}

_smsotp()
{
    local cur=${COMP_WORDS[COMP_CWORD]}
    local prev=${COMP_WORDS[COMP_CWORD - 1]}
    local cword=$COMP_CWORD
    # "--config=FILE": bash splits at "=" (COMP_WORDBREAKS).
    if [[ $cur == = ]]; then
        cur=""
    elif [[ $prev == = && $cword -ge 2 ]]; then
        prev=${COMP_WORDS[cword - 2]}
    fi

    local commands="send verify purge providers"
    # Global options are accepted before and after the command.
    local global_opts="-c --config --db --json -q --quiet -v --verbose --no-color"
    local send_opts="-h --help --to --purpose --provider --ttl --length --locale --dry-run"
    local verify_opts="-h --help --to --purpose --id"
    local purge_opts="-h --help --to --prefix --older-than --all --dry-run"
    local providers_opts="-h --help"
    local providers_subcommands="check test"
    local providers_check_opts="-h --help"
    local providers_test_opts="-h --help --to"
    # Options that take a value (the next word is not a command).
    local with_value=" -c --config --db --to --purpose --provider --ttl --length --locale --id --older-than --prefix "

    # subcommand: "check" or "test" after "providers"; names: the provider
    # names given after it so far.
    local program=${COMP_WORDS[0]} command="" subcommand="" config="" word i
    local -a names=()
    program=${program/#\~/$HOME}
    for ((i = 1; i < cword; i++)); do
        word=${COMP_WORDS[i]}
        case $word in
            -c | --config)
                if [[ ${COMP_WORDS[i + 1]} == = ]]; then
                    config=${COMP_WORDS[i + 2]}
                    ((i += 2))
                else
                    config=${COMP_WORDS[i + 1]}
                    ((i++))
                fi
                continue
                ;;
        esac
        if [[ $with_value == *" $word "* ]]; then
            [[ ${COMP_WORDS[i + 1]} == = ]] && ((i++))
            ((i++))
            continue
        fi
        [[ $word == -* ]] && continue
        if [[ -z $command ]]; then
            [[ " $commands " == *" $word "* ]] && command=$word
        elif [[ $command == providers && -z $subcommand ]]; then
            [[ " $providers_subcommands " == *" $word "* ]] && subcommand=$word
        elif [[ -n $subcommand ]]; then
            names+=("$word")
        fi
    done
    config=${config/#\~/$HOME}

    case $prev in
        -c | --config | --db)
            compopt -o filenames 2>/dev/null
            mapfile -t COMPREPLY < <(compgen -f -- "$cur")
            return
            ;;
        --provider)
            mapfile -t COMPREPLY < <(compgen -W "$(_smsotp_providers "$program" "$config")" -- "$cur")
            return
            ;;
        --ttl)
            mapfile -t COMPREPLY < <(compgen -W "30s 1m 2m 5m 10m" -- "$cur")
            return
            ;;
        --length)
            mapfile -t COMPREPLY < <(compgen -W "6 7 8 9 10" -- "$cur")
            return
            ;;
        --older-than)
            mapfile -t COMPREPLY < <(compgen -W "1h 1d 7d 30d" -- "$cur")
            return
            ;;
        --to | --prefix | --purpose | --id | --locale)
            # A phone number, a purpose name, a challenge id, a locale tag
            # from the config: nothing to offer.
            COMPREPLY=()
            return
            ;;
    esac

    local options
    case $command in
        send) options="$send_opts $global_opts" ;;
        verify) options="$verify_opts $global_opts" ;;
        purge) options="$purge_opts $global_opts" ;;
        providers)
            case $subcommand in
                check) options="$providers_check_opts $global_opts" ;;
                test) options="$providers_test_opts $global_opts" ;;
                *) options="$providers_opts $global_opts" ;;
            esac
            ;;
        *) options="-h --help --version $global_opts" ;;
    esac

    if [[ -z $command && $cur != -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$commands" -- "$cur")
    elif [[ $command == providers && -z $subcommand && $cur != -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$providers_subcommands" -- "$cur")
    elif [[ $subcommand == check && $cur != -* ]] ||
        [[ $subcommand == test && ${#names[@]} -eq 0 && $cur != -* ]]; then
        # Provider names, as for --provider; check takes several, once each.
        local name candidates=""
        for name in $(_smsotp_providers "$program" "$config"); do
            [[ " ${names[*]} " == *" $name "* ]] || candidates+=" $name"
        done
        mapfile -t COMPREPLY < <(compgen -W "$candidates" -- "$cur")
    elif [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$options" -- "$cur")
    else
        COMPREPLY=()
    fi
}

complete -F _smsotp smsotp
