# Black-box tests of `item2vec plot`: maps of the bundled sample that parse
# as XML with one circle per item, render to a picture, show the planted
# groups apart; hostile item names; bad options and unwritable outputs.
. tests/cli/lib.sh

SAMPLE=data/sessions.txt
TRUTH=data/truth.tsv
MODEL=$T/model.i2v
"$I2V" train -q -i "$SAMPLE" -o "$MODEL" --dim 16 --epochs 3 --threads 2 ||
    fail plot_setup "training failed"

# xml_circles FILE: prints the number of <circle> elements of a well-formed
# SVG, or fails (python3's parser, else xmllint; 'none' when neither exists).
xml_circles() {
    if [ -x /usr/bin/python3 ]; then
        /usr/bin/python3 -c '
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "{http://www.w3.org/2000/svg}svg", root.tag
print(sum(1 for e in root.iter("{http://www.w3.org/2000/svg}circle")))' "$1"
    elif command -v xmllint >/dev/null 2>&1; then
        xmllint --noout "$1" && grep -c '<circle' "$1"
    else
        echo none
    fi
}

# expect_circles NAME FILE N: FILE is well-formed XML with N circles.
expect_circles() {
    got=$(xml_circles "$2" 2>"$T/xml.err")
    if [ "$got" = none ]; then
        skip "$1" "neither python3 nor xmllint to parse the SVG"
    elif [ "$got" = "$3" ]; then
        pass "$1"
    else
        fail "$1" "circles: '$got' (want $3); $(head -c 400 "$T/xml.err")"
    fi
}

# knn_agreement K FILE: for item<TAB>x<TAB>y<TAB>group lines, the mean
# share of each point's K nearest points on the map that share its group.
knn_agreement() {
    awk -v k="$1" 'BEGIN { FS = "\t" }
    { x[NR] = $2; y[NR] = $3; g[NR] = $4; n = NR }
    END {
        for (i = 1; i <= n; i++) {
            for (j = 1; j <= n; j++) d[j] = (j == i) ? 1e300 : (x[i]-x[j])^2 + (y[i]-y[j])^2
            same = 0
            for (r = 0; r < k; r++) {
                best = (i == 1) ? 2 : 1
                for (j = 1; j <= n; j++) if (d[j] < d[best]) best = j
                same += (g[best] == g[i]); d[best] = 1e300
            }
            total += same / k
        }
        printf "%.3f\n", total / n
    }' "$2"
}

# --- maps -------------------------------------------------------------------
run "$I2V" plot -m "$MODEL" -o "$T/map.svg" --top 300 --groups "$TRUTH" --labels 20 \
    --iterations 300 --coords "$T/coords.tsv"
if [ $rc -eq 0 ] && grep -q 't-SNE of the 300 most frequent items' "$T/err" &&
    grep -Eq '[0-9]+ of 20 labels placed' "$T/err" && [ "$(wc -l <"$T/coords.tsv")" -eq 300 ] &&
    [ "$(cut -f4 "$T/coords.tsv" | sort -u | wc -l)" -eq 20 ] &&
    grep -q 'model.i2v .* t-SNE map' "$T/map.svg"; then
    pass plot_tsne_with_groups_labels_and_coords
else
    fail plot_tsne_with_groups_labels_and_coords "exit $rc: $(cat "$T/err")"
fi
expect_circles plot_svg_is_xml_with_one_circle_per_item "$T/map.svg" 300

# t-SNE keeps the 20 planted groups apart: nearly all of an item's 5 nearest
# items on the map are in its group (chance: 5%).  PCA of 16 dimensions onto
# 2 cannot, but still does far better than chance.
agreement=$(knn_agreement 5 "$T/coords.tsv")
if awk -v a="$agreement" 'BEGIN { exit !(a >= 0.9) }'; then
    pass plot_tsne_separates_planted_groups
else
    fail plot_tsne_separates_planted_groups "5-NN group agreement $agreement < 0.9"
