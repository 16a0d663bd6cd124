/* item2vec recommend: histories in, the next items for each out. */
#include <stdlib.h>
#include <string.h>

#include "answers.h"
#include "cli.h"
#include "names.h"
#include "files.h"
#include "lines.h"
#include "options.h"

static const char recommend_usage[] =
    "Usage: item2vec recommend -m MODEL [options] < histories\n"
    "The next items for each history: one history per input line, oldest item\n"
    "first (user<TAB>items with --with-user), answered with the items the user\n"
    "has not seen, best first.\n\n";

static const char recommend_details[] =
    "\nScore of a candidate c, by default (--score predict): the query q is the\n"
    "mean input vector of the last --context known history items, weights 1,\n"
    "1/2, 1/4, ... from the newest; the model's prediction is q . out(c) +\n"
    "x log count(c), x the model's ns-exponent (negative sampling with count^x\n"
    "makes in . out its log-probability less x log count, so the term gives\n"
    "that back), and the blend adds W log(1 + S(c) / 0.01), S(c) being the\n"
    "same weighted mean of the share of each query item's recorded transitions\n"
    "that went to c.  A model without output vectors (word2vec files) is\n"
    "scored by cosine, without successors by the model alone; a note says so.\n"
    "\nOutput: TSV query<TAB>rank<TAB>item<TAB>score as from 'similar', the query\n"
    "being the line number (or the user with --with-user).  Unknown items of a\n"
    "history are skipped and counted; a history with no known item is\n"
    "reported by its line number and skipped, and the exit code is then 1.\n"
    "Lines are answered in blocks (as many as have arrived) by one blocked\n"
    "matrix product on --threads threads, in input order; an answer never\n"
    "depends on the block it was in.\n"
    "\nA model with an index ('item2vec index') is answered through it: the\n"
    "graph links items whose input vectors are near, and a walk along it from\n"
    "the context's items, the 256 most popular items (for predict) and the\n"
    "graph's entry point keeps the --ef best\n"
    "candidates by the score above (for cosine, by the index's own measure);\n"
    "the successors' candidates are added and scored exactly as in the scan.\n"
    "The scores are the exact ones, an item now and then missed; --exact scans.\n"
    "\nExamples:\n"
    "  item2vec recommend -m model.i2v < histories.txt\n"
    "  item2vec recommend -m model.i2v --with-user -k 20 < users.tsv > recs.tsv\n"
    "  echo 'item_1 item_7 item_3' | item2vec recommend -m model.i2v -k 5\n";

enum { OPT_WITH_USER = 256, OPT_KEEP_SEEN, OPT_SCORE, OPT_JSON, OPT_CONTEXT, OPT_BLEND,
       OPT_NAMES, OPT_EXACT, OPT_EF };

#define NONE I2V_PARAM_NONE
static const cli_option recommend_options[] = {
    {"model", 'm', "MODEL", NONE, "a native .i2v model (output vectors and successors); a "
     "word2vec file works by cosine", NULL},
    {"input", 'i', "FILE", NONE, "histories, one per line", "standard input"},
    {"top", 'k', "N", NONE, "answers per history", "10"},
    {"context", OPT_CONTEXT, "L", I2V_PARAM_CONTEXT, "", "the model's"},
    {"blend", OPT_BLEND, "W", I2V_PARAM_BLEND, "", "the model's"},
    {"keep-seen", OPT_KEEP_SEEN, NULL, NONE, "answer items of the history too", NULL},
    {"with-user", OPT_WITH_USER, NULL, NONE, "lines are user<TAB>items; the user is the query "
     "column", NULL},
    {"score", OPT_SCORE, "S", NONE, "predict (the model's prediction), dot (q . out alone) or "
     "cosine (between input vectors)", "predict, or cosine without output vectors"},
    {"threads", 't', "N", NONE, "threads for the blocked product or the index's walks",
     "online CPUs"},
    {"exact", OPT_EXACT, NULL, NONE, "scan every output vector even when the model has an "
     "index", NULL},
    {"ef", OPT_EF, "N", NONE, "with an index: the search list, at least k; smaller is faster "
     "and misses more", "64"},
    {"json", OPT_JSON, NULL, NONE, "JSON lines {\"query\",\"rank\",\"item\",\"score\"}", NULL},
    {"names", OPT_NAMES, "FILE", NONE, "item<TAB>display name lines: a fifth column (JSON: "
     "\"name\") with each answer's name", NULL},
    {"help", 'h', NULL, NONE, "this help", NULL},
    CLI_OPTIONS_END,
};
#undef NONE

