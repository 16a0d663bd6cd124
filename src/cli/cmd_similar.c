/* item2vec similar: nearest items by cosine, one query per argument or
 * per input line, or every item (--all), optionally one shard of them. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "answers.h"
#include "cli.h"
#include "names.h"
#include "files.h"
#include "lines.h"

static const char similar_help[] =
    "Usage: item2vec similar -m MODEL [options] [ITEM ...]\n"
    "Nearest items by cosine similarity of their vectors, as gensim's\n"
    "most_similar.  Each ITEM argument is one query; with no ITEM (and no\n"
    "--all), each line of standard input is one.  A query of several items\n"
    "(a line, or an argument with spaces) looks for the mean of their unit\n"
    "vectors; an item written -ITEM is subtracted: 'paris -france italy'.\n"
    "An item whose name itself starts with '-' is taken as written when the\n"
    "model has it.  The query's own items are never among the answers.\n"
    "A model with an index ('item2vec index') is answered through it, the\n"
    "scores being the exact ones but an item now and then missed; --exact\n"
    "scans every vector.\n\n"
    "  -m, --model MODEL    native .i2v (memory-mapped: a query reads the\n"
    "                       vectors only), word2vec .bin or .txt/.vec\n"
    "  -k, --top N          answers per query (default 10)\n"
    "      --all            answer every item of the model, in model order,\n"
    "                       with a blocked matrix product on all threads\n"
    "      --shard I/N      with --all: only the I-th of N parts of the items,\n"
    "                       I = 1..N; parts are contiguous ranges in model\n"
    "                       order, so the outputs of shards 1..N concatenated\n"
    "                       equal the whole --all output\n"
    "      --shard-index I  the same part numbered from 0, I = 0..N-1, as\n"
    "                       Kubernetes' JOB_COMPLETION_INDEX and Slurm's\n"
    "                       SLURM_ARRAY_TASK_ID count (with --shards N)\n"
    "      --shards N       the number of parts for --shard-index\n"
    "      --names FILE     item<TAB>display name lines: a fifth column (JSON:\n"
    "                       \"name\") with each answer's name, and a query may be\n"
    "                       an item's name (quoted, blanks and all) when no other\n"
    "                       item has it\n"
    "      --restrict N     answer only among the first N items (the most\n"
    "                       frequent for trained models; gensim's restrict_vocab);\n"
    "                       scans every vector\n"
    "      --exact          scan every vector even when the model has an index\n"
    "      --ef N           with an index: the search list, at least k (default\n"
    "                       32, the walk starting at the query's own items:\n"
    "                       recall@10 0.983 on a Brown corpus model, 0.993 on\n"
    "                       1,000,000 items); smaller is faster, misses more\n"
    "  -t, --threads N      threads for --all and for queries from standard input\n"
    "                       (default: online CPUs)\n"
    "      --skip-unknown   leave items the model does not know out of a query\n"
    "                       (counted on stderr) instead of refusing the query\n"
    "      --json           JSON lines {\"query\",\"rank\",\"item\",\"score\"}\n"
    "  -h, --help           this help\n\n"
    "Output: TSV query<TAB>rank<TAB>item<TAB>score, best first (equal scores:\n"
    "model order), score with 6 decimals; the query column is the query's\n"
    "items joined by single spaces.  An unknown item or an empty line is\n"
    "reported on stderr, the other queries are still answered, and the exit\n"
    "code is 1.  A zero vector has no neighbours (cosine is undefined).\n"
    "Lines from standard input are answered in blocks (as many as have\n"
    "arrived) by one blocked matrix product, in input order; an answer never\n"
    "depends on the block it was in.\n"
    "\nExamples:\n"
    "  item2vec similar -m model.i2v item_1\n"
    "  item2vec similar -m model.i2v -k 5 item_1 item_2\n"
    "  printf 'item_1\\nitem_2 -item_3\\n' | item2vec similar -m model.i2v\n"
    "  item2vec similar -m model.i2v --all --shard 1/4 > part1.tsv\n"
    "  item2vec similar -m indexed.i2v --ef 32 item_1\n";

enum { OPT_ALL = 256, OPT_SHARD, OPT_RESTRICT, OPT_JSON, OPT_SKIP_UNKNOWN, OPT_SHARD_INDEX,
       OPT_SHARDS, OPT_NAMES, OPT_EXACT, OPT_EF };

/* Most query lines, and about the most text, answered in one block. */
#define STDIN_BLOCK_LINES 2048u
#define STDIN_BLOCK_BYTES (16u << 20)
enum { QUERY_MODEL_DAMAGED = 2 };

