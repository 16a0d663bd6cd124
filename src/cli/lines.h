/* Reading query lines in blocks: as many lines as have already arrived,
 * so a file or a busy pipe is answered a block at a time (one blocked
 * product per block) while a user typing queries one by one is answered
 * at once, line by line. */
#ifndef I2V_CLI_LINES_H
#define I2V_CLI_LINES_H

#include <stddef.h>
#include <stdint.h>

typedef struct line {
    const char *text;   /* not terminated; no '\n' (a final '\r' stays) */
    size_t len;
    uint64_t number;    /* 1-based line number in the input */
} line;

typedef struct line_source {
    int fd;
    const char *name;   /* for messages */
    char *buf;
    size_t cap, start, end;  /* unread bytes are buf[start .. end) */
    int eof;
    uint64_t number;    /* lines handed out so far */
} line_source;

/* Reads `path` ("-": standard input); prints why and returns -1 when it
 * cannot be opened. */
int line_source_open(line_source *s, const char *path);
void line_source_close(line_source *s);

/* Fills lines[] with the next lines: waits for one, then takes those
 * already readable, up to max lines and about max_bytes of text (always at
 * least one whole line, whatever its length).  Returns how many, 0 at the
 * end of the input, -1 after printing a read error or running out of
 * memory.  The lines stay valid until the next call. */
int line_source_block(line_source *s, line *lines, size_t max, size_t max_bytes);

#endif
