/* item2vec analogy: "A is to B as C is to ?", from arguments or one
 * question per input line. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "answers.h"
#include "cli.h"
#include "files.h"
#include "lines.h"
#include "util/parallel.h"

static const char analogy_help[] =
    "Usage: item2vec analogy -m MODEL [options] [A B C]\n"
    "\"A is to B as C is to ?\": the items nearest to B - A + C, leaving out A,\n"
    "B and C.  The default method is 3CosAdd, gensim's\n"
    "most_similar(positive=[B, C], negative=[A]): cosine with the mean of the\n"
    "unit vectors.  --method mul is 3CosMul (Levy & Goldberg), gensim's\n"
    "most_similar_cosmul: cos(x,B) * cos(x,C) / (cos(x,A) + 1e-6) with each\n"
    "cosine shifted to [0,1].\n"
    "With no A B C, reads one question per line of standard input: 'A B C'.\n"
    "A fourth field (the expected answer in word2vec's questions-words.txt)\n"
    "is ignored, and lines starting with ':' (its section titles) are skipped;\n"
    "'item2vec eval' scores such files.\n"
    "A model with an index ('item2vec index') answers 3CosAdd through it: the\n"
    "query B - A + C is one vector, searched as 'similar' searches, the scores\n"
    "the exact ones but an answer now and then missed; --exact scans.  3CosMul\n"
    "is no single vector and always scans.\n\n"
    "  -m, --model MODEL    native .i2v, word2vec .bin or .txt/.vec\n"
    "  -k, --top N          answers per question (default 10)\n"
    "      --method M       add (3CosAdd, default) or mul (3CosMul)\n"
    "      --restrict N     answer only among the first N items (a scan)\n"
    "      --exact          scan every vector even when the model has an index\n"
    "      --ef N           with an index: the search list, at least k (default\n"
    "                       128: recall@10 0.987 on the word2vec questions, a\n"
    "                       Brown corpus model; larger finds more, slower)\n"
    "      --json           JSON lines {\"query\",\"rank\",\"item\",\"score\"}\n"
    "  -t, --threads N      threads for questions from standard input (default:\n"
    "                       online CPUs)\n"
    "  -h, --help           this help\n\n"
    "Output: TSV query<TAB>rank<TAB>item<TAB>score as in 'item2vec similar',\n"
    "the query column being \"A B C\".  A question with an unknown item or not\n"
    "three items is reported on stderr, the others are still answered, and\n"
    "the exit code is 1.  Questions from standard input are answered in\n"
    "blocks, in input order (3CosAdd by one blocked matrix product, 3CosMul\n"
    "one scan a question on the threads); an answer never depends on the block.\n"
    "\nExamples:\n"
    "  item2vec analogy -m model.i2v king man queen\n"
    "  item2vec analogy -m model.i2v --method mul paris france berlin\n"
    "  item2vec analogy -m model.i2v < questions.txt\n";

enum { OPT_METHOD = 256, OPT_RESTRICT, OPT_JSON, OPT_EXACT, OPT_EF };

/* Most question lines, and about the most text, answered in one block. */
#define STDIN_BLOCK_LINES 2048u
#define STDIN_BLOCK_BYTES (16u << 20)
enum { QUESTION_MODEL_DAMAGED = 2 };

typedef struct analogy_args {
    const char *model;
    uint32_t k, restrict_to, threads;
    uint32_t ef; /* 3CosAdd through the index with this search list; 0: scan */
    i2v_analogy_method method;
    int json, exact;
    char **words;
    int n_words;
} analogy_args;

static int parse_method(const char *text, i2v_analogy_method *out)
{
    if (strcmp(text, "add") == 0 || strcmp(text, "3cosadd") == 0)
        *out = I2V_ANALOGY_ADD;
    else if (strcmp(text, "mul") == 0 || strcmp(text, "3cosmul") == 0)
        *out = I2V_ANALOGY_MUL;
    else
        return cli_usage_error("--method: '%s' is not add or mul", text);
    return 0;
}

