/* item2vec tune: sequences in, the model of the settings that win on
 * them out, with the search's table and the winning train command. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "files.h"
#include "options.h"
#include "progress.h"

static const char tune_usage[] =
    "Usage: item2vec tune -i FILE -o MODEL [options]\n"
    "Finds the training settings that win on FILE itself and writes the winner,\n"
    "trained on all of FILE.  The last item of up to --validation sequences\n"
    "(chosen by --seed) is held out; candidates train on the rest and are scored\n"
    "on those lines as 'recommend' answers them (or by neighbour purity against\n"
    "--groups, or Spearman against --pairs, on all of FILE).\n\n";

static const char tune_details[] =
    "\nThe search: the defaults are candidate 0; the others draw ns-exponent in\n"
    "[-1, 1], window 1..10 or 0, sample 0 or 1e-5..1e-3, epochs 5..200, dim\n"
    "(10..30) x V^(1/4), negative 5..20, alpha 0.0125..0.05 and, one in four,\n"
    "--cbow.  Successive halving: every candidate trains a third of a third ...\n"
    "of its epochs, the best third continues (from where it stopped, its\n"
    "learning rate falling on as in one run) to three times as far, and so on;\n"
    "while time is left, more brackets of new candidates follow.  The survivor\n"
    "and the defaults then get the recommend --context (1, 2, 3, 5, 10), --blend\n"
    "(0, 0.5, 1, 2, 5, 10, 30, 100) and successors per item (the candidate's,\n"
    "50, 100) that score best, one at a time, the contexts twice; candidates\n"
    "are scored with the best serving of the defaults after one epoch.  The\n"
    "defaults win unless the survivor beats them.  A timed epoch of the\n"
    "defaults plans how many candidates the budget holds (no candidate's\n"
    "training above a sixth of it); every step is checked against what the\n"
    "rest of the run needs, so the run ends within the budget, the final\n"
    "training included.\n"
    "\nOutput: one line per scoring on stderr; on stdout the best candidates\n"
    "beside the defaults and the popularity and transition baselines on the same\n"
    "lines, each score with its standard error (a difference within it is a\n"
    "tie), and the winning 'item2vec train' command (--json: the whole report).\n"
    "The model's header holds the winning settings ('info' shows them).  With\n"
    "-o - the model goes to stdout and the report to stderr.  The plan depends\n"
    "on this machine's speed: --trials and --max-epochs as the report gives them,\n"
    "with --threads 1 (or --deterministic, any --threads), repeat a run's choice\n"
    "and its model bytes.\n"
    "\n--grid 'dim=32,64 window=2,5 blend=0,1' trains every combination of the\n"
    "training values in full and tries every context and blend on each, instead\n"
    "of the search.\n"
    "\nExamples:\n"
    "  item2vec tune -i sessions.txt -o best.i2v\n"
    "  item2vec tune -i sessions.txt -o best.i2v --budget 30m --metric mrr\n"
    "  item2vec tune -i sessions.txt -o best.i2v --metric purity --groups truth.tsv\n";

enum { OPT_BUDGET = 256, OPT_METRIC, OPT_GROUPS, OPT_PAIRS, OPT_TRIALS, OPT_MAX_EPOCHS,
       OPT_VALIDATION, OPT_GRID, OPT_JSON, OPT_MIN_COUNT, OPT_MAX_VOCAB, OPT_SUCCESSORS,
       OPT_SEED, OPT_TMPDIR, OPT_DETERMINISTIC, OPT_KERNEL };

#define NONE I2V_PARAM_NONE
static const cli_option tune_options[] = {
    {"input", 'i', "FILE", NONE, "sequences; - reads standard input", NULL},
    {"output", 'o', "MODEL", NONE, "the winner as a native model (successors, output "
     "vectors and the settings in its header)", NULL},
    {"budget", OPT_BUDGET, "TIME", NONE, "wall time of the whole run: 90, 90s, 2m, 1.5h",
     "10m"},
    {"metric", OPT_METRIC, "M", NONE, "hr (HR@k), mrr, ndcg (NDCG@k) of the held-out next "
     "items; purity (needs --groups); spearman (needs --pairs)", "hr"},
    {"top", 'k', "N", NONE, "the k of HR@k, NDCG@k and purity@k", "10"},
    {"groups", OPT_GROUPS, "FILE", NONE, "item<TAB>group lines, for --metric purity", NULL},
    {"pairs", OPT_PAIRS, "FILE", NONE, "item item score lines, for --metric spearman", NULL},
    {"validation", OPT_VALIDATION, "N", NONE, "held-out lines (at most a fifth of the "
     "sequences of two items or more)", "5000"},
    {"trials", OPT_TRIALS, "N", NONE, "first-round candidates, 1..729", "as the budget allows"},
    {"max-epochs", OPT_MAX_EPOCHS, "N", NONE, "most epochs of a candidate, 1..200",
     "from the budget"},
    {"grid", OPT_GRID, "SPEC", NONE, "NAME=V1,V2 ... (repeatable): an exhaustive grid "
     "instead of the search", NULL},
    {"min-count", OPT_MIN_COUNT, "N", I2V_PARAM_MIN_COUNT, "", NULL},
    {"max-vocab", OPT_MAX_VOCAB, "N", I2V_PARAM_MAX_VOCAB, "", NULL},
    {"successors", OPT_SUCCESSORS, "N", I2V_PARAM_SUCCESSORS, "", NULL},
    {"threads", 't', "N", I2V_PARAM_THREADS, "", "online CPUs"},
    {"seed", OPT_SEED, "N", I2V_PARAM_SEED, "also chooses the held-out lines and the "
     "candidates", NULL},
    {"deterministic", OPT_DETERMINISTIC, NULL, I2V_PARAM_DETERMINISTIC, "every candidate "
     "trains as train --deterministic does: the same weights whatever --threads", "Hogwild"},
    {"kernel", OPT_KERNEL, "NAME", NONE, "the training kernel, as for train", "the fastest"},
    {"tmpdir", OPT_TMPDIR, "DIR", NONE, "for the input's copy and the spools (default $TMPDIR "
     "or /tmp)", NULL},
    {"json", OPT_JSON, NULL, NONE, "the report as one JSON object", NULL},
    {"quiet", 'q', NULL, NONE, "no progress on stderr", NULL},
    {"help", 'h', NULL, NONE, "this help", NULL},
    CLI_OPTIONS_END,
};
#undef NONE

enum { GRID_MOST = 64 }; /* values of one parameter in a grid */

