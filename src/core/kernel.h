/* The skip-gram negative-sampling update, behind a small interface so that
 * a faster kernel (batched, SIMD) replaces a slower one without touching
 * the trainer.
 *
 * One call trains a block: every one of n_in input rows (context items) is
 * paired with every one of n_out output rows; out[0] is the positive item
 * (label 1), out[1..n_out) are negatives (label 0).  All gradients are
 * computed from the values at entry and then applied, so a block with
 * n_in = 1 is exactly word2vec's per-pair update, and n_in > 1 is the
 * shared-negatives window update of HogBatch (Ji et al.). */
#ifndef I2V_KERNEL_H
#define I2V_KERNEL_H

#include <stddef.h>
#include <stdint.h>

/* Upper bound on what a block may need as scratch, in floats. */
#define SGNS_SCRATCH_FLOATS(n_in, n_out, dim) \
    ((size_t)(n_in) * (dim) + (size_t)(n_in) * (n_out) + 64)
/* The same for a CBOW block. */
#define CBOW_SCRATCH_FLOATS(n_in, n_out, dim) \
    (2 * (size_t)(dim) + (size_t)(n_out) + (size_t)(n_in) + 64)

typedef struct sgns_kernel {
    const char *name;
    /* Updates the rows in place.  When want_loss is set, returns the
     * block's summed loss, sum of -log sigmoid(+-dot) (costly: the trainer
     * asks for a sample of blocks), else 0.  scratch holds
     * SGNS_SCRATCH_FLOATS floats. */
    double (*block)(float *const *in, uint32_t n_in, float *const *out, uint32_t n_out,
                    uint32_t dim, float alpha, float *scratch, int want_loss);
    /* CBOW (word2vec's, with its mean): the n_in context rows' mean h is
     * one input paired with every output row; the output rows move by
     * their gradient against h, and every context row by the gradient
     * with respect to h (as word2vec.c and gensim's cbow_mean do: n_in
     * times the gradient of the mean-based loss for each row).  Same
     * phases, order of updates and loss as `block`; scratch holds
     * CBOW_SCRATCH_FLOATS floats. */
    double (*cbow)(float *const *in, uint32_t n_in, float *const *out, uint32_t n_out,
                   uint32_t dim, float alpha, float *scratch, int want_loss);
} sgns_kernel;

/* The portable reference kernel (exact sigmoid, plain loops). */
const sgns_kernel *sgns_kernel_reference(void);

/* The fastest kernel this CPU supports. */
const sgns_kernel *sgns_kernel_best(void);

/* Every kernel this CPU can run, reference first, fastest last; returns
 * how many were written to out (at most max). */
size_t sgns_kernels_available(const sgns_kernel **out, size_t max);

#endif
