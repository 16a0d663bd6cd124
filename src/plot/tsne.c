/* Exact t-SNE (van der Maaten & Hinton 2008), following the optimisation
 * recipe of van der Maaten's reference description: perplexity-calibrated
 * Gaussian affinities P, a Student-t kernel for the map's affinities Q,
 * gradient descent on KL(P || Q) with early exaggeration, momentum and
 * per-coordinate adaptive gains.
 *
 * Every pair is visited at every step (O(n^2)).  Each point's forces are
 * summed over its whole row of P, not over half the pairs with each
 * applied to both ends: twice the arithmetic, but rows are independent,
 * so they split across threads with no locks and every row's sums come
 * out in the same order whatever the number of threads, and the inner
 * loop has no scattered writes, so it vectorises. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "plot/plot.h"
#include "util/parallel.h"
#include "util/rng.h"

#define TSNE_EXAGGERATION 12.0       /* P's factor while clusters form */
#define TSNE_EARLY_STEPS_MAX 250u    /* exaggeration and low momentum ... */
#define TSNE_EARLY_SHARE 4u          /* ... for at most a quarter of the steps */
#define TSNE_MOMENTUM_EARLY 0.5
#define TSNE_MOMENTUM_LATE 0.8
#define TSNE_GAIN_STEP 0.2           /* gain grows while the gradient flips sign */
#define TSNE_GAIN_DECAY 0.8          /* and shrinks while it keeps it */
#define TSNE_MIN_GAIN 0.01
#define TSNE_MIN_LEARNING_RATE 50.0
#define TSNE_START_SD 1e-4           /* the start's spread along its first axis */
#define TSNE_JITTER_SD 1e-6          /* the seeded jitter that separates equal points */
#define TSNE_ENTROPY_TOLERANCE 1e-5  /* nats */
#define TSNE_BISECTION_STEPS 200
#define TSNE_MIN_AFFINITY 1e-12      /* keeps log P finite in the divergence */

/* Independent partial sums in the force loop: enough for the compiler to
 * use vector registers, and a fixed summation order. */
enum { FORCE_LANES = 4 };

typedef struct tsne_state {
    uint32_t n, threads;
    float *p;         /* n x n, symmetric, zero diagonal */
    double *x, *y;    /* the layout */
    double *ux, *uy;  /* the last step (momentum) */
    double *gx, *gy;  /* per-coordinate gains */
    double *ax, *ay;  /* attraction on each point: sum_j p q (yi - yj) */
    double *rx, *ry;  /* repulsion on each point: sum_j q^2 (yi - yj) */
    double *z;        /* per row: sum_{j != i} q */
    double exaggeration;
} tsne_state;

/* ---- rows on threads ------------------------------------------------- */

typedef void (*row_fn)(void *ctx, uint32_t begin, uint32_t end, uint32_t worker);

typedef struct row_chunks {
    row_fn fn;
    void *ctx;
    uint32_t n, threads;
} row_chunks;

static void run_chunk(void *state, uint32_t worker)
{
    const row_chunks *c = state;
    c->fn(c->ctx, (uint32_t)((uint64_t)c->n * worker / c->threads),
          (uint32_t)((uint64_t)c->n * (worker + 1) / c->threads), worker);
}

/* fn over rows [0, n) in `threads` contiguous chunks; a chunk whose
 * thread cannot start runs on the calling thread: slower, never
 * different. */
static void for_rows(uint32_t n, uint32_t threads, row_fn fn, void *ctx)
{
    row_chunks c = {fn, ctx, n, threads < 1 ? 1 : threads > I2V_MAX_THREADS ? I2V_MAX_THREADS
                                                                           : threads};
    parallel_run(c.threads, run_chunk, &c);
}

/* ---- affinities ------------------------------------------------------ */

static void squared_distances(const double *points, uint32_t n, uint32_t d, uint32_t i,
                              double *d2)
{
    const double *a = points + (size_t)i * d;
    for (uint32_t j = 0; j < n; j++) {
        const double *b = points + (size_t)j * d;
        double sum = 0;
        for (uint32_t k = 0; k < d; k++)
            sum += (a[k] - b[k]) * (a[k] - b[k]);
        d2[j] = sum;
    }
}

