#include "kernel.h"

#include <math.h>
#include <stddef.h>

/* -log(sigmoid(x)), stable for large |x|. */
static double neg_log_sigmoid(double x)
{
    return x > 0 ? log1p(exp(-x)) : -x + log1p(exp(x));
}

static double reference_block(float *const *in, uint32_t n_in, float *const *out, uint32_t n_out,
                              uint32_t dim, float alpha, float *scratch)
{
    float *grad_in = scratch;                     /* n_in x dim */
    float *g = scratch + (size_t)n_in * dim;      /* n_in x n_out */
    double loss = 0;
    for (uint32_t i = 0; i < n_in; i++) {
        for (uint32_t j = 0; j < n_out; j++) {
            float f = 0;
            for (uint32_t k = 0; k < dim; k++)
                f += in[i][k] * out[j][k];
            float label = j == 0 ? 1.0f : 0.0f;
            float sigma = 1.0f / (1.0f + expf(-f));
            g[(size_t)i * n_out + j] = (label - sigma) * alpha;
            loss += neg_log_sigmoid(j == 0 ? f : -f);
        }
    }
    for (uint32_t i = 0; i < n_in; i++) {
        float *gi = grad_in + (size_t)i * dim;
        for (uint32_t k = 0; k < dim; k++)
            gi[k] = 0;
        for (uint32_t j = 0; j < n_out; j++) {
            float gij = g[(size_t)i * n_out + j];
            for (uint32_t k = 0; k < dim; k++)
                gi[k] += gij * out[j][k];
        }
    }
    for (uint32_t j = 0; j < n_out; j++)
        for (uint32_t i = 0; i < n_in; i++) {
            float gij = g[(size_t)i * n_out + j];
            for (uint32_t k = 0; k < dim; k++)
                out[j][k] += gij * in[i][k];
        }
    for (uint32_t i = 0; i < n_in; i++)
        for (uint32_t k = 0; k < dim; k++)
            in[i][k] += grad_in[(size_t)i * dim + k];
    return loss;
}

static const sgns_kernel reference_kernel = {"reference", reference_block};

const sgns_kernel *sgns_kernel_reference(void) { return &reference_kernel; }

const sgns_kernel *sgns_kernel_best(void) { return &reference_kernel; }
