/* Text in an SVG: item names are arbitrary bytes, XML is strict.  Every
 * name, group and title goes through plot_xml_text before it is written. */
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "plot/plot.h"

#define REPLACEMENT "\xef\xbf\xbd" /* U+FFFD, for what XML cannot hold */
#define ELLIPSIS "\xe2\x80\xa6"    /* U+2026, where a long text is cut */
#define LONGEST_PIECE 8            /* "&quot;" and every UTF-8 sequence fit */

/* Average advance of a glyph in em: DejaVu Sans, the usual sans-serif of
 * headless renderers, averages about 0.58 em over lower-case letters,
 * digits and '_'; a little more keeps estimates on the safe side. */
#define GLYPH_EM 0.62
#define WIDE_GLYPH_EM 1.0

/* The code point at s (len > 0 bytes), or -1 when the bytes there are not
 * valid UTF-8 (overlong forms and surrogates included); *used gets the
 * bytes taken (1 for an invalid byte, which is then replaced alone). */
static long utf8_next(const unsigned char *s, size_t len, size_t *used)
{
    *used = 1;
    if (s[0] < 0x80)
        return s[0];
    size_t need = s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;
    if (need == 0 || s[0] > 0xf4 || len < need)
        return -1;
    long cp = s[0] & (0x7f >> need);
    for (size_t k = 1; k < need; k++) {
        if ((s[k] & 0xc0) != 0x80)
            return -1;
        cp = (cp << 6) | (s[k] & 0x3f);
    }
    static const long smallest[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < smallest[need] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return -1;
    *used = need;
    return cp;
}

/* Characters XML 1.0 allows (surrogates never decode). */
static int xml_allows(long cp)
{
    if (cp < 0x20)
        return cp == '\t' || cp == '\n' || cp == '\r';
    return cp != 0xfffe && cp != 0xffff;
}

static const char *entity(long cp)
{
    switch (cp) {
    case '&': return "&amp;";
    case '<': return "&lt;";
    case '>': return "&gt;";
    case '"': return "&quot;";
    case '\'': return "&apos;";
    }
    return NULL;
}

static i2v_status reserve(char **buf, size_t *cap, size_t needed, i2v_error *err)
{
    if (*cap >= needed)
        return I2V_OK;
    size_t grown = *cap ? *cap : 64;
    while (grown < needed)
        grown *= 2;
    char *bigger = realloc(*buf, grown);
    if (!bigger)
        return i2v_fail_nomem(err, "writing text into the SVG");
    *buf = bigger;
    *cap = grown;
    return I2V_OK;
}

i2v_status plot_xml_text(const char *text, size_t len, uint32_t max_chars, char **buf,
                         size_t *cap, uint32_t *chars, i2v_error *err)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t at = 0, out = 0;
    uint32_t shown = 0;
    i2v_status st = reserve(buf, cap, 1, err);
    while (st == I2V_OK && at < len) {
        if (max_chars && shown == max_chars) {
            st = reserve(buf, cap, out + sizeof ELLIPSIS, err);
            if (st == I2V_OK) {
                memcpy(*buf + out, ELLIPSIS, sizeof ELLIPSIS - 1);
                out += sizeof ELLIPSIS - 1;
                shown++;
            }
            break;
        }
        size_t used;
        long cp = utf8_next(s + at, len - at, &used);
        if ((st = reserve(buf, cap, out + LONGEST_PIECE + 1, err)) != I2V_OK)
            break;
        const char *piece = cp < 0 || !xml_allows(cp) ? REPLACEMENT : entity(cp);
        size_t piece_len = piece ? strlen(piece) : used;
        memcpy(*buf + out, piece ? piece : text + at, piece_len);
        out += piece_len;
        at += used;
        shown++;
    }
    if (st == I2V_OK)
        (*buf)[out] = '\0';
    if (chars)
        *chars = shown;
    return st;
}

/* East Asian wide and fullwidth ranges (Unicode's W and F), roughly. */
static int is_wide(long cp)
{
    return (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
           (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
           (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
           (cp >= 0xffe0 && cp <= 0xffe6) || cp >= 0x20000;
}

double plot_text_width(const char *escaped, double font_size)
{
    const unsigned char *s = (const unsigned char *)escaped;
    size_t len = strlen(escaped), at = 0;
    double em = 0;
    while (at < len) {
        size_t used;
        long cp = utf8_next(s + at, len - at, &used);
        if (cp == '&') { /* an entity is one character */
            const char *semicolon = strchr(escaped + at, ';');
            used = semicolon ? (size_t)(semicolon - (escaped + at)) + 1 : 1;
        }
        em += is_wide(cp) ? WIDE_GLYPH_EM : GLYPH_EM;
        at += used;
    }
    return em * font_size;
}