/* Row i of the conditional affinities for precision beta, normalised into
 * p[]; returns its entropy in nats.  Distances are measured from the
 * nearest neighbour's (d_min), which cancels out of the normalised row and
 * keeps exp() from underflowing to an all-zero row. */
static double conditional_row(const double *d2, uint32_t n, uint32_t i, double beta,
                              double d_min, double *p)
{
    double sum = 0, weighted = 0;
    for (uint32_t j = 0; j < n; j++) {
        p[j] = j == i ? 0 : exp(-(d2[j] - d_min) * beta);
        sum += p[j];
        weighted += p[j] * (d2[j] - d_min);
    }
    if (!(sum > 0))
        return 0; /* a lone point has no neighbours: an all-zero row */
    for (uint32_t j = 0; j < n; j++)
        p[j] /= sum;
    return log(sum) + beta * weighted / sum;
}

/* Bisection on the precision until the row's entropy is log(perplexity). */
static void calibrated_row(const double *d2, uint32_t n, uint32_t i, double log_perplexity,
                           double *p)
{
    double d_min = INFINITY;
    for (uint32_t j = 0; j < n; j++)
        if (j != i && d2[j] < d_min)
            d_min = d2[j];
    double beta = 1, low = 0, high = INFINITY;
    for (int step = 0; step < TSNE_BISECTION_STEPS; step++) {
        double excess = conditional_row(d2, n, i, beta, d_min, p) - log_perplexity;
        if (fabs(excess) < TSNE_ENTROPY_TOLERANCE)
            return;
        if (excess > 0) { /* too flat: sharpen */
            low = beta;
            beta = isinf(high) ? beta * 2 : (beta + high) / 2;
        } else {
            high = beta;
            beta = (beta + low) / 2;
        }
    }
}

typedef struct affinity_job {
    const double *points;
    uint32_t n, dim;
    double log_perplexity;
    float *p;
    double *scratch;  /* per worker: 2 n doubles */
} affinity_job;

static void conditional_rows(void *ctx, uint32_t begin, uint32_t end, uint32_t worker)
{
    affinity_job *job = ctx;
    uint32_t n = job->n;
    double *d2 = job->scratch + 2 * (size_t)n * worker, *row = d2 + n;
    for (uint32_t i = begin; i < end; i++) {
        squared_distances(job->points, n, job->dim, i, d2);
        calibrated_row(d2, n, i, job->log_perplexity, row);
        for (uint32_t j = 0; j < n; j++)
            job->p[(size_t)i * n + j] = (float)row[j];
    }
}

/* P = (P_j|i + P_i|j) / 2n, the conditional rows computed in place. */
static i2v_status affinities(tsne_state *s, const double *points, uint32_t dim,
                             double perplexity, i2v_error *err)
{
    uint32_t n = s->n;
    affinity_job job = {points, n, dim, log(perplexity), s->p,
                        malloc(2 * (size_t)n * s->threads * sizeof *job.scratch)};
    if (!job.scratch)
        return i2v_fail_nomem(err, "computing t-SNE affinities");
    for_rows(n, s->threads, conditional_rows, &job);
    free(job.scratch);
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t j = i + 1; j < n; j++) {
            double p = ((double)s->p[(size_t)i * n + j] + s->p[(size_t)j * n + i]) / (2.0 * n);
            s->p[(size_t)i * n + j] = s->p[(size_t)j * n + i] =
                (float)(p > TSNE_MIN_AFFINITY ? p : TSNE_MIN_AFFINITY);
        }
    return I2V_OK;
}

/* ---- optimisation ---------------------------------------------------- */

static void state_free(tsne_state *s)
{
    free(s->p);
    double **arrays[] = {&s->x, &s->y, &s->ux, &s->uy, &s->gx, &s->gy,
                         &s->ax, &s->ay, &s->rx, &s->ry, &s->z};
    for (size_t a = 0; a < sizeof arrays / sizeof arrays[0]; a++)
        free(*arrays[a]);
}

