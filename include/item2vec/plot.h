/* item2vec — Plots: projections to the plane and SVG maps. Part of the
 * public API; <item2vec.h> includes every part. */
#ifndef ITEM2VEC_PLOT_H
#define ITEM2VEC_PLOT_H

#include "item2vec/model.h"
#include "item2vec/eval.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Plots                                                               */
/* ------------------------------------------------------------------ */

/* A 2-D map of the embedding space: items projected to the plane (PCA or
 * t-SNE), then drawn as a standalone SVG with groups in colour, a legend
 * and labels for the most frequent items. */

typedef enum i2v_projection_method {
    I2V_PROJECT_PCA = 0, /* the two leading principal components (to rounding) */
    I2V_PROJECT_TSNE     /* exact t-SNE (van der Maaten & Hinton 2008) */
} i2v_projection_method;

/* "PCA", "t-SNE". */
const char *i2v_projection_method_name(i2v_projection_method method);

/* Exact t-SNE keeps n x n affinities (4 bytes each) and every gradient
 * step visits each pair: 400 MB and many minutes at this limit. */
#define I2V_TSNE_MAX_POINTS 10000u
#define I2V_TSNE_MAX_ITERATIONS 100000u
#define I2V_TSNE_MAX_PERPLEXITY 10000.0

typedef struct i2v_projection_params {
    i2v_projection_method method;
    double perplexity;    /* t-SNE: effective number of neighbours, >= 1
                             (default 30); lowered to (points - 1) / 3 for
                             small sets, as the reference code requires */
    uint32_t iterations;  /* t-SNE gradient steps, >= 1 (default 1000) */
    uint64_t seed;        /* t-SNE: the jitter added to its PCA start (default 1) */
    uint32_t threads;     /* t-SNE worker threads, 1..I2V_MAX_THREADS (default 1);
                             the result is the same for any number */
} i2v_projection_params;

/* PCA; perplexity 30, 1000 iterations, seed 1 and 1 thread for t-SNE. */
void i2v_projection_params_default(i2v_projection_params *params);

/* Checks every field against its range; the message names the field. */
i2v_status i2v_projection_params_check(const i2v_projection_params *params, i2v_error *err);

typedef struct i2v_projection_report {
    double explained[2];   /* variance shares of the two principal components
                              (for t-SNE: those of its start) */
    double perplexity;     /* t-SNE: the perplexity used; NAN for PCA */
    double kl_divergence;  /* t-SNE: KL(P || Q) of the final layout; NAN for PCA */
} i2v_projection_report;

/* Projects n points of dim floats each (row-major) to the plane: point i
 * goes to (xy[2i], xy[2i + 1]).  Deterministic: the same points and params
 * give the same bytes.
 *  - PCA: the centred points on their two leading principal components,
 *    each axis oriented so that its largest coordinate is positive.  The
 *    components are found by subspace iteration on a block of 10 vectors
 *    with Rayleigh-Ritz steps until they are eigenvectors of the
 *    covariance C to rounding (|| C u - l u || <= 1e-9 l_1): trained
 *    embeddings take 50 to 150 steps of O(d^2) (C formed once, O(n d^2),
 *    when d <= 2n and d <= 2048) or O(n d) (C applied as X^T X); at most
 *    1000 steps when the leading variances hardly stand out (the plane
 *    found then holds nearly as much variance as the best one).
 *  - t-SNE: affinities from squared Euclidean distances calibrated to the
 *    perplexity by bisection, then gradient descent on KL(P || Q) with a
 *    Student-t kernel: early exaggeration 12 and momentum 0.5 for the first
 *    quarter of the steps (at most 250), momentum 0.8 after, per-coordinate
 *    gains (+0.2 / x0.8, at least 0.01) and a learning rate of
 *    max(n / 12, 50) (Belkina et al. 2019).  The start is the PCA layout
 *    scaled to a standard deviation of 1e-4 plus a seeded jitter of 1e-6,
 *    so the global arrangement follows PCA (Kobak & Berens 2019) while
 *    equal points still separate.  O(n^2 (d + iterations)) time, 4 n^2
 *    bytes; each point's forces are summed over all others in a fixed
 *    order, so threads change the speed, never the result.
 * One point lands at the origin.  Errors: I2V_ERR_EMPTY for n = 0,
 * I2V_ERR_INVALID for bad params, I2V_ERR_LIMIT for t-SNE past
 * I2V_TSNE_MAX_POINTS.  report may be NULL. */
i2v_status i2v_project(const float *points, uint32_t n, uint32_t dim,
                       const i2v_projection_params *params, double *xy,
                       i2v_projection_report *report, i2v_error *err);

/* The same for model items ids[0..n): their input vectors scaled to unit
 * length first, so that distances on the map follow cosine similarity, the
 * measure `similar` ranks by (a zero vector stays zero). */
