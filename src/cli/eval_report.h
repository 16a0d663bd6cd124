/* What `item2vec eval` measured, and how it is shown: a table for people,
 * one JSON object for programs. */
#ifndef I2V_EVAL_REPORT_H
#define I2V_EVAL_REPORT_H

#include <stdio.h>

#include "item2vec.h"

typedef struct eval_results {
    const char *model_path;
    const i2v_model *model;
    i2v_word_eval_options word_options;  /* analogies and pairs */
    i2v_next_options next_options;

    const char *analogies_path;  /* NULL: not asked for */
    i2v_analogy_eval analogies;
    const char *pairs_path;
    i2v_pairs_eval pairs;
    const char *next_path, *train_path;
    i2v_next_eval next;
    int want_dims;
    double dims_share;
    i2v_dims_eval dims;
    const char *groups_path;
    i2v_purity_eval purity;
} eval_results;

void eval_print_table(const eval_results *r, FILE *out);
void eval_print_json(const eval_results *r, FILE *out);

/* "FILE: N malformed lines skipped (lines a, b, ...): expected SHAPE" on
 * stderr, when there are any. */
void eval_warn_malformed(const char *path, const i2v_eval_malformed *m, const char *shape);

#endif
