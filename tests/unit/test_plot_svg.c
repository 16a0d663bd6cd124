/* Drawing the map: XML text, label placement, the SVG itself, and the
 * item lists and groups that decide what is drawn. */
#include <string.h>

#include "check.h"
#include "item2vec.h"
#include "plot/plot.h"
#include "util/rng.h"
#include "test_eval_fixture.h"

/* ---- text ------------------------------------------------------------ */

static const char *xml(const char *text, size_t len, uint32_t max_chars, uint32_t *chars)
{
    static char *buf;
    static size_t cap;
    i2v_error err;
    if (plot_xml_text(text, len, max_chars, &buf, &cap, chars, &err) != I2V_OK)
        return "(failed)";
    return buf;
}

static void xml_text_escapes_markup(void)
{
    CHECK(strcmp(xml("a<b>&\"c'", 8, 0, NULL), "a&lt;b&gt;&amp;&quot;c&apos;") == 0);
    CHECK(strcmp(xml("plain_item-1", 12, 0, NULL), "plain_item-1") == 0);
    CHECK(strcmp(xml("", 0, 0, NULL), "") == 0);
}

static void xml_text_replaces_what_xml_cannot_hold(void)
{
    /* an invalid byte, a control, NUL, an overlong '/', a surrogate, U+FFFE */
    const char bad[] = "a\xff" "b\x01" "c\0" "d\xc0\xaf" "e\xed\xa0\x80" "f\xef\xbf\xbe";
    const char *want = "a\xef\xbf\xbd" "b\xef\xbf\xbd" "c\xef\xbf\xbd" "d\xef\xbf\xbd\xef\xbf\xbd"
                       "e\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" "f\xef\xbf\xbd";
    CHECK(strcmp(xml(bad, sizeof bad - 1, 0, NULL), want) == 0);
    CHECK(strcmp(xml("tab\there", 8, 0, NULL), "tab\there") == 0);
    const char *utf8 = "caf\xc3\xa9 \xe6\x9d\xb1\xe4\xba\xac \xf0\x9f\x8e\xb5";
    CHECK(strcmp(xml(utf8, strlen(utf8), 0, NULL), utf8) == 0);
}

static void xml_text_cuts_long_text_at_a_character_with_an_ellipsis(void)
{
    uint32_t chars;
    const char *e5 = "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"; /* five e-acute */
    CHECK(strcmp(xml(e5, 10, 3, &chars), "\xc3\xa9\xc3\xa9\xc3\xa9\xe2\x80\xa6") == 0);
    CHECK(chars == 4);
    CHECK(strcmp(xml(e5, 10, 5, &chars), e5) == 0 && chars == 5);
    CHECK(strcmp(xml("<<<<", 4, 2, NULL), "&lt;&lt;\xe2\x80\xa6") == 0);
}

static void text_width_counts_characters_not_bytes(void)
{
    double ascii = plot_text_width("abcd", 10), accents = plot_text_width("\xc3\xa9\xc3\xa9"
                                                                          "\xc3\xa9\xc3\xa9", 10);
    CHECK_NEAR(ascii, accents, 1e-12);
    CHECK_NEAR(plot_text_width("&lt;&amp;", 10), plot_text_width("ab", 10), 1e-12);
    CHECK(plot_text_width("\xe6\x9d\xb1\xe4\xba\xac", 10) > plot_text_width("ab", 10));
}

/* ---- labels ---------------------------------------------------------- */

static void labels_never_overlap_labels_or_points(void)
{
    enum { POINTS = 400, REQUESTS = 120 };
    double x[POINTS], y[POINTS], radius = 3;
    i2v_rng rng = i2v_rng_seeded(3, 0);
    for (int i = 0; i < POINTS; i++) { /* a dense cluster and a sparse field */
        double spread = i < POINTS / 2 ? 60 : 380;
        x[i] = 400 + spread * (i2v_rng_float(&rng) - 0.5);
        y[i] = 300 + spread * (i2v_rng_float(&rng) - 0.5);
    }
    plot_label_request req[REQUESTS];
    for (int r = 0; r < REQUESTS; r++)
        req[r] = (plot_label_request){(uint32_t)(r * 3), 30 + (r % 5) * 12, 14};
    plot_box area = {150, 50, 650, 550};
    plot_label_spot out[REQUESTS];
    uint32_t placed = plot_place_labels(x, y, POINTS, radius, area, req, REQUESTS, out);
    printf("# %u of %d labels placed\n", placed, REQUESTS);
    CHECK(placed >= REQUESTS / 4 && placed < REQUESTS);
    for (uint32_t a = 0; a < placed; a++) {
        plot_box b = out[a].box;
        CHECK(b.x0 >= area.x0 && b.x1 <= area.x1 && b.y0 >= area.y0 && b.y1 <= area.y1);
        for (uint32_t c = a + 1; c < placed; c++)
            CHECK(!plot_boxes_overlap(b, out[c].box));
        for (int i = 0; i < POINTS; i++)
            CHECK(!plot_box_hits_circle(b, x[i], y[i], radius));
    }
    /* the first request is placed, beside its point */
    CHECK(placed > 0 && out[0].point == 0);
}

