# fish completion for smsotp(1)
#
# Hand-written: CLI11 cannot generate completions. tests/docs/check_docs.sh
# checks that every command, subcommand and option in `smsotp --help`,
# `smsotp COMMAND --help` and `smsotp COMMAND SUBCOMMAND --help` is offered
# here.

# Prints the names of the configured providers. `smsotp providers` reads only
# the configuration file (no network, no database, no secret); stdin is
# /dev/null and, where timeout(1) exists, it gets 2 s.
function __smsotp_providers
    set -l tokens (commandline -opc)
    set -l argv (string replace -r '^~' -- $HOME $tokens[1])
    set -l i 2
    while test $i -le (count $tokens)
        switch $tokens[$i]
            case -c --config
                set i (math $i + 1)
                if test $i -le (count $tokens)
                    set -a argv --config (string replace -r '^~' -- $HOME $tokens[$i])
                end
            case '--config=*'
                set -a argv --config (string replace -- --config= '' $tokens[$i])
        end
        set i (math $i + 1)
    end
    set -a argv providers
    if command -q timeout
        set argv timeout 2 $argv
    end
    $argv 2>/dev/null </dev/null | string split -f1 \t
end

# True when the command line is "smsotp ... providers test" without a
# provider name after "test" yet: `providers test` takes exactly one.
function __smsotp_providers_test_needs_name
    set -l tokens (commandline -opc)
    set -l seen_test 0
    set -l skip 0
    for token in $tokens[2..-1]
        if test $skip -eq 1
            set skip 0
            continue
        end
        switch $token
            case -c --config --db --to
                set skip 1
            case '-*'
            case '*'
                if test $seen_test -eq 1
                    return 1
                else if test $token = test
                    set seen_test 1
                end
        end
    end
    test $seen_test -eq 1
end

set -l commands send verify purge providers

complete -c smsotp -f

# Commands
complete -c smsotp -n "not __fish_seen_subcommand_from $commands" -a send -d 'Generate a code, store its keyed hash, deliver it by SMS'
complete -c smsotp -n "not __fish_seen_subcommand_from $commands" -a verify -d 'Check a code; a correct code is consumed exactly once'
complete -c smsotp -n "not __fish_seen_subcommand_from $commands" -a purge -d 'Delete expired and used challenges and idle counters'
complete -c smsotp -n "not __fish_seen_subcommand_from $commands" -a providers -d 'List configured providers (never their secrets)'

# Global options, accepted before and after the command
complete -c smsotp -s h -l help -d 'Print help and exit'
complete -c smsotp -n "not __fish_seen_subcommand_from $commands" -l version -d 'Print the version and exit'
complete -c smsotp -s c -l config -r -F -d 'Read this configuration file'
complete -c smsotp -l db -r -F -d 'State database (overrides store.database)'
complete -c smsotp -l json -d 'Print exactly one JSON object on stdout'
complete -c smsotp -s q -l quiet -d 'No notes on stderr, only errors'
complete -c smsotp -s v -l verbose -d 'Explain config origins and rejection reasons'
complete -c smsotp -l no-color -d 'Never colour stderr'

# send
complete -c smsotp -n '__fish_seen_subcommand_from send' -l to -x -d 'Recipient number, E.164'
complete -c smsotp -n '__fish_seen_subcommand_from send' -l purpose -x -d 'What the code is for'
complete -c smsotp -n '__fish_seen_subcommand_from send' -l provider -x -a '(__smsotp_providers)' -d 'Use only this configured provider'
complete -c smsotp -n '__fish_seen_subcommand_from send' -l ttl -x -a '30s 1m 2m 5m 10m' -d 'Lifetime, 30s to 10m'
complete -c smsotp -n '__fish_seen_subcommand_from send' -l length -x -a '6 7 8 9 10' -d 'Digits, 6 to 10'
complete -c smsotp -n '__fish_seen_subcommand_from send' -l locale -x -d 'Message template locale, e.g. de or pt-BR'
complete -c smsotp -n '__fish_seen_subcommand_from send' -l dry-run -d 'Show the message and request; store and send nothing'

# verify
complete -c smsotp -n '__fish_seen_subcommand_from verify' -l to -x -d 'Number the code was sent to'
complete -c smsotp -n '__fish_seen_subcommand_from verify' -l purpose -x -d 'Purpose given to send'
complete -c smsotp -n '__fish_seen_subcommand_from verify' -l id -x -d 'Challenge id printed by send'

# purge
complete -c smsotp -n '__fish_seen_subcommand_from purge' -l to -x -d 'Delete everything about this number'
complete -c smsotp -n '__fish_seen_subcommand_from purge' -l prefix -x -d 'Delete the challenges of every number in this block'
complete -c smsotp -n '__fish_seen_subcommand_from purge' -l older-than -x -a '1h 1d 7d 30d' -d 'Only finished challenges older than this'
complete -c smsotp -n '__fish_seen_subcommand_from purge' -l all -d 'Delete all challenges and counters'
complete -c smsotp -n '__fish_seen_subcommand_from purge' -l dry-run -d 'Count what would be deleted'

# providers check [NAME...], providers test NAME --to NUMBER
complete -c smsotp -n '__fish_seen_subcommand_from providers; and not __fish_seen_subcommand_from check test' -a check -d "Prove each provider's credentials without sending"
complete -c smsotp -n '__fish_seen_subcommand_from providers; and not __fish_seen_subcommand_from check test' -a test -d 'Send one plain test message (not a code) through NAME'
complete -c smsotp -n '__fish_seen_subcommand_from providers; and __fish_seen_subcommand_from check' -a '(__smsotp_providers)' -d 'Provider to check'
complete -c smsotp -n '__fish_seen_subcommand_from providers; and __fish_seen_subcommand_from test; and __smsotp_providers_test_needs_name' -a '(__smsotp_providers)' -d 'Provider to use'
complete -c smsotp -n '__fish_seen_subcommand_from providers; and __fish_seen_subcommand_from test' -l to -x -d 'Recipient number, E.164'