/* How many --all queries are computed before their answers are printed:
 * enough tiles for every thread, bounded in memory. */
#define ALL_CHUNK_QUERIES 8192u
#define ALL_CHUNK_ANSWER_BYTES (256u << 20)

typedef struct similar_args {
    const char *model, *names;
    uint32_t k, restrict_to, threads;
    uint32_t ef;    /* through the index with this search list; 0: the exact scan */
    int all, json, skip_unknown, exact;
    uint32_t shard, shards; /* 1-based shard of shards; 0/0 = all */
    char **items;
    int n_items;
} similar_args;

/* "I/N" with 1 <= I <= N, both whole numbers. */
static int parse_shard(const char *text, uint32_t *shard, uint32_t *shards)
{
    const char *slash = strchr(text, '/');
    char *end;
    if (!slash || slash == text || slash[1] == '\0')
        return cli_usage_error("--shard: '%s' is not I/N (for example 3/16)", text);
    unsigned long long i = strtoull(text, &end, 10);
    int ok = end == slash && text[0] >= '0' && text[0] <= '9';
    unsigned long long n = strtoull(slash + 1, &end, 10);
    ok = ok && *end == '\0' && slash[1] >= '0' && slash[1] <= '9';
    if (!ok)
        return cli_usage_error("--shard: '%s' is not I/N (for example 3/16)", text);
    if (n < 1 || n > I2V_MAX_ITEMS || i < 1 || i > n)
        return cli_usage_error("--shard: '%s' is out of range; I/N needs 1 <= I <= N "
                               "(shards are numbered from 1)", text);
    *shard = (uint32_t)i;
    *shards = (uint32_t)n;
    return 0;
}

