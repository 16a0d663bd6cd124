/* Training progress on stderr: a live line on a terminal; otherwise one
 * line per epoch, and one every PROGRESS_EVERY_SEC seconds inside a long
 * epoch; nothing with --quiet. */
#ifndef I2V_CLI_PROGRESS_H
#define I2V_CLI_PROGRESS_H

#include "item2vec.h"

#define PROGRESS_EVERY_SEC 10.0 /* ITEM2VEC_PROGRESS_SECONDS overrides it */

typedef struct progress_display {
    int terminal;   /* stderr is a terminal: rewrite one line */
    int line_open;  /* a live line is on screen without its newline */
    double last_line_sec;  /* not a terminal: when the last line was printed */
    double every_sec;
} progress_display;

void progress_display_init(progress_display *d);

/* An i2v_progress_fn; user is a progress_display. */
void progress_display_update(const i2v_progress *p, void *user);

/* Ends a live line so that what follows starts on a new line. */
void progress_display_finish(progress_display *d);

#endif
