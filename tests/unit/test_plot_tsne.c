/* t-SNE: the same map for the same seed whatever the threads, and planted
 * clusters that come out as separate islands (PCA, which cannot unfold
 * 20 groups into two dimensions, is held to a weaker bound). */
#include <string.h>

#include "check.h"
#include "item2vec.h"
#include "planted.h"
#include "util/rng.h"

enum { CLUSTERS = 4, PER_CLUSTER = 30, DIM = 10, N = CLUSTERS * PER_CLUSTER };

/* Gaussian blobs (sd 0.3) around random centres (sd 1 per coordinate). */
static void blobs(float *points, int *label)
{
    i2v_rng rng = i2v_rng_seeded(7, 0);
    float centre[CLUSTERS][DIM];
    for (int c = 0; c < CLUSTERS; c++)
        for (int k = 0; k < DIM; k++)
            centre[c][k] = 2 * i2v_rng_float(&rng) - 1;
    for (int i = 0; i < N; i++) {
        label[i] = i % CLUSTERS;
        for (int k = 0; k < DIM; k++) {
            /* sum of 4 uniforms: near-normal, sd 0.3 */
            float s = 0;
            for (int u = 0; u < 4; u++)
                s += i2v_rng_float(&rng) - 0.5f;
            points[i * DIM + k] = centre[label[i]][k] + s * 0.52f;
        }
    }
}

/* Mean share of each point's k nearest points on the map (itself left
 * out) that carry its label. */
static double knn_agreement(const double *xy, const int *label, uint32_t n, uint32_t k)
{
    double *d = malloc(n * sizeof *d);
    double total = 0;
    for (uint32_t i = 0; d && i < n; i++) {
        for (uint32_t j = 0; j < n; j++) {
            double dx = xy[2 * i] - xy[2 * j], dy = xy[2 * i + 1] - xy[2 * j + 1];
            d[j] = j == i ? INFINITY : dx * dx + dy * dy;
        }
        uint32_t same = 0;
        for (uint32_t r = 0; r < k; r++) { /* k selections of the minimum */
            uint32_t best = 0;
            for (uint32_t j = 1; j < n; j++)
                if (d[j] < d[best])
                    best = j;
            same += label[best] == label[i];
            d[best] = INFINITY;
        }
        total += (double)same / k;
    }
    free(d);
    return total / n;
}

static void tsne_params(i2v_projection_params *p, uint64_t seed, uint32_t threads)
{
    i2v_projection_params_default(p);
    p->method = I2V_PROJECT_TSNE;
    p->iterations = 500;
    p->seed = seed;
    p->threads = threads;
}

static void tsne_gives_the_same_map_for_a_seed_whatever_the_threads(void)
{
    float points[N * DIM];
    int label[N];
    blobs(points, label);
    double a[2 * N], b[2 * N], c[2 * N];
    i2v_projection_params p;
    i2v_error err;
    tsne_params(&p, 1, 1);
    CHECK(i2v_project(points, N, DIM, &p, a, NULL, &err) == I2V_OK);
    tsne_params(&p, 1, 3);
    CHECK(i2v_project(points, N, DIM, &p, b, NULL, &err) == I2V_OK);
    CHECK(memcmp(a, b, sizeof a) == 0);
    tsne_params(&p, 2, 1);
    CHECK(i2v_project(points, N, DIM, &p, c, NULL, &err) == I2V_OK);
    CHECK(memcmp(a, c, sizeof a) != 0);
}

static void tsne_separates_gaussian_blobs(void)
{
    float points[N * DIM];
    int label[N];
    blobs(points, label);
    double xy[2 * N];
    i2v_projection_params p;
    i2v_projection_report report;
    i2v_error err;
    tsne_params(&p, 1, 2);
    CHECK(i2v_project(points, N, DIM, &p, xy, &report, &err) == I2V_OK);
    double agreement = knn_agreement(xy, label, N, 10);
    printf("# blobs: t-SNE 10-NN agreement %.3f, KL %.3f\n", agreement, report.kl_divergence);
    CHECK(agreement >= 0.98);
    CHECK(report.perplexity == 30);
    CHECK(isfinite(report.kl_divergence) && report.kl_divergence > 0);
}

