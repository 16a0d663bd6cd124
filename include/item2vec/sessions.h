/* item2vec — Sessions: interaction logs (CSV/TSV) to sequences. Part of the
 * public API; <item2vec.h> includes every part. */
#ifndef ITEM2VEC_SESSIONS_H
#define ITEM2VEC_SESSIONS_H

#include "item2vec/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Sessions from interaction logs                                      */
/* ------------------------------------------------------------------ */

/* Turns an interaction log (CSV or TSV, one row per event, with a user,
 * an item and a time column; a header line naming the columns or none,
 * see i2v_sessions_header) into sequences: each user's events ordered by
 * time, split into sessions, one session per line.
 *
 * Input.  RFC 4180: fields may be quoted with '"', a doubled quote inside
 * quotes is one quote, quoted fields may hold delimiters and newlines; a
 * quote inside an unquoted field is kept as a character.  "\r\n" ends a
 * line like "\n"; a UTF-8 byte-order mark before the header is skipped;
 * blank lines are skipped (and counted).  Leading and trailing spaces and
 * tabs of the user, item and time fields are ignored.
 *
 * Time.  An integer or decimal number is seconds since 1970-01-01 UTC,
 * except that magnitudes above 1e11 (the year 5138 in seconds) are
 * milliseconds, above 1e14 microseconds and above 1e17 nanoseconds.
 * ISO 8601: 2024-01-02, 2024-01-02T03:04:05, a space for the T, a
 * fraction of a second (.123 or ,123), and Z or an offset +hh:mm, +hhmm,
 * +hh; a time without a zone is UTC.  Times are kept to the microsecond.
 *
 * Output.  Users in byte order, each user's events by time, equal times
 * in input order: the output depends only on the input and the params.
 * Rules, in this order: a user's history is split where two consecutive
 * events are more than gap_usec apart; events of items seen fewer than
 * min_count times in all valid rows are dropped; with dedup, an event
 * repeating the previous kept item of its session is dropped; a session
 * longer than max_len is cut into pieces of max_len items (the last piece
 * may be shorter); pieces shorter than min_len are dropped.  Items are
 * written separated by one space, a line per piece, prefixed with the
 * user and a tab when with_user is set.  Blanks inside an item (space,
 * tab, CR, LF, NUL) would split it when the output is read as sequences:
 * each becomes '_' (counted in items_renamed); likewise tab, CR, LF and
 * NUL inside a user printed by with_user (users_renamed).
 *
 * Memory.  Events are sorted in a buffer of at most memory_bytes (less
 * the item dictionary, which stays in memory, down to a quarter of the
 * budget); a full buffer is sorted and written to a temporary file in
 * tmpdir (unlinked as soon as it is created, so nothing is left behind
 * whatever happens), and the sorted runs are merged at the end.
 *
 * Malformed rows (a missing field, an empty user or item, a time that does
 * not parse, a character after a closing quote, a quote never closed, a
 * row longer than I2V_MAX_ITEM_BYTES) are skipped and counted; the first
 * ones are kept in the report with their line numbers.  With strict, the
 * first one is an I2V_ERR_FORMAT error naming the line and the reason. */

#define I2V_SESSIONS_NO_GAP (-1)                 /* gap_usec: never split */
#define I2V_SESSIONS_MIN_MEMORY (64u * 1024u)    /* smallest memory_bytes */
#define I2V_SESSIONS_DEFAULT_MEMORY (1024u * 1024u * 1024u)
#define I2V_SESSIONS_MAX_EXAMPLES 10             /* malformed rows kept */
#define I2V_SESSIONS_REASON_SIZE 192

/* Whether the log's first line names its columns. */
typedef enum i2v_sessions_header {
    I2V_HEADER_AUTO = 0, /* a header when a column is given by name, or when the first
                            line's time field is not a time; else data */
    I2V_HEADER_YES,
    I2V_HEADER_NO        /* every line is data; columns are 1-based numbers */
} i2v_sessions_header;

