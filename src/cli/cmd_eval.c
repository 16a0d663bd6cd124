/* item2vec eval: how good are a model's embeddings? */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "answers.h"
#include "cli.h"
#include "files.h"
#include "eval_report.h"
#include "options.h"

static const char eval_help[] =
    "Usage: item2vec eval -m MODEL TASK... [options]\n"
    "Measures a model's embeddings.  Tasks (any combination):\n\n"
    "  --analogies FILE   questions-words analogies \"a b c d\" (a is to b as c\n"
    "                     is to d; \": name\" lines start sections): accuracy per\n"
    "                     section and overall.  The answer is the item nearest to\n"
    "                     b - a + c (unit vectors; 3CosAdd) among the --restrict\n"
    "                     most frequent, a, b and c excluded; a question naming an\n"
    "                     item outside them is skipped and counted, not failed.\n"
    "  --pairs FILE       scored pairs \"item item score\" (WordSim-353, SimLex-999;\n"
    "                     '#' starts a comment): Spearman (ties get their average\n"
    "                     rank) and Pearson correlation between the scores and\n"
    "                     the cosines, and the share of pairs out of vocabulary.\n"
    "  --next-item FILE   held-out sequences, one per line: HR@k, MRR and NDCG@k\n"
    "                     of the model, and of two baselines with --train (below).\n"
    "  --dims             effective dimension: the principal components that\n"
    "                     explain --variance of the vectors' variance, and the\n"
    "                     largest explained-variance ratios.\n"
    "  --groups FILE      neighbour purity@k against \"item<TAB>group\" lines: the\n"
    "                     mean share of an item's k nearest items (by cosine) that\n"
    "                     are in its group.\n\n"
    "Options:\n"
    "  -m, --model MODEL      .i2v, word2vec .bin or text model\n"
    "      --restrict N       analogies, pairs: only the N most frequent items are\n"
    "                         known and searched (default 300000; 0: all)\n"
    "      --case-sensitive   analogies, pairs: compare names as they are; by\n"
    "                         default both sides are upper-cased and the most\n"
    "                         frequent spelling stands for all of its variants\n"
    "      --method add|mul   analogies: 3CosAdd (default) or 3CosMul\n"
    "  -k N                   cut-off of HR@k, NDCG@k and purity@k (default 10)\n"
    "      --context L        next-item: the model ranks as 'recommend' does, with\n"
    "      --blend W          these of its options (default: the model's recorded\n"
    "      --score S          context and blend, score predict; see 'item2vec\n"
    "      --keep-seen        recommend --help')\n"
    "      --train FILE       next-item: the training sequences, for the baselines\n"
    "      --variance X       dims: the share of variance to explain (default 0.9)\n"
    "      --json             one JSON object instead of tables\n"
    "  -h, --help             this help\n\n"
    "Next-item protocol (leave-last-out; 'item2vec split' makes the files):\n"
    "each line of the --next-item file is a sequence whose last item is the\n"
    "target and whose other items are the history (\"history<TAB>target\" is\n"
    "the same).  The model ranks the candidates exactly as 'recommend' would\n"
    "answer the history (and, with a blend, again without it: 'model alone');\n"
    "the baselines rank every item but the history's.  A target repeated from\n"
    "the history is therefore a miss for all (unless --keep-seen, for the\n"
    "model).  HR@k: share of lines with the target in the top k; MRR: mean of\n"
    "1/rank over the full ranking; NDCG@k: mean of 1/log2(rank + 1) for ranks\n"
    "up to k.  A line the model cannot rank (unknown target, no known history\n"
    "item) is a miss.\n"
    "Baselines, from the --train sequences: 'popular' ranks items by training\n"
    "count; 'transition' ranks them by how often they directly followed the\n"
    "history's last item, then by count.\n\n"
    "Analogy and pair conventions are those of gensim's evaluate_word_analogies\n"
    "and evaluate_word_pairs, so both report the same figures on one model.\n"
    "Lines of the wrong shape are skipped and reported on stderr with their\n"
    "numbers; a file with nothing to evaluate is an error (exit 1).\n"
    "\nExamples:\n"
    "  item2vec split -i sessions.txt --train train.txt --test test.txt\n"
    "  item2vec eval -m model.i2v --next-item test.txt --train train.txt\n"
    "  item2vec eval -m model.i2v --pairs wordsim353.tsv --analogies questions-words.txt\n"
    "  item2vec eval -m model.i2v --groups truth.tsv --dims\n";