static void perplexity_is_lowered_for_small_sets(void)
{
    const float v[5 * 2] = {0, 0, 1, 0, 0, 1, 5, 5, 5, 6};
    double xy[10];
    i2v_projection_params p;
    i2v_projection_report report;
    i2v_error err;
    tsne_params(&p, 1, 1);
    CHECK(i2v_project(v, 5, 2, &p, xy, &report, &err) == I2V_OK);
    CHECK_NEAR(report.perplexity, 4 / 3.0, 1e-12);
    for (int k = 0; k < 10; k++)
        CHECK(isfinite(xy[k]));
    CHECK(i2v_project(v, 2, 2, &p, xy, &report, &err) == I2V_OK);
    CHECK(report.perplexity == 1 && isfinite(xy[0]) && isfinite(xy[3]));
    CHECK(i2v_project(v, 1, 2, &p, xy, &report, &err) == I2V_OK);
    CHECK(xy[0] == 0 && xy[1] == 0);
}

static void equal_points_still_come_apart(void)
{
    float v[8 * 3];
    for (int i = 0; i < 8; i++)
        for (int k = 0; k < 3; k++)
            v[i * 3 + k] = i < 4 ? 1.0f : (float)k; /* two sets of four equal points */
    double xy[16];
    i2v_projection_params p;
    i2v_error err;
    tsne_params(&p, 1, 1);
    CHECK(i2v_project(v, 8, 3, &p, xy, NULL, &err) == I2V_OK);
    for (int k = 0; k < 16; k++)
        CHECK(isfinite(xy[k]));
    CHECK(xy[0] != xy[2] || xy[1] != xy[3]);
}

/* Trains on planted sessions (12 groups of 30 items, noisy) and maps the items. */
static void planted_groups_are_separate_clusters_on_the_map(void)
{
    char dir[] = "/tmp/item2vec-plot-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char sessions[512], truth[512];
    snprintf(sessions, sizeof sessions, "%s/planted.txt", dir);
    snprintf(truth, sizeof truth, "%s/planted.truth", dir);
    CHECK(planted_generate(dir, "planted",
                           "--items 360 --groups 12 --sessions 4000 --noise 0.3 --seed 5") == 0);
    i2v_train_params tp;
    i2v_train_params_default(&tp);
    tp.dim = 32;
    tp.threads = 1; /* deterministic: the bounds below hold for this exact model */
    tp.min_count = 1;
    i2v_trainer *t = NULL;
    i2v_model *m = NULL;
    i2v_error err;
    FILE *f = fopen(sessions, "r");
    CHECK(f && i2v_trainer_create(&tp, NULL, &t, &err) == I2V_OK);
    CHECK(f && i2v_trainer_read_corpus(t, f, sessions, &err) == I2V_OK);
    CHECK(f && i2v_trainer_run(t, NULL, NULL, &err) == I2V_OK);
    CHECK(f && i2v_trainer_take_model(t, &m, &err) == I2V_OK);
    i2v_trainer_free(t);
    if (f)
        fclose(f);
    int *group = m ? planted_groups(truth, m) : NULL;
    if (group) {
        /* The model must hold the groups, or the map would be tested on
         * structure that is not there. */
        double purity = planted_purity(m, group, NULL);
        CHECK(purity >= 0.9);
        uint32_t n = i2v_model_size(m), *ids = malloc(n * sizeof *ids);
        double *xy = malloc(2 * n * sizeof *xy);
        for (uint32_t i = 0; ids && i < n; i++)
            ids[i] = i;
        i2v_projection_params p;
        tsne_params(&p, 1, 2);
        p.iterations = 1000;
        CHECK(i2v_project_items(m, ids, n, &p, xy, NULL, &err) == I2V_OK);
        double tsne = knn_agreement(xy, group, n, 10);
        i2v_projection_params_default(&p);
        CHECK(i2v_project_items(m, ids, n, &p, xy, NULL, &err) == I2V_OK);
        double pca = knn_agreement(xy, group, n, 10);
        printf("# planted %u items: purity@10 %.3f; on the map, 10-NN agreement t-SNE %.3f, "
               "PCA %.3f\n", n, purity, tsne, pca);
        CHECK(tsne >= 0.95);
        CHECK(pca >= 0.5);
        free(ids);
        free(xy);
    }
    free(group);
    i2v_model_free(m);
    remove(sessions);
    remove(truth);
    remove(dir);
}

int main(void)
{
    RUN(tsne_gives_the_same_map_for_a_seed_whatever_the_threads);
    RUN(tsne_separates_gaussian_blobs);
    RUN(perplexity_is_lowered_for_small_sets);
    RUN(equal_points_still_come_apart);
    RUN(planted_groups_are_separate_clusters_on_the_map);
    CHECK_EXIT();
}
