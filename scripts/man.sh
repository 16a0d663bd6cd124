#!/bin/sh
# Manual pages made from the --help texts, so that a page and its --help
# never disagree:
#
#   scripts/man.sh BINARY OUTDIR
#
# writes OUTDIR/item2vec.1 and OUTDIR/item2vec-CMD.1 for every command the
# binary's --help lists.  A help text is read as: the Usage line (SYNOPSIS),
# paragraphs (DESCRIPTION), option lines "  -x, --long ARG  text" with their
# indented continuation lines, "Title:" lines (subsections), command lines
# "  name  summary", and a closing "Examples:" block (EXAMPLES).
set -eu
if [ $# -ne 2 ]; then
    echo "usage: scripts/man.sh BINARY OUTDIR" >&2
    exit 2
fi
bin=$1 out=$2
mkdir -p "$out"
version=$("$bin" --version | awk '{ print $2 }')
"$bin" --help >"$out/.help"
commands=$(awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { exit }' \
    "$out/.help")

# page NAME SUMMARY < HELP > PAGE
page() {
    awk -v name="$1" -v summary="$2" -v version="$version" -v commands="$commands" '
    function esc(s) {
        gsub(/\\/, "\\\\e", s)
        gsub(/-/, "\\-", s)
        if (s ~ /^[.\047]/)
            s = "\\&" s
        return s
    }
    function indent(s) {
        return match(s, /[^ ]/) - 1
    }
    function trim(s) {
        sub(/^[ \t]+/, "", s)
        sub(/[ \t]+$/, "", s)
        return s
    }
    # An item: the part before the first run of two blanks is the term.
    function item(s,    at) {
        s = trim(s)
        at = match(s, /  +/)
        print ".TP"
        if (at) {
            print "\\fB" esc(substr(s, 1, at - 1)) "\\fR"
            print esc(trim(substr(s, at)))
        } else {
            print "\\fB" esc(s) "\\fR"
        }
        initem = 1
    }
    BEGIN {
        upper = toupper(name)
        printf ".TH %s 1 \"\" \"item2vec %s\" \"User Commands\"\n", esc(upper), version
        print ".ad l"
        print ".nh"
        print ".SH NAME"
        print esc(name) " \\- " esc(summary)
    }
    NR == 1 && /^Usage: / {
        sub(/^Usage: /, "")
        print ".SH SYNOPSIS"
        print ".nf"
        print esc($0)
        print ".fi"
        print ".SH DESCRIPTION"
        next
    }
    examples {
        if ($0 != "")
            print esc(trim($0))
        next
    }
    /^Examples:$/ {
        print ".SH EXAMPLES"
        print ".nf"
        print ".RS 4"
        examples = 1
        next
    }
    /^$/ {
        initem = 0
        pending = 1
        next
    }
    (indent($0) >= 1 && indent($0) <= 7 && /^ *-/) || /^  [^ -][^ ]*  +[^ ]/ {
        if (pending && !initem)
            print ".PP"
        pending = 0
        item($0)
        next
    }
    indent($0) >= 8 && initem {
        print esc(trim($0))
        next
    }
    /^[A-Z][A-Za-z -]*:$/ {
        sub(/:$/, "")
        print ".SS " esc($0)
        pending = 0
        initem = 0
        next
    }
    {
        if (pending || initem)
            print ".PP"
        pending = 0
        initem = 0
        print esc(trim($0))
    }
    END {
        if (examples) {
            print ".RE"
            print ".fi"
        }
        print ".SH EXIT STATUS"
        print "0 success, 1 runtime failure (I/O, bad data, unknown item, divergence), 2 usage error."
        print ".SH SEE ALSO"
        n = split(commands, cmd, "\n")
        line = name == "item2vec" ? "" : "\\fBitem2vec\\fR(1)"
        for (i = 1; i <= n; i++) {
            if ("item2vec-" cmd[i] == name)
                continue
            line = line (line == "" ? "" : ", ") "\\fBitem2vec\\-" esc(cmd[i]) "\\fR(1)"
        }
        print line
    }'
}

page item2vec "item embeddings from sequences of item ids, and what is similar or next" \
    <"$out/.help" >"$out/item2vec.1"
for cmd in $commands; do
    summary=$(awk -v c="$cmd" '$1 == c && /^  [a-z]/ { $1 = ""; sub(/^ +/, ""); print; exit }' \
        "$out/.help")
    "$bin" "$cmd" --help | page "item2vec-$cmd" "$summary" >"$out/item2vec-$cmd.1"
done
rm -f "$out/.help"
