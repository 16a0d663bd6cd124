/* The SGNS kernels compute the true gradient of the SGNS loss, and every
 * kernel variant the CPU supports agrees with the reference one. */
#include <string.h>

#include "check.h"
#include "kernel.h"
#include "rng.h"

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
    double reported = kernel->block(in_rows, n_in, out_rows, N_OUT, DIM, alpha, scratch);

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

static void reference_step_is_the_sgns_gradient_per_pair(void)
{
    check_gradient(sgns_kernel_reference(), 1);
}

static void reference_step_is_the_sgns_gradient_per_window(void)
{
    check_gradient(sgns_kernel_reference(), N_IN);
}

static void best_kernel_step_is_the_sgns_gradient(void)
{
    check_gradient(sgns_kernel_best(), 1);
    check_gradient(sgns_kernel_best(), N_IN);
}

int main(void)
{
    RUN(reference_step_is_the_sgns_gradient_per_pair);
    RUN(reference_step_is_the_sgns_gradient_per_window);
    RUN(best_kernel_step_is_the_sgns_gradient);
    CHECK_EXIT();
}
