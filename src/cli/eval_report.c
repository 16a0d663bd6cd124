/* Printing `item2vec eval` results: aligned tables, or one JSON object.
 * Undefined figures (no question attempted, a constant series) show as
 * "n/a" and as JSON null, never as a made-up 0. */
#include <math.h>
#include <string.h>

#include "cli.h"
#include "eval_report.h"

static const char *method_name(i2v_analogy_method m)
{
    return m == I2V_ANALOGY_MUL ? "3CosMul" : "3CosAdd";
}

static double ratio(uint64_t part, uint64_t whole)
{
    return whole ? (double)part / (double)whole : NAN;
}

void eval_warn_malformed(const char *path, const i2v_eval_malformed *m, const char *shape)
{
    if (m->count == 0)
        return;
    char lines[128] = "";
    size_t kept = m->count < I2V_EVAL_LINES_KEPT ? m->count : I2V_EVAL_LINES_KEPT, at = 0;
    for (size_t i = 0; i < kept && at < sizeof lines; i++)
        at += (size_t)snprintf(lines + at, sizeof lines - at, "%s%llu", i ? ", " : "",
                               (unsigned long long)m->lines[i]);
    cli_error("%s: %llu malformed line%s skipped (line%s %s%s): expected %s", path,
              (unsigned long long)m->count, m->count == 1 ? "" : "s", m->count == 1 ? "" : "s",
              lines, m->count > kept ? ", ..." : "", shape);
}

/* ---- table ------------------------------------------------------------- */

/* v with `decimals` decimals, right-aligned in `width` columns. */
static void put_number(FILE *out, int width, int decimals, double v)
{
    if (isnan(v))
        fprintf(out, "%*s", width, "n/a");
    else
        fprintf(out, "%*.*f", width, decimals, v);
}

static void table_section(FILE *out, const i2v_analogy_section *s)
{
    fprintf(out, "  %-32s %9llu %10llu %9llu ", *s->name ? s->name : "(no section)",
            (unsigned long long)s->correct, (unsigned long long)s->attempted,
            (unsigned long long)s->skipped);
    put_number(out, 9, 2, 100 * ratio(s->correct, s->attempted));
    fputs(isnan(ratio(s->correct, s->attempted)) ? "\n" : "%\n", out);
}

static void table_analogies(const eval_results *r, FILE *out)
{
    const i2v_analogy_eval *a = &r->analogies;
    fprintf(out, "analogies: %s (%s, restrict %u, %s)\n", r->analogies_path,
            method_name(r->word_options.method), r->word_options.restrict_vocab,
            r->word_options.case_sensitive ? "case-sensitive" : "case folded");
    fprintf(out, "  %-32s %9s %10s %9s %10s\n", "section", "correct", "attempted", "skipped",
            "accuracy");
    for (size_t i = 0; i < a->n_sections; i++)
        table_section(out, &a->sections[i]);
    table_section(out, &a->total);
    fputc('\n', out);
}

static void table_pairs(const eval_results *r, FILE *out)
{
    const i2v_pairs_eval *p = &r->pairs;
    fprintf(out, "pairs: %s\n  pairs %llu, used %llu, out of vocabulary %llu (", r->pairs_path,
            (unsigned long long)p->pairs, (unsigned long long)p->used,
            (unsigned long long)p->oov);
    put_number(out, 0, 1, 100 * ratio(p->oov, p->pairs));
    fputs("%)\n  spearman ", out);
    put_number(out, 0, 4, p->spearman);
    fputs("  pearson ", out);
    put_number(out, 0, 4, p->pearson);
    fputs("\n\n", out);
}

static void table_metrics(FILE *out, const char *name, const i2v_rank_metrics *m)
{
    fprintf(out, "  %-12s %8.4f %8.4f %8.4f\n", name, m->hit_rate, m->mrr, m->ndcg);
}