fi
run "$I2V" plot -m "$MODEL" --method pca --top 300 --groups "$TRUTH" --coords "$T/pca.tsv"
agreement=$(knn_agreement 5 "$T/pca.tsv")
if [ $rc -eq 0 ] && grep -q 'PCA of the 300 most frequent items .* the axes explain' "$T/err" &&
    awk -v a="$agreement" 'BEGIN { exit !(a >= 0.25) }'; then
    pass plot_pca_coords_show_groups_better_than_chance
else
    fail plot_pca_coords_show_groups_better_than_chance \
        "exit $rc, agreement $agreement: $(cat "$T/err")"
fi

# The picture is not blank: rendered, its pixel data holds many values.
if command -v rsvg-convert >/dev/null 2>&1 && [ -x /usr/bin/python3 ]; then
    if rsvg-convert "$T/map.svg" -o "$T/map.png" 2>"$T/err" && /usr/bin/python3 -c '
import sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n"
at, idat = 8, b""
while at < len(data):
    n = int.from_bytes(data[at:at + 4], "big")
    if data[at + 4:at + 8] == b"IDAT":
        idat += data[at + 8:at + 8 + n]
    at += 12 + n
pixels = zlib.decompress(idat)
assert len(set(pixels)) > 64, len(set(pixels))' "$T/map.png"; then
        pass plot_renders_to_a_picture_that_is_not_blank
    else
        fail plot_renders_to_a_picture_that_is_not_blank "$(cat "$T/err")"
    fi
else
    skip plot_renders_to_a_picture_that_is_not_blank "rsvg-convert (librsvg2-bin) or python3 missing"
fi

# --items: the listed items only; unknown ones are named on stderr.
{ seq 1 40 | sed 's/^/item_/'; echo nosuch; echo item_3; } >"$T/items.txt"
run "$I2V" plot -m "$MODEL" -o "$T/items.svg" --items "$T/items.txt" --method pca --labels 5
if [ $rc -eq 0 ] &&
    grep -q "items.txt: 1 listed item not in the model, skipped (first on line 41)" "$T/err" &&
    grep -q "PCA of 40 items listed in items.txt" "$T/err"; then
    pass plot_items_from_a_file
else
    fail plot_items_from_a_file "exit $rc: $(cat "$T/err")"
fi
expect_circles plot_items_svg_has_the_listed_items "$T/items.svg" 40

# Same model and options, same bytes, whatever the threads; -o - is stdout.
"$I2V" plot -q -m "$MODEL" -o "$T/a.svg" --top 200 --iterations 200 --threads 1 --seed 3
"$I2V" plot -q -m "$MODEL" -o - --top 200 --iterations 200 --threads 2 --seed 3 >"$T/b.svg"
if cmp -s "$T/a.svg" "$T/b.svg" && [ -s "$T/a.svg" ]; then
    pass plot_is_deterministic_and_writes_to_stdout
else
    fail plot_is_deterministic_and_writes_to_stdout "maps differ"
fi

# Groups file with malformed lines: warned with line numbers, not fatal.
printf 'item_1\tgroup_a\nbroken\nitem_2\tgroup_b\textra\nitem_3 group_a\n' >"$T/groups.tsv"
run "$I2V" plot -m "$MODEL" -o "$T/g.svg" --top 10 --groups "$T/groups.tsv" --method pca
if [ $rc -eq 0 ] && grep -q "groups.tsv: 2 malformed lines skipped (lines 2, 3)" "$T/err" &&
    grep -q '>no group <' "$T/g.svg"; then
    pass plot_groups_warn_about_malformed_lines
else
    fail plot_groups_warn_about_malformed_lines "exit $rc: $(cat "$T/err")"
fi

# Item names that are not XML: markup, quotes, an invalid byte, a control.
printf '4 2\na<b>&"c'"'"' 1 0\n\377bad 0 1\nctl\001x 1 1\nplain -1 0\n' >"$T/hostile.txt"
run "$I2V" plot -m "$T/hostile.txt" -o "$T/hostile.svg" --method pca --labels 4 --title '<T&"itle>'
if [ $rc -eq 0 ] && grep -q 'a&lt;b&gt;&amp;&quot;c&apos;' "$T/hostile.svg" &&
    grep -q '&lt;T&amp;&quot;itle&gt;' "$T/hostile.svg"; then
    pass plot_escapes_item_names_and_title
