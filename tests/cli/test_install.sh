# What `make install` lays out, and that it works from there: a program
# built against the installed library with pkg-config (shared and static),
# a manual page per command holding every option of its --help, and the
# bash and zsh completions.
. tests/cli/lib.sh

case $BUILD in
build) ;;
*)
    skip "make install into a temporary DESTDIR" "runs on the plain build, not $BUILD"
    exit 0
    ;;
esac
R=$T/root
P=$R/usr/local
if ! ${MAKE:-make} -s BUILD="$BUILD" DESTDIR="$R" PREFIX=/usr/local install >"$T/make.out" 2>&1; then
    fail "make install DESTDIR=..." "$(tail -n 20 "$T/make.out")"
    exit 0
fi
missing=""
for f in bin/item2vec lib/libitem2vec.a lib/libitem2vec.so.0 lib/libitem2vec.so lib/pkgconfig/item2vec.pc \
    include/item2vec.h include/item2vec/model.h share/man/man1/item2vec.1 share/man/man1/item2vec-train.1 \
    share/bash-completion/completions/item2vec share/zsh/site-functions/_item2vec; do
    [ -e "$P/$f" ] || missing="$missing $f"
done
[ -z "$missing" ] && pass "make install lays out bin, lib, pkgconfig, include, man1 and both completions" ||
    fail "make install lays out bin, lib, pkgconfig, include, man1 and both completions" "missing:$missing"
[ -L "$P/lib/libitem2vec.so.0" ] && [ -L "$P/lib/libitem2vec.so" ] &&
    [ "$(readlink "$P/lib/libitem2vec.so")" = libitem2vec.so.0 ] &&
    pass "the shared library comes with its soname and development links" ||
    fail "the shared library comes with its soname and development links" "$(ls -l "$P/lib")"
soname=$(readelf -d "$P/lib/libitem2vec.so.0" 2>/dev/null | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = libitem2vec.so.0 ] && pass "its soname is libitem2vec.so.0" || fail "its soname is libitem2vec.so.0" "got '$soname'"
nm -D --defined-only "$P/lib/libitem2vec.so.0" | awk '{ print $NF }' >"$T/symbols"
n=$(grep -c '^i2v_' "$T/symbols")
other=$(grep -v '^i2v_' "$T/symbols" | head -n 5 | tr '\n' ' ')
[ "$n" -gt 50 ] && [ -z "$other" ] && pass "it exports the $n i2v_ functions and nothing else" ||
    fail "it exports the i2v_ functions and nothing else" "$n i2v_, others: $other"

# --- a program against the installed library -----------------------------------
cat >"$T/near.c" <<'PROGRAM'
#include <item2vec.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
    i2v_model *model;
    i2v_error err;
    if (argc != 3 || i2v_model_open(argv[1], I2V_FORMAT_AUTO, &model, &err) != I2V_OK) {
        fprintf(stderr, "near: %s\n", argc != 3 ? "usage: near MODEL ITEM" : err.message);
        return 1;
    }
    int64_t id = i2v_model_find(model, argv[2], strlen(argv[2]));
    uint32_t q = (uint32_t)id, n = 0;
    float v[512];
    i2v_neighbor best[3];
    if (id < 0 || i2v_model_dim(model) > 512 ||
        i2v_query_vector(model, &q, 1, NULL, 0, v, &err) != I2V_OK ||
        i2v_nearest(model, v, &q, 1, 0, 3, best, &n, &err) != I2V_OK) {
        fprintf(stderr, "near: cannot answer %s\n", argv[2]);
        i2v_model_free(model);
        return 1;
    }
    for (uint32_t i = 0; i < n; i++) {
        size_t len;
        const char *name = i2v_model_item(model, best[i].id, &len);
        printf("%.*s\t%.6f\n", (int)len, name, best[i].score);
    }
    i2v_model_free(model);
    return 0;
}
PROGRAM
head -n 3000 data/sessions.txt >"$T/s.txt"
"$I2V" train -q -i "$T/s.txt" -o "$T/m.i2v" --dim 8 --epochs 1 --threads 1
"$I2V" similar -m "$T/m.i2v" -k 3 item_1 | cut -f 3,4 >"$T/want"
export PKG_CONFIG_PATH="$P/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$R"
if ! command -v pkg-config >/dev/null 2>&1; then
    skip "a program built with pkg-config against the installed library" "pkg-config is not installed"