/* Returns -1 to go on, or the exit code. */
static int parse_similar_args(int argc, char **argv, similar_args *a)
{
    static const struct option options[] = {
        {"model", required_argument, NULL, 'm'},
        {"top", required_argument, NULL, 'k'},
        {"all", no_argument, NULL, OPT_ALL},
        {"shard", required_argument, NULL, OPT_SHARD},
        {"shard-index", required_argument, NULL, OPT_SHARD_INDEX},
        {"shards", required_argument, NULL, OPT_SHARDS},
        {"names", required_argument, NULL, OPT_NAMES},
        {"restrict", required_argument, NULL, OPT_RESTRICT},
        {"threads", required_argument, NULL, 't'},
        {"json", no_argument, NULL, OPT_JSON},
        {"skip-unknown", no_argument, NULL, OPT_SKIP_UNKNOWN},
        {"exact", no_argument, NULL, OPT_EXACT},
        {"ef", required_argument, NULL, OPT_EF},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c, bad = 0;
    uint32_t index = UINT32_MAX, count = 0; /* --shard-index, --shards */
    opterr = 0;
    while (!bad && (c = cli_getopt_long(argc, argv, ":m:k:t:h", options)) != -1) {
        switch (c) {
        case 'm': a->model = optarg; break;
        case 'k': bad = cli_parse_u32("-k", optarg, 1, I2V_MAX_ITEMS, &a->k); break;
        case OPT_ALL: a->all = 1; break;
        case OPT_SHARD: bad = parse_shard(optarg, &a->shard, &a->shards) != 0; break;
        case OPT_SHARD_INDEX:
            bad = cli_parse_u32("--shard-index", optarg, 0, I2V_MAX_ITEMS - 1, &index);
            break;
        case OPT_SHARDS: bad = cli_parse_u32("--shards", optarg, 1, I2V_MAX_ITEMS, &count); break;
        case OPT_RESTRICT:
            bad = cli_parse_u32("--restrict", optarg, 1, I2V_MAX_ITEMS, &a->restrict_to);
            break;
        case 't':
            bad = cli_parse_u32("--threads", optarg, 1, I2V_MAX_THREADS, &a->threads);
            break;
        case OPT_JSON: a->json = 1; break;
        case OPT_SKIP_UNKNOWN: a->skip_unknown = 1; break;
        case OPT_NAMES: a->names = optarg; break;
        case OPT_EXACT: a->exact = 1; break;
        case OPT_EF: bad = cli_parse_u32("--ef", optarg, 1, 100000, &a->ef); break;
        case 'h':
            return cli_print_help(similar_help);
        default: return cli_bad_option(argv);
        }
    }
    if (bad)
        return EXIT_USAGE;
    if ((index != UINT32_MAX) != (count != 0))
        return cli_usage_error("--shard-index I and --shards N go together");
    if (count && a->shards)
        return cli_usage_error("give --shard I/N or --shard-index I --shards N, not both");
    if (count && index >= count)
        return cli_usage_error("--shard-index %u is out of range: shards are numbered 0..%u",
                               index, count - 1);
    if (count) {
        a->shard = index + 1;
        a->shards = count;
    }
    if (!a->model)
        return cli_usage_error("-m MODEL is required");
    a->items = argv + optind;
    a->n_items = argc - optind;
    if (a->all && a->n_items > 0)
        return cli_usage_error("--all answers every item; give no ITEM with it");
    if (a->shards && !a->all)
        return cli_usage_error("--shard splits --all; use it with --all");
    return -1;
}

/* One query from text: returns 0 answered, 1 refused (reported), or
 * QUERY_MODEL_DAMAGED when no further query can be answered either. */
static int answer_text(const i2v_model *m, const similar_args *a, query_terms *q,
                       i2v_neighbor *answers, const char *text, size_t len, const char *where)
{
    int words = WORDS_SIGNED | (a->skip_unknown ? WORDS_SKIP_UNKNOWN : 0);
    int parsed = query_terms_parse(q, m, text, len, words, where);
    if (parsed == -2) {
        cli_error("%s: out of memory", where);
        return 1;
    }
    if (parsed != 0)
        return 1;
    if (q->n_words == 0) {
        cli_error("%s: empty query: no item given", where);
        return 1;
    }
    if (q->n_positive + q->n_negative == 0) {
        cli_error("%s: '%s': no item of the query is in the model", where, q->text);
        return 1;
    }
    float *vector = malloc((size_t)i2v_model_dim(m) * sizeof *vector);
    if (!vector) {
        cli_error("%s: out of memory", where);
        return 1;
    }
    uint32_t n = 0;
    i2v_error err;
    i2v_status st = i2v_query_vector(m, q->positive, q->n_positive, q->negative,
                                     q->n_negative, vector, &err);
    if (st == I2V_OK) {
        /* Every query item is left out of the answers, + or -. */
        memcpy(q->positive + q->n_positive, q->negative, q->n_negative * sizeof *q->negative);
        size_t n_ex = q->n_positive + q->n_negative;
        uint64_t bounds[2] = {0, n_ex};
        st = a->ef ? i2v_nearest_index(m, vector, 1, bounds, q->positive, 0, a->k, a->ef, 1,
                                       answers, &n, &err)
                   : i2v_nearest(m, vector, q->positive, n_ex, a->restrict_to, a->k, answers, &n,
                                 &err);
    }
    free(vector);
    if (st == I2V_ERR_FORMAT) {
        cli_error("%s", err.message);
        return QUERY_MODEL_DAMAGED;
    }
    if (st != I2V_OK) {
        cli_error("%s: '%s': %s", where, q->text, err.message);
        return 1;
    }
    answers_print(m, a->json, q->text, q->text_len, answers, n);
    return 0;
}

static int answer_arguments(const i2v_model *m, const similar_args *a, query_terms *q,
                            i2v_neighbor *answers)
{
    int failed = 0;
    char where[64];
    for (int i = 0; i < a->n_items && failed != QUERY_MODEL_DAMAGED; i++) {
        snprintf(where, sizeof where, "argument %d", i + 1);
        int r = answer_text(m, a, q, answers, a->items[i], strlen(a->items[i]), where);
        failed = r > failed ? r : failed;
    }
    return failed;
}

/* One input line as a query of the block: 0 added, 1 refused (reported),
 * -1 out of memory. */
static int add_line(const i2v_model *m, const similar_args *a, query_terms *q, query_block *b,
                    float *vector, const line *l, uint64_t *unknown)
{
    char where[64];
    snprintf(where, sizeof where, "line %llu", (unsigned long long)l->number);
    int words = WORDS_SIGNED | (a->skip_unknown ? WORDS_SKIP_UNKNOWN : 0);
    int parsed = query_terms_parse(q, m, l->text, l->len, words, where);
    *unknown += q->n_unknown;
    if (parsed == -2)
        return -1;
    if (parsed != 0)
        return 1;
    if (q->n_words == 0) {
        cli_error("%s: empty query: no item given", where);
        return 1;
    }
    if (q->n_positive + q->n_negative == 0) {
        cli_error("%s: '%s': no item of the query is in the model", where, q->text);
        return 1;
    }
    i2v_error err;
    if (i2v_query_vector(m, q->positive, q->n_positive, q->negative, q->n_negative, vector,
                         &err) != I2V_OK) {
        cli_error("%s: '%s': %s", where, q->text, err.message);
        return 1;
    }
    /* Every query item is left out of the answers, + or -. */
    memcpy(q->positive + q->n_positive, q->negative, q->n_negative * sizeof *q->negative);
    return query_block_add(b, q, vector, q->positive, q->n_positive + q->n_negative) ? -1 : 0;
}

/* Standard input, a block of lines at a time: as many as have arrived,
 * answered by one blocked product, printed in input order. */
static int answer_lines(const i2v_model *m, const similar_args *a, query_terms *q)
{
    line_source src;
    if (line_source_open(&src, "-") != 0)
        return 1;
    query_block b;
    line *lines = malloc(STDIN_BLOCK_LINES * sizeof *lines);
    float *vector = malloc((size_t)i2v_model_dim(m) * sizeof *vector);
    int failed = 0, code = 0;
    uint64_t unknown = 0;
    if (!lines || !vector || query_block_init(&b, STDIN_BLOCK_LINES, i2v_model_dim(m), a->k)) {
        free(lines);
        free(vector);
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
            int r = add_line(m, a, q, &b, vector, &lines[i], &unknown);
            if (r < 0) {
                cli_error("out of memory");
                code = EXIT_RUNTIME;
            }
            failed |= r > 0;
        }
        if (code == 0)
            code = query_block_answer(&b, m, a->restrict_to, a->ef, a->threads, a->json);
        /* A caller feeding queries through a pipe sees each answer now. */
        if (code == 0 && cli_flush_stdout() != 0)
            break;
    }
    if (unknown)
        cli_error("%llu unknown items were left out of their queries",
                  (unsigned long long)unknown);
    query_block_free(&b);
    free(lines);
    free(vector);
    line_source_close(&src);
    return code ? QUERY_MODEL_DAMAGED : failed;
}