static void table_next(const eval_results *r, FILE *out)
{
    const i2v_next_eval *n = &r->next;
    uint32_t k = r->next_options.k;
    fprintf(out, "next-item: %s (%llu lines; the model as recommend answers: context %u%s, "
            "score %s, blend %g%s)\n", r->next_path, (unsigned long long)n->lines,
            n->used.context, n->used.context == 0 ? " = whole history" : "",
            i2v_rec_score_name(n->used.score), n->used.blend,
            n->used.keep_seen ? ", seen items kept" : "");
    char hr[32], ndcg[32];
    snprintf(hr, sizeof hr, "HR@%u", k);
    snprintf(ndcg, sizeof ndcg, "NDCG@%u", k);
    fprintf(out, "  %-12s %8s %8s %8s\n", "method", hr, "MRR", ndcg);
    table_metrics(out, "model", &n->model);
    if (n->has_model_alone)
        table_metrics(out, "model alone", &n->model_alone);
    if (n->has_baselines) {
        table_metrics(out, "popular", &n->popular);
        table_metrics(out, "transition", &n->transition);
    }
    fprintf(out, "  misses for every method: target repeats the history %llu\n"
            "  misses for the model: target unknown %llu, no query item known %llu\n\n",
            (unsigned long long)n->target_in_history, (unsigned long long)n->target_unknown,
            (unsigned long long)n->context_unknown);
}

static void table_dims(const eval_results *r, FILE *out)
{
    const i2v_dims_eval *d = &r->dims;
    fprintf(out, "dims: %u dimensions, %u items\n  components for %g%% of the variance: %u\n"
            "  top explained-variance ratios:", d->dim, d->items, 100 * d->share, d->components);
    for (uint32_t i = 0; i < d->n_top; i++)
        fprintf(out, " %.4f", d->top[i]);
    fputs("\n\n", out);
}

static void table_purity(const eval_results *r, FILE *out)
{
    const i2v_purity_eval *p = &r->purity;
    fprintf(out, "purity@%u: %s\n  items %llu, in the model %llu, unknown %llu: purity ", p->k,
            r->groups_path, (unsigned long long)p->items, (unsigned long long)p->used,
            (unsigned long long)p->unknown);
    put_number(out, 0, 4, p->purity);
    fputs("\n\n", out);
}

void eval_print_table(const eval_results *r, FILE *out)
{
    fprintf(out, "model: %s (%s, %u items, %u dimensions%s)\n\n", r->model_path,
            i2v_format_name(i2v_model_format(r->model)), i2v_model_size(r->model), i2v_model_dim(r->model),
            i2v_model_output(r->model, 0) ? ", output vectors" : "");
    if (r->analogies_path)
        table_analogies(r, out);
    if (r->pairs_path)
        table_pairs(r, out);
    if (r->next_path)
        table_next(r, out);
    if (r->want_dims)
        table_dims(r, out);
    if (r->groups_path)
        table_purity(r, out);
}

/* ---- JSON -------------------------------------------------------------- */

static void json_string(FILE *out, const char *s)
{
    cli_json_string(out, s, strlen(s));
}

static void json_number(FILE *out, double v)
{
    if (isfinite(v))
        fprintf(out, "%.10g", v);
    else
        fputs("null", out);
}

static void json_malformed(FILE *out, const i2v_eval_malformed *m)
{
    fprintf(out, "\"malformed\": {\"count\": %llu, \"lines\": [", (unsigned long long)m->count);
    size_t kept = m->count < I2V_EVAL_LINES_KEPT ? m->count : I2V_EVAL_LINES_KEPT;
    for (size_t i = 0; i < kept; i++)
        fprintf(out, "%s%llu", i ? ", " : "", (unsigned long long)m->lines[i]);
    fputs("]}", out);
}

static void json_section(FILE *out, const i2v_analogy_section *s)
{
    fputs("{\"name\": ", out);
    json_string(out, s->name);
    fprintf(out, ", \"correct\": %llu, \"attempted\": %llu, \"skipped\": %llu, \"accuracy\": ",
            (unsigned long long)s->correct, (unsigned long long)s->attempted,
            (unsigned long long)s->skipped);
    json_number(out, ratio(s->correct, s->attempted));
    putc('}', out);
}

static void json_analogies(const eval_results *r, FILE *out)
{
    const i2v_analogy_eval *a = &r->analogies;
    fputs(", \"analogies\": {\"file\": ", out);
    json_string(out, r->analogies_path);
    fprintf(out, ", \"method\": \"%s\", \"restrict\": %u, \"case_sensitive\": %s, \"sections\": [",
            r->word_options.method == I2V_ANALOGY_MUL ? "mul" : "add",
            r->word_options.restrict_vocab, r->word_options.case_sensitive ? "true" : "false");
    for (size_t i = 0; i < a->n_sections; i++) {
        if (i)
            fputs(", ", out);
        json_section(out, &a->sections[i]);
    }
    fputs("], \"total\": ", out);
    json_section(out, &a->total);
    fputs(", ", out);
    json_malformed(out, &a->malformed);
    putc('}', out);
}

