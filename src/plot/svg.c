/* The map as a standalone SVG: layout (canvas, colours, legend, labels)
 * and writing.  Sizes are in SVG pixels. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "plot/plot.h"

#define CANVAS_WIDTH 1200.0
#define CANVAS_HEIGHT 900.0
#define MARGIN 16.0               /* around everything */
#define HEADER_HEIGHT 66.0        /* title and subtitle */
#define LEGEND_WIDTH 250.0        /* the column on the right */
#define POINT_PADDING 10.0        /* between the outermost points and the plot edge */
#define TITLE_SIZE 20.0
#define SUBTITLE_SIZE 13.0
#define LABEL_SIZE 11.0
#define LABEL_LINE 1.25           /* a label's box height, in font sizes */
#define LABEL_DESCENT 0.25        /* baseline above the box bottom, in font sizes */
#define LEGEND_SIZE 12.0
#define LEGEND_ROW 19.0
#define LEGEND_SWATCH 11.0
#define TITLE_CHARS 110u          /* longer titles are cut with an ellipsis */
#define LABEL_CHARS 24u
#define LEGEND_CHARS 26u
#define TOOLTIP_CHARS 200u
#define NO_GROUP_COLOUR "#b4b4b4"
#define SINGLE_COLOUR "#4363d8"   /* every point when there are no groups */

/* Distinct colours for categories, strongest first: Sasha Trubetskoy's
 * list of 20 simple distinct colours without its grey (points without a
 * group are grey) and its palest beige, plus black and Kelly's light blue. */
static const char *const palette[I2V_PLOT_PALETTE_SIZE] = {
    "#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6",
    "#9a6324", "#469990", "#bfef45", "#800000", "#000075", "#808000", "#000000",
    "#ffe119", "#a1caf1", "#dcbeff", "#fabed4", "#aaffc3", "#ffd8b1",
};

/* Groups ordered by how many points they have: the legend's order, and
 * the order of colours. */
typedef struct group_rank {
    uint32_t group;
    uint32_t points;
} group_rank;

typedef struct svg_layout {
    const i2v_plot_point *points;
    uint32_t n;
    const i2v_plot_options *options;
    double *x, *y;           /* canvas positions */
    double radius;
    group_rank *ranks;       /* groups with points, most populous first */
    uint32_t n_ranked;
    uint32_t *rank_of;       /* group -> its rank */
    uint32_t *order;         /* points in drawing order */
    uint32_t ungrouped;      /* points without a group */
    plot_label_spot *labels;
    uint32_t n_labels;
    char **label_text;       /* escaped, per placed label */
    plot_box plot_area;
} svg_layout;

typedef struct svg_writer {
    FILE *out;
    char *buf;  /* escaping scratch */
    size_t cap;
} svg_writer;

/* ---- layout ---------------------------------------------------------- */

/* Smaller dots for crowded maps, so that clusters keep their shape. */
static double point_radius(uint32_t n)
{
    return n <= 500 ? 4.0 : n <= 2000 ? 3.0 : n <= 5000 ? 2.4 : 1.8;
}

/* Scales the points into the plot area, equal scales on both axes (a map
 * must not stretch distances), y growing upwards. */
static void fit_points(svg_layout *l)
{
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    for (uint32_t i = 0; i < l->n; i++) {
        x0 = fmin(x0, l->points[i].x);
        x1 = fmax(x1, l->points[i].x);
        y0 = fmin(y0, l->points[i].y);
        y1 = fmax(y1, l->points[i].y);
    }
    plot_box a = l->plot_area;
    double width = a.x1 - a.x0 - 2 * POINT_PADDING, height = a.y1 - a.y0 - 2 * POINT_PADDING;
    double span_x = x1 - x0, span_y = y1 - y0;
    double scale = fmin(span_x > 0 ? width / span_x : INFINITY,
                        span_y > 0 ? height / span_y : INFINITY);
    if (!isfinite(scale)) /* every point in one place */
        scale = 1;
    double mid_x = (x0 + x1) / 2, mid_y = (y0 + y1) / 2;
    double centre_x = (a.x0 + a.x1) / 2, centre_y = (a.y0 + a.y1) / 2;
    for (uint32_t i = 0; i < l->n; i++) {
        l->x[i] = centre_x + (l->points[i].x - mid_x) * scale;
        l->y[i] = centre_y - (l->points[i].y - mid_y) * scale;
    }
}

