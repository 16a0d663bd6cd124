/* End to end on planted data: sessions drawn mostly inside groups of items
 * (build/gensessions); at default settings each item's top-10 neighbours
 * must mostly be in its own group (at least 0.85 of them). */
#include <string.h>

#include "check.h"
#include "item2vec.h"
#include "planted.h"

static void planted_groups_are_recovered_at_default_settings(void)
{
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
        double purity = group ? planted_purity(m, group, NULL) : 0;
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