enum {
    OPT_ANALOGIES = 256, OPT_PAIRS, OPT_NEXT, OPT_DIMS, OPT_GROUPS, OPT_RESTRICT,
    OPT_CASE_SENSITIVE, OPT_METHOD, OPT_CONTEXT, OPT_SCORE, OPT_TRAIN, OPT_VARIANCE, OPT_JSON,
    OPT_BLEND, OPT_KEEP_SEEN
};

typedef struct eval_args {
    eval_results r;
    int json;
    /* How the model ranks next items: the model's recorded defaults,
     * then what the command line gave. */
    i2v_train_params given;  /* --context, --blend */
    uint32_t given_mask;
    int keep_seen;
    i2v_rec_score score;
} eval_args;

static int parse_method(const char *text, i2v_analogy_method *out)
{
    if (strcmp(text, "add") == 0)
        *out = I2V_ANALOGY_ADD;
    else if (strcmp(text, "mul") == 0)
        *out = I2V_ANALOGY_MUL;
    else
        return cli_usage_error("--method: '%s' is not add or mul", text), -1;
    return 0;
}

/* "output" is the name earlier versions gave the model's prediction. */
static int parse_score(const char *text, i2v_rec_score *out)
{
    if (strcmp(text, "predict") == 0 || strcmp(text, "output") == 0)
        *out = I2V_REC_PREDICT;
    else if (strcmp(text, "dot") == 0)
        *out = I2V_REC_DOT;
    else if (strcmp(text, "cosine") == 0)
        *out = I2V_REC_COSINE;
    else
        return cli_usage_error("--score: '%s' is not predict, dot or cosine", text), -1;
    return 0;
}

static int check_eval_args(int argc, char **argv, const eval_results *r)
{
    if (optind < argc)
        return cli_usage_error("unexpected argument '%s'", argv[optind]);
    if (!r->model_path)
        return cli_usage_error("-m MODEL is required");
    if (!r->analogies_path && !r->pairs_path && !r->next_path && !r->want_dims &&
        !r->groups_path)
        return cli_usage_error("nothing to evaluate: give --analogies, --pairs, --next-item, "
                               "--dims or --groups");
    if (r->train_path && !r->next_path)
        return cli_usage_error("--train is for --next-item, which is missing");
    const char *inputs[] = {r->analogies_path, r->pairs_path, r->next_path, r->train_path,
                            r->groups_path};
    int stdin_uses = 0;
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++)
        stdin_uses += inputs[i] && strcmp(inputs[i], "-") == 0;
    if (stdin_uses > 1)
        return cli_usage_error("only one input can be standard input (-)");
    return -1;
}