static int by_population(const void *pa, const void *pb)
{
    const group_rank *a = pa, *b = pb;
    if (a->points != b->points)
        return (a->points < b->points) - (a->points > b->points);
    return (a->group > b->group) - (a->group < b->group);
}

/* Counts each group's points, ranks the groups and gives the colours in
 * rank order, cycling through the palette. */
static void rank_groups(svg_layout *l)
{
    uint32_t g_count = l->options->n_groups;
    for (uint32_t g = 0; g < g_count; g++)
        l->ranks[g] = (group_rank){g, 0};
    for (uint32_t i = 0; i < l->n; i++) {
        uint32_t g = l->points[i].group;
        if (g < g_count)
            l->ranks[g].points++;
        else
            l->ungrouped++;
    }
    qsort(l->ranks, g_count, sizeof *l->ranks, by_population);
    l->n_ranked = 0;
    while (l->n_ranked < g_count && l->ranks[l->n_ranked].points > 0)
        l->n_ranked++;
    for (uint32_t r = 0; r < g_count; r++)
        l->rank_of[l->ranks[r].group] = r;
}

typedef struct draw_key {
    uint64_t rank; /* 0 for no group, else 1 + the group's rank */
    uint32_t point;
} draw_key;

static int by_draw_key(const void *pa, const void *pb)
{
    const draw_key *a = pa, *b = pb;
    if (a->rank != b->rank)
        return (a->rank > b->rank) - (a->rank < b->rank);
    return (a->point > b->point) - (a->point < b->point);
}

/* Points without a group first, underneath, then the groups from the most
 * populous down, so that a large group never buries a small one. */
static i2v_status order_points(svg_layout *l, i2v_error *err)
{
    draw_key *keys = malloc((l->n ? l->n : 1) * sizeof *keys);
    if (!keys)
        return i2v_fail_nomem(err, "laying out the map");
    for (uint32_t i = 0; i < l->n; i++) {
        uint32_t g = l->points[i].group;
        keys[i] = (draw_key){g < l->options->n_groups ? 1 + (uint64_t)l->rank_of[g] : 0, i};
    }
    qsort(keys, l->n, sizeof *keys, by_draw_key);
    for (uint32_t i = 0; i < l->n; i++)
        l->order[i] = keys[i].point;
    free(keys);
    return I2V_OK;
}

static const char *point_colour(const svg_layout *l, uint32_t i)
{
    uint32_t g = l->points[i].group;
    if (l->options->n_groups == 0)
        return SINGLE_COLOUR;
    return g < l->options->n_groups ? palette[l->rank_of[g] % I2V_PLOT_PALETTE_SIZE]
                                    : NO_GROUP_COLOUR;
}

static i2v_status place_labels(svg_layout *l, svg_writer *w, i2v_error *err)
{
    uint32_t want = l->options->labels < l->n ? l->options->labels : l->n;
    plot_label_request *requests = malloc((want ? want : 1) * sizeof *requests);
    char **text = calloc(want ? want : 1, sizeof *text);
    l->labels = malloc((want ? want : 1) * sizeof *l->labels);
    l->label_text = calloc(want ? want : 1, sizeof *l->label_text);
    i2v_status st = requests && text && l->labels && l->label_text
                        ? I2V_OK
                        : i2v_fail_nomem(err, "placing labels");
    for (uint32_t i = 0; st == I2V_OK && i < want; i++) {
        const char *name = l->points[i].name;
        st = plot_xml_text(name, strlen(name), LABEL_CHARS, &w->buf, &w->cap, NULL, err);
        if (st == I2V_OK && !(text[i] = strdup(w->buf)))
            st = i2v_fail_nomem(err, "placing labels");
        if (st == I2V_OK)
            requests[i] = (plot_label_request){i, plot_text_width(w->buf, LABEL_SIZE) + 2,
                                               LABEL_SIZE * LABEL_LINE};
    }
    if (st == I2V_OK) {
        l->n_labels = plot_place_labels(l->x, l->y, l->n, l->radius, l->plot_area, requests,
                                        want, l->labels);
        for (uint32_t k = 0; k < l->n_labels; k++) { /* hand the texts over */
            l->label_text[k] = text[l->labels[k].point];
            text[l->labels[k].point] = NULL;
        }
    }
    for (uint32_t i = 0; text && i < want; i++)
        free(text[i]);
    free(text);
    free(requests);
    return st;
}