static i2v_status state_init(tsne_state *s, uint32_t n, uint32_t threads, i2v_error *err)
{
    memset(s, 0, sizeof *s);
    s->n = n;
    s->threads = threads < n ? threads : n;
    s->p = malloc((size_t)n * n * sizeof *s->p);
    double **arrays[] = {&s->x, &s->y, &s->ux, &s->uy, &s->gx, &s->gy,
                         &s->ax, &s->ay, &s->rx, &s->ry, &s->z};
    int ok = s->p != NULL;
    for (size_t a = 0; a < sizeof arrays / sizeof arrays[0]; a++)
        ok &= (*arrays[a] = calloc(n, sizeof **arrays[a])) != NULL;
    if (!ok) {
        state_free(s);
        return i2v_fail_nomem(err, "laying out t-SNE");
    }
    for (uint32_t i = 0; i < n; i++)
        s->gx[i] = s->gy[i] = 1;
    return I2V_OK;
}

/* A standard normal draw (Box-Muller; one of the pair is enough here). */
static double normal(i2v_rng *rng)
{
    double u = ((double)(i2v_rng_next(rng) >> 11) + 0.5) * 0x1p-53;
    double v = (double)(i2v_rng_next(rng) >> 11) * 0x1p-53;
    return sqrt(-2 * log(u)) * cos(2 * M_PI * v);
}

/* The start: the PCA layout scaled to a spread of TSNE_START_SD plus the
 * seeded jitter; when the PCA layout is a single point (no variance), the
 * jitter alone at that spread (a random start). */
static void start_layout(tsne_state *s, const double *start, uint64_t seed)
{
    double spread = 0;
    for (uint32_t i = 0; i < s->n; i++)
        spread += start[2 * (size_t)i] * start[2 * (size_t)i];
    spread = sqrt(spread / s->n);
    double scale = spread > 0 ? TSNE_START_SD / spread : 0;
    double jitter = spread > 0 ? TSNE_JITTER_SD : TSNE_START_SD;
    i2v_rng rng = i2v_rng_seeded(seed, 0);
    for (uint32_t i = 0; i < s->n; i++) {
        s->x[i] = (scale > 0 ? start[2 * (size_t)i] * scale : 0) + jitter * normal(&rng);
        s->y[i] = (scale > 0 ? start[2 * (size_t)i + 1] * scale : 0) + jitter * normal(&rng);
    }
}

/* Forces on point i from every point, its own included: there dx = dy = 0
 * and p = 0, so it adds nothing but 1 to the kernel sum, taken off. */
static void force_row(tsne_state *s, uint32_t i)
{
    uint32_t n = s->n, j = 0;
    const float *p = s->p + (size_t)i * n;
    const double *x = s->x, *y = s->y;
    double xi = x[i], yi = y[i], ex = s->exaggeration;
    double ax[FORCE_LANES] = {0}, ay[FORCE_LANES] = {0}, rx[FORCE_LANES] = {0},
           ry[FORCE_LANES] = {0}, z[FORCE_LANES] = {0};
    for (; j + FORCE_LANES <= n; j += FORCE_LANES) {
        /* Offsets from one base: the compiler then sees contiguous loads
         * (with j + l it must allow for unsigned wrap-around and gathers). */
        const double *xj = x + j, *yj = y + j;
        const float *pj = p + j;
        for (uint32_t l = 0; l < FORCE_LANES; l++) {
            double dx = xi - xj[l], dy = yi - yj[l];
            double q = 1 / (1 + dx * dx + dy * dy), a = ex * pj[l] * q, r = q * q;
            z[l] += q;
            ax[l] += a * dx;
            ay[l] += a * dy;
            rx[l] += r * dx;
            ry[l] += r * dy;
        }
    }
    for (; j < n; j++) { /* the tail goes to lane 0 */
        double dx = xi - x[j], dy = yi - y[j];
        double q = 1 / (1 + dx * dx + dy * dy), a = ex * p[j] * q, r = q * q;
        z[0] += q;
        ax[0] += a * dx;
        ay[0] += a * dy;
        rx[0] += r * dx;
        ry[0] += r * dy;
    }
    s->ax[i] = s->ay[i] = s->rx[i] = s->ry[i] = 0;
    s->z[i] = -1;
    for (uint32_t l = 0; l < FORCE_LANES; l++) {
        s->ax[i] += ax[l];
        s->ay[i] += ay[l];
        s->rx[i] += rx[l];
        s->ry[i] += ry[l];
        s->z[i] += z[l];
    }
}

static void force_rows(void *ctx, uint32_t begin, uint32_t end, uint32_t worker)
{
    (void)worker;
    for (uint32_t i = begin; i < end; i++)
        force_row(ctx, i);
}

