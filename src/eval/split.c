/* Splitting sequences into training and test data for next-item
 * evaluation, deterministically and in one streaming pass. */
#include <errno.h>
#include <string.h>

#include "util/error.h"
#include "eval/eval.h"
#include "util/rng.h"

/* 2^-53: turns the top 53 bits of a random word into a double in [0, 1). */
#define UNIT_FROM_53_BITS (1.0 / 9007199254740992.0)

static i2v_status write_failed(const char *name, i2v_error *err)
{
    return i2v_fail_errno(err, errno ? errno : EIO, "%s: write failed", name);
}

/* Writes fields [0, n) of the current line, single spaces between. */
static i2v_status write_items(const eval_reader *r, size_t n, FILE *out, const char *name,
                              i2v_error *err)
{
    for (size_t i = 0; i < n; i++) {
        size_t len;
        const char *item = eval_field(r, i, &len);
        if ((i > 0 && putc(' ', out) == EOF) || fwrite(item, 1, len, out) != len)
            return write_failed(name, err);
    }
    if (putc('\n', out) == EOF)
        return write_failed(name, err);
    return I2V_OK;
}

/* Whether sequence number `ordinal` is held out: a function of the seed
 * and the ordinal only, so the choice never depends on other lines. */
static int held_out(const i2v_split_options *o, uint64_t ordinal)
{
    i2v_rng rng = i2v_rng_seeded(o->seed, ordinal);
    return (double)(i2v_rng_next(&rng) >> 11) * UNIT_FROM_53_BITS < o->test_ratio;
}

typedef struct split_files {
    FILE *train, *test;
    const char *train_name, *test_name;
} split_files;

static i2v_status split_line(const eval_reader *r, const i2v_split_options *o,
                             const split_files *f, i2v_split_stats *stats, i2v_error *err)
{
    size_t n = r->n_fields;
    uint64_t ordinal = stats->sequences++;
    i2v_status st;
    if (n < 2) {
        stats->single_item++;
        stats->train_lines++;
        return write_items(r, n, f->train, f->train_name, err);
    }
    if (o->test_ratio > 0 && !held_out(o, ordinal)) {
        stats->train_lines++;
        return write_items(r, n, f->train, f->train_name, err);
    }
    stats->test_lines++;
    if ((st = write_items(r, n, f->test, f->test_name, err)) != I2V_OK)
        return st;
    if (o->test_ratio > 0)
        return I2V_OK;
    /* Leave-last-out: training keeps the history, never the target. */
    stats->train_lines++;
    return write_items(r, n - 1, f->train, f->train_name, err);
}

i2v_status i2v_split(FILE *in, const char *in_name, FILE *train, const char *train_name,
                     FILE *test, const char *test_name, const i2v_split_options *options,
                     i2v_split_stats *stats, i2v_error *err)
{
    i2v_error scratch; /* the reader reports its failures through err */
    if (!err)
        err = &scratch;
    memset(stats, 0, sizeof *stats);
    if (!(options->test_ratio >= 0 && options->test_ratio < 1))
        return i2v_fail(err, I2V_ERR_INVALID, "test ratio %g is not in [0, 1)",
                        options->test_ratio);
    split_files files = {train, test, train_name, test_name};
    eval_reader r;
    i2v_status st = eval_reader_init(&r, in, in_name, err);
    if (st != I2V_OK)
        return st;
    int more;
    while (st == I2V_OK && (more = eval_reader_next(&r, err)) > 0)
        st = split_line(&r, options, &files, stats, err);
    if (st == I2V_OK && more < 0)
        st = err->code;
    eval_reader_free(&r);
    if (st == I2V_OK && stats->sequences == 0)
        st = i2v_fail(err, I2V_ERR_EMPTY, "%s: no sequence (the input is empty or blank)",
                      in_name);
    return st;
}
