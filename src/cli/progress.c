#include "progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

void progress_display_init(progress_display *d)
{
    d->terminal = isatty(STDERR_FILENO);
    d->line_open = 0;
    d->last_line_sec = 0;
    const char *every = getenv("ITEM2VEC_PROGRESS_SECONDS");
    char *end;
    double v = every ? strtod(every, &end) : 0;
    d->every_sec = every && end != every && *end == '\0' && v > 0 ? v : PROGRESS_EVERY_SEC;
}

static void format_duration(char *buf, size_t n, double sec)
{
    if (!(sec >= 0) || sec > 359999)
        sec = 0;
    unsigned s = (unsigned)sec;
    if (s >= 3600)
        snprintf(buf, n, "%u:%02u:%02u", s / 3600, s / 60 % 60, s % 60);
    else
        snprintf(buf, n, "%u:%02u", s / 60, s % 60);
}

void progress_display_update(const i2v_progress *p, void *user)
{
    progress_display *d = user;
    char eta[32], elapsed[32];
    format_duration(eta, sizeof eta, p->eta_sec);
    format_duration(elapsed, sizeof elapsed, p->elapsed_sec);
    if (d->terminal) {
        fprintf(stderr, "\r\033[Kepoch %u/%u %5.1f%%  %.2fM items/s  ETA %s  alpha %.5f  loss %.4f",
                p->epoch, p->epochs, 100.0 * p->fraction, p->items_per_sec / 1e6, eta, p->alpha,
                p->loss);
        d->line_open = 1;
        if (p->epoch_done && p->epoch == p->epochs)
            progress_display_finish(d);
    } else if (p->epoch_done) {
        fprintf(stderr, "epoch %u/%u: %llu items, %.2fM items/s, alpha %.5f, loss %.4f, %s elapsed\n",
                p->epoch, p->epochs, (unsigned long long)p->epoch_items, p->items_per_sec / 1e6,
                p->alpha, p->epoch_loss, elapsed);
        d->last_line_sec = p->elapsed_sec;
    } else if (p->elapsed_sec - d->last_line_sec >= d->every_sec) {
        /* A long epoch, and a log rather than a terminal: a line now and
         * then says the work goes on. */
        fprintf(stderr, "epoch %u/%u: %.1f%% of the run, %llu items so far, %.2fM items/s, "
                        "ETA %s, alpha %.5f, loss %.4f, %s elapsed\n",
                p->epoch, p->epochs, 100.0 * p->fraction, (unsigned long long)p->epoch_items,
                p->items_per_sec / 1e6, eta, p->alpha, p->loss, elapsed);
        d->last_line_sec = p->elapsed_sec;
    }
    fflush(stderr);
}

void progress_display_finish(progress_display *d)
{
    if (d->line_open)
        fputc('\n', stderr);
    d->line_open = 0;
}
