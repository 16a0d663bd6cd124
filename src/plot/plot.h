/* Shared by the plot modules: the two projections (plot_pca.c,
 * plot_tsne.c), label placement (plot_labels.c) and XML text
 * (plot_svg.c), exposed here so that tests can reach them. */
#ifndef I2V_PLOT_H
#define I2V_PLOT_H

#include <stddef.h>
#include <stdint.h>

#include "item2vec.h"

/* ---- projections ---------------------------------------------------- */

/* PCA of n points (row-major, dim doubles each; not modified) into xy[2n];
 * explained[2] gets the variance shares of the two axes (0 when the
 * points have no variance, which leaves every point at the origin). */
i2v_status plot_pca(const double *points, uint32_t n, uint32_t dim, double *xy,
                    double explained[2], i2v_error *err);

/* Exact t-SNE of n points (row-major, dim doubles) into xy[2n], starting
 * from the PCA layout `start`; the caller has checked params and
 * n <= I2V_TSNE_MAX_POINTS.  *perplexity and *kl
 * get the perplexity used and the final KL divergence. */
i2v_status plot_tsne(const double *points, uint32_t n, uint32_t dim, const double *start,
                     const i2v_projection_params *params, double *xy, double *perplexity,
                     double *kl, i2v_error *err);

/* ---- label placement ------------------------------------------------- */

typedef struct plot_box {
    double x0, y0, x1, y1; /* x0 <= x1, y0 <= y1 */
} plot_box;

/* A label to place: the point it names and the size of its text. */
typedef struct plot_label_request {
    uint32_t point;
    double width, height;
} plot_label_request;

/* A placed label: its point, the box its text occupies, and whether it
 * lies away from its point (and wants a leader line). */
typedef struct plot_label_spot {
    uint32_t point;
    plot_box box;
    int detached;
} plot_label_spot;

/* Places the requests in order, each at the first free spot around its
 * point: rings from right beside the point out to about 100 pixels, 16
 * directions on each (right, left, above, below first).  A spot is free
 * when its box lies inside `area` and overlaps neither a label placed
 * before nor any point (circles of `radius` around (x[i], y[i]), i < n).
 * Requests with no free spot are dropped.  Writes the placed labels to
 * out[] (room for n_requests) and returns how many. */
uint32_t plot_place_labels(const double *x, const double *y, uint32_t n, double radius,
                           plot_box area, const plot_label_request *requests,
                           uint32_t n_requests, plot_label_spot *out);

/* 1 when the boxes share interior points. */
int plot_boxes_overlap(plot_box a, plot_box b);

/* 1 when the box comes closer than `radius` to (cx, cy). */
int plot_box_hits_circle(plot_box b, double cx, double cy, double radius);

/* ---- text ------------------------------------------------------------ */

/* `len` bytes of text as XML character data or attribute value: & < > " '
 * escaped, bytes that are not valid UTF-8 and code points XML forbids
 * (controls other than tab, newline, carriage return; U+FFFE, U+FFFF)
 * replaced by U+FFFD, and the text cut after max_chars code points with an
 * ellipsis (U+2026) when longer.  *buf (capacity *cap) grows as needed;
 * the result is NUL-terminated.  *chars gets the number of code points
 * shown (for width estimates). */
i2v_status plot_xml_text(const char *text, size_t len, uint32_t max_chars, char **buf,
                         size_t *cap, uint32_t *chars, i2v_error *err);

/* Estimated width in pixels of text escaped by plot_xml_text at font_size
 * pixels in a sans-serif font: no font metrics without a font library, so
 * each code point counts as an average glyph (wide East Asian ones as a
 * full em). */
double plot_text_width(const char *escaped, double font_size);

#endif