/* Returns -1 to go on, or the exit code. */
static int parse_eval_args(int argc, char **argv, eval_args *a)
{
    static const struct option options[] = {
        {"model", required_argument, NULL, 'm'},
        {"analogies", required_argument, NULL, OPT_ANALOGIES},
        {"pairs", required_argument, NULL, OPT_PAIRS},
        {"next-item", required_argument, NULL, OPT_NEXT},
        {"dims", no_argument, NULL, OPT_DIMS},
        {"groups", required_argument, NULL, OPT_GROUPS},
        {"restrict", required_argument, NULL, OPT_RESTRICT},
        {"case-sensitive", no_argument, NULL, OPT_CASE_SENSITIVE},
        {"method", required_argument, NULL, OPT_METHOD},
        {"context", required_argument, NULL, OPT_CONTEXT},
        {"score", required_argument, NULL, OPT_SCORE},
        {"blend", required_argument, NULL, OPT_BLEND},
        {"keep-seen", no_argument, NULL, OPT_KEEP_SEEN},
        {"train", required_argument, NULL, OPT_TRAIN},
        {"variance", required_argument, NULL, OPT_VARIANCE},
        {"json", no_argument, NULL, OPT_JSON},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    eval_results *r = &a->r;
    int c, bad = 0;
    opterr = 0;
    while (!bad && (c = cli_getopt_long(argc, argv, ":m:k:h", options)) != -1) {
        switch (c) {
        case 'm': r->model_path = optarg; break;
        case OPT_ANALOGIES: r->analogies_path = optarg; break;
        case OPT_PAIRS: r->pairs_path = optarg; break;
        case OPT_NEXT: r->next_path = optarg; break;
        case OPT_DIMS: r->want_dims = 1; break;
        case OPT_GROUPS: r->groups_path = optarg; break;
        case OPT_TRAIN: r->train_path = optarg; break;
        case OPT_RESTRICT:
            bad = cli_parse_u32("--restrict", optarg, 0, UINT32_MAX,
                                &r->word_options.restrict_vocab);
            break;
        case OPT_CASE_SENSITIVE: r->word_options.case_sensitive = 1; break;
        case OPT_METHOD: bad = parse_method(optarg, &r->word_options.method); break;
        case 'k': bad = cli_parse_u32("-k", optarg, 1, 1000000, &r->next_options.k); break;
        case OPT_CONTEXT:
            bad = cli_parse_param("--context", I2V_PARAM_CONTEXT, optarg, &a->given);
            a->given_mask |= 1u << I2V_PARAM_CONTEXT;
            break;
        case OPT_BLEND:
            bad = cli_parse_param("--blend", I2V_PARAM_BLEND, optarg, &a->given);
            a->given_mask |= 1u << I2V_PARAM_BLEND;
            break;
        case OPT_KEEP_SEEN: a->keep_seen = 1; break;
        case OPT_SCORE: bad = parse_score(optarg, &a->score); break;
        case OPT_VARIANCE:
            bad = cli_parse_double("--variance", optarg, 1e-9, 1, &r->dims_share);
            break;
        case OPT_JSON: a->json = 1; break;
        case 'h':
            return cli_print_help(eval_help);
        default: return cli_bad_option(argv);
        }
    }
    if (bad)
        return EXIT_USAGE;
    return check_eval_args(argc, argv, r);
}

/* The evaluation files, opened before the model is loaded so that a typo
 * fails at once. */
typedef struct eval_inputs {
    FILE *analogies, *pairs, *next, *train, *groups;
} eval_inputs;

static int open_one(const char *path, FILE **f)
{
    *f = NULL;
    return !path || (*f = cli_open_input(path)) != NULL;
}

static void close_inputs(eval_inputs *in)
{
    cli_close_input(in->analogies);
    cli_close_input(in->pairs);
    cli_close_input(in->next);
    cli_close_input(in->train);
    cli_close_input(in->groups);
}

static int open_inputs(const eval_results *r, eval_inputs *in)
{
    memset(in, 0, sizeof *in);
    if (open_one(r->analogies_path, &in->analogies) && open_one(r->pairs_path, &in->pairs) &&
        open_one(r->next_path, &in->next) && open_one(r->train_path, &in->train) &&
        open_one(r->groups_path, &in->groups))
        return 0;
    close_inputs(in);
    return -1;
}

static const char *display_name(const char *path)
{
    return strcmp(path, "-") ? path : "standard input";
}

/* The next-item options: the model's recorded defaults, then the
 * command line's. */
static void settle_next_options(eval_args *a, const i2v_model *model)
{
    uint32_t k = a->r.next_options.k;
    i2v_next_options_default(model, &a->r.next_options);
    a->r.next_options.k = k;
    i2v_recommend_options *o = &a->r.next_options.recommend;
    if (a->given_mask >> I2V_PARAM_CONTEXT & 1)
        o->context = a->given.context;
    if (a->given_mask >> I2V_PARAM_BLEND & 1)
        o->blend = a->given.blend;
    o->keep_seen = a->keep_seen;
    o->score = a->score;
}

/* Runs the asked tasks in order; stops at the first failure. */
static i2v_status run_tasks(eval_results *r, eval_inputs *in, i2v_error *err)
{
    const i2v_model *m = r->model;
    i2v_status st = I2V_OK;
    if (r->analogies_path)
        st = i2v_eval_analogies(m, in->analogies, display_name(r->analogies_path),
                                &r->word_options, &r->analogies, err);
    if (st == I2V_OK && r->pairs_path)
        st = i2v_eval_pairs(m, in->pairs, display_name(r->pairs_path), &r->word_options,
                            &r->pairs, err);
    if (st == I2V_OK && r->next_path) {
        i2v_baselines *b = NULL;
        if (r->train_path)
            st = i2v_baselines_create(in->train, display_name(r->train_path), &b, err);
        if (st == I2V_OK)
            st = i2v_eval_next_item(m, b, in->next, display_name(r->next_path), &r->next_options,
                                    &r->next, err);
        i2v_baselines_free(b);
    }
    if (st == I2V_OK && r->want_dims)
        st = i2v_eval_dims(m, r->dims_share, &r->dims, err);
    if (st == I2V_OK && r->groups_path)
        st = i2v_eval_purity(m, in->groups, display_name(r->groups_path), r->next_options.k,
                             &r->purity, err);
    return st;
}

static void warn_malformed(const eval_results *r)
{
    if (r->analogies_path)
        eval_warn_malformed(r->analogies_path, &r->analogies.malformed, "\"a b c d\"");
    if (r->pairs_path)
        eval_warn_malformed(r->pairs_path, &r->pairs.malformed, "\"item item score\"");
    if (r->next_path)
        eval_warn_malformed(r->next_path, &r->next.malformed,
                            "a history and a target (two or more items)");
    if (r->groups_path)
        eval_warn_malformed(r->groups_path, &r->purity.malformed,
                            "\"item<TAB>group\", each item once");
}

int cmd_eval(int argc, char **argv)
{
    eval_args a;
    memset(&a, 0, sizeof a);
    i2v_word_eval_options_default(&a.r.word_options);
    a.r.next_options.k = 10;
    a.r.dims_share = 0.9;
    int code = parse_eval_args(argc, argv, &a);
    if (code >= 0)
        return code;
    cli_file inputs[] = {{"-m", a.r.model_path, 0},      {"--analogies", a.r.analogies_path, 0},
                         {"--pairs", a.r.pairs_path, 0}, {"--next-item", a.r.next_path, 0},
                         {"--train", a.r.train_path, 0}, {"--groups", a.r.groups_path, 0}};
    if ((code = cli_check_files(inputs, sizeof inputs / sizeof *inputs, NULL, 0, 1)) >= 0)
        return code;

    i2v_model *model = answers_open_model(a.r.model_path);
    if (!model)
        return EXIT_RUNTIME;
    eval_inputs in;
    if (open_inputs(&a.r, &in) != 0) {
        i2v_model_free(model);
        return EXIT_RUNTIME;
    }
    i2v_error err;
    i2v_status st = I2V_OK;
    a.r.model = model;
    if (st == I2V_OK)
        settle_next_options(&a, model);
    if (st == I2V_OK)
        st = run_tasks(&a.r, &in, &err);
    close_inputs(&in);
    if (st == I2V_OK && a.r.next_path)
        answers_say_notes(a.r.next.notes, a.r.model_path);
    if (st == I2V_OK) {
        warn_malformed(&a.r);
        if (a.json)
            eval_print_json(&a.r, stdout);
        else
            eval_print_table(&a.r, stdout);
    }
    i2v_analogy_eval_free(&a.r.analogies);
    i2v_model_free(model);
    if (st != I2V_OK)
        return cli_fail(&err);
    return cli_exit_status();
}
