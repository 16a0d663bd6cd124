/* End to end on planted data: sessions drawn mostly inside groups of items
 * (build/gensessions); at default settings each item's top-10 neighbours
 * must mostly be in its own group (at least 0.85 of them with skip-gram,
 * 0.80 with CBOW). */
#include <string.h>

#include "check.h"
#include "item2vec.h"
#include "planted.h"

static double planted_purity_of(uint32_t cbow)
{
    double purity = 0;
    char dir[] = "/tmp/item2vec-quality-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char sessions[512], truth[512];
    snprintf(sessions, sizeof sessions, "%s/sessions.txt", dir);
    snprintf(truth, sizeof truth, "%s/sessions.truth", dir);
    /* Noisy enough that a trainer skipping epochs fails: at these settings
     * two epochs instead of five give about 0.78. */
    CHECK(planted_generate(dir, "sessions", "--items 5000 --groups 50 --sessions 15000 "
                           "--noise 0.4 --switch 0.15 --seed 3") == 0);

    i2v_train_params p;
    i2v_train_params_default(&p);
    p.threads = 2;
    p.cbow = cbow;
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
        int *group = planted_groups(truth, m);
        CHECK(group != NULL);
        purity = group ? planted_purity(m, group, NULL) : 0;
        fprintf(stderr, "    %s: neighbour purity@10 = %.4f over %u items\n",
                cbow ? "CBOW" : "skip-gram", purity, i2v_model_size(m));
        printf("# %s neighbour purity@10 = %.4f\n", cbow ? "CBOW" : "skip-gram", purity);
        free(group);
        i2v_model_free(m);
    }
    remove(sessions);
    remove(truth);
    remove(dir);
    return purity;
}

static void planted_groups_are_recovered_at_default_settings(void)
{
    CHECK(planted_purity_of(0) >= 0.85);
}

static void cbow_recovers_planted_groups_too(void)
{
    CHECK(planted_purity_of(1) >= 0.80);
}

int main(void)
{
    RUN(planted_groups_are_recovered_at_default_settings);
    RUN(cbow_recovers_planted_groups_too);
    CHECK_EXIT();
}