static void json_pairs(const eval_results *r, FILE *out)
{
    const i2v_pairs_eval *p = &r->pairs;
    fputs(", \"pairs\": {\"file\": ", out);
    json_string(out, r->pairs_path);
    fprintf(out, ", \"restrict\": %u, \"case_sensitive\": %s, \"pairs\": %llu, \"used\": %llu, "
            "\"oov\": %llu, \"oov_ratio\": ", r->word_options.restrict_vocab,
            r->word_options.case_sensitive ? "true" : "false", (unsigned long long)p->pairs,
            (unsigned long long)p->used, (unsigned long long)p->oov);
    json_number(out, ratio(p->oov, p->pairs));
    fputs(", \"spearman\": ", out);
    json_number(out, p->spearman);
    fputs(", \"pearson\": ", out);
    json_number(out, p->pearson);
    fputs(", ", out);
    json_malformed(out, &p->malformed);
    putc('}', out);
}

static void json_metrics(FILE *out, const char *name, const i2v_rank_metrics *m)
{
    fprintf(out, ", \"%s\": {\"hits\": %llu, \"hr\": ", name, (unsigned long long)m->hits);
    json_number(out, m->hit_rate);
    fputs(", \"mrr\": ", out);
    json_number(out, m->mrr);
    fputs(", \"ndcg\": ", out);
    json_number(out, m->ndcg);
    putc('}', out);
}

static void json_next(const eval_results *r, FILE *out)
{
    const i2v_next_eval *n = &r->next;
    fputs(", \"next_item\": {\"file\": ", out);
    json_string(out, r->next_path);
    if (r->train_path) {
        fputs(", \"train\": ", out);
        json_string(out, r->train_path);
    }
    fprintf(out, ", \"k\": %u, \"context\": %u, \"score\": \"%s\", \"blend\": ",
            r->next_options.k, n->used.context, i2v_rec_score_name(n->used.score));
    json_number(out, n->used.blend);
    fprintf(out, ", \"keep_seen\": %s, \"lines\": %llu, "
            "\"target_in_history\": %llu, \"target_unknown\": %llu, \"context_unknown\": %llu",
            n->used.keep_seen ? "true" : "false",
            (unsigned long long)n->lines, (unsigned long long)n->target_in_history,
            (unsigned long long)n->target_unknown, (unsigned long long)n->context_unknown);
    json_metrics(out, "model", &n->model);
    if (n->has_model_alone)
        json_metrics(out, "model_alone", &n->model_alone);
    if (n->has_baselines) {
        json_metrics(out, "popular", &n->popular);
        json_metrics(out, "transition", &n->transition);
    }
    fputs(", ", out);
    json_malformed(out, &n->malformed);
    putc('}', out);
}

static void json_dims(const eval_results *r, FILE *out)
{
    const i2v_dims_eval *d = &r->dims;
    fprintf(out, ", \"dims\": {\"dim\": %u, \"items\": %u, \"share\": ", d->dim, d->items);
    json_number(out, d->share);
    fprintf(out, ", \"components\": %u, \"top_ratios\": [", d->components);
    for (uint32_t i = 0; i < d->n_top; i++) {
        if (i)
            fputs(", ", out);
        json_number(out, d->top[i]);
    }
    fputs("]}", out);
}

static void json_purity(const eval_results *r, FILE *out)
{
    const i2v_purity_eval *p = &r->purity;
    fputs(", \"purity\": {\"file\": ", out);
    json_string(out, r->groups_path);
    fprintf(out, ", \"k\": %u, \"items\": %llu, \"used\": %llu, \"unknown\": %llu, \"purity\": ",
            p->k, (unsigned long long)p->items, (unsigned long long)p->used,
            (unsigned long long)p->unknown);
    json_number(out, p->purity);
    fputs(", ", out);
    json_malformed(out, &p->malformed);
    putc('}', out);
}

void eval_print_json(const eval_results *r, FILE *out)
{
    fputs("{\"model\": {\"file\": ", out);
    json_string(out, r->model_path);
    fprintf(out, ", \"format\": \"%s\", \"items\": %u, \"dim\": %u}",
            i2v_format_name(i2v_model_format(r->model)), i2v_model_size(r->model), i2v_model_dim(r->model));
    if (r->analogies_path)
        json_analogies(r, out);
    if (r->pairs_path)
        json_pairs(r, out);
    if (r->next_path)
        json_next(r, out);
    if (r->want_dims)
        json_dims(r, out);
    if (r->groups_path)
        json_purity(r, out);
    fputs("}\n", out);
}
