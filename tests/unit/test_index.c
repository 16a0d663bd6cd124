/* The nearest-neighbour index: recall against the exact scan on a model of
 * planted clusters, the same bytes for one seed and one thread, the
 * index kept through a native file and dropped when its vectors change,
 * and damaged sections: every header field and random bytes give an
 * error, never a crash or an answer other than the sound index's. */
#include <string.h>

#include "check.h"
#include "item2vec.h"
#include "model/model.h"
#include "util/rng.h"

enum { ITEMS = 6000, DIM = 32, CLUSTERS = 60, K = 10 };

static float gaussian(i2v_rng *rng)
{
    float u = i2v_rng_float(rng) + 1e-7f, v = i2v_rng_float(rng);
    return sqrtf(-2.0f * logf(u)) * cosf(6.2831853f * v);
}

/* Items in clusters of unit-ish centres, each item its centre plus noise;
 * with `scored`, output vectors (the centre plus other noise) and counts
 * too, as recommend scores them. */
static i2v_model *planted_scored_model(uint64_t seed, int scored)
{
    model_arrays a = {0};
    a.names = malloc((size_t)ITEMS * 16);
    a.name_offset = malloc(ITEMS * sizeof *a.name_offset);
    a.name_length = malloc(ITEMS * sizeof *a.name_length);
    a.input = malloc((size_t)ITEMS * DIM * sizeof *a.input);
    float *centre = malloc((size_t)CLUSTERS * DIM * sizeof *centre);
    if (scored) {
        a.output = malloc((size_t)ITEMS * DIM * sizeof *a.output);
        a.counts = malloc(ITEMS * sizeof *a.counts);
    }
    if (!a.names || !a.name_offset || !a.name_length || !a.input || !centre ||
        (scored && (!a.output || !a.counts))) {
        model_arrays_free(&a);
        free(centre);
        return NULL;
    }
    i2v_rng rng = i2v_rng_seeded(seed, 0);
    for (int i = 0; i < CLUSTERS * DIM; i++)
        centre[i] = gaussian(&rng);
    uint64_t at = 0;
    for (uint32_t i = 0; i < ITEMS; i++) {
        int len = snprintf(a.names + at, 16, "item_%u", i);
        a.name_offset[i] = at;
        a.name_length[i] = (uint32_t)len;
        at += (uint64_t)len + 1;
        uint32_t c = i % CLUSTERS;
        for (int d = 0; d < DIM; d++)
            a.input[(size_t)i * DIM + d] = centre[c * DIM + d] + 0.6f * gaussian(&rng);
        if (!scored)
            continue;
        for (int d = 0; d < DIM; d++)
            a.output[(size_t)i * DIM + d] = 0.3f * (centre[c * DIM + d] + 0.8f * gaussian(&rng));
        a.counts[i] = 1 + i2v_rng_next(&rng) % 1000;
    }
    free(centre);
    i2v_model *m = NULL;
    i2v_error err;
    if (model_from_arrays("planted", ITEMS, DIM, &a, NULL, &m, &err) != I2V_OK)
        return NULL;
    return m;
}

static i2v_model *planted_model(uint64_t seed) { return planted_scored_model(seed, 0); }

static uint32_t ids[ITEMS];

/* Share of the exact top K of every item that the index answers. */
static double recall(const i2v_model *m, uint32_t ef, uint32_t threads)
{
    static i2v_neighbor exact[ITEMS * K], found[ITEMS * K];
    static uint32_t n_exact[ITEMS], n_found[ITEMS];
    i2v_error err;
    for (uint32_t i = 0; i < ITEMS; i++)
        ids[i] = i;
    if (i2v_nearest_items(m, ids, ITEMS, 0, K, 2, exact, n_exact, &err) != I2V_OK ||
        i2v_nearest_items_index(m, ids, ITEMS, 0, K, ef, threads, found, n_found, &err) !=
            I2V_OK)
        return -1;
    uint64_t hits = 0, total = 0;
    for (uint32_t i = 0; i < ITEMS; i++) {
        total += n_exact[i];
        for (uint32_t a = 0; a < n_found[i]; a++)
            for (uint32_t b = 0; b < n_exact[i]; b++)
                if (found[i * K + a].id == exact[i * K + b].id) {
                    /* The same score as the scan's, bit for bit. */
                    CHECK(found[i * K + a].score == exact[i * K + b].score);
                    hits++;
                }
        CHECK(n_found[i] == K);
        for (uint32_t a = 1; a < n_found[i]; a++)
            CHECK(found[i * K + a - 1].score >= found[i * K + a].score);
        for (uint32_t a = 0; a < n_found[i]; a++)
            CHECK(found[i * K + a].id != i);
    }
    return (double)hits / (double)total;
}