typedef struct tune_args {
    const char *input, *output, *groups, *pairs;
    i2v_tune_options o;
    i2v_tune_grid grid;
    double grid_values[I2V_PARAM_COUNT][GRID_MOST];
    int has_grid, json, quiet;
    char *groups_text, *pairs_text;
} tune_args;

static int print_tune_help(void)
{
    fputs(tune_usage, stdout);
    cli_options_help(stdout, tune_options);
    fputs(tune_details, stdout);
    return cli_exit_status();
}

/* "90", "90s", "2m", "1.5h": seconds. */
static int parse_budget(const char *text, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    double unit = 1;
    if (end != text && *end) {
        unit = strcmp(end, "s") == 0 ? 1 : strcmp(end, "m") == 0 ? 60 : strcmp(end, "h") == 0 ? 3600 : 0;
    }
    if (end == text || errno || unit == 0 || !isfinite(v))
        return cli_usage_error("--budget: '%s' is not a time (90, 90s, 2m, 1.5h)", text), -1;
    if (!(v > 0) || v * unit > 30 * 86400.0)
        return cli_usage_error("--budget must be more than 0 and at most 30 days, not '%s'",
                               text),
               -1;
    *out = v * unit;
    return 0;
}

static int parse_metric(const char *text, i2v_tune_metric *out)
{
    for (int m = I2V_TUNE_HR; m <= I2V_TUNE_SPEARMAN; m++)
        if (strcmp(text, i2v_tune_metric_name((i2v_tune_metric)m)) == 0) {
            *out = (i2v_tune_metric)m;
            return 0;
        }
    return cli_usage_error("--metric: '%s' is not one of hr, mrr, ndcg, purity, spearman", text),
           -1;
}

