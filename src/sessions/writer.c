/* Applies the session rules to events ordered by user, then time, and
 * writes the pieces.  Memory does not grow with session length: a piece is
 * held back only until it reaches min_len items (after that it can no
 * longer be dropped), then written as its items come. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "sessions/sessions.h"
#include "util/grow.h"

#define OUTPUT_BUFFER_BYTES ((size_t)64 << 10)

struct session_writer {
    int64_t gap_usec;
    bool dedup, with_user;
    uint64_t min_len, max_len, min_count;
    const i2v_vocab *items;
    FILE *out;
    const char *out_name;
    i2v_sessions_report *report;

    char *user; /* the current user's bytes, as sorted */
    size_t user_len, user_cap;
    bool have_user;
    int64_t last_time;

    bool have_last_item; /* for dedup: the previous kept item of the session */
    uint32_t last_item;

    uint64_t piece_len;  /* items in the current piece */
    bool piece_written;  /* it reached min_len: its line is being written */
    uint32_t *held;      /* its items while it is shorter than min_len */
    size_t held_cap;
    bool cut_pending;    /* a piece just ended at max_len inside a session */

    char *obuf;
    size_t olen;
};

i2v_status session_writer_create(const i2v_sessions_params *p, const i2v_vocab *items, FILE *out,
                                 const char *out_name, i2v_sessions_report *report,
                                 session_writer **out_writer, i2v_error *err)
{
    *out_writer = NULL;
    session_writer *w = calloc(1, sizeof *w);
    if (!w || !(w->obuf = malloc(OUTPUT_BUFFER_BYTES))) {
        free(w);
        return i2v_fail_nomem(err, "creating the session writer");
    }
    w->gap_usec = p->gap_usec;
    w->dedup = p->dedup != 0;
    w->with_user = p->with_user != 0;
    w->min_len = p->min_len;
    w->max_len = p->max_len;
    w->min_count = p->min_count;
    w->items = items;
    w->out = out;
    w->out_name = out_name;
    w->report = report;
    *out_writer = w;
    return I2V_OK;
}

void session_writer_free(session_writer *w)
{
    if (!w)
        return;
    free(w->user);
    free(w->held);
    free(w->obuf);
    free(w);
}

/* ---- output ---- */

static i2v_status flush_output(session_writer *w, i2v_error *err)
{
    if (w->olen && fwrite(w->obuf, 1, w->olen, w->out) != w->olen)
        return i2v_fail_errno(err, errno ? errno : EIO, "%s: cannot write", w->out_name);
    w->olen = 0;
    return I2V_OK;
}

static i2v_status put(session_writer *w, const char *bytes, size_t n, i2v_error *err)
{
    if (n > OUTPUT_BUFFER_BYTES - w->olen) {
        i2v_status st = flush_output(w, err);
        if (st != I2V_OK)
            return st;
        if (n > OUTPUT_BUFFER_BYTES) {
            if (fwrite(bytes, 1, n, w->out) != n)
                return i2v_fail_errno(err, errno ? errno : EIO, "%s: cannot write", w->out_name);
            return I2V_OK;
        }
    }
    memcpy(w->obuf + w->olen, bytes, n);
    w->olen += n;
    return I2V_OK;
}

static i2v_status put_item(session_writer *w, uint32_t item, i2v_error *err)
{
    size_t len;
    const char *bytes = i2v_vocab_item(w->items, item, &len);
    return put(w, bytes, len, err);
}

/* Bytes that would end the user field or the line of "user<TAB>items". */
static bool breaks_user_field(char c) { return c == '\t' || c == '\n' || c == '\r' || c == '\0'; }

static i2v_status put_user(session_writer *w, i2v_error *err)
{
    i2v_status st = I2V_OK;
    size_t start = 0;
    for (size_t i = 0; i < w->user_len && st == I2V_OK; i++)
        if (breaks_user_field(w->user[i])) {
            st = put(w, w->user + start, i - start, err);
            if (st == I2V_OK)
                st = put(w, "_", 1, err);
            start = i + 1;
        }
    if (st == I2V_OK)
        st = put(w, w->user + start, w->user_len - start, err);
    return st == I2V_OK ? put(w, "\t", 1, err) : st;
}

/* ---- pieces ---- */

