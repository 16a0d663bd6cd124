/* Projections of vectors to the plane: parameters, and the entry points
 * that pick PCA or t-SNE (plot_pca.c, plot_tsne.c). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "plot/plot.h"

#define DEFAULT_PERPLEXITY 30.0
#define DEFAULT_ITERATIONS 1000u

const char *i2v_projection_method_name(i2v_projection_method method)
{
    switch (method) {
    case I2V_PROJECT_PCA: return "PCA";
    case I2V_PROJECT_TSNE: return "t-SNE";
    }
    return "unknown";
}

void i2v_projection_params_default(i2v_projection_params *params)
{
    params->method = I2V_PROJECT_PCA;
    params->perplexity = DEFAULT_PERPLEXITY;
    params->iterations = DEFAULT_ITERATIONS;
    params->seed = 1;
    params->threads = 1;
}

i2v_status i2v_projection_params_check(const i2v_projection_params *params, i2v_error *err)
{
    if (params->method != I2V_PROJECT_PCA && params->method != I2V_PROJECT_TSNE)
        return i2v_fail(err, I2V_ERR_INVALID, "method: %d is neither PCA nor t-SNE",
                        (int)params->method);
    if (!(params->perplexity >= 1 && params->perplexity <= I2V_TSNE_MAX_PERPLEXITY))
        return i2v_fail(err, I2V_ERR_INVALID, "perplexity: %g is not in [1, %g]",
                        params->perplexity, I2V_TSNE_MAX_PERPLEXITY);
    if (params->iterations < 1 || params->iterations > I2V_TSNE_MAX_ITERATIONS)
        return i2v_fail(err, I2V_ERR_INVALID, "iterations: %u is not in [1, %u]",
                        params->iterations, I2V_TSNE_MAX_ITERATIONS);
    if (params->threads < 1 || params->threads > I2V_MAX_THREADS)
        return i2v_fail(err, I2V_ERR_INVALID, "threads: %u is not in [1, %u]", params->threads,
                        I2V_MAX_THREADS);
    return I2V_OK;
}

static i2v_status project_doubles(const double *points, uint32_t n, uint32_t dim,
                                  const i2v_projection_params *params, double *xy,
                                  i2v_projection_report *report, i2v_error *err)
{
    report->perplexity = report->kl_divergence = NAN;
    if (params->method == I2V_PROJECT_PCA)
        return plot_pca(points, n, dim, xy, report->explained, err);
    if (n > I2V_TSNE_MAX_POINTS)
        return i2v_fail(err, I2V_ERR_LIMIT, "t-SNE of %u points: exact t-SNE handles at most %u",
                        n, I2V_TSNE_MAX_POINTS);
    double *start = malloc(2 * (size_t)n * sizeof *start);
    if (!start)
        return i2v_fail_nomem(err, "starting t-SNE");
    i2v_status st = plot_pca(points, n, dim, start, report->explained, err);
    if (st == I2V_OK)
        st = plot_tsne(points, n, dim, start, params, xy, &report->perplexity,
                       &report->kl_divergence, err);
    free(start);
    return st;
}

/* Checks, then projects rows already converted to double precision. */
static i2v_status project_checked(const double *points, uint32_t n, uint32_t dim,
                                  const i2v_projection_params *params, double *xy,
                                  i2v_projection_report *report, i2v_error *err)
{
    i2v_projection_report scratch;
    if (!report)
        report = &scratch;
    i2v_status st = i2v_projection_params_check(params, err);
    if (st != I2V_OK)
        return st;
    if (dim == 0)
        return i2v_fail(err, I2V_ERR_INVALID, "points of 0 dimensions cannot be projected");
    if (n == 0)
        return i2v_fail(err, I2V_ERR_EMPTY, "no point to project");
    return project_doubles(points, n, dim, params, xy, report, err);
}

static double *double_rows(uint32_t n, uint32_t dim, i2v_error *err)
{
    double *rows = malloc((n ? (size_t)n * dim : 1) * sizeof *rows);
    if (!rows)
        i2v_fail_nomem(err, "copying the vectors to project");
    return rows;
}

i2v_status i2v_project(const float *points, uint32_t n, uint32_t dim,
                       const i2v_projection_params *params, double *xy,
                       i2v_projection_report *report, i2v_error *err)
{
    double *rows = double_rows(n, dim, err);
    if (!rows)
        return I2V_ERR_NOMEM;
    for (size_t k = 0; k < (size_t)n * dim; k++)
        rows[k] = points[k];
    i2v_status st = project_checked(rows, n, dim, params, xy, report, err);
    free(rows);
    return st;
}

i2v_status i2v_project_items(const i2v_model *model, const uint32_t *ids, uint32_t n,
                             const i2v_projection_params *params, double *xy,
                             i2v_projection_report *report, i2v_error *err)
{
    uint32_t dim = i2v_model_dim(model), size = i2v_model_size(model);
    for (uint32_t i = 0; i < n; i++)
        if (ids[i] >= size)
            return i2v_fail(err, I2V_ERR_INVALID, "item id %u is not in a model of %u items",
                            ids[i], size);
    double *rows = double_rows(n, dim, err);
    if (!rows)
        return I2V_ERR_NOMEM;
    for (uint32_t i = 0; i < n; i++) {
        const float *v = i2v_model_vector(model, ids[i]);
        double norm = 0;
        for (uint32_t j = 0; j < dim; j++)
            norm += (double)v[j] * v[j];
        norm = sqrt(norm);
        for (uint32_t j = 0; j < dim; j++)
            rows[(size_t)i * dim + j] = norm > 0 ? v[j] / norm : 0;
    }
    i2v_status st = project_checked(rows, n, dim, params, xy, report, err);
    free(rows);
    return st;
}
