/* End to end on planted data: sessions drawn mostly inside groups of items
 * (build/gensessions); at default settings each item's top-10 neighbours
 * must mostly be in its own group (at least 0.85 of them). */
#include <string.h>

#include "check.h"
#include "item2vec.h"

enum { TOP = 10 };

/* Group of every model item, read from the generator's truth file. */
static int *read_groups(const char *path, const i2v_model *m)
{
    int *group = calloc(i2v_model_size(m), sizeof *group);
    FILE *f = fopen(path, "r");
    CHECK(f != NULL && group != NULL);
    if (!f || !group)
        return group;
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

/* Mean share of same-group items among each item's TOP cosine neighbours. */
static double neighbour_purity(const i2v_model *m, const int *group)
{
    uint32_t n = i2v_model_size(m), dim = i2v_model_dim(m);
    double purity = 0;
    float *score = malloc(n * sizeof *score);
    for (uint32_t i = 0; i < n; i++) {
        const float *a = i2v_model_vector(m, i);
        for (uint32_t j = 0; j < n; j++) {
            const float *b = i2v_model_vector(m, j);
            float dot = 0;
            for (uint32_t k = 0; k < dim; k++)
                dot += a[k] * b[k];
            float norms = i2v_model_norm(m, i) * i2v_model_norm(m, j);
            score[j] = j == i ? -2.0f : (norms > 0 ? dot / norms : 0);
        }
        int same = 0;
        for (int t = 0; t < TOP; t++) {
            uint32_t best = 0;
            for (uint32_t j = 1; j < n; j++)
                if (score[j] > score[best])
                    best = j;
            same += group[best] == group[i];
            score[best] = -3.0f;
        }
        purity += (double)same / TOP;
    }
    free(score);
    return purity / n;
}

static void planted_groups_are_recovered_at_default_settings(void)
{
    const char *build = getenv("BUILD") ? getenv("BUILD") : "build";
    char dir[] = "/tmp/item2vec-quality-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char cmd[2048], sessions[512], truth[512];
    snprintf(sessions, sizeof sessions, "%s/sessions.txt", dir);
    snprintf(truth, sizeof truth, "%s/truth.tsv", dir);
    /* Noisy enough that a trainer skipping epochs fails: at these settings
     * two epochs instead of five give about 0.78. */
    snprintf(cmd, sizeof cmd, "%s/gensessions --items 5000 --groups 50 --sessions 15000 "
             "--noise 0.4 --switch 0.15 --seed 3 -o %s --truth %s", build, sessions, truth);
    CHECK(system(cmd) == 0);

    i2v_train_params p;
    i2v_train_params_default(&p);
    p.threads = 2;
    i2v_trainer *t = NULL;
    i2v_model *m = NULL;
    i2v_error err;
    FILE *f = fopen(sessions, "r");
    CHECK(f != NULL);
    CHECK(i2v_trainer_create(&p, NULL, &t, &err) == I2V_OK);
    CHECK(i2v_trainer_read_corpus(t, f, sessions, &err) == I2V_OK);
    CHECK(i2v_trainer_run(t, NULL, NULL, &err) == I2V_OK);
    CHECK(i2v_trainer_take_model(t, &m, &err) == I2V_OK);
    i2v_trainer_free(t);
    if (f)
        fclose(f);
    if (m) {
        int *group = read_groups(truth, m);
        double purity = neighbour_purity(m, group);
        fprintf(stderr, "    neighbour purity@10 = %.4f over %u items\n", purity, i2v_model_size(m));
        printf("# neighbour purity@10 = %.4f\n", purity);
        CHECK(purity >= 0.85);
        free(group);
        i2v_model_free(m);
    }
    remove(sessions);
    remove(truth);
    remove(dir);
}

int main(void)
{
    RUN(planted_groups_are_recovered_at_default_settings);
    CHECK_EXIT();
}
