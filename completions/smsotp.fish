# fish completion for smsotp(1)
#
# Hand-written: CLI11 cannot generate completions. tests/completions/run.sh
# runs this file (complete -C) against the built binary: every command,
# subcommand and option of `smsotp --help`, `smsotp COMMAND --help` and
# `smsotp COMMAND SUBCOMMAND --help` must be offered, nothing else, and no
# name twice.

# Options that take a value (the next word is that value).
set -g __smsotp_with_value -c --config --db --to --purpose --provider --ttl --length --locale --id --older-than --prefix --junit --min-balance --wait

# The words of the command line before the cursor that are not options or
# option values: the command, the subcommand, then the provider names.
function __smsotp_words
    set -l tokens (commandline -opc)
    set -l skip 0
    for token in $tokens[2..-1]
        if test $skip -eq 1
            set skip 0
            continue
        end
        switch $token
            case $__smsotp_with_value
                set skip 1
            case '-*'
            case '*'
                echo $token
        end
    end
end

# True when the command line is at COMMAND [SUBCOMMAND] (no arguments: at
# the top, before any command).
function __smsotp_at
    set -l words (__smsotp_words)
    set -l path
    if set -q words[1]; and contains -- $words[1] send verify purge providers help
        set path $words[1]
        if test $words[1] = providers; and set -q words[2]; and contains -- $words[2] check test
            set -a path $words[2]
        end
    end
    test "$path" = "$argv"
end

# True when none of the option spellings given (e.g. -q --quiet) is on the
# command line yet, so that no option is offered twice; and not after
# `help`, which takes a command name only.
function __smsotp_unused
    __smsotp_at help; and return 1
    set -l tokens (commandline -opc)
    # An option that waits for its value is not "used" yet: fish asks this
    # condition again to complete that value.
    if contains -- $tokens[-1] $__smsotp_with_value
        set -e tokens[-1]
    end
    for token in $tokens[2..-1]
        for option in $argv
            if test "$token" = $option; or string match -q -- "$option=*" $token
                return 1
            end
        end
    end
    return 0
end

# The command line's --config (or -c) value, with ~ expanded.
function __smsotp_config
    set -l tokens (commandline -opc)
    set -l i 2
    while test $i -le (count $tokens)
        switch $tokens[$i]
            case -c --config
                set i (math $i + 1)
                if test $i -le (count $tokens)
                    string replace -r '^~' -- $HOME $tokens[$i]
                end
            case '--config=*'
                string replace -r '^~' -- $HOME (string replace -- --config= '' $tokens[$i])
        end
        set i (math $i + 1)
    end
end

# Prints the configured provider names or locale tags (argv[1]: providers or
# locales), leaving out the names already given after `providers check`.
# `smsotp _complete` reads only the configuration file (no network, no
# database, no secret); stdin is /dev/null and, where timeout(1) exists, it
# gets 2 s.
function __smsotp_names
    set -l tokens (commandline -opc)
    set -l argv_run (string replace -r '^~' -- $HOME $tokens[1])
    set -l config (__smsotp_config)
    if test -n "$config"
        set -a argv_run --config $config[-1]
    end
    set -a argv_run _complete $argv[1]
    if command -q timeout
        set argv_run timeout 2 $argv_run
    end
    set -l words (__smsotp_words)
    set -l given
    if test (count $words) -gt 2
        set given $words[3..-1]
    end
    for name in ($argv_run 2>/dev/null </dev/null)
        contains -- $name $given; or echo $name
    end
end

# True where a provider name goes: after `providers check` (several, each
# once) or `providers test` (exactly one).
function __smsotp_wants_name
    set -l words (__smsotp_words)
    __smsotp_at providers check; and return 0
    __smsotp_at providers test; and test (count $words) -eq 2
end

complete -c smsotp -f

# Commands
complete -c smsotp -n '__smsotp_at' -a send -d 'Generate a code, store its keyed hash, deliver it by SMS'
complete -c smsotp -n '__smsotp_at' -a verify -d 'Check a code; a correct code is consumed exactly once'
complete -c smsotp -n '__smsotp_at' -a purge -d 'Delete expired and used challenges and idle counters'
complete -c smsotp -n '__smsotp_at' -a providers -d 'List configured providers (never their secrets)'
complete -c smsotp -n '__smsotp_at' -a help -d 'Show the help of a command'
complete -c smsotp -n '__smsotp_at help; and test (count (__smsotp_words)) -eq 1' -a 'send verify purge providers'
complete -c smsotp -n "__smsotp_at help; and test (string join ' ' (__smsotp_words)) = 'help providers'" -a 'check test'

