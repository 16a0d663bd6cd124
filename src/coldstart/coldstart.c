/* Cold start: a new model in which items known only by their features
 * are placed where items with such features lie (see item2vec.h).
 *
 * The steps: match the file's items to the model's; number the features
 * that known items carry (the fit's columns, after a constant column for
 * ridge); fit the map from features to behaviour vectors; copy the
 * model; blend the known items' vectors when asked; append the cold items
 * their content places. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "coldstart/coldstart.h"
#include "util/error.h"
#include "util/quote.h"
#include "model/build.h"

#define NO_COLUMN UINT32_MAX
#define USED_FEATURE (UINT32_MAX - 1) /* while numbering columns */
#define BIAS_COLUMN 0u
#define REASON_QUOTE_MAX 64 /* bytes of an item quoted in a reason */

void i2v_coldstart_params_default(i2v_coldstart_params *p)
{
    p->method = I2V_COLDSTART_RIDGE;
    p->lambda = 1.0;
    p->fuse = I2V_COLDSTART_NO_FUSE;
}

static i2v_status check_params(const i2v_coldstart_params *p, i2v_error *err)
{
    if (p->method != I2V_COLDSTART_RIDGE && p->method != I2V_COLDSTART_MEAN)
        return i2v_fail(err, I2V_ERR_INVALID, "cold start method %d is unknown", (int)p->method);
    if (!(p->lambda > 0) || !isfinite(p->lambda))
        return i2v_fail(err, I2V_ERR_INVALID, "lambda %g: must be finite and above 0", p->lambda);
    if (p->fuse != I2V_COLDSTART_NO_FUSE && !(p->fuse >= 0 && p->fuse <= 1))
        return i2v_fail(err, I2V_ERR_INVALID, "fuse %g: must be within 0 to 1", p->fuse);
    return I2V_OK;
}

/* Everything a run builds, freed together. */
typedef struct coldstart_run {
    const i2v_model *model;
    const i2v_features *features;
    const i2v_coldstart_params *params;
    i2v_coldstart_report *report;
    int64_t *model_id;    /* per features item: its model row, or -1 */
    uint32_t *known;      /* features items with a model row, in file order */
    uint32_t *cold;       /* features items without, in byte order */
    uint32_t n_known, n_cold;
    uint32_t *column;     /* per feature: its column, or NO_COLUMN */
    uint32_t *row_cols;   /* scratch: one item's columns */
    double *content;      /* scratch: one item's content, dim */
    uint64_t *row_start;  /* the design */
    uint32_t *col;
    float *target;
    coldstart_design design;
    double *weights;      /* design.cols x dim */
    model_arrays out;     /* the new model's arrays */
    uint32_t out_size;
} coldstart_run;

static void run_free(coldstart_run *r)
{
    free(r->model_id);
    free(r->known);
    free(r->cold);
    free(r->column);
    free(r->row_cols);
    free(r->content);
    free(r->row_start);
    free(r->col);
    free(r->target);
    free(r->weights);
    free(r->out.names);
    free(r->out.name_offset);
    free(r->out.name_length);
    free(r->out.counts);
    free(r->out.input);
    free(r->out.succ_start);
    free(r->out.succ_total);
    free(r->out.succ);
    free(r->out.output);
}

static uint32_t features_of(const i2v_features *f, uint32_t item, const uint32_t **ids)
{
    *ids = f->feature + f->start[item];
    return (uint32_t)(f->start[item + 1] - f->start[item]);
}

/* ---- matching ------------------------------------------------------ */

typedef struct named_item {
    const char *name;
    size_t len;
    uint32_t id;
} named_item;

/* Bytes ascending, a prefix before its extensions: the vocabulary's tie
 * order, so cold items (count 0) sit as if they had been counted. */
static int compare_names(const void *a, const void *b)
{
    const named_item *x = a, *y = b;
    int c = memcmp(x->name, y->name, x->len < y->len ? x->len : y->len);
    if (c != 0)
        return c;
    return (x->len > y->len) - (x->len < y->len);
}