static int print_batch(const i2v_model *m, const similar_args *a, const uint32_t *ids, size_t n,
                       const i2v_neighbor *answers, const uint32_t *counts)
{
    int failed = 0;
    for (size_t q = 0; q < n; q++) {
        size_t len;
        const char *item = i2v_model_item(m, ids[q], &len);
        if (counts[q] == 0 && i2v_model_norm(m, ids[q]) == 0.0f) {
            cli_error("'%.*s' has a zero vector: no neighbours", I2V_QUOTED(len, item));
            failed = 1;
        }
        answers_print(m, a->json, item, len, answers + q * a->k, counts[q]);
    }
    return failed;
}

/* --all [--shard I/N]: items [first, end) in chunks, each computed by the
 * blocked batch on all threads, then printed in order. */
static int answer_all(const i2v_model *m, const similar_args *a)
{
    uint64_t size = i2v_model_size(m);
    uint32_t first = 0, end = (uint32_t)size;
    if (a->shards) {
        first = (uint32_t)(size * (a->shard - 1) / a->shards);
        end = (uint32_t)(size * a->shard / a->shards);
    }
    size_t chunk = ALL_CHUNK_QUERIES;
    size_t per_query = (size_t)a->k * sizeof(i2v_neighbor);
    if (chunk > ALL_CHUNK_ANSWER_BYTES / per_query)
        chunk = ALL_CHUNK_ANSWER_BYTES / per_query ? ALL_CHUNK_ANSWER_BYTES / per_query : 1;
    uint32_t *ids = malloc(chunk * sizeof *ids);
    uint32_t *counts = malloc(chunk * sizeof *counts);
    i2v_neighbor *answers = malloc(chunk * per_query);
    int code = EXIT_OK;
    if (!ids || !counts || !answers) {
        cli_error("out of memory for --all");
        code = EXIT_RUNTIME;
    }
    i2v_error err;
    for (uint32_t at = first; ids && counts && answers && at < end && !ferror(stdout);) {
        size_t n = end - at < chunk ? end - at : chunk;
        for (size_t q = 0; q < n; q++)
            ids[q] = at + (uint32_t)q;
        i2v_status st = a->ef ? i2v_nearest_items_index(m, ids, n, 0, a->k, a->ef, a->threads,
                                                        answers, counts, &err)
                              : i2v_nearest_items(m, ids, n, a->restrict_to, a->k, a->threads,
                                                  answers, counts, &err);
        if (st != I2V_OK) {
            code = cli_fail(&err);
            break;
        }
        if (print_batch(m, a, ids, n, answers, counts) != 0)
            code = EXIT_RUNTIME; /* reported; the other items go on */
        at += (uint32_t)n;
    }
    free(ids);
    free(counts);
    free(answers);
    if (cli_flush_stdout() != 0)
        return EXIT_RUNTIME;
    return code;
}