/* Most lines, and about the most text, answered in one block. */
#define BLOCK_LINES 4096u
#define BLOCK_BYTES (64u << 20)
#define SKIPPED_NAMED 10u /* skipped lines named one by one */

typedef struct recommend_args {
    const char *model, *input, *names;
    i2v_recommend_options options;
    i2v_train_params given;      /* --context, --blend */
    uint32_t given_mask;
    int with_user, json, exact;
} recommend_args;

static int print_recommend_help(void)
{
    fputs(recommend_usage, stdout);
    cli_options_help(stdout, recommend_options);
    fputs(recommend_details, stdout);
    return cli_exit_status();
}

static int parse_score(const char *text, i2v_rec_score *out)
{
    static const i2v_rec_score all[] = {I2V_REC_PREDICT, I2V_REC_DOT, I2V_REC_COSINE};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        if (strcmp(text, i2v_rec_score_name(all[i])) == 0) {
            *out = all[i];
            return 0;
        }
    return cli_usage_error("--score: '%s' is not predict, dot or cosine", text), -1;
}

/* Returns -1 to go on, or the exit code. */
static int parse_recommend_args(int argc, char **argv, recommend_args *a)
{
    cli_getopt g;
    cli_getopt_build(recommend_options, &g);
    int c, bad = 0;
    opterr = 0;
    while (!bad && (c = cli_getopt_long(argc, argv, g.shorts, g.longs)) != -1) {
        const cli_option *o = cli_option_by_key(recommend_options, c);
        if (o && o->param != I2V_PARAM_NONE) {
            char opt[64];
            snprintf(opt, sizeof opt, "--%s", o->name);
            bad = cli_parse_param(opt, o->param, optarg, &a->given);
            a->given_mask |= 1u << o->param;
            continue;
        }
        switch (c) {
        case 'm': a->model = optarg; break;
        case 'i': a->input = optarg; break;
        case 'k': bad = cli_parse_u32("-k", optarg, 1, I2V_MAX_ITEMS, &a->options.k); break;
        case 't':
            bad = cli_parse_u32("--threads", optarg, 1, I2V_MAX_THREADS, &a->options.threads);
            break;
        case OPT_KEEP_SEEN: a->options.keep_seen = 1; break;
        case OPT_WITH_USER: a->with_user = 1; break;
        case OPT_SCORE: bad = parse_score(optarg, &a->options.score); break;
        case OPT_JSON: a->json = 1; break;
        case OPT_NAMES: a->names = optarg; break;
        case OPT_EXACT: a->exact = 1; break;
        case OPT_EF: bad = cli_parse_u32("--ef", optarg, 1, 100000, &a->options.ef); break;
        case 'h': return print_recommend_help();
        default: return cli_bad_option(argv);
        }
    }
    if (bad)
        return EXIT_USAGE;
    if (optind < argc)
        return cli_usage_error("unexpected argument '%s' (histories are read from the input)",
                               argv[optind]);
    if (!a->model)
        return cli_usage_error("-m MODEL is required");
    return -1;
}

/* One block of input lines as histories of model ids. */
typedef struct block {
    line lines[BLOCK_LINES];
    i2v_history histories[BLOCK_LINES];
    uint32_t line_of[BLOCK_LINES];  /* the block's line behind each history */
    size_t n_histories;
    uint32_t *ids;
    size_t ids_cap;
} block;