static i2v_status sort_cold_by_name(coldstart_run *r, i2v_error *err)
{
    named_item *byname = malloc((r->n_cold ? r->n_cold : 1) * sizeof *byname);
    if (!byname)
        return i2v_fail_nomem(err, "sorting cold items");
    for (uint32_t c = 0; c < r->n_cold; c++) {
        byname[c].id = r->cold[c];
        byname[c].name = i2v_vocab_item(r->features->items, r->cold[c], &byname[c].len);
    }
    qsort(byname, r->n_cold, sizeof *byname, compare_names);
    for (uint32_t c = 0; c < r->n_cold; c++)
        r->cold[c] = byname[c].id;
    free(byname);
    return I2V_OK;
}

static i2v_status match_items(coldstart_run *r, i2v_error *err)
{
    uint32_t n = i2v_vocab_size(r->features->items);
    r->model_id = malloc((size_t)n * sizeof *r->model_id);
    r->known = malloc((size_t)n * sizeof *r->known);
    r->cold = malloc((size_t)n * sizeof *r->cold);
    if (!r->model_id || !r->known || !r->cold)
        return i2v_fail_nomem(err, "matching items to the model");
    for (uint32_t i = 0; i < n; i++) {
        size_t len;
        const char *item = i2v_vocab_item(r->features->items, i, &len);
        r->model_id[i] = i2v_model_find(r->model, item, len);
        if (r->model_id[i] >= 0)
            r->known[r->n_known++] = i;
        else
            r->cold[r->n_cold++] = i;
    }
    r->report->known = r->n_known;
    r->report->without_features = i2v_model_size(r->model) - r->n_known;
    if (r->n_known == 0)
        return i2v_fail(err, I2V_ERR_EMPTY,
                        "%s: none of its %u items is in the model %s: nothing to learn from",
                        r->features->name, n, i2v_model_name(r->model));
    return sort_cold_by_name(r, err);
}

/* Columns for the features known items carry, numbered by feature id so
 * that each row's columns stay ascending, after the constant column that
 * every item has (BIAS_COLUMN). */
static i2v_status number_columns(coldstart_run *r, i2v_error *err)
{
    uint32_t n_features = i2v_vocab_size(r->features->features);
    r->column = malloc((n_features ? n_features : 1) * sizeof *r->column);
    if (!r->column)
        return i2v_fail_nomem(err, "numbering features");
    for (uint32_t f = 0; f < n_features; f++)
        r->column[f] = NO_COLUMN;
    for (uint32_t k = 0; k < r->n_known; k++) {
        const uint32_t *ids;
        uint32_t n = features_of(r->features, r->known[k], &ids);
        for (uint32_t j = 0; j < n; j++)
            r->column[ids[j]] = USED_FEATURE;
    }
    uint32_t cols = BIAS_COLUMN + 1;
    for (uint32_t f = 0; f < n_features; f++)
        if (r->column[f] == USED_FEATURE)
            r->column[f] = cols++;
    r->report->features = cols - 1;
    r->report->unused_features = n_features - r->report->features;
    r->design.cols = cols;
    return I2V_OK;
}

/* An item's columns into r->row_cols; returns how many, the constant
 * column included. */
static uint32_t item_columns(coldstart_run *r, uint32_t item)
{
    const uint32_t *ids;
    uint32_t n = features_of(r->features, item, &ids), used = 0;
    r->row_cols[used++] = BIAS_COLUMN;
    for (uint32_t j = 0; j < n; j++)
        if (r->column[ids[j]] != NO_COLUMN)
            r->row_cols[used++] = r->column[ids[j]];
    return used;
}

/* ---- the fit ------------------------------------------------------- */

static uint32_t longest_feature_set(const i2v_features *f)
{
    uint32_t longest = 0, n = i2v_vocab_size(f->items);
    for (uint32_t i = 0; i < n; i++)
        if (f->start[i + 1] - f->start[i] > longest)
            longest = (uint32_t)(f->start[i + 1] - f->start[i]);
    return longest;
}


