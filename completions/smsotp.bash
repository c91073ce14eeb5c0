# bash completion for smsotp(1)                              -*- shell-script -*-
#
# Hand-written: CLI11 cannot generate completions. tests/completions/run.sh
# runs this file (COMP_WORDS, COMPREPLY) against the built binary: every
# command, subcommand and option of `smsotp --help`, `smsotp COMMAND --help`
# and `smsotp COMMAND SUBCOMMAND --help` must be offered, nothing else, and
# no name twice.

# Prints the configured provider names or locale tags (KIND: providers or
# locales), one per line. `smsotp _complete` reads only the configuration
# file (no network, no database, no secret); stdin is /dev/null and, where
# timeout(1) exists, it gets 2 s.
_smsotp_names()
{
    local kind=$1 program=$2 config=$3
    local -a argv=("$program")
    [[ -n $config ]] && argv+=(--config "$config")
    argv+=(_complete "$kind")
    if type -P timeout >/dev/null 2>&1; then
        argv=(timeout 2 "${argv[@]}")
    fi
    "${argv[@]}" 2>/dev/null </dev/null
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

    local commands="send verify purge providers help"
    # Global options are accepted before and after the command.
    local global_opts="-c --config --db --json -q --quiet -v --verbose --no-color"
    local top_opts="-h --help -V --version"
    local send_opts="-h --help --to --purpose --provider --ttl --length --locale --dry-run"
    local verify_opts="-h --help --to --purpose --id"
    local purge_opts="-h --help --to --prefix --older-than --all --dry-run"
    local providers_opts="-h --help"
    local providers_subcommands="check test"
    local providers_check_opts="-h --help --junit --min-balance"
    local providers_test_opts="-h --help --to --wait"
    # Options that take a value (the next word is not a command).
    local with_value=" -c --config --db --to --purpose --provider --ttl --length --locale --id --older-than --prefix --junit --min-balance --wait "
    # Options that may be given more than once (-vv).
    local repeatable=" -v --verbose "

    # subcommand: "check" or "test" after "providers"; names: the provider
    # names given after it so far; given: the options given so far.
    local program=${COMP_WORDS[0]} command="" subcommand="" config="" word i
    local -a names=()
    local given=" "
    program=${program/#\~/$HOME}
    for ((i = 1; i < cword; i++)); do
        word=${COMP_WORDS[i]}
        case $word in
            -c | --config)
                given+="-c --config "
                if [[ ${COMP_WORDS[i + 1]} == = ]]; then
                    config=${COMP_WORDS[i + 2]}
                    ((i += 2))
                else
                    config=${COMP_WORDS[i + 1]}
                    ((i++))
                fi
                continue
                ;;
            -q | --quiet) given+="-q --quiet " ;;
            -h | --help) given+="-h --help " ;;
            -V | --version) given+="-V --version " ;;
            -*) given+="$word " ;;
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
        else
            names+=("$word")
        fi
    done
    config=${config/#\~/$HOME}
    # purge takes one of --to, --prefix and --all.
    if [[ $command == purge && $given =~ \ (--to|--prefix|--all)\  ]]; then
        given+="--to --prefix --all "
    fi

    case $prev in
        -c | --config | --db | --junit)
            compopt -o filenames 2>/dev/null
            mapfile -t COMPREPLY < <(compgen -f -- "$cur")
            return
            ;;
        --provider)
            mapfile -t COMPREPLY < <(compgen -W "$(_smsotp_names providers "$program" "$config")" -- "$cur")
            return
            ;;
        --locale)
            mapfile -t COMPREPLY < <(compgen -W "$(_smsotp_names locales "$program" "$config")" -- "$cur")
            return
            ;;
        --ttl)
            mapfile -t COMPREPLY < <(compgen -W "30s 1m 2m 5m 10m" -- "$cur")
            return
            ;;
        --wait)
            mapfile -t COMPREPLY < <(compgen -W "30s 1m 2m 5m" -- "$cur")
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
        --to | --prefix | --purpose | --id | --min-balance)
            # A phone number or block, a purpose name, a challenge id, an amount:
            # nothing to offer.
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
        help) options="" ;;
        *) options="$top_opts $global_opts" ;;
    esac

    # Each name once: not one already on the line.
    local candidates="" name
    if [[ -z $command && $cur != -* ]]; then
        candidates=$commands
    elif [[ $command == help && ${#names[@]} -eq 0 && $cur != -* ]]; then
        candidates=${commands% help}
    elif [[ $command == help && ${names[*]} == providers && $cur != -* ]]; then
        candidates=$providers_subcommands
    elif [[ $command == providers && -z $subcommand && $cur != -* ]]; then
        candidates=$providers_subcommands
    elif [[ $subcommand == check && $cur != -* ]] ||
        [[ $subcommand == test && ${#names[@]} -eq 0 && $cur != -* ]]; then
        # Provider names, as for --provider; check takes several, once each.
        for name in $(_smsotp_names providers "$program" "$config"); do
            [[ " ${names[*]} " == *" $name "* ]] || candidates+=" $name"
        done
    elif [[ $cur == -* ]]; then
        for name in $options; do
            if [[ $given != *" $name "* || $repeatable == *" $name "* ]]; then
                candidates+=" $name"
            fi
        done
    fi
    if [[ -n $candidates ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$candidates" -- "$cur")
    else
        COMPREPLY=()
    fi
}

complete -F _smsotp smsotp