static void layout_free(svg_layout *l)
{
    for (uint32_t k = 0; l->label_text && k < l->n_labels; k++)
        free(l->label_text[k]);
    free(l->label_text);
    free(l->labels);
    free(l->x);
    free(l->y);
    free(l->ranks);
    free(l->rank_of);
    free(l->order);
}

static i2v_status layout_init(svg_layout *l, const i2v_plot_point *points, uint32_t n,
                              const i2v_plot_options *options, svg_writer *w, i2v_error *err)
{
    *l = (svg_layout){.points = points, .n = n, .options = options,
                      .radius = point_radius(n)};
    l->plot_area = (plot_box){MARGIN, HEADER_HEIGHT, CANVAS_WIDTH - LEGEND_WIDTH,
                              CANVAS_HEIGHT - MARGIN};
    size_t groups = options->n_groups ? options->n_groups : 1;
    l->x = malloc((n ? n : 1) * sizeof *l->x);
    l->y = malloc((n ? n : 1) * sizeof *l->y);
    l->ranks = malloc(groups * sizeof *l->ranks);
    l->rank_of = malloc(groups * sizeof *l->rank_of);
    l->order = malloc((n ? n : 1) * sizeof *l->order);
    if (!l->x || !l->y || !l->ranks || !l->rank_of || !l->order)
        return i2v_fail_nomem(err, "laying out the map");
    fit_points(l);
    rank_groups(l);
    i2v_status st = order_points(l, err);
    return st == I2V_OK ? place_labels(l, w, err) : st;
}

/* ---- writing --------------------------------------------------------- */

/* Escapes text into the writer's buffer (NULL text: empty). */
static i2v_status escaped(svg_writer *w, const char *text, uint32_t max_chars, i2v_error *err)
{
    if (!text)
        text = "";
    return plot_xml_text(text, strlen(text), max_chars, &w->buf, &w->cap, NULL, err);
}

static i2v_status write_header(svg_writer *w, const i2v_plot_options *o, i2v_error *err)
{
    fprintf(w->out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
            "viewBox=\"0 0 %.0f %.0f\" font-family=\"DejaVu Sans, Helvetica, Arial, "
            "sans-serif\">\n"
            "<rect width=\"%.0f\" height=\"%.0f\" fill=\"#ffffff\"/>\n",
            CANVAS_WIDTH, CANVAS_HEIGHT, CANVAS_WIDTH, CANVAS_HEIGHT, CANVAS_WIDTH,
            CANVAS_HEIGHT);
    i2v_status st = escaped(w, o->title, TITLE_CHARS, err);
    if (st == I2V_OK && o->title)
        fprintf(w->out,
                "<text x=\"%.0f\" y=\"%.0f\" font-size=\"%.0f\" font-weight=\"bold\" "
                "fill=\"#222222\">%s</text>\n",
                MARGIN, MARGIN + TITLE_SIZE, TITLE_SIZE, w->buf);
    if (st == I2V_OK)
        st = escaped(w, o->subtitle, TITLE_CHARS, err);
    if (st == I2V_OK && o->subtitle)
        fprintf(w->out,
                "<text x=\"%.0f\" y=\"%.0f\" font-size=\"%.0f\" fill=\"#666666\">%s</text>\n",
                MARGIN, MARGIN + TITLE_SIZE + 8 + SUBTITLE_SIZE, SUBTITLE_SIZE, w->buf);
    return st;
}

static i2v_status write_point(svg_writer *w, const svg_layout *l, uint32_t i, i2v_error *err)
{
    const i2v_plot_point *p = &l->points[i];
    i2v_status st = escaped(w, p->name, TOOLTIP_CHARS, err);
    if (st != I2V_OK)
        return st;
    fprintf(w->out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\"><title>%s", l->x[i], l->y[i],
            l->radius, w->buf);
    if (p->group < l->options->n_groups) {
        if ((st = escaped(w, l->options->group_names[p->group], TOOLTIP_CHARS, err)) != I2V_OK)
            return st;
        fprintf(w->out, " (%s)", w->buf);
    }
    fputs("</title></circle>\n", w->out);
    return I2V_OK;
}