static i2v_status build_design(coldstart_run *r, i2v_error *err)
{
    const uint32_t d = i2v_model_dim(r->model);
    uint64_t nnz = 0;
    for (uint32_t k = 0; k < r->n_known; k++) /* every feature of a known item has a column */
        nnz += r->features->start[r->known[k] + 1] - r->features->start[r->known[k]] + 1;
    r->row_cols = malloc(((size_t)longest_feature_set(r->features) + 1) * sizeof *r->row_cols);
    r->content = malloc((size_t)d * sizeof *r->content);
    r->row_start = malloc(((size_t)r->n_known + 1) * sizeof *r->row_start);
    r->col = malloc(nnz * sizeof *r->col);
    r->target = malloc((size_t)r->n_known * d * sizeof *r->target);
    if (!r->row_cols || !r->content || !r->row_start || !r->col || !r->target)
        return i2v_fail_nomem(err, "building the regression of features to vectors");
    r->row_start[0] = 0;
    for (uint32_t k = 0; k < r->n_known; k++) {
        uint32_t n = item_columns(r, r->known[k]);
        memcpy(r->col + r->row_start[k], r->row_cols, (size_t)n * sizeof *r->col);
        r->row_start[k + 1] = r->row_start[k] + n;
        const float *behaviour = i2v_model_vector(r->model, (uint32_t)r->model_id[r->known[k]]);
        memcpy(r->target + (size_t)k * d, behaviour, (size_t)d * sizeof *r->target);
    }
    uint32_t cols = r->design.cols;
    r->design = (coldstart_design){r->n_known, cols, d, r->row_start, r->col, r->target};
    return I2V_OK;
}

static i2v_status fit(coldstart_run *r, i2v_error *err)
{
    r->weights = malloc((size_t)r->design.cols * r->design.dim * sizeof *r->weights);
    if (!r->weights)
        return i2v_fail_nomem(err, "fitting features to vectors");
    if (r->params->method == I2V_COLDSTART_MEAN) {
        r->report->solver = "mean";
        return coldstart_fit_mean(&r->design, r->weights, err);
    }
    coldstart_fit_info info;
    i2v_status st = coldstart_fit_ridge(&r->design, r->params->lambda, COLDSTART_SOLVER_AUTO,
                                        r->weights, &info, err);
    r->report->solver = info.solver;
    r->report->iterations = info.iterations;
    r->report->residual = info.residual;
    return st;
}

/* ---- the new model ------------------------------------------------- */

static float *allocate_rows(size_t n, uint32_t dim)
{
    void *p = NULL;
    size_t bytes = n * dim * sizeof(float);
    return posix_memalign(&p, 64, bytes ? bytes : 64) == 0 ? p : NULL;
}

/* The new model's names: the model's, then the cold items'. */
static i2v_status copy_names(coldstart_run *r, i2v_error *err)
{
    const i2v_model *m = r->model;
    const uint32_t n = i2v_model_size(m);
    uint64_t bytes = 0;
    for (uint32_t i = 0; i < n; i++) {
        size_t len;
        i2v_model_item(m, i, &len);
        bytes += (uint64_t)len + 1;
    }
    for (uint32_t c = 0; c < r->n_cold; c++) {
        size_t len;
        i2v_vocab_item(r->features->items, r->cold[c], &len);
        bytes += (uint64_t)len + 1;
    }
    r->out.names = malloc(bytes ? bytes : 1);
    r->out.name_offset = malloc((size_t)r->out_size * sizeof *r->out.name_offset);
    r->out.name_length = malloc((size_t)r->out_size * sizeof *r->out.name_length);
    if (!r->out.names || !r->out.name_offset || !r->out.name_length)
        return i2v_fail_nomem(err, "copying item names");
    uint64_t at = 0;
    for (uint32_t i = 0; i < r->out_size; i++) {
        size_t len;
        const char *name = i < n ? i2v_model_item(m, i, &len)
                                 : i2v_vocab_item(r->features->items, r->cold[i - n], &len);
        memcpy(r->out.names + at, name, len + 1);
        r->out.name_offset[i] = at;
        r->out.name_length[i] = (uint32_t)len;
        at += len + 1;
    }
    return I2V_OK;
}

static i2v_status copy_successors(coldstart_run *r, i2v_error *err);

/* Counts, input and output rows: the model's, then zeros for the cold
 * items (their input rows are written when they are placed). */