typedef struct tally {
    uint64_t lines, skipped, items, unknown;
    uint64_t first_unknown_line;
    char first_unknown[64];
} tally;

static int is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

/* The items of a history (after the user and its tab with --with-user). */
static const char *items_of(const line *l, int with_user, size_t *len)
{
    *len = l->len;
    if (!with_user)
        return l->text;
    const char *tab = memchr(l->text, '\t', l->len);
    if (!tab)
        return NULL;
    *len = l->len - (size_t)(tab + 1 - l->text);
    return tab + 1;
}

static void skip_line(const line *l, const char *why, tally *t)
{
    if (t->skipped++ < SKIPPED_NAMED)
        cli_error("line %llu: %s; skipped", (unsigned long long)l->number, why);
}

/* Looks up a line's items; returns 0, or -1 when out of memory. */
static int parse_history(const i2v_model *m, const recommend_args *a, block *b, size_t at,
                         size_t *used, tally *t)
{
    const line *l = &b->lines[at];
    size_t len;
    const char *text = items_of(l, a->with_user, &len);
    if (!text) {
        skip_line(l, "no tab after the user", t);
        return 0;
    }
    if (*used + len / 2 + 1 > b->ids_cap) {
        size_t cap = b->ids_cap ? b->ids_cap : 4096;
        while (cap < *used + len / 2 + 1)
            cap *= 2;
        uint32_t *bigger = realloc(b->ids, cap * sizeof *bigger);
        if (!bigger)
            return -1;
        b->ids = bigger;
        b->ids_cap = cap;
    }
    size_t first = *used, words = 0;
    for (size_t i = 0; i < len;) {
        while (i < len && is_blank(text[i]))
            i++;
        size_t start = i;
        while (i < len && !is_blank(text[i]))
            i++;
        if (i == start)
            break;
        words++;
        int64_t id = i2v_model_find(m, text + start, i - start);
        if (id >= 0) {
            b->ids[(*used)++] = (uint32_t)id;
        } else if (t->unknown++ == 0) {
            t->first_unknown_line = l->number;
            snprintf(t->first_unknown, sizeof t->first_unknown, "%.*s",
                     (int)(i - start < 48 ? i - start : 48), text + start);
        }
    }
    t->items += words;
    if (*used == first) {
        skip_line(l, words ? "no item of the history is in the model" : "empty history", t);
        return 0;
    }
    b->histories[b->n_histories] = (i2v_history){NULL, *used - first};
    b->line_of[b->n_histories++] = (uint32_t)at;
    return 0;
}

/* The query column: the line number, or the user. */
static void print_block(const i2v_model *m, const recommend_args *a, const block *b,
                        const i2v_neighbor *answers, const uint32_t *n_out)
{
    char number[32];
    for (size_t h = 0; h < b->n_histories; h++) {
        const line *l = &b->lines[b->line_of[h]];
        const char *query = number;
        size_t query_len;
        if (a->with_user) {
            query = l->text;
            query_len = (size_t)((const char *)memchr(l->text, '\t', l->len) - l->text);
        } else {
            query_len = (size_t)snprintf(number, sizeof number, "%llu",
                                         (unsigned long long)l->number);
        }
        answers_print(m, a->json, query, query_len, answers + h * a->options.k, n_out[h]);
    }
}

static int answer_block(const i2v_model *m, const i2v_recommender *r, const recommend_args *a,
                        block *b, size_t n_lines, i2v_neighbor *answers, uint32_t *n_out,
                        tally *t)
{
    size_t used = 0;
    b->n_histories = 0;
    t->lines += n_lines;
    for (size_t i = 0; i < n_lines; i++)
        if (parse_history(m, a, b, i, &used, t) != 0) {
            cli_error("out of memory reading histories");
            return EXIT_RUNTIME;
        }
    for (size_t h = 0, at = 0; h < b->n_histories; h++) {
        b->histories[h].items = b->ids + at;
        at += b->histories[h].n;
    }
    i2v_error err;
    if (i2v_recommend(r, b->histories, b->n_histories, answers, n_out, &err) != I2V_OK)
        return cli_fail(&err);
    print_block(m, a, b, answers, n_out);
    return cli_flush_stdout() == 0 ? -1 : EXIT_RUNTIME;
}