/* Points in drawing order, one <g> per run of one colour. */
static i2v_status write_points(svg_writer *w, const svg_layout *l, i2v_error *err)
{
    fputs("<g stroke=\"#000000\" stroke-opacity=\"0.3\" stroke-width=\"0.5\">\n", w->out);
    i2v_status st = I2V_OK;
    const char *open_colour = NULL;
    for (uint32_t k = 0; st == I2V_OK && k < l->n; k++) {
        uint32_t i = l->order[k];
        const char *colour = point_colour(l, i);
        if (colour != open_colour) {
            fprintf(w->out, "%s<g fill=\"%s\">\n", open_colour ? "</g>\n" : "", colour);
            open_colour = colour;
        }
        st = write_point(w, l, i, err);
    }
    fputs(open_colour ? "</g>\n</g>\n" : "</g>\n", w->out);
    return st;
}

/* The point of box b nearest to (x, y). */
static void nearest_in_box(plot_box b, double x, double y, double *nx, double *ny)
{
    *nx = x < b.x0 ? b.x0 : x > b.x1 ? b.x1 : x;
    *ny = y < b.y0 ? b.y0 : y > b.y1 ? b.y1 : y;
}

/* Leader lines from detached labels to the edge of their point. */
static void write_leaders(svg_writer *w, const svg_layout *l)
{
    fputs("<g stroke=\"#555555\" stroke-width=\"0.8\">\n", w->out);
    for (uint32_t k = 0; k < l->n_labels; k++) {
        if (!l->labels[k].detached)
            continue;
        uint32_t i = l->labels[k].point;
        double bx, by;
        nearest_in_box(l->labels[k].box, l->x[i], l->y[i], &bx, &by);
        double dx = bx - l->x[i], dy = by - l->y[i], d = sqrt(dx * dx + dy * dy);
        fprintf(w->out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>\n",
                l->x[i] + dx / d * l->radius, l->y[i] + dy / d * l->radius, bx, by);
    }
    fputs("</g>\n", w->out);
}

/* Labels over the points, with a white halo so they stay legible. */
static void write_labels(svg_writer *w, const svg_layout *l)
{
    write_leaders(w, l);
    fprintf(w->out,
            "<g font-size=\"%.0f\" fill=\"#222222\" stroke=\"#ffffff\" stroke-width=\"3\" "
            "stroke-linejoin=\"round\" paint-order=\"stroke\">\n",
            LABEL_SIZE);
    for (uint32_t k = 0; k < l->n_labels; k++)
        fprintf(w->out, "<text x=\"%.1f\" y=\"%.1f\">%s</text>\n", l->labels[k].box.x0 + 1,
                l->labels[k].box.y1 - LABEL_DESCENT * LABEL_SIZE, l->label_text[k]);
    fputs("</g>\n", w->out);
}

static void legend_row(svg_writer *w, uint32_t row, const char *colour, const char *text,
                       uint32_t points)
{
    double x = CANVAS_WIDTH - LEGEND_WIDTH + MARGIN, y = HEADER_HEIGHT + 28 + row * LEGEND_ROW;
    fprintf(w->out,
            "<rect x=\"%.0f\" y=\"%.1f\" width=\"%.0f\" height=\"%.0f\" fill=\"%s\" "
            "stroke=\"#000000\" stroke-opacity=\"0.3\"/>\n"
            "<text x=\"%.0f\" y=\"%.1f\">%s <tspan fill=\"#777777\">(%u)</tspan></text>\n",
            x, y - LEGEND_SWATCH + 1, LEGEND_SWATCH, LEGEND_SWATCH, colour, x + 18, y, text,
            points);
}

/* Rows that fit under the legend's title. */
static uint32_t legend_capacity(void)
{
    return (uint32_t)((CANVAS_HEIGHT - MARGIN - HEADER_HEIGHT - 28) / LEGEND_ROW);
}