static i2v_model *indexed(uint32_t threads, uint64_t seed)
{
    i2v_model *m = planted_model(7);
    i2v_index_options o;
    i2v_index_options_default(&o);
    o.threads = threads;
    o.seed = seed;
    i2v_error err;
    if (!m || i2v_model_build_index(m, &o, NULL, NULL, &err) != I2V_OK) {
        fprintf(stderr, "    %s\n", m ? err.message : "no model");
        i2v_model_free(m);
        return NULL;
    }
    return m;
}

static void test_recall_floor(void)
{
    i2v_model *m = indexed(1, 1);
    CHECK(m != NULL);
    if (!m)
        return;
    i2v_error err;
    CHECK(i2v_index_verify(m, &err) == I2V_OK);
    double r = recall(m, I2V_INDEX_ITEM_EF, 2), low = recall(m, K, 1);
    fprintf(stderr, "    recall@10: %.4f at ef %u, %.4f at ef %u\n", r, I2V_INDEX_ITEM_EF,
            low, K);
    CHECK(r >= 0.95);
    CHECK(low <= r);
    i2v_model_free(m);
}

static void test_threads_build_sound(void)
{
    i2v_model *m = indexed(3, 1);
    CHECK(m != NULL);
    if (!m)
        return;
    i2v_error err;
    CHECK(i2v_index_verify(m, &err) == I2V_OK);
    CHECK(recall(m, I2V_INDEX_ITEM_EF, 3) >= 0.95);
    i2v_model_free(m);
}

/* A copy of len bytes at a 64-byte boundary, as a mapping starts. */
static unsigned char *aligned_copy(const void *bytes, size_t len)
{
    unsigned char *copy = aligned_alloc(64, (len + 63) / 64 * 64);
    if (copy)
        memcpy(copy, bytes, len);
    return copy;
}

static unsigned char *to_native(const i2v_model *m, size_t *len)
{
    char *buf = NULL;
    FILE *out = open_memstream(&buf, len);
    i2v_error err;
    if (!out)
        return NULL;
    i2v_status st = i2v_model_write(m, out, I2V_FORMAT_NATIVE, "mem", &err);
    fclose(out);
    if (st != I2V_OK) {
        free(buf);
        return NULL;
    }
    unsigned char *aligned = aligned_copy(buf, *len);
    free(buf);
    return aligned;
}

static void test_same_bytes_for_one_seed(void)
{
    i2v_model *a = indexed(1, 5), *b = indexed(1, 5), *c = indexed(1, 6);
    CHECK(a && b && c);
    if (a && b && c) {
        CHECK(a->graph_size == b->graph_size);
        CHECK(memcmp(a->graph, b->graph, a->graph_size) == 0);
        CHECK(a->graph_size != c->graph_size || memcmp(a->graph, c->graph, a->graph_size) != 0);
        size_t la, lb;
        unsigned char *fa = to_native(a, &la), *fb = to_native(b, &lb);
        CHECK(fa && fb && la == lb && memcmp(fa, fb, la) == 0);
        free(fa);
        free(fb);
    }
    i2v_model_free(a);
    i2v_model_free(b);
    i2v_model_free(c);
}

/* Answers of every item through a model's index: 0 when all answered. */
static int answers(const i2v_model *m, i2v_neighbor *out, uint32_t *n_out, i2v_error *err)
{
    for (uint32_t i = 0; i < ITEMS; i++)
        ids[i] = i;
    return i2v_nearest_items_index(m, ids, ITEMS, 0, K, 32, 1, out, n_out, err) == I2V_OK
               ? 0 : -1;
}