/* One "NAME=V1,V2" of --grid; a SPEC may hold several, separated by
 * blanks. */
static int parse_grid_term(tune_args *a, const char *term, size_t len)
{
    const char *eq = memchr(term, '=', len);
    char name[64];
    if (!eq || (size_t)(eq - term) >= sizeof name)
        return cli_usage_error("--grid: '%.*s' is not NAME=V1,V2,...", (int)len, term), -1;
    memcpy(name, term, (size_t)(eq - term));
    name[eq - term] = '\0';
    int p = i2v_param_lookup(name);
    if (p == I2V_PARAM_NONE)
        return cli_usage_error("--grid: '%s' is not a training parameter", name), -1;
    if (a->grid.n[p])
        return cli_usage_error("--grid: %s is given twice", name), -1;
    char opt[80];
    snprintf(opt, sizeof opt, "--grid %s", name);
    const char *v = eq + 1, *end = term + len;
    while (v <= end) {
        const char *comma = memchr(v, ',', (size_t)(end - v));
        const char *stop = comma ? comma : end;
        char value[64];
        if (stop == v || (size_t)(stop - v) >= sizeof value)
            return cli_usage_error("--grid: %s has an empty or overlong value", name), -1;
        if (a->grid.n[p] == GRID_MOST)
            return cli_usage_error("--grid: %s has more than %d values", name, GRID_MOST), -1;
        memcpy(value, v, (size_t)(stop - v));
        value[stop - v] = '\0';
        i2v_train_params scratch = a->o.base;
        if (cli_parse_param(opt, p, value, &scratch) != 0)
            return -1;
        a->grid_values[p][a->grid.n[p]++] =
            i2v_param_describe((i2v_param)p)->type == I2V_PARAM_REAL
                ? i2v_param_real(&scratch, (i2v_param)p)
                : (double)i2v_param_whole(&scratch, (i2v_param)p);
        v = stop + 1;
    }
    a->grid.values[p] = a->grid_values[p];
    a->has_grid = 1;
    return 0;
}

static int parse_grid(tune_args *a, const char *spec)
{
    const char *s = spec;
    int any = 0;
    while (*s) {
        while (*s == ' ' || *s == '\t')
            s++;
        size_t len = strcspn(s, " \t");
        if (len && parse_grid_term(a, s, len) != 0)
            return -1;
        any |= len > 0;
        s += len;
    }
    return any ? 0 : (cli_usage_error("--grid: no NAME=V1,V2 given"), -1);
}