else
    cflags=$(pkg-config --cflags item2vec) libs=$(pkg-config --libs item2vec)
    static=$(pkg-config --static --libs item2vec | sed 's/-litem2vec/-l:libitem2vec.a/')
    case $static in
    *-lm*-pthread* | *-pthread*-lm*) pass "pkg-config --static adds -lm -pthread" ;;
    *) fail "pkg-config --static adds -lm -pthread" "got: $static" ;;
    esac
    if ${CC:-cc} -std=c11 $cflags -o "$T/near-shared" "$T/near.c" $libs 2>"$T/cc.err" &&
        LD_LIBRARY_PATH="$P/lib" "$T/near-shared" "$T/m.i2v" item_1 >"$T/got" 2>"$T/err" &&
        cmp -s "$T/want" "$T/got" && readelf -d "$T/near-shared" | grep -q 'NEEDED.*libitem2vec.so.0'; then
        pass "a program linked with pkg-config --libs runs on libitem2vec.so.0 and answers as similar does"
    else
        fail "a program linked with pkg-config --libs runs on libitem2vec.so.0" \
            "$(cat "$T/cc.err" "$T/err" 2>/dev/null | head -c 600)"
    fi
    if ${CC:-cc} -std=c11 $cflags -o "$T/near-static" "$T/near.c" $static 2>"$T/cc.err" &&
        "$T/near-static" "$T/m.i2v" item_1 >"$T/got" 2>"$T/err" && cmp -s "$T/want" "$T/got" &&
        ! readelf -d "$T/near-static" | grep -q 'libitem2vec'; then
        pass "a program linked with pkg-config --static --libs carries the library and answers the same"
    else
        fail "a program linked with pkg-config --static --libs" "$(cat "$T/cc.err" "$T/err" 2>/dev/null | head -c 600)"
    fi
fi

