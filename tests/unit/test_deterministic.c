/* Deterministic training: the spool's chunks do not depend on the thread
 * count, a chunk's private rows add up to the right deltas, and the
 * trained weights are the same bytes for any number of threads. */
#include <math.h>
#include <string.h>

#include "check.h"
#include "core/corpus.h"
#include "core/vocab.h"
#include "item2vec.h"
#include "train/overlay.h"

/* Sequences of 1..40 items over 300 items, some frequent, some rare. */
static char *make_text(int lines, size_t *len)
{
    size_t cap = (size_t)lines * 400 + 1;
    char *text = malloc(cap);
    size_t at = 0;
    for (int l = 0; l < lines; l++) {
        int n = 1 + (l * 13) % 40;
        for (int i = 0; i < n; i++) {
            int item = (l * 7 + i * i * 3) % (i % 3 ? 300 : 20);
            at += (size_t)snprintf(text + at, cap - at, "%sx%d", i ? " " : "", item);
        }
        text[at++] = '\n';
    }
    text[at] = '\0';
    *len = at;
    return text;
}

static void chunks_cover_each_sequence_once_whatever_their_size(void)
{
    size_t len;
    char *text = make_text(3001, &len);
    FILE *f = fmemopen(text, len, "r");
    i2v_vocab *v = NULL;
    i2v_error err;
    corpus c;
    CHECK(i2v_vocab_create(&v, &err) == I2V_OK);
    CHECK(corpus_build(&c, v, f, "text", &(corpus_options){.min_count = 1}, &err) == I2V_OK);
    fclose(f);
    const uint64_t sizes[] = {1, 7, 512, 40000, 1u << 30};
    for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
        corpus_chunks ch;
        CHECK(corpus_chunks_cut(&c, sizes[k], &ch, &err) == I2V_OK);
        CHECK(ch.n >= 1 && ch.start[0] == 0 && ch.start[ch.n] == c.entries);
        CHECK(ch.items_before[0] == 0 && ch.items_before[ch.n] == c.items);
        uint64_t items = 0, sequences = 0;
        for (uint64_t i = 0; i < ch.n; i++) {
            corpus_cursor cur;
            uint32_t *ids, *buf = NULL;
            size_t n, cap = 0;
            uint64_t in_chunk = 0;
            CHECK(ch.items_before[i] == items);
            CHECK(corpus_cursor_open_range(&cur, &c, ch.start[i], ch.start[i + 1], &err) ==
                  I2V_OK);
            while (corpus_cursor_next(&cur, &ids, &n, &buf, &cap, &err) == 1) {
                in_chunk += n;
                sequences++;
            }
            corpus_cursor_close(&cur);
            free(buf);
            /* Every chunk but the last holds at least the size asked for. */
            CHECK(i + 1 == ch.n || in_chunk >= sizes[k]);
            items += in_chunk;
        }
        CHECK(items == c.items && sequences == c.sequences);
        if (sizes[k] == 1)
            CHECK(ch.n == c.sequences);
        if (sizes[k] == 1u << 30)
            CHECK(ch.n == 1);
        corpus_chunks_free(&ch);
    }
    corpus_close(&c);
    i2v_vocab_free(v);
    free(text);
}

/* Two overlays change rows of two small matrices; merged part by part
 * they leave every row at its start plus both changes, and a row's
 * pointer stays good while thousands more rows are copied in. */