static int parse_tune_args(int argc, char **argv, tune_args *a)
{
    cli_getopt g;
    cli_getopt_build(tune_options, &g);
    int c, bad = 0;
    opterr = 0;
    while (!bad && (c = cli_getopt_long(argc, argv, g.shorts, g.longs)) != -1) {
        const cli_option *o = cli_option_by_key(tune_options, c);
        if (o && o->param != I2V_PARAM_NONE && !o->arg) { /* a flag: the parameter's 1 */
            i2v_param_set_whole(&a->o.base, (i2v_param)o->param, 1);
            continue;
        }
        if (o && o->param != I2V_PARAM_NONE) {
            char opt[64];
            snprintf(opt, sizeof opt, "--%s", o->name);
            bad = cli_parse_param(opt, o->param, optarg, &a->o.base);
            continue;
        }
        switch (c) {
        case 'i': a->input = optarg; break;
        case 'o': a->output = optarg; break;
        case OPT_BUDGET: bad = parse_budget(optarg, &a->o.budget_sec); break;
        case OPT_METRIC: bad = parse_metric(optarg, &a->o.metric); break;
        case 'k': bad = cli_parse_u32("--top", optarg, 1, 1000, &a->o.k); break;
        case OPT_GROUPS: a->groups = optarg; break;
        case OPT_PAIRS: a->pairs = optarg; break;
        case OPT_VALIDATION:
            bad = cli_parse_u32("--validation", optarg, 1, UINT32_MAX, &a->o.validation);
            break;
        case OPT_TRIALS:
            bad = cli_parse_u32("--trials", optarg, 1, I2V_TUNE_MAX_TRIALS, &a->o.trials);
            break;
        case OPT_MAX_EPOCHS:
            bad = cli_parse_u32("--max-epochs", optarg, 1, 200, &a->o.max_epochs);
            break;
        case OPT_GRID: bad = parse_grid(a, optarg); break;
        case OPT_TMPDIR: a->o.tmpdir = optarg; break;
        case OPT_KERNEL: bad = cli_parse_kernel(optarg, &a->o.kernel); break;
        case OPT_JSON: a->json = 1; break;
        case 'q': a->quiet = 1; break;
        case 'h': return print_tune_help();
        default: return cli_bad_option(argv);
        }
    }
    if (bad)
        return EXIT_USAGE;
    if (optind < argc)
        return cli_usage_error("unexpected argument '%s'", argv[optind]);
    if (!a->input)
        return cli_usage_error("-i FILE is required (- for standard input)");
    if (!a->output)
        return cli_usage_error("-o MODEL is required");
    if (strcmp(a->output, "-") != 0 && i2v_format_from_path(a->output) != I2V_FORMAT_NATIVE)
        return cli_usage_error("-o %s: tune writes a native model (it keeps the successors "
                               "recommend blends in); 'item2vec convert' makes other formats",
                               a->output);
    if (a->o.metric == I2V_TUNE_PURITY && !a->groups)
        return cli_usage_error("--metric purity needs --groups FILE (item<TAB>group lines)");
    if (a->o.metric == I2V_TUNE_SPEARMAN && !a->pairs)
        return cli_usage_error("--metric spearman needs --pairs FILE (item item score lines)");
    if (a->groups && a->o.metric != I2V_TUNE_PURITY)
        return cli_usage_error("--groups is for --metric purity");
    if (a->pairs && a->o.metric != I2V_TUNE_SPEARMAN)
        return cli_usage_error("--pairs is for --metric spearman");
    if (a->has_grid && (a->o.trials || a->o.max_epochs))
        return cli_usage_error("--grid trains every combination: --trials and --max-epochs "
                               "are for the search");
    if (a->has_grid)
        a->o.grid = &a->grid;
    return -1;
}

/* ---- the report ---------------------------------------------------------- */

static const char *arch_name(const i2v_train_params *p) { return p->cbow ? "cbow" : "skip-gram"; }

static void print_settings(FILE *out, const i2v_train_params *p)
{
    fprintf(out, "dim %u window %u negative %u epochs %u alpha %g sample %g ns-exponent %g %s",
            p->dim, p->window, p->negative, p->epochs, p->alpha, p->sample, p->ns_exponent,
            arch_name(p));
}

typedef struct tune_display {
    const tune_args *a;
    i2v_tune_metric metric;
    uint32_t k;
    progress_display training;
} tune_display;

static void metric_label(char *buf, size_t n, i2v_tune_metric m, uint32_t k)
{
    if (m == I2V_TUNE_HR || m == I2V_TUNE_NDCG || m == I2V_TUNE_PURITY)
        snprintf(buf, n, "%s@%u", i2v_tune_metric_name(m), k);
    else
        snprintf(buf, n, "%s", i2v_tune_metric_name(m));
}

static void show_trial(const i2v_tune_trial *t, void *user)
{
    tune_display *d = user;
    if (d->a->quiet)
        return;
    char label[32];
    metric_label(label, sizeof label, d->metric, d->k);
    fprintf(stderr, "tune: candidate %u round %u: ", t->candidate, t->round + 1);
    print_settings(stderr, &t->params);
    fprintf(stderr, " context %u blend %g (%u epochs): %s %.4f +- %.4f, %.1f s\n",
            t->params.context, t->params.blend, t->epochs_done, label, t->score, t->stderr_,
            t->seconds);
}

static void show_training(const i2v_progress *p, void *user)
{
    tune_display *d = user;
    progress_display_update(p, &d->training);
}

/* The winning training as a train command: every searched setting, and
 * the fixed ones that differ from train's defaults. */
