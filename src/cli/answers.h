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
} query_terms;

void query_terms_free(query_terms *q);

/* How words of a query are read. */
enum { WORDS_PLAIN = 0, WORDS_SIGNED = 1 /* "-ITEM" subtracts */ };

/* Splits `line` (len bytes, blanks separate words, a final \r is ignored)
 * into items.  Unknown items are reported on stderr, each named, with
 * `where` ("line 3", "argument 2"); returns -1 then, 0 when all are known,
 * or -2 when out of memory.  With WORDS_SIGNED, "-ITEM" is subtracted
 * unless the model holds an item spelled with the dash. */
int query_terms_parse(query_terms *q, const i2v_model *m, const char *line, size_t len,
                      int words, const char *where);

/* Says on stderr what a recommender over `model` does otherwise than asked
 * (the bits of i2v_recommender_notes). */
void answers_say_notes(unsigned notes, const char *model);

/* Prints answers, best first:  query<TAB>rank<TAB>item<TAB>score  (6
 * decimals), or one JSON object per answer with the same fields. */
void answers_print(const i2v_model *m, int json, const char *query, size_t query_len,
                   const i2v_neighbor *answers, uint32_t n);

#endif