/* Returns -1 to go on, or the exit code. */
static int parse_analogy_args(int argc, char **argv, analogy_args *a)
{
    static const struct option options[] = {
        {"model", required_argument, NULL, 'm'},
        {"top", required_argument, NULL, 'k'},
        {"method", required_argument, NULL, OPT_METHOD},
        {"restrict", required_argument, NULL, OPT_RESTRICT},
        {"json", no_argument, NULL, OPT_JSON},
        {"exact", no_argument, NULL, OPT_EXACT},
        {"ef", required_argument, NULL, OPT_EF},
        {"threads", required_argument, NULL, 't'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c, bad = 0;
    opterr = 0;
    while (!bad && (c = cli_getopt_long(argc, argv, ":m:k:t:h", options)) != -1) {
        switch (c) {
        case 'm': a->model = optarg; break;
        case 'k': bad = cli_parse_u32("-k", optarg, 1, I2V_MAX_ITEMS, &a->k); break;
        case OPT_METHOD: bad = parse_method(optarg, &a->method) != 0; break;
        case OPT_RESTRICT:
            bad = cli_parse_u32("--restrict", optarg, 1, I2V_MAX_ITEMS, &a->restrict_to);
            break;
        case OPT_JSON: a->json = 1; break;
        case OPT_EXACT: a->exact = 1; break;
        case OPT_EF: bad = cli_parse_u32("--ef", optarg, 1, 100000, &a->ef); break;
        case 't':
            bad = cli_parse_u32("--threads", optarg, 1, I2V_MAX_THREADS, &a->threads);
            break;
        case 'h':
            return cli_print_help(analogy_help);
        default: return cli_bad_option(argv);
        }
    }
    if (bad)
        return EXIT_USAGE;
    if (!a->model)
        return cli_usage_error("-m MODEL is required");
    a->words = argv + optind;
    a->n_words = argc - optind;
    if (a->n_words != 0 && a->n_words != 3)
        return cli_usage_error("give three items A B C, or none to read questions from "
                               "standard input");
    return -1;
}

static int is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* Words in text, and where the third one ends. */
static size_t count_words(const char *text, size_t len, size_t *end_of_third)
{
    size_t words = 0;
    *end_of_third = len;
    for (size_t i = 0; i < len;) {
        while (i < len && is_blank(text[i]))
            i++;
        if (i == len)
            break;
        while (i < len && !is_blank(text[i]))
            i++;
        if (++words == 3)
            *end_of_third = i;
    }
    return words;
}

/* 3CosAdd's query for abc = {A, B, C}: B - A + C as i2v_analogy makes it
 * (the mean of the unit vectors, A subtracted). */
static i2v_status cosadd_vector(const i2v_model *m, const uint32_t *abc, float *vector,
                                i2v_error *err)
{
    const uint32_t positive[2] = {abc[1], abc[2]};
    return i2v_query_vector(m, positive, 2, &abc[0], 1, vector, err);
}

/* One question as text: returns 0 answered, 1 refused (reported), or
 * QUESTION_MODEL_DAMAGED when no further question can be answered. */
static int answer_question(const i2v_model *m, const analogy_args *a, query_terms *q,
                           i2v_neighbor *answers, const char *text, size_t len, const char *where,
                           int answer_field)
{
    size_t end_of_third;
    size_t words = count_words(text, len, &end_of_third);
    if (words != 3 && !(answer_field && words == 4)) {
        cli_error("%s: %zu items; a question is 'A B C'", where, words);
        return 1;
    }
    /* A fourth field, the expected answer, plays no part. */
    int parsed = query_terms_parse(q, m, text, end_of_third, WORDS_PLAIN, where);
    if (parsed == -2)
        cli_error("%s: out of memory", where);
    if (parsed != 0)
        return 1;
    uint32_t n = 0;
    i2v_error err;
    i2v_status st;
    if (a->ef) { /* 3CosAdd's one vector through the index */
        const uint64_t bounds[2] = {0, 3};
        float *vector = malloc((size_t)i2v_model_dim(m) * sizeof *vector);
        if (!vector) {
            cli_error("%s: out of memory", where);
            return 1;
        }
        st = cosadd_vector(m, q->positive, vector, &err);
        if (st == I2V_OK)
            st = i2v_nearest_index(m, vector, 1, bounds, q->positive, 0, a->k, a->ef, 1,
                                   answers, &n, &err);
        free(vector);
    } else {
        st = i2v_analogy(m, q->positive[0], q->positive[1], q->positive[2], a->method,
                         a->restrict_to, a->k, answers, &n, &err);
    }
    if (st == I2V_ERR_FORMAT) {
        cli_error("%s", err.message);
        return QUESTION_MODEL_DAMAGED;
    }
    if (st != I2V_OK) {
        cli_error("%s: '%s': %s", where, q->text, err.message);
        return 1;
    }
    answers_print(m, a->json, q->text, q->text_len, answers, n);
    return 0;
}

/* One 3CosMul question per task, each a scan of its own: the method is no
 * single dot product, so the blocked product cannot serve it. */
typedef struct mul_block {
    const i2v_model *m;
    const analogy_args *a;
    const uint32_t *abc;      /* 3 ids per question */
    i2v_neighbor *answers;    /* k per question */
    uint32_t *n_out;
    i2v_status *status;
    i2v_error *err;
    uint32_t tasks;
    size_t n;
} mul_block;

static void mul_task(void *state, uint32_t task)
{
    mul_block *b = state;
    for (size_t q = task; q < b->n; q += b->tasks)
        b->status[q] = i2v_analogy(b->m, b->abc[3 * q], b->abc[3 * q + 1], b->abc[3 * q + 2],
                                   I2V_ANALOGY_MUL, b->a->restrict_to, b->a->k,
                                   b->answers + q * b->a->k, &b->n_out[q], &b->err[q]);
}

static int answer_mul_block(const i2v_model *m, const analogy_args *a, query_block *b,
                            const uint32_t *abc)
{
    i2v_status *status = malloc((b->n ? b->n : 1) * sizeof *status);
    i2v_error *err = malloc((b->n ? b->n : 1) * sizeof *err);
    int code = 0;
    if (!status || !err) {
        cli_error("out of memory");
        code = EXIT_RUNTIME;
    } else {
        mul_block job = {m, a, abc, b->answers, b->n_out, status, err,
                         a->threads < b->n ? a->threads : (uint32_t)(b->n ? b->n : 1), b->n};
        parallel_run(job.tasks, mul_task, &job);
        for (size_t q = 0; q < b->n && code == 0; q++) {
            if (status[q] != I2V_OK)
                code = cli_fail(&err[q]);
            else
                answers_print(m, a->json, b->text + b->text_at[q], b->text_n[q],
                              b->answers + q * a->k, b->n_out[q]);
        }
    }
    free(status);
    free(err);
    b->n = b->exclude_len = b->text_len = 0;
    return code;
}

/* A question line as a query of the block: 0 added, 1 refused (reported),
 * -1 out of memory.  3CosAdd's query is cosadd_vector; 3CosMul keeps
 * A B C for its own scans. */
static int add_question(const i2v_model *m, const analogy_args *a, query_terms *q,
                        query_block *b, float *vector, uint32_t *abc, const line *l)
{
    char where[64];
    snprintf(where, sizeof where, "line %llu", (unsigned long long)l->number);
    size_t end_of_third;
    size_t words = count_words(l->text, l->len, &end_of_third);
    if (words != 3 && words != 4) {
        cli_error("%s: %zu items; a question is 'A B C'", where, words);
        return 1;
    }
    int parsed = query_terms_parse(q, m, l->text, end_of_third, WORDS_PLAIN, where);
    if (parsed == -2)
        return -1;
    if (parsed != 0)
        return 1;
    memcpy(abc + 3 * b->n, q->positive, 3 * sizeof *abc);
    if (a->method == I2V_ANALOGY_ADD) {
        i2v_error err;
        if (cosadd_vector(m, q->positive, vector, &err) != I2V_OK) {
            cli_error("%s: '%s': %s", where, q->text, err.message);
            return 1;
        }
    }
    return query_block_add(b, q, vector, q->positive, 3) ? -1 : 0;
}

/* Standard input, a block of questions at a time (see similar). */
static int answer_lines(const i2v_model *m, const analogy_args *a, query_terms *q)
{
    line_source src;
    if (line_source_open(&src, "-") != 0)
        return 1;
    query_block b;
    line *lines = malloc(STDIN_BLOCK_LINES * sizeof *lines);
    float *vector = calloc(i2v_model_dim(m), sizeof *vector);
    uint32_t *abc = malloc(3 * STDIN_BLOCK_LINES * sizeof *abc);
    int failed = 0, code = 0;
    if (!lines || !vector || !abc ||
        query_block_init(&b, STDIN_BLOCK_LINES, i2v_model_dim(m), a->k)) {
        free(lines);
        free(vector);
        free(abc);
        line_source_close(&src);
        cli_error("out of memory");
        return 1;
    }
    for (int n; code == 0 && (n = line_source_block(&src, lines, STDIN_BLOCK_LINES,
                                                    STDIN_BLOCK_BYTES)) != 0;) {
        if (n < 0) {
            failed = 1;
            break;
        }
        for (int i = 0; i < n && code == 0; i++) {
            if (lines[i].len > 0 && lines[i].text[0] == ':')
                continue; /* a section title of questions-words.txt */
            int r = add_question(m, a, q, &b, vector, abc, &lines[i]);
            if (r < 0) {
                cli_error("out of memory");
                code = EXIT_RUNTIME;
            }
            failed |= r > 0;
        }
        if (code == 0)
            code = a->method == I2V_ANALOGY_ADD
                       ? query_block_answer(&b, m, a->restrict_to, a->ef, a->threads, a->json)
                       : answer_mul_block(m, a, &b, abc);
        if (code == 0 && cli_flush_stdout() != 0)
            break;
    }
    query_block_free(&b);
    free(lines);
    free(vector);
    free(abc);
    line_source_close(&src);
    return code ? QUESTION_MODEL_DAMAGED : failed;
}

static int answer_arguments(const i2v_model *m, const analogy_args *a, query_terms *q,
                            i2v_neighbor *answers)
{
    size_t len = 0;
    for (int i = 0; i < 3; i++)
        len += strlen(a->words[i]) + 1;
    char *text = malloc(len);
    if (!text) {
        cli_error("out of memory");
        return 1;
    }
    snprintf(text, len, "%s %s %s", a->words[0], a->words[1], a->words[2]);
    int failed = answer_question(m, a, q, answers, text, strlen(text), "arguments", 0);
    free(text);
    return failed;
}

int cmd_analogy(int argc, char **argv)
{
    analogy_args a = {.k = 10, .method = I2V_ANALOGY_ADD, .threads = cli_online_cpus()};
    if (a.threads > I2V_MAX_THREADS)
        a.threads = I2V_MAX_THREADS;
    int code = parse_analogy_args(argc, argv, &a);
    if (code >= 0)
        return code;
    cli_file inputs[] = {{"-m", a.model, 0}, {"(the questions)", a.n_words ? NULL : "-", 0}};
    if ((code = cli_check_files(inputs, 2, NULL, 0, 1)) >= 0)
        return code;
    i2v_model *m = answers_open_model(a.model);
    if (!m)
        return EXIT_RUNTIME;
    if (a.k > i2v_model_size(m))
        a.k = i2v_model_size(m) ? i2v_model_size(m) : 1;
    a.ef = answers_pick_ef(m, a.model, a.exact, a.restrict_to, a.method == I2V_ANALOGY_ADD,
                           "3CosMul does not go through the index", a.ef, a.k);
    query_terms q = {0};
    i2v_neighbor *answers = malloc(a.k * sizeof *answers);
    int failed = 1;
    if (!answers)
        cli_error("out of memory");
    else
        failed = a.n_words ? answer_arguments(m, &a, &q, answers) : answer_lines(m, &a, &q);
    free(answers);
    query_terms_free(&q);
    i2v_model_free(m);
    if (cli_flush_stdout() != 0)
        return EXIT_RUNTIME;
    return failed ? EXIT_RUNTIME : EXIT_OK;
}