static void print_command(FILE *out, const tune_args *a, const i2v_train_params *p)
{
    i2v_train_params def;
    i2v_train_params_default(&def);
    fprintf(out, "item2vec train -i %s -o %s", strcmp(a->input, "-") ? a->input : "FILE",
            strcmp(a->output, "-") ? a->output : "MODEL");
    for (int q = 0; q < I2V_PARAM_COUNT; q++) {
        const i2v_param_info *info = i2v_param_describe((i2v_param)q);
        int searched = q == I2V_PARAM_DIM || q == I2V_PARAM_WINDOW || q == I2V_PARAM_NEGATIVE ||
                       q == I2V_PARAM_EPOCHS || q == I2V_PARAM_ALPHA || q == I2V_PARAM_SAMPLE ||
                       q == I2V_PARAM_NS_EXPONENT || q == I2V_PARAM_CONTEXT ||
                       q == I2V_PARAM_BLEND || q == I2V_PARAM_MIN_ALPHA;
        if (q == I2V_PARAM_THREADS)
            continue;
        if (q == I2V_PARAM_CBOW || q == I2V_PARAM_DETERMINISTIC) {
            if (i2v_param_whole(p, (i2v_param)q))
                fprintf(out, " --%s", info->name);
            continue;
        }
        if (info->type == I2V_PARAM_REAL) {
            double v = i2v_param_real(p, (i2v_param)q);
            if (searched || v != i2v_param_real(&def, (i2v_param)q))
                fprintf(out, " --%s %.10g", info->name, v);
        } else {
            uint64_t v = i2v_param_whole(p, (i2v_param)q);
            if (searched || v != i2v_param_whole(&def, (i2v_param)q))
                fprintf(out, " --%s %llu", info->name, (unsigned long long)v);
        }
    }
    fputc('\n', out);
}

/* Candidates by their furthest scoring of the search, best first. */
static size_t best_candidates(const i2v_tune_report *r, const i2v_tune_trial **out, size_t most)
{
    size_t n = 0;
    for (size_t i = r->n_trials; i-- > 0;) {
        const i2v_tune_trial *t = &r->trials[i];
        if (t->round >= r->rounds || isnan(t->score))
            continue;
        int seen = 0;
        for (size_t j = 0; j < n && !seen; j++)
            seen = out[j]->candidate == t->candidate;
        if (seen)
            continue;
        /* Insert by (round, score) descending. */
        size_t at = n < most ? n : most;
        for (size_t j = 0; j < (n < most ? n : most); j++)
            if (t->round > out[j]->round ||
                (t->round == out[j]->round && t->score > out[j]->score)) {
                at = j;
                break;
            }
        if (at >= most)
            continue;
        size_t end = n < most ? n : most - 1;
        memmove(&out[at + 1], &out[at], (end - at) * sizeof *out);
        out[at] = t;
        if (n < most)
            n++;
    }
    return n;
}

static const char *versus(double score, double se, const i2v_tune_trial *best)
{
    double d = best->score - score, bound = se > best->stderr_ ? se : best->stderr_;
    if (isnan(d))
        return "";
    return fabs(d) <= bound ? "tie" : d > 0 ? "below" : "above";
}

static void print_row(FILE *out, const char *what, double score, double se,
                      const i2v_tune_trial *best, const i2v_tune_trial *t)
{
    fprintf(out, "%-14s %8.4f %8.4f  %-7s", what, score, se, t == best ? "" : versus(score, se, best));
    if (t) {
        fputs("  ", out);
        print_settings(out, &t->params);
        fprintf(out, " context %u blend %g", t->params.context, t->params.blend);
        if (t->epochs_done != t->params.epochs)
            fprintf(out, " (round %u: %u epochs)", t->round + 1, t->epochs_done);
    }
    fputc('\n', out);
}

