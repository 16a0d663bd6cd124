/* Greedy label placement: each label in turn takes the first free spot
 * around its point.  Optimal placement is NP-hard; greedy in priority
 * order (most frequent items first) labels the items a reader looks for
 * and never lets a label hide another label or a point. */
#include <math.h>

#include "plot/plot.h"

/* Room between a point's circle and its label, in pixels. */
#define LABEL_GAP 2.0
/* Spots lie on rings around the point, nearest first: a label right next
 * to its point needs no leader line, one further out gets one.  The
 * distances (beyond the point's circle and the gap) reach out of a dense
 * cluster of a few dozen pixels. */
static const double ring_offset[] = {0, 8, 16, 28, 44, 64, 90};
#define RINGS (sizeof ring_offset / sizeof ring_offset[0])
/* Directions on each ring, counter-clockwise from the right, the four
 * axis directions first (a reader looks there first). */
#define DIRECTIONS 16u
static const unsigned direction_order[DIRECTIONS] = {0, 8, 4, 12, 2, 6, 10, 14,
                                                     1, 7, 9, 15, 3, 5, 11, 13};

int plot_boxes_overlap(plot_box a, plot_box b)
{
    return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

int plot_box_hits_circle(plot_box b, double cx, double cy, double radius)
{
    double nx = cx < b.x0 ? b.x0 : cx > b.x1 ? b.x1 : cx; /* nearest point of the box */
    double ny = cy < b.y0 ? b.y0 : cy > b.y1 ? b.y1 : cy;
    double dx = cx - nx, dy = cy - ny;
    return dx * dx + dy * dy < radius * radius;
}

static int inside(plot_box b, plot_box area)
{
    return b.x0 >= area.x0 && b.x1 <= area.x1 && b.y0 >= area.y0 && b.y1 <= area.y1;
}

/* The box of a w x h label for the point (cx, cy), on ring `ring` in
 * direction `dir` (SVG y grows downwards): the box's side that faces the
 * point touches the ring, so every spot keeps at least `clear` between
 * the point's centre and the box and a label never covers its own point. */
static plot_box spot(unsigned ring, unsigned dir, double cx, double cy, double w, double h,
                     double clear)
{
    double angle = 2 * M_PI * dir / DIRECTIONS, d = clear + ring_offset[ring];
    double c = cos(angle), s = -sin(angle);
    double ax = cx + d * c, ay = cy + d * s; /* where the ring meets the direction */
    double x0 = c > 0.3 ? ax : c < -0.3 ? ax - w : ax - w / 2;
    double y0 = s > 0.3 ? ay : s < -0.3 ? ay - h : ay - h / 2;
    /* Near the vertical the box is centred on the ring point and its
     * corner may come closer than d: push it out to clear the point. */
    if (fabs(c) <= 0.3 && fabs(s) > 0.3)
        y0 = s > 0 ? fmax(y0, cy + clear) : fmin(y0, cy - clear - h);
    if (fabs(s) <= 0.3 && fabs(c) > 0.3)
        x0 = c > 0 ? fmax(x0, cx + clear) : fmin(x0, cx - clear - w);
    return (plot_box){x0, y0, x0 + w, y0 + h};
}

static int spot_is_free(plot_box b, const double *x, const double *y, uint32_t n, double radius,
                        plot_box area, const plot_label_spot *placed, uint32_t n_placed)
{
    if (!inside(b, area))
        return 0;
    for (uint32_t k = 0; k < n_placed; k++)
        if (plot_boxes_overlap(b, placed[k].box))
            return 0;
    for (uint32_t i = 0; i < n; i++)
        if (plot_box_hits_circle(b, x[i], y[i], radius))
            return 0;
    return 1;
}

uint32_t plot_place_labels(const double *x, const double *y, uint32_t n, double radius,
                           plot_box area, const plot_label_request *requests,
                           uint32_t n_requests, plot_label_spot *out)
{
    uint32_t placed = 0;
    double clear = radius + LABEL_GAP;
    for (uint32_t r = 0; r < n_requests; r++) {
        const plot_label_request *q = &requests[r];
        int done = q->point >= n;
        for (unsigned ring = 0; !done && ring < RINGS; ring++)
            for (unsigned k = 0; !done && k < DIRECTIONS; k++) {
                plot_box b = spot(ring, direction_order[k], x[q->point], y[q->point], q->width,
                                  q->height, clear);
                if (spot_is_free(b, x, y, n, radius, area, out, placed)) {
                    out[placed++] = (plot_label_spot){q->point, b, ring > 0};
                    done = 1;
                }
            }
    }
    return placed;
}
