/* Shared by the plot modules: the two projections (plot_pca.c,
 * plot_tsne.c), exposed here so that tests can reach them. */
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
 * from the PCA layout `start` (NULL: a random start); the caller has
 * checked params and n <= I2V_TSNE_MAX_POINTS.  *perplexity and *kl
 * get the perplexity used and the final KL divergence. */
i2v_status plot_tsne(const double *points, uint32_t n, uint32_t dim, const double *start,
                     const i2v_projection_params *params, double *xy, double *perplexity,
                     double *kl, i2v_error *err);

#endif