static void print_table(FILE *out, const tune_args *a, const i2v_tune_report *r)
{
    char label[32];
    metric_label(label, sizeof label, r->metric, r->k);
    if (r->validation_lines)
        fprintf(out, "# %s of the next item on %llu validation lines held out from %llu "
                     "sequences (%u items)\n",
                label, (unsigned long long)r->validation_lines,
                (unsigned long long)r->sequences, r->items);
    else
        fprintf(out, "# %s on all %llu sequences (%u items)\n", label,
                (unsigned long long)r->sequences, r->items);
    if (a->has_grid)
        fprintf(out, "# grid: %u combinations%s; %.1f s searching, %.1f s in all\n",
                r->candidates, r->budget_cut ? ", cut short by the budget" : "", r->search_sec,
                r->total_sec);
    else
        fprintf(out, "# search: %u candidates in %u bracket%s of up to %u rounds, epochs up to "
                     "%u%s; %.1f s searching, %.1f s in all\n",
                r->candidates, r->brackets, r->brackets == 1 ? "" : "s", r->rounds, r->max_epochs,
                r->budget_cut ? ", cut short by the budget" : "", r->search_sec, r->total_sec);
    fprintf(out, "%-14s %8s %8s  %-7s  settings\n", "row", label, "stderr", "vs best");
    print_row(out, "tuned", r->best.score, r->best.stderr_, &r->best, &r->best);
    const i2v_tune_trial *top[5];
    size_t n = best_candidates(r, top, 5);
    for (size_t i = 0; i < n; i++) {
        char what[32];
        snprintf(what, sizeof what, "candidate %u", top[i]->candidate);
        print_row(out, what, top[i]->score, top[i]->stderr_, &r->best, top[i]);
    }
    print_row(out, "defaults", r->defaults.score, r->defaults.stderr_, &r->best, &r->defaults);
    if (r->has_baselines) {
        print_row(out, "transition", r->transition, r->transition_stderr, &r->best, NULL);
        print_row(out, "popular", r->popular, r->popular_stderr, &r->best, NULL);
    }
    fputs("# a difference within the larger standard error is a tie\n", out);
    if (r->best.candidate == 0 && !a->has_grid)
        fputs("# no candidate beat the defaults' training: the tuned model is the defaults'\n",
              out);
    print_command(out, a, &r->best.params);
}

static void json_number(FILE *out, double v)
{
    if (isfinite(v))
        fprintf(out, "%.10g", v);
    else
        fputs("null", out);
}

static void json_params(FILE *out, const i2v_train_params *p)
{
    fputc('{', out);
    for (int q = 0; q < I2V_PARAM_COUNT; q++) {
        const i2v_param_info *info = i2v_param_describe((i2v_param)q);
        fprintf(out, "%s", q ? "," : "");
        cli_json_string(out, info->name, strlen(info->name));
        fputc(':', out);
        if (info->type == I2V_PARAM_REAL)
            json_number(out, i2v_param_real(p, (i2v_param)q));
        else
            fprintf(out, "%llu", (unsigned long long)i2v_param_whole(p, (i2v_param)q));
    }
    fputc('}', out);
}

static void json_trial(FILE *out, const i2v_tune_trial *t)
{
    fprintf(out, "{\"candidate\":%u,\"round\":%u,\"epochs_done\":%u,\"score\":", t->candidate,
            t->round, t->epochs_done);
    json_number(out, t->score);
    fputs(",\"stderr\":", out);
    json_number(out, t->stderr_);
    fputs(",\"seconds\":", out);
    json_number(out, t->seconds);
    fputs(",\"params\":", out);
    json_params(out, &t->params);
    fputc('}', out);
}

