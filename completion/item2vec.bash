# Bash completion for item2vec: commands, every option of a command (read
# from its --help, so the list is always the installed binary's own), the
# values of options that take one of a fixed set, file names for options
# that take a file and directories for those that take a directory.
# Installed as share/bash-completion/completions/item2vec.

# _item2vec_commands: the command names from item2vec --help.
_item2vec_commands()
{
    item2vec --help 2>/dev/null |
        awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { exit }'
}

# _item2vec_options CMD: "option argument" per line, from CMD's --help.
_item2vec_options()
{
    item2vec "$1" --help 2>/dev/null | awk '
        /^ +-/ && match($0, /[^ ]/) <= 8 {
            s = $0
            sub(/^ +/, "", s)
            sub(/  .*/, "", s)
            n = split(s, w, /[, ]+/)
            arg = w[n] ~ /^-/ ? "" : w[n]
            for (i = 1; i <= n; i++)
                if (w[i] ~ /^-/)
                    print w[i], arg
        }'
}

# _item2vec_values CMD OPTION: the fixed set OPTION takes, if any.
_item2vec_values()
{
    case $1:$2 in
    train:--format | convert:--format) echo "bin text native" ;;
    analogy:--method | eval:--method) echo "add mul" ;;
    coldstart:--method) echo "ridge mean" ;;
    plot:--method) echo "tsne pca" ;;
    tune:--metric) echo "hr mrr ndcg purity spearman" ;;
    recommend:--score | eval:--score) echo "predict dot cosine" ;;
    sessions:--header) echo "yes no auto" ;;
    sessions:--delim) echo "tab comma semicolon pipe" ;;
    esac
}

_item2vec()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
    local cmd="" i values arg
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
        -*) ;;
        *)
            cmd=${COMP_WORDS[i]}
            break
            ;;
        esac
    done
    if [[ -z $cmd || ($cmd == help && $COMP_CWORD -eq $((i + 1))) ]]; then
        if [[ -z $cmd ]]; then
            mapfile -t COMPREPLY < <(compgen -W "$(_item2vec_commands) help --help --version" -- "$cur")
        else
            mapfile -t COMPREPLY < <(compgen -W "$(_item2vec_commands)" -- "$cur")
        fi
        return 0
    fi
    if [[ $prev == -* ]]; then
        values=$(_item2vec_values "$cmd" "$prev")
        if [[ -n $values ]]; then
            mapfile -t COMPREPLY < <(compgen -W "$values" -- "$cur")
            return 0
        fi
        arg=$(_item2vec_options "$cmd" | awk -v o="$prev" '$1 == o { print $2; exit }')
        case $arg in
        FILE | MODEL | OUT)
            compopt -o filenames 2>/dev/null
            mapfile -t COMPREPLY < <(compgen -f -- "$cur")
            return 0
            ;;
        DIR)
            compopt -o filenames 2>/dev/null
            mapfile -t COMPREPLY < <(compgen -d -- "$cur")
            return 0
            ;;
        ?*) return 0 ;; # a number, a time, a column: nothing to offer
        esac
    fi
    if [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$(_item2vec_options "$cmd" | awk '{ print $1 }')" -- "$cur")
        return 0
    fi
    compopt -o filenames 2>/dev/null
    mapfile -t COMPREPLY < <(compgen -f -- "$cur")
    return 0
}
complete -F _item2vec item2vec