static void a_label_without_room_is_dropped(void)
{
    double x[2] = {50, 70}, y[2] = {50, 50};
    plot_label_request req[2] = {{0, 40, 14}, {1, 40, 14}};
    plot_label_spot out[2];
    plot_box tight = {40, 40, 80, 60}; /* no 40 x 14 box fits beside either point */
    CHECK(plot_place_labels(x, y, 2, 3, tight, req, 2, out) == 0);
    plot_box roomy = {0, 0, 200, 200};
    CHECK(plot_place_labels(x, y, 2, 3, roomy, req, 2, out) == 2);
    CHECK(!plot_boxes_overlap(out[0].box, out[1].box));
    CHECK(!out[0].detached);
}

/* ---- the SVG --------------------------------------------------------- */

static char *svg_of(const i2v_plot_point *points, uint32_t n, const i2v_plot_options *o,
                    i2v_plot_report *report)
{
    FILE *f = tmpfile();
    i2v_error err;
    CHECK(f != NULL);
    if (!f || i2v_plot_svg(f, "map.svg", points, n, o, report, &err) != I2V_OK) {
        if (f)
            fclose(f);
        return NULL;
    }
    long size = ftell(f);
    char *text = calloc((size_t)size + 1, 1);
    rewind(f);
    CHECK(text && fread(text, 1, (size_t)size, f) == (size_t)size);
    fclose(f);
    return text;
}

static size_t count(const char *text, const char *what)
{
    size_t n = 0;
    for (const char *p = text; (p = strstr(p, what)) != NULL; p++)
        n++;
    return n;
}

static void svg_has_one_circle_per_point_and_escaped_text(void)
{
    enum { N = 50 };
    i2v_plot_point points[N];
    char names[N][24];
    const char *const groups[] = {"<small>", "big & bold"};
    for (int i = 0; i < N; i++) {
        if (i == 0)
            strcpy(names[i], "a<b>&c");
        else
            snprintf(names[i], sizeof names[i], "item_%d", i);
        points[i] = (i2v_plot_point){i % 7, i / 7, names[i], i < 10 ? 0u : i < 45 ? 1u
                                                                                  : I2V_NO_GROUP};
    }
    i2v_plot_options o = {"t\"itle", "sub", groups, 2, 10};
    i2v_plot_report report;
    char *svg = svg_of(points, N, &o, &report);
    CHECK(svg != NULL);
    if (!svg)
        return;
    CHECK(strncmp(svg, "<?xml", 5) == 0 && strstr(svg, "</svg>\n") != NULL);
    CHECK(count(svg, "<circle") == N);
    CHECK(strstr(svg, "a&lt;b&gt;&amp;c") && !strstr(svg, "a<b>"));
    CHECK(strstr(svg, "t&quot;itle") && strstr(svg, "&lt;small&gt;") &&
          strstr(svg, "big &amp; bold"));
    CHECK(strstr(svg, "no group"));
    /* the legend lists the larger group first */
    CHECK(strstr(svg, "big &amp; bold <") < strstr(svg, "&lt;small&gt; <"));
    CHECK(report.legend_groups == 2 && report.other_groups == 0);
    CHECK(report.labels_placed + report.labels_dropped == 10);
    CHECK(count(svg, "</text>") >= 2 + report.labels_placed + 3);
    free(svg);
}

static void many_groups_share_colours_and_the_legend_sums_up_the_rest(void)
{
    enum { N = 60, GROUPS = 30 };
    i2v_plot_point points[N];
    char names[GROUPS][16];
    const char *group_names[GROUPS];
    for (int g = 0; g < GROUPS; g++) {
        snprintf(names[g], sizeof names[g], "g%d", g);
        group_names[g] = names[g];
    }
    for (int i = 0; i < N; i++)
        points[i] = (i2v_plot_point){i, i * i % 17, "x", (uint32_t)(i % GROUPS)};
    i2v_plot_options o = {"t", NULL, group_names, GROUPS, 0};
    i2v_plot_report report;
    char *svg = svg_of(points, N, &o, &report);
    CHECK(svg != NULL);
    CHECK(report.legend_groups == I2V_PLOT_PALETTE_SIZE - 1);
    CHECK(report.legend_groups + report.other_groups == GROUPS);
    CHECK(svg && strstr(svg, "11 more groups"));
    CHECK(report.labels_placed == 0 && report.labels_dropped == 0);
    free(svg);
}