static void say_tally(const tally *t)
{
    if (t->unknown)
        cli_error("%llu of %llu history items are not in the model and were skipped (the "
                  "first: '%s', line %llu)", (unsigned long long)t->unknown,
                  (unsigned long long)t->items, t->first_unknown,
                  (unsigned long long)t->first_unknown_line);
    if (t->skipped)
        cli_error("%llu of %llu lines were skipped", (unsigned long long)t->skipped,
                  (unsigned long long)t->lines);
}

static int run(const i2v_model *m, const i2v_recommender *r, const recommend_args *a)
{
    line_source src;
    if (line_source_open(&src, a->input ? a->input : "-") != 0)
        return EXIT_RUNTIME;
    block *b = calloc(1, sizeof *b);
    i2v_neighbor *answers = malloc((size_t)BLOCK_LINES * a->options.k * sizeof *answers);
    uint32_t *n_out = malloc(BLOCK_LINES * sizeof *n_out);
    tally t = {0};
    int code = -1;
    if (!b || !answers || !n_out) {
        cli_error("out of memory for %u answers per history", a->options.k);
        code = EXIT_RUNTIME;
    }
    while (code < 0) {
        int n = line_source_block(&src, b->lines, BLOCK_LINES, BLOCK_BYTES);
        if (n <= 0) {
            code = n < 0 ? EXIT_RUNTIME : EXIT_OK;
            break;
        }
        code = answer_block(m, r, a, b, (size_t)n, answers, n_out, &t);
    }
    say_tally(&t);
    if (code == EXIT_OK && t.skipped)
        code = EXIT_RUNTIME;
    if (b)
        free(b->ids);
    free(b);
    free(answers);
    free(n_out);
    line_source_close(&src);
    return code;
}

int cmd_recommend(int argc, char **argv)
{
    recommend_args a = {.options.k = 10, .options.threads = cli_online_cpus()};
    if (a.options.threads > I2V_MAX_THREADS)
        a.options.threads = I2V_MAX_THREADS;
    int code = parse_recommend_args(argc, argv, &a);
    if (code >= 0)
        return code;
    cli_file inputs[] = {{"-m", a.model, 0}, {"-i", a.input ? a.input : "-", 0},
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
    /* The model's defaults, then what the command line gave. */
    i2v_recommend_options o;
    i2v_recommend_options_default(m, &o);
    o.k = a.options.k < i2v_model_size(m) ? a.options.k : i2v_model_size(m);
    if (o.k == 0)
        o.k = 1;
    o.threads = a.options.threads;
    o.keep_seen = a.options.keep_seen;
    o.score = a.options.score;
    if (a.given_mask >> I2V_PARAM_CONTEXT & 1)
        o.context = a.given.context;
    if (a.given_mask >> I2V_PARAM_BLEND & 1)
        o.blend = a.given.blend;
    o.ef = answers_pick_ef(m, a.model, a.exact, 0, 1, NULL,
                           a.options.ef ? a.options.ef : I2V_INDEX_RECOMMEND_EF, o.k);
    a.options = o;
    i2v_recommender *r = NULL;
    i2v_error err;
    if (i2v_recommender_create(m, &o, &r, &err) != I2V_OK) {
        code = cli_fail(&err);
    } else {
        answers_say_notes(i2v_recommender_notes(r), a.model);
        code = run(m, r, &a);
    }
    i2v_recommender_free(r);
    i2v_model_free(m);
    names_free();
    return code;
}
