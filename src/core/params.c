/* The training parameters' table: every name, range, default and line of
 * documentation lives here once.  The defaults, the check, and whatever a
 * front end builds (a command line's options, its --help, its messages)
 * come from it, so a range can never be stated twice and disagree. */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "util/error.h"

typedef struct param_row {
    i2v_param_info info;
    size_t offset; /* of the field in i2v_train_params */
    size_t size;   /* 4 or 8 bytes (whole numbers); 8 for reals */
} param_row;

#define FIELD(f) offsetof(i2v_train_params, f), sizeof(((i2v_train_params *)0)->f)
#define WHOLE(name, lo, hi, def, doc) {name, I2V_PARAM_WHOLE, lo, hi, 0, 0, 0, def, doc}
#define REAL(name, lo, hi, open, def, doc) {name, I2V_PARAM_REAL, 0, 0, lo, hi, open, def, doc}

static const param_row table[I2V_PARAM_COUNT] = {
    [I2V_PARAM_DIM] = {WHOLE("dim", 1, I2V_MAX_DIM, 100, "dimensions"),
                       FIELD(dim)},
    [I2V_PARAM_WINDOW] = {WHOLE("window", 0, I2V_MAX_WINDOW, 5,
                                "context reach"),
                          FIELD(window)},
    [I2V_PARAM_NEGATIVE] = {WHOLE("negative", 1, I2V_MAX_NEGATIVE, 5,
                                  "negatives per positive pair"),
                            FIELD(negative)},
    [I2V_PARAM_EPOCHS] = {WHOLE("epochs", 1, I2V_MAX_EPOCHS, 5, "passes over the data"),
                          FIELD(epochs)},
    [I2V_PARAM_THREADS] = {WHOLE("threads", 1, I2V_MAX_THREADS, 1, "worker threads"),
                           FIELD(threads)},
    [I2V_PARAM_MIN_COUNT] = {WHOLE("min-count", 1, UINT64_MAX, 5,
                                   "ignore items seen fewer times"),
                             FIELD(min_count)},
    [I2V_PARAM_MAX_VOCAB] = {WHOLE("max-vocab", 0, I2V_MAX_ITEMS, 0,
                                   "keep only the N most frequent items; 0 keeps all"),
                             FIELD(max_vocab)},
    [I2V_PARAM_ALPHA] = {REAL("alpha", 0, 1e6, 1, 0.025, "starting learning rate"),
                         FIELD(alpha)},
    [I2V_PARAM_MIN_ALPHA] = {REAL("min-alpha", 0, 1e6, 0, 0.0001,
                                  "final learning rate"),
                             FIELD(min_alpha)},
    [I2V_PARAM_SAMPLE] = {REAL("sample", 0, 1e6, 0, 1e-3,
                               "down-sampling threshold of frequent items (word2vec's "
                               "formula); 0 disables"),
                          FIELD(sample)},
    [I2V_PARAM_NS_EXPONENT] = {REAL("ns-exponent", -100, 100, 0, 0.75,
                                    "negatives drawn from count^X; 0 is uniform, negative "
                                    "values favour rare items"),
                               FIELD(ns_exponent)},
    [I2V_PARAM_SEED] = {WHOLE("seed", 0, UINT64_MAX, 1, "random seed"), FIELD(seed)},
    [I2V_PARAM_SUCCESSORS] = {WHOLE("successors", 0, I2V_MAX_SUCCESSORS, 20,
                                    "most frequent next items recorded per item; 0 records none"),
                              FIELD(successors)},
    [I2V_PARAM_CONTEXT] = {WHOLE("context", 0, 1000000, 5,
                                 "history items a recommendation is made of; 0 takes all"),
                           FIELD(context)},
    [I2V_PARAM_BLEND] = {REAL("blend", 0, 1000, 0, I2V_DEFAULT_BLEND,
                              "weight of the recorded next-item counts in a recommendation; "
                              "0 is the model alone"),
                         FIELD(blend)},
    [I2V_PARAM_CBOW] = {WHOLE("cbow", 0, 1, 0,
                              "1 trains CBOW (the mean of the context predicts the item), "
                              "0 skip-gram"),
                        FIELD(cbow)},
    [I2V_PARAM_DETERMINISTIC] = {WHOLE("deterministic", 0, 1, 0,
                                       "1 makes the model the same whatever the thread count; "
                                       "0 trains Hogwild"),
                                 FIELD(deterministic)},
};

static int is_param(i2v_param p) { return (unsigned)p < I2V_PARAM_COUNT; }

const i2v_param_info *i2v_param_describe(i2v_param p)
{
    return is_param(p) ? &table[p].info : NULL;
}