static void test_through_a_file_and_stale(void)
{
    i2v_model *m = indexed(1, 1);
    size_t len = 0;
    unsigned char *bytes = m ? to_native(m, &len) : NULL;
    CHECK(bytes != NULL);
    if (!bytes) {
        i2v_model_free(m);
        return;
    }
    i2v_model *back = NULL;
    i2v_error err;
    CHECK(i2v_model_parse(bytes, len, I2V_FORMAT_NATIVE, "mem.i2v", &back, &err) == I2V_OK);
    if (back) {
        CHECK(i2v_model_has_index(back) && !i2v_model_index_stale(back));
        CHECK(i2v_model_verify(back, &err) == I2V_OK && i2v_index_verify(back, &err) == I2V_OK);
        static i2v_neighbor x[ITEMS * K], y[ITEMS * K];
        static uint32_t nx[ITEMS], ny[ITEMS];
        CHECK(answers(m, x, nx, &err) == 0 && answers(back, y, ny, &err) == 0);
        CHECK(memcmp(x, y, sizeof x) == 0 && memcmp(nx, ny, sizeof nx) == 0);
        i2v_model_free(back);
    }
    /* One vector changed (and the file resealed): the index is stale. */
    unsigned char *copy = aligned_copy(bytes, len);
    CHECK(copy != NULL);
    if (copy) {
        i2v_model *parsed = NULL;
        if (i2v_model_parse(copy, len, I2V_FORMAT_NATIVE, "mem.i2v", &parsed, &err) == I2V_OK) {
            size_t off = (size_t)((const unsigned char *)parsed->input - parsed->native_bytes);
            i2v_model_free(parsed);
            float v;
            memcpy(&v, copy + off, 4);
            v += 1.0f;
            memcpy(copy + off, &v, 4);
            model_native_reseal(copy, len);
            parsed = NULL;
            CHECK(i2v_model_parse(copy, len, I2V_FORMAT_NATIVE, "mem.i2v", &parsed, &err) ==
                  I2V_OK);
            if (parsed) {
                CHECK(!i2v_model_has_index(parsed) && i2v_model_index_stale(parsed));
                i2v_model_free(parsed);
            }
        }
        free(copy);
    }
    free(bytes);
    i2v_model_free(m);
}

/* Damage in the graph section of a resealed file (so that every check
 * behind the file's checksums is reached): the model is refused, or the
 * index is refused or fails its verification, or every answer is the
 * sound index's.  Never a crash, never another answer. */
static int damage_outcome(const unsigned char *sound, size_t len, size_t at, unsigned char xor_,
                          const i2v_neighbor *want, const uint32_t *n_want)
{
    unsigned char *copy = aligned_copy(sound, len);
    if (!copy)
        return -1;
    copy[at] ^= xor_;
    model_native_reseal(copy, len);
    i2v_model *m = NULL;
    i2v_error err;
    int outcome = 0; /* 0 refused somewhere, 1 answered the same, -1 answered otherwise */
    static i2v_neighbor got[ITEMS * K];
    static uint32_t n_got[ITEMS];
    if (i2v_model_parse(copy, len, I2V_FORMAT_NATIVE, "mem.i2v", &m, &err) == I2V_OK &&
        i2v_model_has_index(m)) {
        /* Describing and verifying damage must not crash either. */
        i2v_index_info info;
        i2v_index_describe(m, &info, &err);
        i2v_index_verify(m, &err);
        if (answers(m, got, n_got, &err) == 0)
            outcome = memcmp(got, want, sizeof got) == 0 &&
                              memcmp(n_got, n_want, sizeof n_got) == 0
                          ? 1 : -1;
        else
            CHECK(err.code == I2V_ERR_FORMAT);
    }
    i2v_model_free(m);
    free(copy);
    return outcome;
}

static void test_damaged_sections(void)
{
    i2v_model *m = indexed(1, 1);
    size_t len = 0;
    unsigned char *bytes = m ? to_native(m, &len) : NULL;
    CHECK(bytes != NULL);
    if (!bytes) {
        i2v_model_free(m);
        return;
    }
    static i2v_neighbor want[ITEMS * K];
    static uint32_t n_want[ITEMS];
    i2v_error err;
    CHECK(answers(m, want, n_want, &err) == 0);
    size_t graph = (size_t)(len - m->graph_size); /* the last section */
    int other = 0, refused = 0;
    /* Every byte of the header, each bit pattern that matters. */
    for (size_t b = 0; b < 64; b++)
        for (unsigned x = 1; x < 256; x <<= 1) {
            int r = damage_outcome(bytes, len, graph + b, (unsigned char)x, want, n_want);
            other += r < 0;
            refused += r == 0;
        }
    /* Random bytes anywhere in the section. */
    i2v_rng rng = i2v_rng_seeded(3, 0);
    for (int t = 0; t < 300; t++) {
        size_t at = graph + i2v_rng_below(i2v_rng_next(&rng), (uint32_t)m->graph_size);
        int r = damage_outcome(bytes, len, at, (unsigned char)(1 + i2v_rng_next(&rng) % 255),
                               want, n_want);
        other += r < 0;
        refused += r == 0;
    }
    fprintf(stderr, "    %d of %d damaged sections refused, %d answered otherwise\n", refused,
            64 * 8 + 300, other);
    CHECK(other == 0);
    CHECK(refused > 0);
    free(bytes);
    i2v_model_free(m);
}

/* Recommendations through the index against the exact scan, for each
 * scoring: the share of the scan's top K found, the scan's scores, the
 * history's items never answered; and an error without an index. */
enum { HISTORIES = 600, HISTORY = 4 };

