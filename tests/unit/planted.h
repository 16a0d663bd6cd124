/* Planted data for quality tests: sessions from build/gensessions, the
 * truth file it writes, and neighbour purity by brute force. */
#ifndef I2V_TEST_PLANTED_H
#define I2V_TEST_PLANTED_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "item2vec.h"

/* Runs build/gensessions with `args`, writing dir/NAME.txt and
 * dir/NAME.truth; returns 0 on success. */
static inline int planted_generate(const char *dir, const char *name, const char *args)
{
    const char *build = getenv("BUILD") ? getenv("BUILD") : "build";
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "%s/gensessions %s -o %s/%s.txt --truth %s/%s.truth", build, args,
             dir, name, dir, name);
    return system(cmd);
}

/* Group number of every model item (0 when the truth file lacks it). */
static inline int *planted_groups(const char *truth_path, const i2v_model *m)
{
    int *group = calloc(i2v_model_size(m) + 1, sizeof *group);
    FILE *f = fopen(truth_path, "r");
    if (!f || !group) {
        if (f)
            fclose(f);
        free(group);
        return NULL;
    }
    char item[256];
    int g;
    while (fscanf(f, "%255s group_%d", item, &g) == 2) {
        int64_t id = i2v_model_find(m, item, strlen(item));
        if (id >= 0)
            group[id] = g;
    }
    fclose(f);
    return group;
}

/* Item i's k nearest items by cosine (itself excluded) into top[0..k). */
static inline void planted_top(const i2v_model *m, uint32_t i, uint32_t k, uint32_t *top)
{
    i2v_neighbor *nb = malloc(k * sizeof *nb);
    uint32_t got = 0;
    i2v_error err;
    if (nb && i2v_nearest(m, i2v_model_vector(m, i), &i, 1, 0, k, nb, &got, &err) == I2V_OK)
        for (uint32_t r = 0; r < got; r++)
            top[r] = nb[r].id;
    for (uint32_t r = got; r < k; r++)
        top[r] = UINT32_MAX;
    free(nb);
}

/* Mean share of same-group items among the top-10 neighbours of the items
 * for which `select(item name)` is true (all items when select is NULL). */
static inline double planted_purity(const i2v_model *m, const int *group,
                             int (*select)(const char *item))
{
    double sum = 0;
    uint32_t counted = 0, top[10];
    for (uint32_t i = 0; i < i2v_model_size(m); i++) {
        if (select && !select(i2v_model_item(m, i, NULL)))
            continue;
        planted_top(m, i, 10, top);
        int same = 0;
        for (int r = 0; r < 10; r++)
            same += top[r] != UINT32_MAX && group[top[r]] == group[i];
        sum += same / 10.0;
        counted++;
    }
    return counted ? sum / counted : 0;
}

#endif
