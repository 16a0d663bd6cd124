/* What the libFuzzer harnesses share: an input as a stream, and the
 * contract every model the library accepts must keep, whatever bytes it
 * came from: queries answer or refuse, never crash; a model that passes
 * i2v_model_verify writes to every format and reads back the same items
 * and the same vectors, bit for bit.
 *
 * A broken promise calls fuzz_fail, which aborts: libFuzzer (or the
 * replay driver in `make test`) reports it like a crash, with the input. */
#ifndef I2V_FUZZ_COMMON_H
#define I2V_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "item2vec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inline void fuzz_fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz: broken promise: %s%s%s\n", what, detail ? ": " : "",
            detail ? detail : "");
    abort();
}

/* The bytes as a read-only stream (fmemopen refuses an empty buffer). */
static inline FILE *fuzz_stream(const uint8_t *data, size_t size)
{
    if (size == 0)
        return fopen("/dev/null", "rb");
    return fmemopen((void *)data, size, "rb");
}

/* Writes m in `format` to memory; returns the bytes (malloc'ed) or NULL. */
static inline unsigned char *fuzz_write(const i2v_model *m, i2v_format format, size_t *len,
                                 i2v_status *st, i2v_error *err)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *out = open_memstream(&buf, &n);
    if (!out)
        fuzz_fail("open_memstream", NULL);
    *st = i2v_model_write(m, out, format, "fuzz-out", err);
    fclose(out);
    *len = n;
    return (unsigned char *)buf;
}

static inline void fuzz_same_model(const i2v_model *a, const i2v_model *b, const char *format)
{
    if (i2v_model_size(a) != i2v_model_size(b) || i2v_model_dim(a) != i2v_model_dim(b))
        fuzz_fail("round trip changed the size or the dimensions", format);
    uint32_t dim = i2v_model_dim(a);
    for (uint32_t i = 0; i < i2v_model_size(a); i++) {
        size_t la, lb;
        const char *na = i2v_model_item(a, i, &la), *nb = i2v_model_item(b, i, &lb);
        if (la != lb || memcmp(na, nb, la) != 0)
            fuzz_fail("round trip changed an item name", format);
        if (memcmp(i2v_model_vector(a, i), i2v_model_vector(b, i), dim * sizeof(float)) != 0)
            fuzz_fail("round trip changed a vector", format);
    }
}

/* A sound model written in `format` must parse back to the same model. */
static inline void fuzz_round_trip(const i2v_model *m, i2v_format format)
{
    i2v_error err;
    i2v_status st;
    size_t len;
    unsigned char *bytes = fuzz_write(m, format, &len, &st, &err);
    if (st != I2V_OK)
        fuzz_fail("a verified model could not be written", err.message);
    i2v_model *back = NULL;
    st = i2v_model_parse(bytes, len, format, "fuzz-back", &back, &err);
    if (st != I2V_OK)
        fuzz_fail("a written model could not be read back", err.message);
    if (i2v_model_verify(back, &err) != I2V_OK)
        fuzz_fail("a written model does not verify", err.message);
    fuzz_same_model(m, back, i2v_format_name(format));
    i2v_model_free(back);
    free(bytes);
}

/* Every query kind on a few items; the answers must be in range. */
static inline void fuzz_queries(const i2v_model *m)
{
    uint32_t n = i2v_model_size(m), dim = i2v_model_dim(m);
    if (n == 0)
        return;
    uint32_t k = n < 5 ? n : 5, got = 0;
    i2v_neighbor *answers = malloc(4 * k * sizeof *answers);
    uint32_t *counts = malloc(4 * sizeof *counts);
    float *query = malloc((size_t)dim * sizeof *query);
    if (!answers || !counts || !query)
        fuzz_fail("out of memory in the harness", NULL);
    i2v_error err;
    uint32_t zero = 0, last = n - 1, middle = n / 2;
    if (i2v_nearest(m, i2v_model_vector(m, 0), &zero, 1, 0, k, answers, &got, &err) == I2V_OK)
        for (uint32_t r = 0; r < got; r++)
            if (answers[r].id >= n || answers[r].id == 0)
                fuzz_fail("i2v_nearest answered an id out of range or excluded", NULL);
    uint32_t positive[2] = {0, last};
    if (i2v_query_vector(m, positive, 2, &middle, 1, query, &err) == I2V_OK)
        i2v_nearest(m, query, positive, 2, 2, k, answers, &got, &err);
    if (n >= 3) {
        for (int method = I2V_ANALOGY_ADD; method <= I2V_ANALOGY_MUL; method++)
            if (i2v_analogy(m, 0, 1, 2, (i2v_analogy_method)method, 0, k, answers, &got,
                            &err) == I2V_OK)
                for (uint32_t r = 0; r < got; r++)
                    if (answers[r].id < 3 || answers[r].id >= n)
                        fuzz_fail("i2v_analogy answered A, B, C or an id out of range", NULL);
    }
    uint32_t ids[4] = {0, last, middle, last};
    i2v_nearest_items(m, ids, 4, 0, k, 1, answers, counts, &err);
    i2v_nearest_items(m, ids, 4, 2, k, 2, answers, counts, &err);
    /* Through the index, when there is one: a damaged graph is refused,
     * never walked past its arrays. */
    if (i2v_model_has_index(m)) {
        i2v_index_info info;
        i2v_index_describe(m, &info, &err);
        i2v_index_verify(m, &err);
        if (i2v_nearest_items_index(m, ids, 4, 0, k, 8, 2, answers, counts, &err) == I2V_OK)
            for (uint32_t j = 0; j < 4; j++)
                for (uint32_t x = 0; x < counts[j]; x++)
                    if (answers[j * k + x].id >= n || answers[j * k + x].id == ids[j])
                        fuzz_fail("the index answered an id out of range or excluded", NULL);
    }
    /* recommend with a blend: a damaged successors section is refused when
     * the recommender is made, never read past. */
    i2v_recommend_options ro;
    i2v_recommend_options_default(m, &ro);
    ro.k = k;
    ro.blend = 1;
    i2v_recommender *r = NULL;
    if (i2v_recommender_create(m, &ro, &r, &err) == I2V_OK) {
        i2v_history hs[2] = {{ids, 2}, {ids + 2, 2}};
        if (i2v_recommend(r, hs, 2, answers, counts, &err) == I2V_OK)
            for (uint32_t j = 0; j < 2; j++)
                for (uint32_t x = 0; x < counts[j]; x++)
                    if (answers[j * k + x].id >= n)
                        fuzz_fail("recommend answered an id out of range", NULL);
        uint64_t rank;
        i2v_recommend_rank(r, &hs[0], middle, &rank, &err);
        i2v_recommender_free(r);
    }
    for (uint32_t i = 0; i < n && i < 16; i++) {
        size_t len;
        const char *item = i2v_model_item(m, i, &len);
        i2v_model_find(m, item, len);
        i2v_model_norm(m, i);
        i2v_model_count(m, i);
        i2v_model_output(m, i);
    }
    i2v_model_find(m, "", 0);
    free(answers);
    free(counts);
    free(query);
}

