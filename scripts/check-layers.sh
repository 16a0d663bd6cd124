#!/bin/sh
# The library's layering, checked:
#
#   scripts/check-layers.sh [SRC]      (SRC defaults to src)
#
# 1. A file includes headers of its own folder or of folders on lower
#    layers only.  The layers, lowest first (folders on one layer must not
#    include each other):
#        0 util   1 core   2 model sessions   3 train query
#        4 eval coldstart   5 plot tune   6 cli
# 2. The model's layout (model/model.h) is seen by model/ and query/ only,
#    and the formats' own readers (model/formats.h) by model/ only.
# 3. No library file outside cli/ spells a command-line option ("--dim")
#    in a string: the library names parameters, the command line options.
# Prints each violation as FILE:LINE: reason and exits 1 when there is one.
set -u
SRC=${1:-src}
[ -d "$SRC" ] || { echo "check-layers: $SRC: not a directory" >&2; exit 2; }

layer_of() {
    case $1 in
    util) echo 0 ;; core) echo 1 ;; model | sessions) echo 2 ;; train | query) echo 3 ;;
    eval | coldstart) echo 4 ;; plot | tune) echo 5 ;; cli) echo 6 ;; *) echo "" ;;
    esac
}

bad=0
report() { echo "$1"; bad=1; }

for dir in "$SRC"/*/; do
    folder=$(basename "$dir")
    own=$(layer_of "$folder")
    if [ -z "$own" ]; then
        report "$SRC/$folder: a folder with no layer (add it to scripts/check-layers.sh)"
        continue
    fi
    for f in "$dir"*.c "$dir"*.h; do
        [ -f "$f" ] || continue
        # Quoted includes: "folder/name.h" (a folder-less name is the file's own folder).
        grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" |
            sed 's/^\([0-9]*\):.*"\([^"]*\)".*/\1 \2/' >"${TMPDIR:-/tmp}/layers.$$"
        while read -r line header; do
            case $header in
            item2vec.h | item2vec/*) continue ;;
            */*) dep=${header%%/*} ;;
            *) continue ;;
            esac
            [ "$dep" = "$folder" ] && continue
            theirs=$(layer_of "$dep")
            if [ -z "$theirs" ]; then
                report "$f:$line: includes \"$header\", from a folder with no layer"
            elif [ "$theirs" -ge "$own" ]; then
                report "$f:$line: includes \"$header\": $dep/ (layer $theirs) is not below $folder/ (layer $own)"
            fi
            case $header:$folder in
            model/model.h:query) ;;
            model/model.h:*) report "$f:$line: includes \"$header\": the model's layout is for model/ and query/ only" ;;
            model/formats.h:*) report "$f:$line: includes \"$header\": the formats' readers are for model/ only" ;;
            esac
        done <"${TMPDIR:-/tmp}/layers.$$"
        rm -f "${TMPDIR:-/tmp}/layers.$$"
        [ "$folder" = cli ] && continue
        # String literals, comments removed, with their line numbers.
        awk '
        {
            out = ""; i = 1; n = length($0)
            while (i <= n) {
                c = substr($0, i, 1); d = substr($0, i, 2)
                if (state == "block") { if (d == "*/") { state = ""; i += 2 } else i++; continue }
                if (state == "str") {
                    if (c == "\\") { lit = lit substr($0, i, 2); i += 2; continue }
                    if (c == "\"") { state = ""; out = out " " lit; lit = ""; i++; continue }
                    lit = lit c; i++; continue
                }
                if (d == "/*") { state = "block"; i += 2; continue }
                if (d == "//") break
                if (c == "\x27") { j = index(substr($0, i + 1), "\x27"); i += (j > 0 ? j + 1 : 1); continue }
                if (c == "\"") { state = "str"; lit = ""; i++; continue }
                i++
            }
            if (out ~ /--[a-z]/) printf "%d %s\n", NR, out
        }' "$f" | while read -r line text; do
            echo "$f:$line: a library string spells a command-line option: $text"
        done | grep . && bad=1
    done
done
[ $bad -eq 0 ] && echo "check-layers: $SRC follows the layers"
exit $bad