static void overlays_add_each_chunks_changes_to_the_start(void)
{
    enum { ROWS = 6000, DIM = 5 };
    float *input = malloc(ROWS * DIM * sizeof *input);
    float *output = malloc(ROWS * DIM * sizeof *output);
    float *want_in = malloc(ROWS * DIM * sizeof *want_in);
    for (size_t i = 0; i < ROWS * DIM; i++) {
        input[i] = (float)i;
        output[i] = -(float)i;
        want_in[i] = input[i];
    }
    row_overlay a, b;
    overlay_init(&a, DIM, input, output);
    overlay_init(&b, DIM, input, output);
    float *first = overlay_row(&a, 7, 0);
    CHECK(first && first[0] == 7 * DIM && first[DIM - 1] == 7 * DIM + DIM - 1);
    first[0] += 1;
    want_in[7 * DIM] += 1;
    /* Every row of the input matrix in a: the table and the pages grow. */
    for (uint32_t r = 0; r < ROWS; r++) {
        float *row = overlay_row(&a, r, 0);
        CHECK(row != NULL);
        if (row) {
            row[1] += 0.5f;
            want_in[(size_t)r * DIM + 1] += 0.5f;
        }
    }
    CHECK(a.rows == ROWS && first == overlay_row(&a, 7, 0) && first[0] == 7 * DIM + 1);
    /* b changes rows a changed too, and an output row. */
    for (uint32_t r = 0; r < ROWS; r += 3) {
        float *row = overlay_row(&b, r, 0);
        row[1] += 2;
        want_in[(size_t)r * DIM + 1] += 2;
    }
    float *out_row = overlay_row(&b, 11, 1);
    CHECK(out_row && out_row[2] == -(float)(11 * DIM + 2));
    out_row[2] = 100;
    CHECK(overlay_finish(&a) == 0 && overlay_finish(&b) == 0);
    /* Nothing reaches the matrices before the deltas are merged. */
    CHECK(input[7 * DIM] == 7 * DIM && output[11 * DIM + 2] == -(float)(11 * DIM + 2));
    row_overlay both[2] = {a, b};
    uint64_t *first_holder = calloc(2 * ROWS, sizeof *first_holder);
    for (uint32_t part = OVERLAY_PARTS; part-- > 0;) /* any order of parts */
        overlay_merge_part(both, 2, part, input, output, first_holder);
    int cleared = 1;
    for (size_t i = 0; i < 2 * ROWS; i++)
        cleared &= first_holder[i] == 0;
    CHECK(cleared);
    free(first_holder);
    a = both[0];
    b = both[1];
    int same = 1;
    for (size_t i = 0; i < ROWS * DIM; i++)
        same &= fabsf(input[i] - want_in[i]) <= 1e-3f * (1 + fabsf(want_in[i]));
    CHECK(same);
    CHECK(output[11 * DIM + 2] == 100 && output[11 * DIM + 1] == -(float)(11 * DIM + 1));
    /* A reset overlay starts again from the matrices as they are now. */
    overlay_reset(&a);
    float *again = overlay_row(&a, 7, 0);
    CHECK(a.rows == 1 && again && again[0] == input[7 * DIM]);
    overlay_free(&a);
    overlay_free(&b);
    free(input);
    free(output);
    free(want_in);
}

static i2v_model *train_model(const char *text, size_t len, const i2v_train_params *p,
                              const char *kernel)
{
    i2v_trainer *t = NULL;
    i2v_model *m = NULL;
    i2v_error err;
    CHECK(i2v_trainer_create(p, NULL, &t, &err) == I2V_OK);
    if (!t)
        return NULL;
    if (kernel)
        CHECK(i2v_trainer_set_kernel(t, kernel, &err) == I2V_OK);
    FILE *f = fmemopen((void *)text, len, "r");
    CHECK(i2v_trainer_read_corpus(t, f, "text", &err) == I2V_OK);
    fclose(f);
    CHECK(i2v_trainer_run(t, NULL, NULL, &err) == I2V_OK);
    CHECK(i2v_trainer_take_model(t, &m, &err) == I2V_OK);
    i2v_trainer_free(t);
    return m;
}

static int same_weights(const i2v_model *a, const i2v_model *b)
{
    if (!a || !b)
        return 0;
    size_t bytes = (size_t)i2v_model_size(a) * i2v_model_dim(a) * sizeof(float);
    return i2v_model_size(a) == i2v_model_size(b) && i2v_model_dim(a) == i2v_model_dim(b) &&
           memcmp(i2v_model_vector(a, 0), i2v_model_vector(b, 0), bytes) == 0 &&
           memcmp(i2v_model_output(a, 0), i2v_model_output(b, 0), bytes) == 0;
}

static void deterministic_params(i2v_train_params *p)
{
    i2v_train_params_default(p);
    p->dim = 12;
    p->min_count = 1;
    p->deterministic = 1;
    p->seed = 5;
}

/* Skip-gram, CBOW and whole-sequence windows, epochs 1..3: threads 2, 3, 8
 * and 13 train the bytes one thread trains. */