/* A small sound model for harnesses that fuzz what is asked of a model
 * (evaluation files, query lists): trained once per process, never freed,
 * with counts and output vectors, 4 dimensions.  Its items are "a".."z",
 * "item_1".."item_30" and names whose case folds together or to longer
 * text: "é" "É" "ß" "SS" "Straße" "STRASSE". */
static inline const i2v_model *fuzz_fixed_model(void)
{
    static i2v_model *model;
    if (model)
        return model;
    static const char *const extra[] = {"\xc3\xa9", "\xc3\x89", "\xc3\x9f", "SS",
                                        "Stra\xc3\x9f\x65", "STRASSE"};
    char names[62][24];
    int n = 0;
    for (int i = 0; i < 26; i++)
        snprintf(names[n++], sizeof names[0], "%c", 'a' + i);
    for (int i = 1; i <= 30; i++)
        snprintf(names[n++], sizeof names[0], "item_%d", i);
    for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++)
        snprintf(names[n++], sizeof names[0], "%s", extra[i]);
    /* Sequences of neighbours, so that the vectors have some structure. */
    static char text[64 * 1024];
    size_t used = 0;
    for (int line = 0; line < 400; line++) {
        for (int w = 0; w < 6; w++)
            used += (size_t)snprintf(text + used, sizeof text - used, "%s%s", w ? " " : "",
                                     names[(line * 7 + w * (1 + line % 3)) % n]);
        text[used++] = '\n';
    }
    i2v_train_params p;
    i2v_train_params_default(&p);
    p.dim = 4;
    p.epochs = 2;
    p.threads = 1;
    p.min_count = 1;
    i2v_trainer *t = NULL;
    i2v_error err;
    FILE *in = fmemopen(text, used, "rb");
    if (!in || i2v_trainer_create(&p, NULL, &t, &err) != I2V_OK ||
        i2v_trainer_read_corpus(t, in, "fixed", &err) != I2V_OK ||
        i2v_trainer_run(t, NULL, NULL, &err) != I2V_OK ||
        i2v_trainer_take_model(t, &model, &err) != I2V_OK)
        fuzz_fail("the fixed model could not be trained", err.message);
    fclose(in);
    i2v_trainer_free(t);
    return model;
}

/* The whole contract for a model the library accepted. */
static inline void fuzz_exercise_model(const i2v_model *m, int must_verify)
{
    i2v_error err;
    int sound = i2v_model_verify(m, &err) == I2V_OK;
    if (must_verify && !sound)
        fuzz_fail("a trained model does not verify", err.message);
    fuzz_queries(m);
    if (sound) {
        fuzz_round_trip(m, I2V_FORMAT_NATIVE);
        fuzz_round_trip(m, I2V_FORMAT_W2V_BIN);
        fuzz_round_trip(m, I2V_FORMAT_W2V_TEXT);
    } else {
        /* Writing a damaged model may fail, and must fail cleanly. */
        for (int f = I2V_FORMAT_W2V_BIN; f <= I2V_FORMAT_NATIVE; f++) {
            size_t len;
            i2v_status st;
            free(fuzz_write(m, (i2v_format)f, &len, &st, &err));
        }
    }
}

#endif
