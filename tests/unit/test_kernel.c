/* The SGNS kernels compute the true gradient of the SGNS loss, skip-gram
 * and CBOW, and every kernel variant the CPU supports agrees with the
 * reference one. */
#include <string.h>

#include "check.h"
#include "core/kernel.h"
#include "util/rng.h"

enum { DIM = 13, N_IN = 3, N_OUT = 4 };

/* The SGNS loss of a block in double precision: out[0] positive. */
static double block_loss(int n_in, double in[N_IN][DIM], double out[N_OUT][DIM])
{
    double loss = 0;
    for (int i = 0; i < n_in; i++)
        for (int j = 0; j < N_OUT; j++) {
            double f = 0;
            for (int k = 0; k < DIM; k++)
                f += in[i][k] * out[j][k];
            double x = j == 0 ? f : -f;
            loss += log1p(exp(-x));
        }
    return loss;
}

static void fill(float rows[][DIM], int n, i2v_rng *rng)
{
    for (int i = 0; i < n; i++)
        for (int k = 0; k < DIM; k++)
            rows[i][k] = i2v_rng_float(rng) - 0.5f;
}

/* Checks kernel's step against -alpha * the finite-difference gradient. */
static void check_gradient(const sgns_kernel *kernel, uint32_t n_in)
{
    i2v_rng rng = i2v_rng_seeded(42, n_in);
    float in[N_IN][DIM], out[N_OUT][DIM], in0[N_IN][DIM], out0[N_OUT][DIM];
    fill(in, N_IN, &rng);
    fill(out, N_OUT, &rng);
    memcpy(in0, in, sizeof in);
    memcpy(out0, out, sizeof out);
    float *in_rows[N_IN], *out_rows[N_OUT];
    for (int i = 0; i < N_IN; i++)
        in_rows[i] = in[i];
    for (int j = 0; j < N_OUT; j++)
        out_rows[j] = out[j];
    float scratch[SGNS_SCRATCH_FLOATS(N_IN, N_OUT, DIM)];
    const float alpha = 1e-3f;
    double reported = kernel->block(in_rows, n_in, out_rows, N_OUT, DIM, alpha, scratch, 1);

    double din[N_IN][DIM], dout[N_OUT][DIM];
    for (int i = 0; i < N_IN; i++)
        for (int k = 0; k < DIM; k++)
            din[i][k] = in0[i][k];
    for (int j = 0; j < N_OUT; j++)
        for (int k = 0; k < DIM; k++)
            dout[j][k] = out0[j][k];
    CHECK_NEAR(reported, block_loss((int)n_in, din, dout), 1e-4);
    const double h = 1e-6;
    for (int i = 0; i < (int)n_in; i++)
        for (int k = 0; k < DIM; k++) {
            double keep = din[i][k];
            din[i][k] = keep + h;
            double up = block_loss((int)n_in, din, dout);
            din[i][k] = keep - h;
            double down = block_loss((int)n_in, din, dout);
            din[i][k] = keep;
            double grad = (up - down) / (2 * h);
            CHECK_NEAR((in[i][k] - in0[i][k]) / -alpha, grad, 2e-3);
        }
    for (int j = 0; j < N_OUT; j++)
        for (int k = 0; k < DIM; k++) {
            double keep = dout[j][k];
            dout[j][k] = keep + h;
            double up = block_loss((int)n_in, din, dout);
            dout[j][k] = keep - h;
            double down = block_loss((int)n_in, din, dout);
            dout[j][k] = keep;
            double grad = (up - down) / (2 * h);
            CHECK_NEAR((out[j][k] - out0[j][k]) / -alpha, grad, 2e-3);
        }
}

/* CBOW's loss: the mean of the inputs against every output row. */
static double cbow_loss(int n_in, double in[N_IN][DIM], double out[N_OUT][DIM])
{
    double h[DIM] = {0}, loss = 0;
    for (int i = 0; i < n_in; i++)
        for (int k = 0; k < DIM; k++)
            h[k] += in[i][k] / n_in;
    for (int j = 0; j < N_OUT; j++) {
        double f = 0;
        for (int k = 0; k < DIM; k++)
            f += h[k] * out[j][k];
        loss += log1p(exp(-(j == 0 ? f : -f)));
    }
    return loss;
}

/* CBOW's step: the output rows move by -alpha times their gradient, each
 * input row by -alpha times n_in times its own (word2vec's mean: the
 * gradient with respect to the mean, given to every row). */