i2v_status i2v_project_items(const i2v_model *model, const uint32_t *ids, uint32_t n,
                             const i2v_projection_params *params, double *xy,
                             i2v_projection_report *report, i2v_error *err);

/* Which items to plot: the first field of every non-blank line of a text
 * file (so an "item<TAB>group" file serves too). */
typedef struct i2v_item_list_report {
    uint64_t lines;         /* non-blank lines read */
    uint64_t unknown;       /* lines naming an item not in the model */
    uint64_t first_unknown; /* line number of the first of them, or 0 */
    uint64_t repeated;      /* lines naming an item listed before */
} i2v_item_list_report;

/* Reads the list from `in` (named `name` in messages) to its end; *ids gets
 * a malloc'ed array of the ids of the listed items that the model holds,
 * each once, ascending (most frequent first), and *n their number; the
 * caller frees it.  No known item is I2V_ERR_EMPTY naming the file. */
i2v_status i2v_item_list_read(const i2v_model *model, FILE *in, const char *name,
                              uint32_t **ids, uint32_t *n, i2v_item_list_report *report,
                              i2v_error *err);

/* Groups of items ("item<TAB>group" lines, as for i2v_eval_purity): the
 * colours of a map. */
#define I2V_NO_GROUP UINT32_MAX

typedef struct i2v_item_groups i2v_item_groups;

typedef struct i2v_item_groups_report {
    uint64_t items;    /* well-formed lines: two fields */
    uint64_t unknown;  /* of them, items not in the model */
    i2v_eval_malformed malformed; /* other shapes, and items listed again
                                     (the first line holds) */
} i2v_item_groups_report;

/* Reads the groups of the model's items from `in` to its end.  Groups are
 * numbered 0, 1, ... in order of first appearance.  A file without any
 * well-formed line is I2V_ERR_EMPTY. */
i2v_status i2v_item_groups_read(const i2v_model *model, FILE *in, const char *name,
                                i2v_item_groups **out, i2v_item_groups_report *report,
                                i2v_error *err);

void i2v_item_groups_free(i2v_item_groups *groups);

/* Number of distinct groups (including those whose items are all unknown). */
uint32_t i2v_item_groups_count(const i2v_item_groups *groups);

/* The name of group g (NUL-terminated; *len gets its length if not NULL). */
const char *i2v_item_groups_name(const i2v_item_groups *groups, uint32_t g, size_t *len);

/* The group of model item `item`, or I2V_NO_GROUP when the file omits it. */
uint32_t i2v_item_group(const i2v_item_groups *groups, uint32_t item);

/* One point of a map. */
typedef struct i2v_plot_point {
    double x, y;       /* projected coordinates, any scale; y grows upwards */
    const char *name;  /* NUL-terminated: tooltip and label */
    uint32_t group;    /* < n_groups, or I2V_NO_GROUP */
} i2v_plot_point;

typedef struct i2v_plot_options {
    const char *title;                /* first line (NULL: none) */
    const char *subtitle;             /* second line, smaller (NULL: none) */
    const char *const *group_names;   /* n_groups names, NULL when no groups */
    uint32_t n_groups;
    uint32_t labels;                  /* label at most this many points, taken
                                         in array order (put the most frequent
                                         items first) */
} i2v_plot_options;

/* What the drawing could show. */
typedef struct i2v_plot_report {
    uint32_t labels_placed;   /* labels drawn */
    uint32_t labels_dropped;  /* labels with no free room, left out */
    uint32_t legend_groups;   /* groups named in the legend */
    uint32_t other_groups;    /* groups summed up as "other" */
} i2v_plot_report;

/* The most groups with a colour of their own; further groups reuse the
 * colours in turn and the legend names only the most populous ones. */
#define I2V_PLOT_PALETTE_SIZE 20u

/* Writes a standalone SVG (1200 x 900 px) to `out` (named `out_name` in
 * messages): title and subtitle on top; points scaled to fit the plot area
 * with equal scales on both axes, no axes (projected coordinates have no
 * units), one colour per group by population (grey for points without
 * group), each with its name as a tooltip; a legend of the groups, most
 * populous first, with their point counts; labels greedily placed near
 * their points, in array order, where they overlap no other label and no
 * point (with a leader line when not right beside the point), else left
 * out.  Text is escaped for XML, invalid UTF-8 and
 * control bytes become U+FFFD and long names are shortened with an
 * ellipsis.  The caller owns the stream. */
i2v_status i2v_plot_svg(FILE *out, const char *out_name, const i2v_plot_point *points,
                        uint32_t n, const i2v_plot_options *options, i2v_plot_report *report,
                        i2v_error *err);

#ifdef __cplusplus
}
#endif

#endif /* ITEM2VEC_PLOT_H */