# --- manual pages ----------------------------------------------------------------
for cmd in "" vocab train similar recommend tune analogy eval index convert info sessions split coldstart plot; do
    page=$P/share/man/man1/item2vec${cmd:+-$cmd}.1
    "$P/bin/item2vec" $cmd --help >"$T/help"
    # Every option of the help, as the page spells it once roff escapes are read.
    awk '/^ +-/ && match($0, /[^ ]/) <= 8 { s = $0; sub(/^ +/, "", s); sub(/  .*/, "", s)
         n = split(s, w, /[, ]+/); for (i = 1; i <= n; i++) if (w[i] ~ /^-/) print w[i] }' "$T/help" >"$T/options"
    sed 's/\\-/-/g; s/\\f[BRI]//g' "$page" >"$T/page"
    absent=""
    while read -r opt; do
        grep -q -- "$opt" "$T/page" || absent="$absent $opt"
    done <"$T/options"
    n=$(wc -l <"$T/options")
    if [ -z "$cmd" ]; then
        for c in $(awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { exit }' "$T/help"); do
            grep -q "^$c\$" "$T/page" || absent="$absent $c"
        done
        [ -f "$page" ] && [ -z "$absent" ] && pass "item2vec(1) lists every command of item2vec --help" ||
            fail "item2vec(1) lists every command of item2vec --help" "absent:$absent"
    else
        [ -f "$page" ] && [ -z "$absent" ] && [ "$n" -ge 2 ] &&
            pass "item2vec-$cmd(1) holds all $n options of its --help" ||
            fail "item2vec-$cmd(1) holds every option of its --help" "absent:$absent"
    fi
    if command -v man >/dev/null 2>&1; then
        MANWIDTH=80 man -l "$page" >"$T/rendered" 2>"$T/man.err"
        grep -q "^SYNOPSIS" "$T/rendered" && grep -q "^EXAMPLES" "$T/rendered" && [ ! -s "$T/man.err" ] &&
            pass "man -l renders item2vec${cmd:+-$cmd}(1) with its examples, without a warning" ||
            fail "man -l renders item2vec${cmd:+-$cmd}(1)" "$(head -c 300 "$T/man.err")"
    fi
done
command -v man >/dev/null 2>&1 || skip "man -l renders every page" "man is not installed"

# --- completion ----------------------------------------------------------------
# complete LINE...: what the bash completion offers for the last word.
complete_bash() {
    PATH="$P/bin:$PATH" bash -c '
        . "$1"
        shift
        COMP_WORDS=("$@")
        COMP_CWORD=$(($# - 1))
        _item2vec
        printf "%s\n" "${COMPREPLY[@]}"' complete "$P/share/bash-completion/completions/item2vec" "$@"
}
if command -v bash >/dev/null 2>&1; then
    [ "$(complete_bash item2vec rec)" = recommend ] && pass "bash completes a command" ||
        fail "bash completes a command" "$(complete_bash item2vec rec)"
    [ "$(complete_bash item2vec train --neg)" = --negative ] && pass "bash completes a command's option" ||
        fail "bash completes a command's option" "$(complete_bash item2vec train --neg)"
    [ "$(complete_bash item2vec convert -m m.i2v --format n)" = native ] &&
        [ "$(complete_bash item2vec plot --method '' | tr '\n' ' ')" = "tsne pca " ] &&
        pass "bash completes --format and --method values" ||
        fail "bash completes --format and --method values" "$(complete_bash item2vec plot --method '')"
    touch "$T/model-for-completion.i2v"
    [ "$(complete_bash item2vec similar -m "$T/model-for")" = "$T/model-for-completion.i2v" ] &&
        pass "bash completes a file name after -m" ||
        fail "bash completes a file name after -m" "$(complete_bash item2vec similar -m "$T/model-for")"
    [ "$(complete_bash item2vec help tu)" = tune ] && pass "bash completes item2vec help CMD" ||
        fail "bash completes item2vec help CMD" "$(complete_bash item2vec help tu)"
fi
# The zsh function run with stand-ins for the completion builtins, which
# only exist inside a completion widget.
complete_zsh() {
    PATH="$P/bin:$PATH" zsh -f -c '
        compadd() { [[ $1 == -a ]] && { print -l -- ${(P)2}; return }; print -l -- "$@" }
        _describe() { print -l ${${(P)${@[-1]}}%%:*} }
        _files() { print "<files $*>" }
        fpath=("$1" $fpath)
        autoload -Uz _item2vec
        shift
        words=("$@")
        CURRENT=$#
        PREFIX=$words[CURRENT]
        _item2vec | grep -- "^$PREFIX" | grep -v "^$" || true
        [[ -z $PREFIX ]] || true' complete "$P/share/zsh/site-functions" "$@"
}
if command -v zsh >/dev/null 2>&1; then
    [ "$(complete_zsh item2vec rec)" = recommend ] && pass "zsh completes a command" ||
        fail "zsh completes a command" "$(complete_zsh item2vec rec)"
    [ "$(complete_zsh item2vec train --neg)" = --negative ] && pass "zsh completes a command's option" ||
        fail "zsh completes a command's option" "$(complete_zsh item2vec train --neg)"
    [ "$(complete_zsh item2vec tune --metric s)" = spearman ] && pass "zsh completes --metric values" ||
        fail "zsh completes --metric values" "$(complete_zsh item2vec tune --metric s)"
    PATH="$P/bin:$PATH" zsh -f -c '_files() { print files }; compadd() { :; }; _describe() { :; }
        fpath=("$1" $fpath); autoload -Uz _item2vec; words=(item2vec info -m ""); CURRENT=4; PREFIX=""
        _item2vec' complete "$P/share/zsh/site-functions" >"$T/z" 2>&1
    [ "$(cat "$T/z")" = files ] && pass "zsh completes a file name after -m" ||
        fail "zsh completes a file name after -m" "$(cat "$T/z")"
else
    skip "zsh completion" "zsh is not installed"
fi
