/* What a map shows: the list of items to plot, and the groups that colour
 * them.  Both files are read with the evaluation files' reader (fields
 * separated by blanks, blank lines skipped, lines of any length). */
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "eval/eval.h"
#include "plot/plot.h"

struct i2v_item_groups {
    uint32_t model_size;
    uint32_t *group;     /* per model item, or I2V_NO_GROUP */
    i2v_vocab *names;    /* group name -> group number (order of appearance) */
};

/* ---- item lists ------------------------------------------------------ */

/* Marks the line's first item; counts unknown and repeated ones. */
static void list_line(const i2v_model *model, const eval_reader *r, unsigned char *chosen,
                      i2v_item_list_report *report)
{
    size_t len;
    const char *item = eval_field(r, 0, &len);
    int64_t id = i2v_model_find(model, item, len);
    report->lines++;
    if (id < 0) {
        if (report->unknown++ == 0)
            report->first_unknown = r->line;
    } else if (chosen[id]) {
        report->repeated++;
    } else {
        chosen[id] = 1;
    }
}

typedef struct list_run {
    const i2v_model *model;
    unsigned char *chosen;
    i2v_item_list_report *report;
} list_run;

static i2v_status list_each(const eval_reader *r, void *state, i2v_error *err)
{
    (void)err;
    list_run *l = state;
    list_line(l->model, r, l->chosen, l->report);
    return I2V_OK;
}

static i2v_status read_list(const i2v_model *model, FILE *in, const char *name,
                            unsigned char *chosen, i2v_item_list_report *report, i2v_error *err)
{
    list_run l = {model, chosen, report};
    return eval_reader_each(in, name, list_each, &l, err);
}

/* The marked ids, ascending. */
static i2v_status chosen_ids(const unsigned char *chosen, uint32_t size, uint32_t **ids,
                             uint32_t *n, i2v_error *err)
{
    uint32_t count = 0;
    for (uint32_t i = 0; i < size; i++)
        count += chosen[i];
    *ids = malloc((count ? count : 1) * sizeof **ids);
    if (!*ids)
        return i2v_fail_nomem(err, "listing the items to plot");
    for (uint32_t i = 0; i < size; i++)
        if (chosen[i])
            (*ids)[(*n)++] = i;
    return I2V_OK;
}

i2v_status i2v_item_list_read(const i2v_model *model, FILE *in, const char *name,
                              uint32_t **ids, uint32_t *n, i2v_item_list_report *report,
                              i2v_error *err)
{
    i2v_error scratch; /* the reader reports its failures through err */
    if (!err)
        err = &scratch;
    i2v_item_list_report unused;
    if (!report)
        report = &unused;
    memset(report, 0, sizeof *report);
    *ids = NULL;
    *n = 0;
    uint32_t size = i2v_model_size(model);
    unsigned char *chosen = calloc(size ? size : 1, 1);
    if (!chosen)
        return i2v_fail_nomem(err, "reading the items to plot");
    i2v_status st = read_list(model, in, name, chosen, report, err);
    if (st == I2V_OK && report->lines == report->unknown)
        st = i2v_fail(err, I2V_ERR_EMPTY, "%s: %s", name,
                      report->lines ? "no item of the list is in the model"
                                    : "no item listed");
    if (st == I2V_OK)
        st = chosen_ids(chosen, size, ids, n, err);
    free(chosen);
    return st;
}

/* ---- groups ---------------------------------------------------------- */

static i2v_status group_line(i2v_item_groups *g, const i2v_model *model, const eval_reader *r,
                             i2v_item_groups_report *report, i2v_error *err)
{
    if (r->n_fields != 2) {
        eval_note_malformed(&report->malformed, r->line);
        return I2V_OK;
    }
    size_t item_len, group_len;
    const char *item = eval_field(r, 0, &item_len), *group = eval_field(r, 1, &group_len);
    int64_t id = i2v_model_find(model, item, item_len);
    if (id >= 0 && g->group[id] != I2V_NO_GROUP) { /* listed twice: the first line holds */
        eval_note_malformed(&report->malformed, r->line);
        return I2V_OK;
    }
    report->items++;
    /* A group named only by unknown items still gets its number, so the
     * numbering depends on the file alone. */
    uint32_t number;
    i2v_status st = i2v_vocab_add(g->names, group, group_len, 1, &number, err);
    if (id < 0)
        report->unknown++;
    else if (st == I2V_OK)
        g->group[id] = number;
    return st;
}

typedef struct group_run {
    i2v_item_groups *g;
    const i2v_model *model;
    i2v_item_groups_report *report;
} group_run;

static i2v_status group_each(const eval_reader *r, void *state, i2v_error *err)
{
    group_run *run = state;
    return group_line(run->g, run->model, r, run->report, err);
}

static i2v_status read_groups(i2v_item_groups *g, const i2v_model *model, FILE *in,
                              const char *name, i2v_item_groups_report *report, i2v_error *err)
{
    group_run run = {g, model, report};
    return eval_reader_each(in, name, group_each, &run, err);
}

static i2v_status groups_create(uint32_t size, i2v_item_groups **out, i2v_error *err)
{
    i2v_item_groups *g = calloc(1, sizeof *g);
    if (g)
        g->group = malloc((size ? size : 1) * sizeof *g->group);
    if (!g || !g->group) {
        free(g);
        return i2v_fail_nomem(err, "reading item groups");
    }
    g->model_size = size;
    for (uint32_t i = 0; i < size; i++)
        g->group[i] = I2V_NO_GROUP;
    i2v_status st = i2v_vocab_create(&g->names, err);
    if (st != I2V_OK) {
        i2v_item_groups_free(g);
        return st;
    }
    *out = g;
    return I2V_OK;
}

i2v_status i2v_item_groups_read(const i2v_model *model, FILE *in, const char *name,
                                i2v_item_groups **out, i2v_item_groups_report *report,
                                i2v_error *err)
{
    i2v_error scratch;
    if (!err)
        err = &scratch;
    i2v_item_groups_report unused;
    if (!report)
        report = &unused;
    memset(report, 0, sizeof *report);
    *out = NULL;
    i2v_item_groups *g = NULL;
    i2v_status st = groups_create(i2v_model_size(model), &g, err);
    if (st != I2V_OK)
        return st;
    st = read_groups(g, model, in, name, report, err);
    if (st == I2V_OK && report->items == 0)
        st = i2v_fail(err, I2V_ERR_EMPTY, "%s: no line \"item group\" in the file%s", name,
                      report->malformed.count ? " (every line is malformed)" : "");
    if (st != I2V_OK) {
        i2v_item_groups_free(g);
        return st;
    }
    *out = g;
    return I2V_OK;
}

void i2v_item_groups_free(i2v_item_groups *groups)
{
    if (!groups)
        return;
    free(groups->group);
    i2v_vocab_free(groups->names);
    free(groups);
}

uint32_t i2v_item_groups_count(const i2v_item_groups *groups)
{
    return i2v_vocab_size(groups->names);
}

const char *i2v_item_groups_name(const i2v_item_groups *groups, uint32_t g, size_t *len)
{
    return i2v_vocab_item(groups->names, g, len);
}

uint32_t i2v_item_group(const i2v_item_groups *groups, uint32_t item)
{
    return item < groups->model_size ? groups->group[item] : I2V_NO_GROUP;
}