/* One coordinate's step with momentum and adaptive gain. */
static void step(double *pos, double *update, double *gain, double gradient, double momentum,
                 double rate)
{
    if ((gradient > 0) != (*update > 0))
        *gain += TSNE_GAIN_STEP;
    else
        *gain *= TSNE_GAIN_DECAY;
    if (*gain < TSNE_MIN_GAIN)
        *gain = TSNE_MIN_GAIN;
    *update = momentum * *update - rate * *gain * gradient;
    *pos += *update;
}

/* t-SNE is invariant to translation; keeping the mean at the origin keeps
 * the coordinates small. */
static void recentre(double *v, uint32_t n)
{
    double mean = 0;
    for (uint32_t i = 0; i < n; i++)
        mean += v[i];
    mean /= n;
    for (uint32_t i = 0; i < n; i++)
        v[i] -= mean;
}

/* The gradient is 4 (a_i - r_i / Z), Z the kernel sum over all pairs. */
static void descend(tsne_state *s, uint32_t iterations)
{
    uint32_t n = s->n;
    uint32_t early = iterations / TSNE_EARLY_SHARE;
    if (early > TSNE_EARLY_STEPS_MAX)
        early = TSNE_EARLY_STEPS_MAX;
    double rate = n / TSNE_EXAGGERATION;
    if (rate < TSNE_MIN_LEARNING_RATE)
        rate = TSNE_MIN_LEARNING_RATE;
    for (uint32_t it = 0; it < iterations; it++) {
        int is_early = it < early;
        s->exaggeration = is_early ? TSNE_EXAGGERATION : 1;
        for_rows(n, s->threads, force_rows, s);
        double z = 0, momentum = is_early ? TSNE_MOMENTUM_EARLY : TSNE_MOMENTUM_LATE;
        for (uint32_t i = 0; i < n; i++)
            z += s->z[i];
        for (uint32_t i = 0; i < n; i++) {
            step(&s->x[i], &s->ux[i], &s->gx[i], 4 * (s->ax[i] - s->rx[i] / z), momentum, rate);
            step(&s->y[i], &s->uy[i], &s->gy[i], 4 * (s->ay[i] - s->ry[i] / z), momentum, rate);
        }
        recentre(s->x, n);
        recentre(s->y, n);
    }
}

/* KL(P || Q) = sum_{i != j} p (log p - log q) + log Z, as sum p = 1. */
static double divergence(const tsne_state *s)
{
    uint32_t n = s->n;
    double z = 0, sum = 0;
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t j = i + 1; j < n; j++) {
            double dx = s->x[i] - s->x[j], dy = s->y[i] - s->y[j];
            double q = 1 / (1 + dx * dx + dy * dy), p = s->p[(size_t)i * n + j];
            z += 2 * q;
            sum += 2 * p * (log(p) - log(q));
        }
    return z > 0 ? sum + log(z) : 0; /* fewer than two points: nothing to diverge */
}

i2v_status plot_tsne(const double *points, uint32_t n, uint32_t dim, const double *start,
                     const i2v_projection_params *params, double *xy, double *perplexity,
                     double *kl, i2v_error *err)
{
    /* The reference code asks for perplexity <= (n - 1) / 3: a point cannot
     * have more effective neighbours than there are others. */
    double used = params->perplexity;
    if (used > (n - 1) / 3.0)
        used = (n - 1) / 3.0;
    if (used < 1)
        used = 1;
    *perplexity = used;
    *kl = 0;
    if (n < 2) {
        memset(xy, 0, 2 * (size_t)n * sizeof *xy);
        return n ? I2V_OK : i2v_fail(err, I2V_ERR_EMPTY, "no point to project");
    }
    tsne_state s;
    i2v_status st = state_init(&s, n, params->threads, err);
    if (st != I2V_OK)
        return st;
    st = affinities(&s, points, dim, used, err);
    if (st == I2V_OK) {
        start_layout(&s, start, params->seed);
        descend(&s, params->iterations);
        *kl = divergence(&s);
        for (uint32_t i = 0; i < n; i++) {
            xy[2 * (size_t)i] = s.x[i];
            xy[2 * (size_t)i + 1] = s.y[i];
        }
    }
    state_free(&s);
    return st;
}