# Options of every level, and the top level's own
complete -c smsotp -n '__smsotp_unused -h --help' -s h -l help -d 'Print help and exit'
complete -c smsotp -n '__smsotp_at; and __smsotp_unused -V --version' -s V -l version -d 'Print the version and exit'
complete -c smsotp -n '__smsotp_unused -c --config' -s c -l config -r -F -d 'Read this configuration file'
complete -c smsotp -n '__smsotp_unused --db' -l db -r -F -d 'State database (overrides store.database)'
complete -c smsotp -n '__smsotp_unused --json' -l json -d 'Print exactly one JSON object on stdout'
complete -c smsotp -n '__smsotp_unused -q --quiet' -s q -l quiet -d 'No notes on stderr, only errors'
complete -c smsotp -n 'not __smsotp_at help' -s v -l verbose -d 'Explain the failure; -vv: config origins too'
complete -c smsotp -n '__smsotp_unused --no-color' -l no-color -d 'Never colour stderr'

# send
complete -c smsotp -n '__smsotp_at send; and __smsotp_unused --to' -l to -x -d 'Recipient number, E.164'
complete -c smsotp -n '__smsotp_at send; and __smsotp_unused --purpose' -l purpose -x -d 'What the code is for'
complete -c smsotp -n '__smsotp_at send; and __smsotp_unused --provider' -l provider -x -a '(__smsotp_names providers)' -d 'Use only this configured provider'
complete -c smsotp -n '__smsotp_at send; and __smsotp_unused --ttl' -l ttl -x -a '30s 1m 2m 5m 10m' -d 'Lifetime, 30s to 10m'
complete -c smsotp -n '__smsotp_at send; and __smsotp_unused --length' -l length -x -a '6 7 8 9 10' -d 'Digits, 6 to 10'
complete -c smsotp -n '__smsotp_at send; and __smsotp_unused --locale' -l locale -x -a '(__smsotp_names locales)' -d 'Message template locale (message.templates)'
complete -c smsotp -n '__smsotp_at send; and __smsotp_unused --dry-run' -l dry-run -d 'Show the message and request; store and send nothing'

# verify
complete -c smsotp -n '__smsotp_at verify; and __smsotp_unused --to' -l to -x -d 'Number the code was sent to'
complete -c smsotp -n '__smsotp_at verify; and __smsotp_unused --purpose' -l purpose -x -d 'Purpose given to send'
complete -c smsotp -n '__smsotp_at verify; and __smsotp_unused --id' -l id -x -d 'Challenge id printed by send'

# purge
complete -c smsotp -n '__smsotp_at purge; and __smsotp_unused --to --prefix --all' -l to -x -d 'Delete everything about this number'
complete -c smsotp -n '__smsotp_at purge; and __smsotp_unused --prefix --to --all' -l prefix -x -d 'Delete the challenges of a number block, e.g. +1202555'
complete -c smsotp -n '__smsotp_at purge; and __smsotp_unused --older-than' -l older-than -x -a '1h 1d 7d 30d' -d 'Only finished challenges older than this'
complete -c smsotp -n '__smsotp_at purge; and __smsotp_unused --all --to --prefix' -l all -d 'Delete all challenges and counters'
complete -c smsotp -n '__smsotp_at purge; and __smsotp_unused --dry-run' -l dry-run -d 'Count what would be deleted'

# providers check [NAME...], providers test NAME --to NUMBER
complete -c smsotp -n '__smsotp_at providers' -a check -d "Prove each provider's credentials without sending"
complete -c smsotp -n '__smsotp_at providers' -a test -d 'Send one plain test message (not a code) through NAME'
complete -c smsotp -n '__smsotp_wants_name' -a '(__smsotp_names providers)' -d 'Configured provider'
complete -c smsotp -n '__smsotp_at providers check; and __smsotp_unused --junit' -l junit -r -F -d 'Write a JUnit XML report to this file'
complete -c smsotp -n '__smsotp_at providers check; and __smsotp_unused --min-balance' -l min-balance -x -d 'Fail a provider whose balance is below this amount'
complete -c smsotp -n '__smsotp_at providers test; and __smsotp_unused --to' -l to -x -d 'Recipient number, E.164'
complete -c smsotp -n '__smsotp_at providers test; and __smsotp_unused --wait' -l wait -x -a '30s 1m 2m 5m' -d 'Poll the delivery status this long'
