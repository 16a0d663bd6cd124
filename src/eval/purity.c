/* Neighbour purity against known groups of items (planted clusters,
 * product categories): do an item's nearest neighbours share its group? */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "eval/eval.h"

#define NO_GROUP UINT32_MAX

typedef struct purity_run {
    const i2v_model *model;
    i2v_vocab *group_names;  /* group name -> provisional id */
    uint32_t *group;         /* per model item, or NO_GROUP */
} purity_run;

static i2v_status read_membership(purity_run *p, const eval_reader *r, i2v_purity_eval *out,
                                  i2v_error *err)
{
    if (r->n_fields != 2) {
        eval_note_malformed(&out->malformed, r->line);
        return I2V_OK;
    }
    size_t item_len, group_len;
    const char *item = eval_field(r, 0, &item_len), *group = eval_field(r, 1, &group_len);
    int64_t id = i2v_model_find(p->model, item, item_len);
    if (id >= 0 && p->group[id] != NO_GROUP) { /* listed twice: the first line holds */
        eval_note_malformed(&out->malformed, r->line);
        return I2V_OK;
    }
    out->items++;
    if (id < 0) {
        out->unknown++;
        return I2V_OK;
    }
    out->used++;
    return i2v_vocab_add(p->group_names, group, group_len, 1, &p->group[id], err);
}

typedef struct membership_run {
    purity_run *p;
    i2v_purity_eval *out;
} membership_run;

static i2v_status membership_line(const eval_reader *r, void *state, i2v_error *err)
{
    membership_run *m = state;
    return read_membership(m->p, r, m->out, err);
}

static i2v_status read_groups(purity_run *p, FILE *in, const char *name, i2v_purity_eval *out,
                              i2v_error *err)
{
    membership_run m = {p, out};
    return eval_reader_each(in, name, membership_line, &m, err);
}

/* Mean over grouped items of the same-group share of their k neighbours. */
static i2v_status mean_purity(const purity_run *p, uint32_t k, double *purity, i2v_error *err)
{
    i2v_neighbor *near = malloc(k * sizeof *near);
    if (!near)
        return i2v_fail_nomem(err, "finding nearest neighbours");
    double sum = 0;
    uint64_t items = 0;
    i2v_status st = I2V_OK;
    for (uint32_t id = 0; id < i2v_model_size(p->model) && st == I2V_OK; id++) {
        if (p->group[id] == NO_GROUP)
            continue;
        uint32_t n = 0, same = 0;
        st = i2v_nearest(p->model, i2v_model_vector(p->model, id), &id, 1, 0, k, near, &n, err);
        for (uint32_t j = 0; j < n; j++)
            same += p->group[near[j].id] == p->group[id];
        if (n > 0) {
            sum += (double)same / n;
            items++;
        }
    }
    free(near);
    *purity = items ? sum / (double)items : NAN;
    return st;
}

i2v_status i2v_eval_purity(const i2v_model *model, FILE *in, const char *name, uint32_t k,
                           i2v_purity_eval *out, i2v_error *err)
{
    i2v_error scratch; /* the reader reports its failures through err */
    if (!err)
        err = &scratch;
    memset(out, 0, sizeof *out);
    out->k = k;
    out->purity = NAN;
    if (k == 0)
        return i2v_fail(err, I2V_ERR_INVALID, "k must be at least 1");
    const uint32_t n = i2v_model_size(model);
    purity_run p = {model, NULL, malloc((n ? n : 1) * sizeof *p.group)};
    i2v_status st = p.group ? i2v_vocab_create(&p.group_names, err)
                            : i2v_fail_nomem(err, "reading item groups");
    for (uint32_t i = 0; p.group && i < n; i++)
        p.group[i] = NO_GROUP;
    if (st == I2V_OK)
        st = read_groups(&p, in, name, out, err);
    if (st == I2V_OK && out->items == 0)
        st = i2v_fail(err, I2V_ERR_EMPTY, "%s: no line \"item group\" in the file%s", name,
                      out->malformed.count ? " (every line is malformed)" : "");
    if (st == I2V_OK)
        st = mean_purity(&p, k, &out->purity, err);
    i2v_vocab_free(p.group_names);
    free(p.group);
    return st;
}