static void check_cbow_gradient(const sgns_kernel *kernel, uint32_t n_in)
{
    i2v_rng rng = i2v_rng_seeded(43, n_in);
    float in[N_IN][DIM], out[N_OUT][DIM], in0[N_IN][DIM], out0[N_OUT][DIM];
    fill(in, N_IN, &rng);
    fill(out, N_OUT, &rng);
    memcpy(in0, in, sizeof in);
    memcpy(out0, out, sizeof out);
    float *in_rows[N_IN], *out_rows[N_OUT];
    for (int i = 0; i < N_IN; i++)
        in_rows[i] = in[i];
    for (int j = 0; j < N_OUT; j++)
        out_rows[j] = out[j];
    float scratch[CBOW_SCRATCH_FLOATS(N_IN, N_OUT, DIM)];
    const float alpha = 1e-3f;
    double reported = kernel->cbow(in_rows, n_in, out_rows, N_OUT, DIM, alpha, scratch, 1);
    double din[N_IN][DIM], dout[N_OUT][DIM];
    for (int i = 0; i < N_IN; i++)
        for (int k = 0; k < DIM; k++)
            din[i][k] = in0[i][k];
    for (int j = 0; j < N_OUT; j++)
        for (int k = 0; k < DIM; k++)
            dout[j][k] = out0[j][k];
    CHECK_NEAR(reported, cbow_loss((int)n_in, din, dout), 1e-4);
    const double h = 1e-6;
    for (int i = 0; i < (int)n_in; i++)
        for (int k = 0; k < DIM; k++) {
            double keep = din[i][k];
            din[i][k] = keep + h;
            double up = cbow_loss((int)n_in, din, dout);
            din[i][k] = keep - h;
            double down = cbow_loss((int)n_in, din, dout);
            din[i][k] = keep;
            CHECK_NEAR((in[i][k] - in0[i][k]) / (-alpha * n_in), (up - down) / (2 * h), 2e-3);
        }
    for (int j = 0; j < N_OUT; j++)
        for (int k = 0; k < DIM; k++) {
            double keep = dout[j][k];
            dout[j][k] = keep + h;
            double up = cbow_loss((int)n_in, din, dout);
            dout[j][k] = keep - h;
            double down = cbow_loss((int)n_in, din, dout);
            dout[j][k] = keep;
            CHECK_NEAR((out[j][k] - out0[j][k]) / -alpha, (up - down) / (2 * h), 2e-3);
        }
}

static void every_kernel_cbow_step_is_the_cbow_gradient(void)
{
    const sgns_kernel *all[8];
    size_t n = sgns_kernels_available(all, 8);
    for (size_t i = 0; i < n; i++) {
        check_cbow_gradient(all[i], 1);
        check_cbow_gradient(all[i], N_IN);
    }
}

/* As max_difference, for the CBOW step (inputs may repeat a row, as a
 * context with an item twice does). */
static double max_cbow_difference(const sgns_kernel *kernel, uint32_t dim, uint32_t n_in,
                                  uint32_t n_out, uint64_t seed)
{
    size_t in_size = (size_t)n_in * dim, out_size = (size_t)n_out * dim;
    float *a = malloc(2 * (in_size + out_size) * sizeof *a);
    float *scratch = malloc(CBOW_SCRATCH_FLOATS(n_in, n_out, dim) * sizeof *scratch);
    float *in_a[16], *out_a[16], *in_b[16], *out_b[16];
    i2v_rng rng = i2v_rng_seeded(seed, dim);
    for (size_t i = 0; i < in_size + out_size; i++)
        a[i] = a[in_size + out_size + i] = (i2v_rng_float(&rng) - 0.5f) * 0.6f;
    float *b = a + in_size + out_size;
    for (uint32_t i = 0; i < n_in; i++) {
        uint32_t row = i % 3 == 2 ? i - 1 : i;
        in_a[i] = a + (size_t)row * dim;
        in_b[i] = b + (size_t)row * dim;
    }
    for (uint32_t j = 0; j < n_out; j++) {
        out_a[j] = a + in_size + (size_t)j * dim;
        out_b[j] = b + in_size + (size_t)j * dim;
    }
    double la = kernel->cbow(in_a, n_in, out_a, n_out, dim, 0.025f, scratch, 1);
    double lb = sgns_kernel_reference()->cbow(in_b, n_in, out_b, n_out, dim, 0.025f, scratch, 1);
    double worst = fabs(la - lb) / (1 + fabs(lb)) * 1e-2;
    for (size_t i = 0; i < in_size + out_size; i++)
        if (fabs((double)a[i] - b[i]) > worst)
            worst = fabs((double)a[i] - b[i]);
    free(a);
    free(scratch);
    return worst;
}