typedef struct i2v_sessions_params {
    const char *user_column; /* a header name, or a 1-based column number */
    const char *item_column; /* (a name wins over a number when both fit) */
    const char *time_column;
    char delimiter;          /* 0: the most frequent of tab , ; | in the header */
    int64_t gap_usec;        /* split after more than this; I2V_SESSIONS_NO_GAP */
    int dedup;               /* drop consecutive repeats within a session */
    uint64_t min_len;        /* drop pieces with fewer items, >= 1 */
    uint64_t max_len;        /* cut sessions into pieces of this many; 0: never */
    uint64_t min_count;      /* drop items with fewer occurrences, >= 1 */
    int with_user;           /* "user<TAB>items" lines */
    int strict;              /* a malformed row is an error */
    uint64_t memory_bytes;   /* sort budget, >= I2V_SESSIONS_MIN_MEMORY */
    const char *tmpdir;      /* for sorted runs; NULL: $TMPDIR or /tmp */
    uint32_t merge_fanin;    /* runs merged at once, >= 2; 0: the default (64) */
    i2v_sessions_header header; /* default AUTO */
} i2v_sessions_params;

/* No gap, no dedup, min_len 1, no cut, min_count 1, no user column,
 * not strict, I2V_SESSIONS_DEFAULT_MEMORY, detected delimiter; the three
 * columns are NULL and must be set. */
void i2v_sessions_params_default(i2v_sessions_params *params);

/* A malformed row: its first line and why. */
typedef struct i2v_sessions_problem {
    uint64_t line;
    char reason[I2V_SESSIONS_REASON_SIZE];
} i2v_sessions_problem;

/* What a run read, dropped and wrote. */
typedef struct i2v_sessions_report {
    char delimiter;            /* the one used, given or detected */
    int header;                /* 1: the first line was a header, 0: data */
    char header_reason[I2V_SESSIONS_REASON_SIZE]; /* why, when AUTO decided */
    uint64_t rows;             /* data rows (header and blank lines excluded) */
    uint64_t blank_lines;      /* skipped */
    uint64_t events;           /* rows that gave an event */
    uint64_t malformed;        /* rows skipped as malformed */
    uint32_t n_examples;       /* min(malformed, I2V_SESSIONS_MAX_EXAMPLES) */
    i2v_sessions_problem examples[I2V_SESSIONS_MAX_EXAMPLES]; /* the first ones */
    uint64_t items_renamed;    /* events whose item had blanks replaced */
    uint64_t users_renamed;    /* users written with tabs/newlines replaced */
    uint64_t users;            /* distinct users */
    uint64_t distinct_items;   /* distinct items (after renaming) */
    uint64_t rare_events;      /* events dropped by min_count */
    uint64_t repeats;          /* events dropped by dedup */
    uint64_t cuts;             /* cuts made by max_len */
    uint64_t short_pieces;     /* pieces dropped by min_len */
    uint64_t sessions;         /* lines written */
    uint64_t items_written;
    uint64_t runs;             /* sorted runs written to disk; 0: all in memory */
} i2v_sessions_report;

/* Reads the log from `in` (named in_name in messages) to its end and
 * writes the sessions to `out` (named out_name).  The report is filled as
 * far as the run got, also on failure.  Errors: I2V_ERR_INVALID for bad
 * params or a column not in the header (the message names it);
 * I2V_ERR_EMPTY for an empty input, a header without rows, no valid row,
 * or no session written; I2V_ERR_FORMAT for a malformed row with strict;
 * I2V_ERR_IO for reading, writing or a temporary file. */
i2v_status i2v_sessions_run(const i2v_sessions_params *params, FILE *in, const char *in_name,
                            FILE *out, const char *out_name, i2v_sessions_report *report,
                            i2v_error *err);

#ifdef __cplusplus
}
#endif

#endif /* ITEM2VEC_SESSIONS_H */