static void deterministic_weights_ignore_the_thread_count(void)
{
    size_t len;
    char *text = make_text(4000, &len);
    const struct { uint32_t cbow, window; } shapes[] = {{0, 5}, {1, 5}, {0, 0}};
    for (size_t s = 0; s < sizeof shapes / sizeof *shapes; s++)
        for (uint32_t epochs = 1; epochs <= 3; epochs++) {
            i2v_train_params p;
            deterministic_params(&p);
            p.cbow = shapes[s].cbow;
            p.window = shapes[s].window;
            p.epochs = epochs;
            p.threads = 1;
            i2v_model *one = train_model(text, len, &p, NULL);
            const uint32_t threads[] = {2, 3, 8, 13};
            for (size_t k = 0; k < sizeof threads / sizeof *threads; k++) {
                p.threads = threads[k];
                i2v_model *many = train_model(text, len, &p, NULL);
                CHECK(same_weights(one, many));
                /* The recorded parameters do not name the thread count. */
                CHECK(many && i2v_model_params(many)->threads == 1 &&
                      i2v_model_params(many)->deterministic == 1);
                i2v_model_free(many);
            }
            i2v_model_free(one);
        }
    free(text);
}

/* Epochs trained in several calls (as tune continues its candidates) are
 * the epochs trained in one; another seed is another model. */
static void deterministic_training_in_steps_is_training_in_one(void)
{
    size_t len;
    char *text = make_text(3000, &len);
    i2v_train_params p;
    deterministic_params(&p);
    p.epochs = 3;
    p.threads = 2;
    i2v_model *whole = train_model(text, len, &p, NULL), *stepped = NULL;
    i2v_trainer *t = NULL;
    i2v_error err;
    p.threads = 3;
    CHECK(i2v_trainer_create(&p, NULL, &t, &err) == I2V_OK);
    FILE *f = fmemopen((void *)text, len, "r");
    CHECK(i2v_trainer_read_corpus(t, f, "text", &err) == I2V_OK);
    fclose(f);
    CHECK(i2v_trainer_run_epochs(t, 1, NULL, NULL, &err) == I2V_OK);
    CHECK(i2v_trainer_run_epochs(t, 2, NULL, NULL, &err) == I2V_OK);
    CHECK(i2v_trainer_epoch_items(t, 0) == i2v_trainer_corpus_items(t));
    CHECK(i2v_trainer_epoch_items(t, 2) == i2v_trainer_corpus_items(t));
    CHECK(i2v_trainer_take_model(t, &stepped, &err) == I2V_OK);
    CHECK(same_weights(whole, stepped));
    i2v_trainer_free(t);
    p.seed = 6;
    i2v_model *other = train_model(text, len, &p, NULL);
    CHECK(other && !same_weights(whole, other));
    i2v_model_free(other);
    i2v_model_free(whole);
    i2v_model_free(stepped);
    free(text);
}

/* The kernels are chosen by name; each is deterministic on its own, and
 * an unknown name is refused with the choices. */
static void kernels_are_chosen_by_name(void)
{
    const char *names[8];
    size_t n = i2v_train_kernels(names, 8);
    CHECK(n >= 1 && strcmp(names[0], "reference") == 0);
    size_t len;
    char *text = make_text(1500, &len);
    i2v_train_params p;
    deterministic_params(&p);
    p.epochs = 2;
    for (size_t k = 0; k < n && k < 8; k++) {
        p.threads = 1;
        i2v_model *one = train_model(text, len, &p, names[k]);
        p.threads = 4;
        i2v_model *four = train_model(text, len, &p, names[k]);
        CHECK(same_weights(one, four));
        i2v_model_free(one);
        i2v_model_free(four);
    }
    i2v_trainer *t = NULL;
    i2v_error err;
    CHECK(i2v_trainer_create(&p, NULL, &t, &err) == I2V_OK);
    CHECK(i2v_trainer_set_kernel(t, "sse9", &err) == I2V_ERR_INVALID);
    CHECK(strstr(err.message, "sse9") && strstr(err.message, "reference"));
    i2v_trainer_free(t);
    free(text);
}

int main(void)
{
    RUN(chunks_cover_each_sequence_once_whatever_their_size);
    RUN(overlays_add_each_chunks_changes_to_the_start);
    RUN(deterministic_weights_ignore_the_thread_count);
    RUN(deterministic_training_in_steps_is_training_in_one);
    RUN(kernels_are_chosen_by_name);
    CHECK_EXIT();
}