static void print_json(FILE *out, const tune_args *a, const i2v_tune_report *r)
{
    fputs("{\"metric\":", out);
    const char *m = i2v_tune_metric_name(r->metric);
    cli_json_string(out, m, strlen(m));
    fprintf(out, ",\"k\":%u,\"sequences\":%llu,\"validation_lines\":%llu,\"items\":%u,"
                 "\"grid\":%s,\"candidates\":%u,\"brackets\":%u,\"rounds\":%u,\"max_epochs\":%u,"
                 "\"budget_sec\":",
            r->k, (unsigned long long)r->sequences, (unsigned long long)r->validation_lines,
            r->items, a->has_grid ? "true" : "false", r->candidates, r->brackets, r->rounds,
            r->max_epochs);
    json_number(out, a->o.budget_sec);
    fprintf(out, ",\"budget_cut\":%s,\"search_sec\":", r->budget_cut ? "true" : "false");
    json_number(out, r->search_sec);
    fputs(",\"total_sec\":", out);
    json_number(out, r->total_sec);
    fputs(",\"best\":", out);
    json_trial(out, &r->best);
    fputs(",\"defaults\":", out);
    json_trial(out, &r->defaults);
    if (r->has_baselines) {
        fputs(",\"transition\":{\"score\":", out);
        json_number(out, r->transition);
        fputs(",\"stderr\":", out);
        json_number(out, r->transition_stderr);
        fputs("},\"popular\":{\"score\":", out);
        json_number(out, r->popular);
        fputs(",\"stderr\":", out);
        json_number(out, r->popular_stderr);
        fputc('}', out);
    }
    fputs(",\"trials\":[", out);
    for (size_t i = 0; i < r->n_trials; i++) {
        fputs(i ? "," : "", out);
        json_trial(out, &r->trials[i]);
    }
    fputs("]}\n", out);
}

/* ---- the command --------------------------------------------------------- */

static int load_texts(tune_args *a)
{
    if (a->groups) {
        if (!(a->groups_text = cli_read_whole(a->groups, &a->o.groups_len)))
            return -1;
        a->o.groups = a->groups_text;
        a->o.groups_name = a->groups;
    }
    if (a->pairs) {
        if (!(a->pairs_text = cli_read_whole(a->pairs, &a->o.pairs_len)))
            return -1;
        a->o.pairs = a->pairs_text;
        a->o.pairs_name = a->pairs;
    }
    return 0;
}

static int tune_and_write(tune_args *a, FILE *in)
{
    cli_output out;
    if (cli_output_open(&out, a->output) != 0)
        return EXIT_RUNTIME;
    const char *in_name = strcmp(a->input, "-") ? a->input : "standard input";
    tune_display d = {a, a->o.metric, a->o.k, {0}};
    progress_display_init(&d.training);
    i2v_tune_report report;
    i2v_model *model = NULL;
    i2v_error err;
    i2v_status st = i2v_tune(in, in_name, &a->o, show_trial, a->quiet ? NULL : show_training, &d,
                             &report, &model, &err);
    progress_display_finish(&d.training);
    if (st == I2V_OK)
        st = i2v_model_write(model, out.f, I2V_FORMAT_NATIVE, a->output, &err);
    i2v_model_free(model);
    int code;
    if (st != I2V_OK) {
        cli_output_abort(&out);
        code = cli_fail(&err);
    } else {
        /* The report first: if it cannot be written, the run fails and
         * the previous model stays. */
        FILE *report_to = out.is_stdout ? stderr : stdout;
        if (a->json)
            print_json(report_to, a, &report);
        else
            print_table(report_to, a, &report);
        if (!out.is_stdout && cli_flush_stdout() != 0) {
            cli_output_abort(&out);
            code = EXIT_RUNTIME;
        } else {
            code = cli_output_commit(&out) == 0 ? EXIT_OK : EXIT_RUNTIME;
        }
    }
    i2v_tune_report_free(&report);
    return code;
}

int cmd_tune(int argc, char **argv)
{
    tune_args a;
    memset(&a, 0, sizeof a);
    i2v_tune_options_default(&a.o);
    a.o.base.threads = cli_online_cpus() < I2V_MAX_THREADS ? cli_online_cpus() : I2V_MAX_THREADS;
    int code = parse_tune_args(argc, argv, &a);
    if (code < 0) {
        cli_file in[] = {{"-i", a.input, 0}, {"--groups", a.groups, 0}, {"--pairs", a.pairs, 0}};
        cli_file out[] = {{"-o", a.output, 0}};
        code = cli_check_files(in, 3, out, 1, 1);
    }
    if (code < 0 && load_texts(&a) != 0)
        code = EXIT_RUNTIME;
    FILE *in = NULL;
    if (code < 0 && !(in = cli_open_input(a.input)))
        code = EXIT_RUNTIME;
    if (code < 0)
        code = tune_and_write(&a, in);
    cli_close_input(in);
    free(a.groups_text);
    free(a.pairs_text);
    return code;
}
