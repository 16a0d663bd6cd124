/* Dot products for queries, behind a small interface so that the query
 * code never knows which instruction set runs.  Three kernels: portable C,
 * AVX2+FMA and AVX-512, chosen at run time (cpu.h).
 *
 * Two shapes of work:
 *  - dot / dots: one query against rows stored row-major, as in the model.
 *    Each kernel sums in one fixed order, so dots() gives bitwise the same
 *    value as dot() for every row; answers never depend on how rows were
 *    grouped.
 *  - panel: up to DOT_PANEL_QUERIES queries against DOT_PANEL_ROWS rows
 *    packed column-major (dot_pack_panel), the inner step of the blocked
 *    matrix product behind `similar --all`.  No horizontal sums are needed,
 *    so it runs near the CPU's multiply-add peak.  Its summation order
 *    differs from dot(); callers that print scores recompute them with dot().
 */
#ifndef I2V_DOT_H
#define I2V_DOT_H

#include <stddef.h>
#include <stdint.h>

#define DOT_PANEL_ROWS 16   /* rows in one packed panel */
#define DOT_PANEL_QUERIES 8 /* most queries one panel call scores */

typedef struct dot_kernel {
    const char *name;
    /* Sum of a[j] * b[j] for j < n. */
    float (*dot)(const float *a, const float *b, size_t n);
    /* out[r] = dot(query, rows + r * dim, dim) for r < n_rows, bit for bit. */
    void (*dots)(const float *query, const float *rows, size_t n_rows, size_t dim, float *out);
    /* For q < nq (1..DOT_PANEL_QUERIES) and j < DOT_PANEL_ROWS:
     *   scores[q * DOT_PANEL_ROWS + j] = (queries[q] . row j) * scale[j]
     * with queries row-major (dim floats each) and the rows packed in
     * `panel`; above[q] gets bit j set when that score >= threshold[q]. */
    void (*panel)(const float *queries, size_t nq, const float *panel, const float *scale,
                  size_t dim, const float *threshold, float *scores, uint32_t *above);
} dot_kernel;

/* The portable kernel (the library's scalar order, util/vec.h). */
const dot_kernel *dot_kernel_reference(void);

/* Every kernel this CPU can run, reference first, fastest last; returns
 * how many were written to out (at most max). */
size_t dot_kernels_available(const dot_kernel **out, size_t max);

/* The fastest kernel this CPU runs. */
const dot_kernel *dot_kernel_best(void);

/* Packs n_rows (<= DOT_PANEL_ROWS) rows of dim floats, `stride` floats
 * apart, column-major into panel (dim * DOT_PANEL_ROWS floats):
 * panel[d * DOT_PANEL_ROWS + j] = row j [d]; missing rows are zeros. */
void dot_pack_panel(const float *rows, size_t n_rows, size_t stride, size_t dim, float *panel);

#endif
