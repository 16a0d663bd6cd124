/* What `similar` and `analogy` share: opening the model, turning query
 * text into item ids, printing answers as TSV or JSON lines. */
#ifndef I2V_CLI_ANSWERS_H
#define I2V_CLI_ANSWERS_H

#include <stddef.h>
#include <stdint.h>

#include "item2vec.h"
#include "util/quote.h"

/* Opens a model of any format; prints the reason and returns NULL. */
i2v_model *answers_open_model(const char *path);

/* The items of one query.  `text` is the query as printed in the first
 * column: its words joined by single spaces. */
typedef struct query_terms {
    uint32_t *positive, *negative;
    size_t n_positive, n_negative, capacity;
    char *text;
    size_t text_len, text_capacity;
    size_t n_words;
    size_t n_unknown;  /* words left out with WORDS_SKIP_UNKNOWN */
} query_terms;

void query_terms_free(query_terms *q);

/* How words of a query are read (flags). */
enum {
    WORDS_PLAIN = 0,
    WORDS_SIGNED = 1,       /* "-ITEM" subtracts */
    WORDS_SKIP_UNKNOWN = 2  /* an unknown item is left out and counted, not an error */
};

/* Splits `line` (len bytes, blanks separate words, a final \r is ignored)
 * into items.  Unknown items are reported on stderr, each named, with
 * `where` ("line 3", "argument 2"); returns -1 then, 0 when all are known,
 * or -2 when out of memory.  With WORDS_SIGNED, "-ITEM" is subtracted
 * unless the model holds an item spelled with the dash; with
 * WORDS_SKIP_UNKNOWN, unknown items are left out quietly and counted in
 * n_unknown. */
int query_terms_parse(query_terms *q, const i2v_model *m, const char *line, size_t len,
                      int words, const char *where);

/* Queries read from one block of input lines, answered together by the
 * blocked product (i2v_nearest_many) and printed in input order. */
typedef struct query_block {
    uint32_t dim;
    size_t n, cap;           /* queries held, and room */
    float *vectors;          /* cap x dim: each query's vector */
    uint64_t *exclude_start; /* cap + 1: each query's ids left out ... */
    uint32_t *exclude;       /* ... in here */
    size_t exclude_len, exclude_cap;
    char *text;              /* the query column of each, back to back */
    size_t text_len, text_cap;
    size_t *text_at, *text_n;
    i2v_neighbor *answers;   /* cap x k */
    uint32_t *n_out;
    uint32_t k;
} query_block;

/* Room for `cap` queries of k answers in a model of `dim` dimensions;
 * returns 0, or -1 after saying it is out of memory. */
int query_block_init(query_block *b, size_t cap, uint32_t dim, uint32_t k);
void query_block_free(query_block *b);

/* Adds the query `q` (its text is the query column) with its vector and
 * the ids it must not answer; returns 0, or -1 when out of memory. */
int query_block_add(query_block *b, const query_terms *q, const float *vector,
                    const uint32_t *exclude, size_t n_exclude);

/* Answers the block's queries (limit: the rows they may answer, as for
 * i2v_nearest; ef > 0: through the index with that search list), prints
 * them in order and empties the block.  Returns 0,
 * or the exit code after a failure it has reported (a damaged model). */
int query_block_answer(query_block *b, const i2v_model *m, uint32_t limit, uint32_t ef,
                       uint32_t threads, int json);

/* The search list to answer through the model's index with, or 0 for the
 * exact scan: the index when the model has a current one, --exact was not
 * given, no --restrict (`restrict_to`) limits the rows and the method can
 * use it (`usable`); `ef` (0: I2V_INDEX_DEFAULT_EF) raised to k.  Notes on
 * stderr that a stale index is ignored, or (`why_not`, when not usable)
 * why an index is not used. */
uint32_t answers_pick_ef(const i2v_model *m, const char *path, int exact, uint32_t restrict_to,
                         int usable, const char *why_not, uint32_t ef, uint32_t k);

/* Says on stderr what a recommender over `model` does otherwise than asked
 * (the bits of i2v_recommender_notes). */
void answers_say_notes(unsigned notes, const char *model);

/* Prints answers, best first:  query<TAB>rank<TAB>item<TAB>score  (6
 * decimals), or one JSON object per answer with the same fields. */
void answers_print(const i2v_model *m, int json, const char *query, size_t query_len,
                   const i2v_neighbor *answers, uint32_t n);

#endif
