/* Items as gensim's evaluate_word_analogies / evaluate_word_pairs see them:
 * the first restrict_vocab items of the model, named in upper case, the
 * most frequent spelling standing for all of its case variants
 * ({k.upper(): index for k in reversed(index_to_key[:restrict_vocab])}). */
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

#include "util/error.h"
#include "eval/eval.h"

/* ---- UTF-8 ------------------------------------------------------------ */

/* Decodes one well-formed UTF-8 sequence at s (n bytes available) into
 * *cp; returns its length, or 0 when the bytes are not one. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    size_t len;
    uint32_t min;
    if ((s[0] & 0xe0) == 0xc0) {
        len = 2, min = 0x80, *cp = s[0] & 0x1fu;
    } else if ((s[0] & 0xf0) == 0xe0) {
        len = 3, min = 0x800, *cp = s[0] & 0x0fu;
    } else if ((s[0] & 0xf8) == 0xf0) {
        len = 4, min = 0x10000, *cp = s[0] & 0x07u;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        *cp = (*cp << 6) | (s[i] & 0x3fu);
    }
    /* Overlong forms, surrogates and values past U+10FFFF are not UTF-8. */
    if (*cp < min || *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
        return 0;
    return len;
}

static size_t utf8_encode(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

#define SHARP_S 0xdfu /* German sharp s: Python's str.upper() gives "SS" */

static uint32_t upper_code_point(void *locale, uint32_t cp)
{
    if (locale)
        return (uint32_t)towupper_l((wint_t)cp, (locale_t)locale);
    return cp >= 'a' && cp <= 'z' ? cp - ('a' - 'A') : cp;
}

/* A capital never needs more than twice the bytes of its small letter
 * (the widest case is a 2-byte letter with a 3-byte capital); +1 for the
 * NUL. */
static i2v_status reserve(char **buf, size_t *cap, size_t need, i2v_error *err)
{
    if (*cap >= need)
        return I2V_OK;
    char *bigger = realloc(*buf, need);
    if (!bigger)
        return i2v_fail_nomem(err, "folding item names to upper case");
    *buf = bigger;
    *cap = need;
    return I2V_OK;
}

i2v_status fold_case(void *locale, const char *s, size_t len, char **buf, size_t *cap,
                     size_t *out_len, i2v_error *err)
{
    i2v_status st = reserve(buf, cap, 2 * len + 1, err);
    if (st != I2V_OK)
        return st;
    const unsigned char *in = (const unsigned char *)s;
    char *out = *buf;
    size_t at = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = utf8_decode(in + i, len - i, &cp);
        if (n == 0) {
            out[at++] = (char)in[i++];
            continue;
        }
        if (cp == SHARP_S) {
            out[at++] = 'S';
            out[at++] = 'S';
        } else {
            uint32_t up = upper_code_point(locale, cp);
            /* Keep the original when the capital would not be valid
             * UTF-8 or would be wider than the promise made to reserve(). */
            size_t width = up > 0x10ffff ? 5 : utf8_encode(up, out + at);
            if (width > 2 * n) {
                memcpy(out + at, in + i, n);
                width = n;
            }
            at += width;
        }
        i += n;
    }
    out[at] = '\0';
    *out_len = at;
    return I2V_OK;
}

/* ---- the restricted, folded vocabulary -------------------------------- */

/* A locale whose LC_CTYPE knows Unicode capitals, independent of the
 * process locale; NULL when the system has none (folding is then ASCII). */
static void *utf8_locale(void)
{
    static const char *const names[] = {"C.UTF-8", "C.utf8", "en_US.UTF-8", "en_US.utf8"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        locale_t l = newlocale(LC_CTYPE_MASK, names[i], (locale_t)0);
        if (l != (locale_t)0)
            return (void *)l;
    }
    return NULL;
}

static i2v_status build_folded(word_index *w, i2v_error *err)
{
    i2v_status st = i2v_vocab_create(&w->folded, err);
    if (st != I2V_OK)
        return st;
    size_t n = w->limit ? w->limit : 1;
    w->first_id = malloc(n * sizeof *w->first_id);
    w->canonical = malloc(n * sizeof *w->canonical);
    if (!w->first_id || !w->canonical)
        return i2v_fail_nomem(err, "indexing the evaluation vocabulary");
    /* In id order, so a folded name's first appearance is its most
     * frequent spelling. */
    for (uint32_t id = 0; id < w->limit; id++) {
        size_t len, folded_len;
        const char *item = i2v_model_item(w->model, id, &len);
        st = fold_case(w->locale, item, len, &w->scratch, &w->scratch_cap, &folded_len, err);
        uint32_t provisional, known = i2v_vocab_size(w->folded);
        if (st == I2V_OK)
            st = i2v_vocab_add(w->folded, w->scratch, folded_len, 1, &provisional, err);
        if (st != I2V_OK)
            return st;
        if (provisional == known) /* a folded name not seen before */
            w->first_id[provisional] = id;
        w->canonical[id] = w->first_id[provisional];
    }
    return I2V_OK;
}

i2v_status word_index_init(word_index *w, const i2v_model *model, uint32_t restrict_vocab,
                           int case_sensitive, i2v_error *err)
{
    memset(w, 0, sizeof *w);
    w->model = model;
    uint32_t size = i2v_model_size(model);
    w->limit = restrict_vocab == 0 || restrict_vocab > size ? size : restrict_vocab;
    w->fold = !case_sensitive;
    if (!w->fold)
        return I2V_OK;
    w->locale = utf8_locale();
    i2v_status st = build_folded(w, err);
    if (st != I2V_OK)
        word_index_free(w);
    return st;
}

void word_index_free(word_index *w)
{
    i2v_vocab_free(w->folded);
    free(w->first_id);
    free(w->canonical);
    free(w->scratch);
    if (w->locale)
        freelocale((locale_t)w->locale);
    memset(w, 0, sizeof *w);
}

i2v_status word_index_find(word_index *w, const char *item, size_t len, int64_t *id,
                           i2v_error *err)
{
    *id = -1;
    if (!w->fold) {
        int64_t found = i2v_model_find(w->model, item, len);
        if (found >= 0 && found < w->limit)
            *id = found;
        return I2V_OK;
    }
    size_t folded_len;
    i2v_status st = fold_case(w->locale, item, len, &w->scratch, &w->scratch_cap, &folded_len, err);
    if (st != I2V_OK)
        return st;
    int64_t provisional = i2v_vocab_find(w->folded, w->scratch, folded_len);
    if (provisional >= 0)
        *id = w->first_id[provisional];
    return I2V_OK;
}