static i2v_status copy_rows(coldstart_run *r, i2v_error *err)
{
    const i2v_model *m = r->model;
    const size_t n = i2v_model_size(m), extra = r->out_size - n, d = i2v_model_dim(m);
    const int has_output = i2v_model_has_output(m), has_counts = i2v_model_has_counts(m);
    r->out.input = allocate_rows(r->out_size, (uint32_t)d);
    if (has_output)
        r->out.output = allocate_rows(r->out_size, (uint32_t)d);
    if (has_counts)
        r->out.counts = malloc((size_t)r->out_size * sizeof *r->out.counts);
    if (!r->out.input || (has_output && !r->out.output) || (has_counts && !r->out.counts))
        return i2v_fail_nomem(err, "copying the model");
    if (n > 0)
        memcpy(r->out.input, i2v_model_vector(m, 0), n * d * sizeof(float));
    memset(r->out.input + n * d, 0, extra * d * sizeof(float));
    if (has_output) {
        if (n > 0)
            memcpy(r->out.output, i2v_model_output(m, 0), n * d * sizeof(float));
        memset(r->out.output + n * d, 0, extra * d * sizeof(float));
    }
    if (has_counts) {
        for (size_t i = 0; i < n; i++)
            r->out.counts[i] = i2v_model_count(m, (uint32_t)i);
        memset(r->out.counts + n, 0, extra * sizeof *r->out.counts);
    }
    return copy_successors(r, err);
}

/* The successors as they are; the cold items have none yet. */
static i2v_status copy_successors(coldstart_run *r, i2v_error *err)
{
    const i2v_model *m = r->model;
    if (!i2v_model_has_successors(m))
        return I2V_OK;
    const uint32_t n = i2v_model_size(m);
    uint64_t listed = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t k;
        i2v_model_successors(m, i, &k, NULL);
        listed += k;
    }
    r->out.succ_start = malloc(((size_t)r->out_size + 1) * sizeof *r->out.succ_start);
    r->out.succ_total = malloc((size_t)r->out_size * sizeof *r->out.succ_total);
    r->out.succ = malloc((listed ? listed : 1) * sizeof *r->out.succ);
    if (!r->out.succ_start || !r->out.succ_total || !r->out.succ)
        return i2v_fail_nomem(err, "copying the successors");
    uint64_t at = 0;
    for (uint32_t i = 0; i < r->out_size; i++) {
        uint32_t k = 0;
        uint64_t total = 0;
        const i2v_successor *s = i < n ? i2v_model_successors(m, i, &k, &total) : NULL;
        r->out.succ_start[i] = at;
        r->out.succ_total[i] = total;
        if (k)
            memcpy(r->out.succ + at, s, k * sizeof *s);
        at += k;
    }
    r->out.succ_start[r->out_size] = at;
    return I2V_OK;
}

static double norm_of(const double *v, uint32_t d)
{
    double s = 0;
    for (uint32_t j = 0; j < d; j++)
        s += v[j] * v[j];
    return sqrt(s);
}

