# The layering checker passes on the tree and catches each kind of breach
# on a copy of it: an include from a higher layer, one from the same layer,
# the model's layout outside model/ and query/, an option in a library
# string, a folder with no layer.
. tests/cli/lib.sh
CHECK=scripts/check-layers.sh

run sh $CHECK src
[ "$rc" -eq 0 ] && pass "check-layers: the tree follows its layers" ||
    fail "check-layers: the tree follows its layers" "$(cat "$T/out")"

# breach NAME FILE LINE PATTERN: appends LINE to a copy of FILE; the
# checker must exit 1 and say PATTERN.
breach() {
    rm -rf "$T/src"
    cp -r src "$T/src"
    printf '%s\n' "$3" >>"$T/src/$2"
    run sh $CHECK "$T/src"
    if [ "$rc" -eq 1 ] && grep -q -- "$4" "$T/out"; then
        pass "check-layers catches $1"
    else
        fail "check-layers catches $1" "exit $rc: $(cat "$T/out")"
    fi
}
breach "an upward include" util/error.c '#include "query/dot.h"' "util/error.c:.*query/ (layer 3) is not below util/ (layer 0)"
breach "an include across one layer" query/dot.c '#include "train/x.h"' "train/ (layer 3) is not below query/"
breach "the model layout outside model/ and query/" eval/dims.c '#include "model/model.h"' "the model's layout is for model/ and query/ only"
breach "the formats outside model/" query/nearest.c '#include "model/formats.h"' "the formats' readers are for model/ only"
breach "an option in a library string" core/vocab.c 'static const char *hint = "lower --min-count";' "core/vocab.c:.*spells a command-line option: lower --min-count"
# Options in comments and in the CLI are fine.
rm -rf "$T/src"; cp -r src "$T/src"
printf '/* see --dim */\n' >>"$T/src/core/vocab.c"
printf 'static const char *ok = "--dim";\n' >>"$T/src/cli/main.c"
run sh $CHECK "$T/src"
[ "$rc" -eq 0 ] && pass "check-layers allows options in comments and in cli/" ||
    fail "check-layers allows options in comments and in cli/" "$(cat "$T/out")"
rm -rf "$T/src"; cp -r src "$T/src"; mkdir "$T/src/extra"; : >"$T/src/extra/x.c"
run sh $CHECK "$T/src"
[ "$rc" -eq 1 ] && grep -q "extra: a folder with no layer" "$T/out" &&
    pass "check-layers refuses a folder with no layer" ||
    fail "check-layers refuses a folder with no layer" "$(cat "$T/out")"