static i2v_status write_legend(svg_writer *w, const svg_layout *l, i2v_plot_report *report,
                               i2v_error *err)
{
    double x = CANVAS_WIDTH - LEGEND_WIDTH + MARGIN;
    fprintf(w->out, "<g font-size=\"%.0f\" fill=\"#222222\">\n", LEGEND_SIZE);
    fprintf(w->out, "<text x=\"%.0f\" y=\"%.0f\" font-weight=\"bold\">%s</text>\n", x,
            HEADER_HEIGHT + 4, l->options->n_groups ? "groups" : "items");
    uint32_t rows = 0, room = legend_capacity() - 2; /* keep "other" and "no group" */
    uint32_t named = l->n_ranked < I2V_PLOT_PALETTE_SIZE ? l->n_ranked : I2V_PLOT_PALETTE_SIZE;
    if (named > room)
        named = room;
    if (named < l->n_ranked && named > 0)
        named--; /* the "other" row takes the last colour's place */
    i2v_status st = I2V_OK;
    for (uint32_t r = 0; st == I2V_OK && r < named; r++) {
        st = escaped(w, l->options->group_names[l->ranks[r].group], LEGEND_CHARS, err);
        if (st == I2V_OK)
            legend_row(w, rows++, palette[r % I2V_PLOT_PALETTE_SIZE], w->buf,
                       l->ranks[r].points);
    }
    uint32_t other_points = 0;
    for (uint32_t r = named; r < l->n_ranked; r++)
        other_points += l->ranks[r].points;
    if (st == I2V_OK && named < l->n_ranked) {
        char text[96];
        snprintf(text, sizeof text, "%u more groups", l->n_ranked - named);
        legend_row(w, rows++, "url(#other)", text, other_points);
    }
    if (st == I2V_OK && l->options->n_groups && l->ungrouped)
        legend_row(w, rows++, NO_GROUP_COLOUR, "no group", l->ungrouped);
    if (st == I2V_OK && !l->options->n_groups)
        legend_row(w, rows++, SINGLE_COLOUR, "items", l->n);
    fputs("</g>\n", w->out);
    report->legend_groups = named;
    report->other_groups = l->n_ranked - named;
    return st;
}

/* The "other" swatch: stripes of the first colours, saying "many". */
static void write_defs(svg_writer *w)
{
    fputs("<defs><pattern id=\"other\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\">",
          w->out);
    for (int k = 0; k < 3; k++)
        fprintf(w->out, "<rect x=\"%d\" width=\"2\" height=\"6\" fill=\"%s\"/>", 2 * k,
                palette[k]);
    fputs("</pattern></defs>\n", w->out);
}

static i2v_status check_points(const i2v_plot_point *points, uint32_t n,
                               const i2v_plot_options *options, i2v_error *err)
{
    if (options->n_groups && !options->group_names)
        return i2v_fail(err, I2V_ERR_INVALID, "%u groups but no group names", options->n_groups);
    for (uint32_t i = 0; i < n; i++) {
        if (!isfinite(points[i].x) || !isfinite(points[i].y))
            return i2v_fail(err, I2V_ERR_INVALID, "point %u ('%.200s') has a non-finite coordinate",
                            i, points[i].name ? points[i].name : "");
        if (!points[i].name)
            return i2v_fail(err, I2V_ERR_INVALID, "point %u has no name", i);
    }
    return I2V_OK;
}

static i2v_status write_svg(svg_writer *w, const svg_layout *l, i2v_plot_report *report,
                            i2v_error *err)
{
    i2v_status st = write_header(w, l->options, err);
    if (st == I2V_OK) {
        write_defs(w);
        st = write_points(w, l, err);
    }
    if (st == I2V_OK) {
        write_labels(w, l);
        st = write_legend(w, l, report, err);
    }
    if (st == I2V_OK)
        fputs("</svg>\n", w->out);
    return st;
}

i2v_status i2v_plot_svg(FILE *out, const char *out_name, const i2v_plot_point *points,
                        uint32_t n, const i2v_plot_options *options, i2v_plot_report *report,
                        i2v_error *err)
{
    i2v_plot_report unused;
    if (!report)
        report = &unused;
    memset(report, 0, sizeof *report);
    i2v_status st = check_points(points, n, options, err);
    if (st != I2V_OK)
        return st;
    svg_writer w = {out, NULL, 0};
    svg_layout l;
    st = layout_init(&l, points, n, options, &w, err);
    if (st == I2V_OK)
        st = write_svg(&w, &l, report, err);
    if (st == I2V_OK) {
        report->labels_placed = l.n_labels;
        report->labels_dropped = (options->labels < n ? options->labels : n) - l.n_labels;
    }
    layout_free(&l);
    free(w.buf);
    errno = 0;
    if (st == I2V_OK && (fflush(out) == EOF || ferror(out)))
        st = i2v_fail_errno(err, errno ? errno : EIO, "%s: write failed", out_name);
    return st;
}