int cmd_similar(int argc, char **argv)
{
    similar_args a = {.k = 10, .threads = cli_online_cpus()};
    if (a.threads > I2V_MAX_THREADS)
        a.threads = I2V_MAX_THREADS;
    int code = parse_similar_args(argc, argv, &a);
    if (code >= 0)
        return code;
    cli_file inputs[] = {{"-m", a.model, 0}, {"(the queries)", a.n_items || a.all ? NULL : "-", 0},
                         {"--names", a.names, 0}};
    if ((code = cli_check_files(inputs, 3, NULL, 0, 1)) >= 0)
        return code;
    i2v_model *m = answers_open_model(a.model);
    if (!m)
        return EXIT_RUNTIME;
    if (a.names && names_load(a.names, m) != 0) {
        i2v_model_free(m);
        return EXIT_RUNTIME;
    }
    /* More answers than items cannot be. */
    if (a.k > i2v_model_size(m))
        a.k = i2v_model_size(m) ? i2v_model_size(m) : 1;
    /* The index unless told otherwise; its list at least k long. */
    a.ef = answers_pick_ef(m, a.model, a.exact, a.restrict_to, 1, NULL,
                           a.ef ? a.ef : I2V_INDEX_ITEM_EF, a.k);
    if (a.all) {
        code = answer_all(m, &a);
        i2v_model_free(m);
        names_free();
        return code;
    }
    query_terms q = {0};
    i2v_neighbor *answers = malloc(a.k * sizeof *answers);
    int failed;
    if (!answers) {
        cli_error("out of memory");
        failed = 1;
    } else {
        failed = a.n_items ? answer_arguments(m, &a, &q, answers) : answer_lines(m, &a, &q);
    }
    free(answers);
    query_terms_free(&q);
    i2v_model_free(m);
    names_free();
    if (cli_flush_stdout() != 0)
        return EXIT_RUNTIME;
    return failed ? EXIT_RUNTIME : EXIT_OK;
}