static i2v_status end_piece(session_writer *w, i2v_error *err)
{
    i2v_status st = I2V_OK;
    if (w->piece_written) {
        st = put(w, "\n", 1, err);
        w->report->sessions++;
        w->report->items_written += w->piece_len;
    } else if (w->piece_len > 0) {
        w->report->short_pieces++;
    }
    w->piece_len = 0;
    w->piece_written = false;
    return st;
}

static i2v_status hold(session_writer *w, uint32_t item, i2v_error *err)
{
    if (grow_array(&w->held, &w->held_cap, w->piece_len + 1, sizeof *w->held, 16) != 0)
        return i2v_fail_nomem(err, "holding a session shorter than min-len");
    w->held[w->piece_len++] = item;
    return I2V_OK;
}

/* The piece reached min_len: write its line start and the items held. */
static i2v_status start_line(session_writer *w, i2v_error *err)
{
    i2v_status st = w->with_user ? put_user(w, err) : I2V_OK;
    for (uint64_t i = 0; i < w->piece_len && st == I2V_OK; i++) {
        st = put_item(w, w->held[i], err);
        if (st == I2V_OK)
            st = put(w, " ", 1, err);
    }
    w->piece_written = true;
    return st;
}

static i2v_status piece_add(session_writer *w, uint32_t item, i2v_error *err)
{
    if (w->cut_pending) {
        w->report->cuts++;
        w->cut_pending = false;
    }
    i2v_status st;
    if (w->piece_written)
        st = put(w, " ", 1, err);
    else if (w->piece_len + 1 < w->min_len)
        return hold(w, item, err);
    else
        st = start_line(w, err);
    if (st == I2V_OK)
        st = put_item(w, item, err);
    w->piece_len++;
    if (st == I2V_OK && w->max_len && w->piece_len == w->max_len) {
        st = end_piece(w, err);
        w->cut_pending = true; /* a cut only if the session goes on */
    }
    return st;
}

/* ---- sessions ---- */

static i2v_status end_session(session_writer *w, i2v_error *err)
{
    w->cut_pending = false;
    w->have_last_item = false;
    return end_piece(w, err);
}

static i2v_status begin_user(session_writer *w, const char *user, size_t len, i2v_error *err)
{
    if (len > w->user_cap) {
        char *bigger = realloc(w->user, len);
        if (!bigger)
            return i2v_fail_nomem(err, "holding a user name");
        w->user = bigger;
        w->user_cap = len;
    }
    memcpy(w->user, user, len);
    w->user_len = len;
    w->have_user = true;
    w->report->users++;
    if (w->with_user)
        for (size_t i = 0; i < len; i++)
            if (breaks_user_field(user[i])) {
                w->report->users_renamed++;
                break;
            }
    return I2V_OK;
}

static bool same_user(const session_writer *w, const char *user, size_t len)
{
    return w->have_user && w->user_len == len && memcmp(w->user, user, len) == 0;
}

i2v_status session_writer_event(session_writer *w, const char *user, size_t user_len,
                                int64_t time_usec, uint32_t item, i2v_error *err)
{
    i2v_status st = I2V_OK;
    if (!same_user(w, user, user_len)) {
        st = end_session(w, err);
        if (st == I2V_OK)
            st = begin_user(w, user, user_len, err);
    } else if (w->gap_usec >= 0 && time_usec - w->last_time > w->gap_usec) {
        /* Events come sorted by time within a user, so the difference is
         * >= 0, and times are bounded far below overflow by the parser. */
        st = end_session(w, err);
    }
    w->last_time = time_usec;
    if (st != I2V_OK)
        return st;
    if (i2v_vocab_count(w->items, item) < w->min_count) {
        w->report->rare_events++;
        return I2V_OK;
    }
    if (w->dedup && w->have_last_item && item == w->last_item) {
        w->report->repeats++;
        return I2V_OK;
    }
    w->have_last_item = true;
    w->last_item = item;
    return piece_add(w, item, err);
}

i2v_status session_writer_finish(session_writer *w, i2v_error *err)
{
    i2v_status st = end_session(w, err);
    if (st == I2V_OK)
        st = flush_output(w, err);
    if (st == I2V_OK && (fflush(w->out) != 0 || ferror(w->out)))
        st = i2v_fail_errno(err, errno ? errno : EIO, "%s: cannot write", w->out_name);
    return st;
}