static double recommend_recall(const i2v_model *m, i2v_rec_score score, uint32_t ef)
{
    static uint32_t items[HISTORIES][HISTORY];
    static i2v_history h[HISTORIES];
    static i2v_neighbor exact[HISTORIES * K], found[HISTORIES * K];
    static uint32_t n_exact[HISTORIES], n_found[HISTORIES];
    i2v_rng rng = i2v_rng_seeded(99, 0);
    for (uint32_t q = 0; q < HISTORIES; q++) {
        /* Mostly one cluster, now and then another's item. */
        uint32_t c = (uint32_t)(i2v_rng_next(&rng) % CLUSTERS);
        for (uint32_t j = 0; j < HISTORY; j++) {
            uint32_t cluster = i2v_rng_next(&rng) % 4 ? c : (uint32_t)(i2v_rng_next(&rng) % CLUSTERS);
            items[q][j] = cluster + CLUSTERS * (uint32_t)(i2v_rng_next(&rng) % (ITEMS / CLUSTERS));
        }
        h[q] = (i2v_history){items[q], HISTORY};
    }
    i2v_recommend_options o;
    i2v_recommend_options_default(m, &o);
    o.score = score;
    o.k = K;
    o.threads = 2;
    i2v_recommender *exact_r = NULL, *index_r = NULL;
    i2v_error err;
    if (i2v_recommender_create(m, &o, &exact_r, &err) != I2V_OK)
        return -1;
    o.ef = ef;
    if (i2v_recommender_create(m, &o, &index_r, &err) != I2V_OK ||
        i2v_recommend(exact_r, h, HISTORIES, exact, n_exact, &err) != I2V_OK ||
        i2v_recommend(index_r, h, HISTORIES, found, n_found, &err) != I2V_OK) {
        i2v_recommender_free(exact_r);
        i2v_recommender_free(index_r);
        return -1;
    }
    uint64_t hits = 0, total = 0;
    for (uint32_t q = 0; q < HISTORIES; q++) {
        total += n_exact[q];
        CHECK(n_found[q] == n_exact[q]);
        for (uint32_t a = 0; a < n_found[q]; a++) {
            for (uint32_t j = 0; j < HISTORY; j++)
                CHECK(found[q * K + a].id != items[q][j]);
            for (uint32_t b = 0; b < n_exact[q]; b++)
                if (found[q * K + a].id == exact[q * K + b].id) {
                    CHECK(found[q * K + a].score == exact[q * K + b].score);
                    hits++;
                }
        }
        for (uint32_t a = 1; a < n_found[q]; a++)
            CHECK(found[q * K + a - 1].score >= found[q * K + a].score);
    }
    i2v_recommender_free(exact_r);
    i2v_recommender_free(index_r);
    return total ? (double)hits / (double)total : -1;
}

static void test_recommend_through_index(void)
{
    i2v_model *m = planted_scored_model(7, 1);
    CHECK(m != NULL);
    if (!m)
        return;
    i2v_recommend_options o;
    i2v_recommend_options_default(m, &o);
    o.ef = 64;
    i2v_recommender *r = NULL;
    i2v_error err;
    CHECK(i2v_recommender_create(m, &o, &r, &err) == I2V_ERR_INVALID); /* no index yet */
    CHECK(r == NULL);
    i2v_index_options io;
    i2v_index_options_default(&io);
    CHECK(i2v_model_build_index(m, &io, NULL, NULL, &err) == I2V_OK);
    static const i2v_rec_score scores[] = {I2V_REC_PREDICT, I2V_REC_DOT, I2V_REC_COSINE};
    for (size_t s = 0; s < 3; s++) {
        double hi = recommend_recall(m, scores[s], I2V_INDEX_RECOMMEND_EF);
        double lo = recommend_recall(m, scores[s], K);
        fprintf(stderr, "    %s: recall@10 %.4f at ef %u, %.4f at ef %u\n",
                i2v_rec_score_name(scores[s]), hi, I2V_INDEX_RECOMMEND_EF, lo, K);
        CHECK(hi >= 0.95);
        CHECK(lo >= 0 && lo <= hi);
    }
    i2v_model_free(m);
}

int main(void)
{
    int ok = 1;
    ok &= check_run("index: recall@10 >= 0.95 against the exact scan at the default ef",
                    test_recall_floor);
    ok &= check_run("index: built on 3 threads, sound and as good", test_threads_build_sound);
    ok &= check_run("index: one seed and one thread, the same bytes", test_same_bytes_for_one_seed);
    ok &= check_run("index: kept through a native file, stale when a vector changes",
                    test_through_a_file_and_stale);
    ok &= check_run("index: damaged graph sections refused, never answered otherwise",
                    test_damaged_sections);
    ok &= check_run("index: recommend through it finds the scan's answers with its scores",
                    test_recommend_through_index);
    return ok ? 0 : 1;
}