static int compare_floats(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* The median length of the model's vectors: the length cold items get. */
static i2v_status median_norm(const i2v_model *m, double *out, i2v_error *err)
{
    const uint32_t n = i2v_model_size(m);
    float *norms = malloc((size_t)n * sizeof *norms);
    if (!norms)
        return i2v_fail_nomem(err, "measuring vector lengths");
    for (uint32_t i = 0; i < n; i++)
        norms[i] = i2v_model_norm(m, i);
    qsort(norms, n, sizeof *norms, compare_floats);
    *out = n % 2 ? norms[n / 2] : 0.5 * ((double)norms[n / 2 - 1] + norms[n / 2]);
    free(norms);
    return I2V_OK;
}

/* The content of known item k, with the cosine to its behaviour added to
 * the report's sum; blended into its output row when fusing. */
static void content_of_known(coldstart_run *r, uint32_t k, double *cosine_sum)
{
    const uint32_t d = r->design.dim;
    const uint64_t *rs = r->row_start;
    coldstart_predict(r->weights, d, r->col + rs[k], (size_t)(rs[k + 1] - rs[k]), r->content);
    double length = norm_of(r->content, d);
    if (!(length > 0) || !isfinite(length))
        return;
    uint32_t id = (uint32_t)r->model_id[r->known[k]];
    const float *behaviour = r->target + (size_t)k * d;
    double behaviour_length = i2v_model_norm(r->model, id), dot = 0;
    for (uint32_t j = 0; j < d; j++)
        dot += r->content[j] * behaviour[j];
    if (behaviour_length > 0)
        *cosine_sum += dot / (length * behaviour_length);
    if (r->params->fuse == I2V_COLDSTART_NO_FUSE)
        return;
    float *row = r->out.input + (size_t)id * d;
    double a = r->params->fuse, scale = (1 - a) * behaviour_length / length;
    for (uint32_t j = 0; j < d; j++)
        row[j] = (float)(a * row[j] + scale * r->content[j]);
    r->report->fused++;
}

static void skip_cold(coldstart_run *r, uint32_t item, const char *why)
{
    i2v_coldstart_report *rep = r->report;
    rep->skipped++;
    if (rep->n_examples >= I2V_COLDSTART_MAX_EXAMPLES)
        return;
    size_t len;
    const char *name = i2v_vocab_item(r->features->items, item, &len);
    i2v_features_problem *p = &rep->examples[rep->n_examples++];
    p->line = r->features->first_line[item];
    snprintf(p->reason, sizeof p->reason, "item '%.*s%s': %s",
             I2V_QUOTED_TO(REASON_QUOTE_MAX, len, name), I2V_QUOTE_MORE(REASON_QUOTE_MAX, len),
             why);
}

/* Cold item c, placed at row `row` of the new model when its content has
 * a direction; returns 1 when placed. */
static int place_cold(coldstart_run *r, uint32_t c, uint32_t row, double length)
{
    const uint32_t d = r->design.dim;
    uint32_t item = r->cold[c];
    uint32_t n = item_columns(r, item);
    if (n == 1) { /* the constant only */
        skip_cold(r, item, "no known item carries any of its features");
        return 0;
    }
    coldstart_predict(r->weights, d, r->row_cols, n, r->content);
    double content_length = norm_of(r->content, d);
    if (!(content_length > 0) || !isfinite(content_length)) {
        skip_cold(r, item, "its features give no direction (a zero content vector)");
        return 0;
    }
    float *out = r->out.input + (size_t)row * d;
    for (uint32_t j = 0; j < d; j++)
        out[j] = (float)(r->content[j] * (length / content_length));
    return 1;
}

/* Places the cold items; a skipped one leaves no gap: rows and names are
 * compacted afterwards by keeping only the placed ones. */
static i2v_status place_all_cold(coldstart_run *r, i2v_error *err)
{
    double length = 0;
    i2v_status st = median_norm(r->model, &length, err);
    if (st != I2V_OK)
        return st;
    uint32_t placed = 0;
    for (uint32_t c = 0; c < r->n_cold; c++)
        if (place_cold(r, c, i2v_model_size(r->model) + placed, length))
            r->cold[placed++] = r->cold[c];
    r->n_cold = placed;
    r->report->placed = placed;
    return I2V_OK;
}

static i2v_status build_output(coldstart_run *r, i2v_error *err)
{
    uint64_t total = (uint64_t)i2v_model_size(r->model) + r->n_cold;
    if (total > I2V_MAX_ITEMS)
        return i2v_fail(err, I2V_ERR_LIMIT, "%s: %llu items with the cold ones, more than %u",
                        r->features->name, (unsigned long long)total, I2V_MAX_ITEMS);
    r->out_size = (uint32_t)total;
    i2v_status st = copy_rows(r, err);
    double cosine_sum = 0;
    for (uint32_t k = 0; st == I2V_OK && k < r->n_known; k++)
        content_of_known(r, k, &cosine_sum);
    r->report->fit_cosine = cosine_sum / r->n_known;
    if (st == I2V_OK)
        st = place_all_cold(r, err);
    if (st == I2V_OK) {
        r->out_size = i2v_model_size(r->model) + r->n_cold;
        st = copy_names(r, err);
    }
    return st;
}

i2v_status i2v_coldstart_run(const i2v_model *model, const i2v_features *features,
                             const i2v_coldstart_params *params, i2v_model **out,
                             i2v_coldstart_report *report, i2v_error *err)
{
    *out = NULL;
    memset(report, 0, sizeof *report);
    coldstart_run r = {.model = model, .features = features, .params = params, .report = report};
    i2v_status st = check_params(params, err);
    if (st == I2V_OK)
        st = match_items(&r, err);
    if (st == I2V_OK)
        st = number_columns(&r, err);
    if (st == I2V_OK)
        st = build_design(&r, err);
    if (st == I2V_OK)
        st = fit(&r, err);
    if (st == I2V_OK)
        st = build_output(&r, err);
    if (st == I2V_OK)
        st = model_from_arrays(i2v_model_name(model), r.out_size, i2v_model_dim(model), &r.out,
                               i2v_model_params(model), out, err);
    run_free(&r);
    return st;
}