static void svg_refuses_non_finite_points_and_reports_write_errors(void)
{
    i2v_plot_point p = {NAN, 0, "x", I2V_NO_GROUP};
    i2v_plot_options o = {"t", NULL, NULL, 0, 1};
    i2v_error err;
    CHECK(i2v_plot_svg(stdout, "out", &p, 1, &o, NULL, &err) == I2V_ERR_INVALID);
    FILE *full = fopen("/dev/full", "w");
    if (full) {
        p.x = 1;
        CHECK(i2v_plot_svg(full, "/dev/full", &p, 1, &o, NULL, &err) == I2V_ERR_IO);
        CHECK(strstr(err.message, "/dev/full") != NULL);
        fclose(full);
    } else {
        printf("SKIP: svg write error (no /dev/full)\n");
    }
}

/* ---- item lists and groups ------------------------------------------- */

static i2v_model *four_items(void)
{
    const char *const names[] = {"a", "b", "c", "d"};
    const float v[8] = {1, 0, 0, 1, 1, 1, -1, 0};
    return fixture_model(names, 4, 2, v, NULL);
}

static void item_list_keeps_known_items_once_in_frequency_order(void)
{
    i2v_model *m = four_items();
    FILE *f = fixture_text("d\tgroup_x\nzz\n\nb extra fields\nd\na\n");
    uint32_t *ids = NULL, n = 0;
    i2v_item_list_report report;
    i2v_error err;
    CHECK(i2v_item_list_read(m, f, "list", &ids, &n, &report, &err) == I2V_OK);
    CHECK(n == 3 && ids && ids[0] == 0 && ids[1] == 1 && ids[2] == 3);
    CHECK(report.lines == 5 && report.unknown == 1 && report.first_unknown == 2 &&
          report.repeated == 1);
    free(ids);
    fclose(f);
    f = fixture_text("zz\nyy\n");
    CHECK(i2v_item_list_read(m, f, "list", &ids, &n, &report, &err) == I2V_ERR_EMPTY);
    CHECK(strstr(err.message, "list") != NULL);
    fclose(f);
    i2v_model_free(m);
}

static void groups_are_numbered_in_order_of_appearance(void)
{
    i2v_model *m = four_items();
    FILE *f = fixture_text("c\tred\nzz\tblue\na\tred\nb\n c green\nc\tblue\nd\tgreen\n");
    i2v_item_groups *g = NULL;
    i2v_item_groups_report report;
    i2v_error err;
    CHECK(i2v_item_groups_read(m, f, "groups", &g, &report, &err) == I2V_OK);
    if (g) {
        CHECK(i2v_item_groups_count(g) == 3);
        CHECK(strcmp(i2v_item_groups_name(g, 0, NULL), "red") == 0);
        CHECK(strcmp(i2v_item_groups_name(g, 1, NULL), "blue") == 0);
        CHECK(i2v_item_group(g, 0) == 0 && i2v_item_group(g, 2) == 0);
        CHECK(i2v_item_group(g, 1) == I2V_NO_GROUP && i2v_item_group(g, 3) == 2);
        CHECK(i2v_item_group(g, 99) == I2V_NO_GROUP);
    }
    /* "b" alone is malformed; "c" listed again (twice) keeps its first group */
    CHECK(report.items == 4 && report.unknown == 1 && report.malformed.count == 3);
    CHECK(report.malformed.lines[0] == 4 && report.malformed.lines[1] == 5 &&
          report.malformed.lines[2] == 6);
    i2v_item_groups_free(g);
    fclose(f);
    f = fixture_text("just one field\n");
    CHECK(i2v_item_groups_read(m, f, "groups", &g, &report, &err) == I2V_ERR_EMPTY);
    CHECK(g == NULL);
    fclose(f);
    i2v_model_free(m);
}

int main(void)
{
    RUN(xml_text_escapes_markup);
    RUN(xml_text_replaces_what_xml_cannot_hold);
    RUN(xml_text_cuts_long_text_at_a_character_with_an_ellipsis);
    RUN(text_width_counts_characters_not_bytes);
    RUN(labels_never_overlap_labels_or_points);
    RUN(a_label_without_room_is_dropped);
    RUN(svg_has_one_circle_per_point_and_escaped_text);
    RUN(many_groups_share_colours_and_the_legend_sums_up_the_rest);
    RUN(svg_refuses_non_finite_points_and_reports_write_errors);
    RUN(item_list_keeps_known_items_once_in_frequency_order);
    RUN(groups_are_numbered_in_order_of_appearance);
    CHECK_EXIT();
}