static void every_cbow_kernel_matches_the_reference_at_every_dimension(void)
{
    const sgns_kernel *all[8];
    size_t n = sgns_kernels_available(all, 8);
    for (size_t i = 1; i < n; i++) {
        for (uint32_t dim = 1; dim <= 70; dim++) {
            double d = max_cbow_difference(all[i], dim, 1 + dim % 16, 1 + dim % 7, dim);
            if (d > 1e-5)
                fprintf(stderr, "    cbow kernel %s, dim %u: differs by %g\n", all[i]->name, dim, d);
            CHECK(d <= 1e-5);
        }
        CHECK(max_cbow_difference(all[i], 100, 10, 6, 1) <= 1e-5);
        CHECK(max_cbow_difference(all[i], 300, 16, 16, 2) <= 1e-5);
    }
}

static void reference_step_is_the_sgns_gradient_per_pair(void)
{
    check_gradient(sgns_kernel_reference(), 1);
}

static void reference_step_is_the_sgns_gradient_per_window(void)
{
    check_gradient(sgns_kernel_reference(), N_IN);
}

static void every_kernel_step_is_the_sgns_gradient(void)
{
    const sgns_kernel *all[8];
    size_t n = sgns_kernels_available(all, 8);
    CHECK(n >= 1 && all[0] == sgns_kernel_reference());
    for (size_t i = 0; i < n; i++) {
        check_gradient(all[i], 1);
        check_gradient(all[i], N_IN);
    }
}

/* Runs `kernel` and the reference on copies of the same random block and
 * returns the largest difference of any updated value. */
static double max_difference(const sgns_kernel *kernel, uint32_t dim, uint32_t n_in,
                             uint32_t n_out, uint64_t seed)
{
    size_t in_size = (size_t)n_in * dim, out_size = (size_t)n_out * dim;
    float *a = malloc(2 * (in_size + out_size) * sizeof *a);
    float *scratch = malloc(SGNS_SCRATCH_FLOATS(n_in, n_out, dim) * sizeof *scratch);
    float *in_a[16], *out_a[16], *in_b[16], *out_b[16];
    i2v_rng rng = i2v_rng_seeded(seed, dim);
    for (size_t i = 0; i < in_size + out_size; i++)
        a[i] = a[in_size + out_size + i] = (i2v_rng_float(&rng) - 0.5f) * 0.6f;
    float *b = a + in_size + out_size;
    for (uint32_t i = 0; i < n_in; i++) {
        in_a[i] = a + (size_t)i * dim;
        in_b[i] = b + (size_t)i * dim;
    }
    for (uint32_t j = 0; j < n_out; j++) {
        out_a[j] = a + in_size + (size_t)j * dim;
        out_b[j] = b + in_size + (size_t)j * dim;
    }
    double la = kernel->block(in_a, n_in, out_a, n_out, dim, 0.025f, scratch, 1);
    double lb = sgns_kernel_reference()->block(in_b, n_in, out_b, n_out, dim, 0.025f, scratch, 1);
    double worst = fabs(la - lb) / (1 + fabs(lb)) * 1e-2;
    for (size_t i = 0; i < in_size + out_size; i++)
        if (fabs((double)a[i] - b[i]) > worst)
            worst = fabs((double)a[i] - b[i]);
    free(a);
    free(scratch);
    return worst;
}

static void every_kernel_matches_the_reference_at_every_dimension(void)
{
    const sgns_kernel *all[8];
    size_t n = sgns_kernels_available(all, 8);
    for (size_t i = 1; i < n; i++)
        for (uint32_t dim = 1; dim <= 70; dim++) {
            double d = max_difference(all[i], dim, 1 + dim % 16, 1 + dim % 7, dim);
            if (d > 1e-5)
                fprintf(stderr, "    kernel %s, dim %u: differs by %g\n", all[i]->name, dim, d);
            CHECK(d <= 1e-5);
        }
    for (size_t i = 1; i < n; i++) {
        CHECK(max_difference(all[i], 100, 10, 6, 1) <= 1e-5);
        CHECK(max_difference(all[i], 300, 16, 16, 2) <= 1e-5);
    }
    printf("# kernels:");
    for (size_t i = 0; i < n; i++)
        printf(" %s", all[i]->name);
    printf("\n");
}

int main(void)
{
    RUN(every_kernel_cbow_step_is_the_cbow_gradient);
    RUN(every_cbow_kernel_matches_the_reference_at_every_dimension);
    RUN(reference_step_is_the_sgns_gradient_per_pair);
    RUN(reference_step_is_the_sgns_gradient_per_window);
    RUN(every_kernel_step_is_the_sgns_gradient);
    RUN(every_kernel_matches_the_reference_at_every_dimension);
    CHECK_EXIT();
}