int i2v_param_lookup(const char *name)
{
    for (int p = 0; p < I2V_PARAM_COUNT; p++)
        if (strcmp(table[p].info.name, name) == 0)
            return p;
    return I2V_PARAM_NONE;
}

static void *field(i2v_train_params *params, i2v_param p)
{
    return (char *)params + table[p].offset;
}

static const void *const_field(const i2v_train_params *params, i2v_param p)
{
    return (const char *)params + table[p].offset;
}

uint64_t i2v_param_whole(const i2v_train_params *params, i2v_param p)
{
    if (!is_param(p) || table[p].info.type != I2V_PARAM_WHOLE)
        return 0;
    if (table[p].size == sizeof(uint32_t)) {
        uint32_t v;
        memcpy(&v, const_field(params, p), sizeof v);
        return v;
    }
    uint64_t v;
    memcpy(&v, const_field(params, p), sizeof v);
    return v;
}

double i2v_param_real(const i2v_train_params *params, i2v_param p)
{
    if (!is_param(p) || table[p].info.type != I2V_PARAM_REAL)
        return NAN;
    double v;
    memcpy(&v, const_field(params, p), sizeof v);
    return v;
}

void i2v_param_set_whole(i2v_train_params *params, i2v_param p, uint64_t value)
{
    if (!is_param(p) || table[p].info.type != I2V_PARAM_WHOLE)
        return;
    if (table[p].size == sizeof(uint32_t)) {
        uint32_t v = value > UINT32_MAX ? UINT32_MAX : (uint32_t)value;
        memcpy(field(params, p), &v, sizeof v);
    } else {
        memcpy(field(params, p), &value, sizeof value);
    }
}

void i2v_param_set_real(i2v_train_params *params, i2v_param p, double value)
{
    if (is_param(p) && table[p].info.type == I2V_PARAM_REAL)
        memcpy(field(params, p), &value, sizeof value);
}

void i2v_param_copy(i2v_train_params *to, const i2v_train_params *from, i2v_param p)
{
    if (is_param(p))
        memcpy(field(to, p), const_field(from, p), table[p].size);
}

i2v_status i2v_param_check_whole(i2v_param p, uint64_t value, i2v_error *err)
{
    if (!is_param(p) || table[p].info.type != I2V_PARAM_WHOLE)
        return i2v_fail(err, I2V_ERR_INVALID, "parameter %d is not a whole number", (int)p);
    const i2v_param_info *in = &table[p].info;
    if (value >= in->whole_min && value <= in->whole_max)
        return I2V_OK;
    return i2v_fail_param(err, I2V_ERR_INVALID, p, "%s must be between %llu and %llu", in->name,
                          (unsigned long long)in->whole_min, (unsigned long long)in->whole_max);
}

i2v_status i2v_param_check_real(i2v_param p, double value, i2v_error *err)
{
    if (!is_param(p) || table[p].info.type != I2V_PARAM_REAL)
        return i2v_fail(err, I2V_ERR_INVALID, "parameter %d is not a real number", (int)p);
    const i2v_param_info *in = &table[p].info;
    int above_min = in->real_min_open ? value > in->real_min : value >= in->real_min;
    if (above_min && value <= in->real_max) /* false for NaN */
        return I2V_OK;
    return i2v_fail_param(err, I2V_ERR_INVALID, p, "%s must be %s %g and at most %g", in->name,
                          in->real_min_open ? "above" : "at least", in->real_min, in->real_max);
}

void i2v_train_params_default(i2v_train_params *params)
{
    memset(params, 0, sizeof *params);
    for (int p = 0; p < I2V_PARAM_COUNT; p++) {
        const i2v_param_info *in = &table[p].info;
        if (in->type == I2V_PARAM_WHOLE)
            i2v_param_set_whole(params, (i2v_param)p, (uint64_t)in->default_value);
        else
            i2v_param_set_real(params, (i2v_param)p, in->default_value);
    }
}

i2v_status i2v_train_params_check(const i2v_train_params *params, i2v_error *err)
{
    for (int p = 0; p < I2V_PARAM_COUNT; p++) {
        i2v_status st = table[p].info.type == I2V_PARAM_WHOLE
                            ? i2v_param_check_whole((i2v_param)p,
                                                    i2v_param_whole(params, (i2v_param)p), err)
                            : i2v_param_check_real((i2v_param)p,
                                                   i2v_param_real(params, (i2v_param)p), err);
        if (st != I2V_OK)
            return st;
    }
    if (params->min_alpha > params->alpha)
        return i2v_fail_param(err, I2V_ERR_INVALID, I2V_PARAM_MIN_ALPHA,
                              "min-alpha (%g) must not exceed alpha (%g)", params->min_alpha,
                              params->alpha);
    return I2V_OK;
}