else
    fail plot_escapes_item_names_and_title "exit $rc: $(cat "$T/err")"
fi
expect_circles plot_hostile_names_still_make_valid_xml "$T/hostile.svg" 4

# --- errors -------------------------------------------------------------------
expect_fail plot_unknown_option_is_usage 2 "unknown" "$I2V" plot -m "$MODEL" -o "$T/x.svg" --bogus
expect_fail plot_bad_method_is_usage 2 "method" "$I2V" plot -m "$MODEL" -o "$T/x.svg" --method umap
expect_fail plot_top_zero_is_usage 2 "top" "$I2V" plot -m "$MODEL" -o "$T/x.svg" --top 0
expect_fail plot_top_not_a_number_is_usage 2 "top" "$I2V" plot -m "$MODEL" -o "$T/x.svg" --top 1x
expect_fail plot_low_perplexity_is_usage 2 "perplexity" \
    "$I2V" plot -m "$MODEL" -o "$T/x.svg" --perplexity 0.5
expect_fail plot_tsne_option_with_pca_is_usage 2 "for --method tsne" \
    "$I2V" plot -m "$MODEL" -o "$T/x.svg" --method pca --iterations 10
expect_fail plot_top_and_items_together_is_usage 2 "give one" \
    "$I2V" plot -m "$MODEL" -o "$T/x.svg" --top 5 --items "$T/items.txt"
expect_fail plot_too_many_for_tsne_is_usage 2 "too many" \
    "$I2V" plot -m "$MODEL" -o "$T/x.svg" --top 20000
expect_fail plot_without_model_is_usage 2 "-m MODEL" "$I2V" plot -o "$T/x.svg"
expect_fail plot_without_output_is_usage 2 "-o MAP.svg" "$I2V" plot -m "$MODEL"
expect_fail plot_extra_argument_is_usage 2 "unexpected" "$I2V" plot -m "$MODEL" -o "$T/x.svg" extra

echo old >"$T/keep.svg"
expect_fail plot_missing_model_is_runtime 1 "nosuch.i2v" \
    "$I2V" plot -m "$T/nosuch.i2v" -o "$T/keep.svg"
if [ "$(cat "$T/keep.svg")" = old ] && [ -z "$(find "$T" -name '.keep.svg.tmp-*')" ]; then
    pass plot_failure_keeps_the_old_map_and_no_temporary
else
    fail plot_failure_keeps_the_old_map_and_no_temporary "keep.svg changed or a temporary was left"
fi
expect_fail plot_missing_groups_file_is_runtime 1 "nosuch.tsv" \
    "$I2V" plot -m "$MODEL" -o "$T/x.svg" --groups "$T/nosuch.tsv"
printf 'nosuch\nnone\n' >"$T/unknown.txt"
expect_fail plot_no_known_item_is_runtime 1 "no item of the list is in the model" \
    "$I2V" plot -m "$MODEL" -o "$T/x.svg" --items "$T/unknown.txt"
expect_fail plot_output_in_missing_directory_is_runtime 1 "does not exist" \
    "$I2V" plot -m "$MODEL" -o "$T/no/such/dir/map.svg" --method pca
mkdir "$T/dir.svg"
expect_fail plot_output_directory_is_runtime 1 "directory" \
    "$I2V" plot -m "$MODEL" -o "$T/dir.svg" --method pca
if [ -w /dev/full ]; then
    expect_fail plot_full_disk_is_runtime 1 "/dev/full" \
        "$I2V" plot -m "$MODEL" -o /dev/full --method pca
else
    skip plot_full_disk_is_runtime "no writable /dev/full"
fi

run "$I2V" plot --help
if [ $rc -eq 0 ] && grep -q -- "--perplexity" "$T/out" && "$I2V" --help | grep -q "^  plot "; then
    pass plot_help_and_listed_in_commands
else
    fail plot_help_and_listed_in_commands "exit $rc"
fi
