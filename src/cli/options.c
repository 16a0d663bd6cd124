#include "options.h"

#include <string.h>

void cli_getopt_build(const cli_option *options, cli_getopt *g)
{
    size_t n = 0, s = 0;
    memset(g, 0, sizeof *g);
    g->shorts[s++] = ':';
    for (const cli_option *o = options; o->name && n < CLI_MAX_OPTIONS; o++, n++) {
        g->longs[n] = (struct option){o->name, o->arg ? required_argument : no_argument, NULL,
                                      o->key};
        if (o->key > 0 && o->key < 128 && !strchr(g->shorts, o->key)) {
            g->shorts[s++] = (char)o->key;
            if (o->arg)
                g->shorts[s++] = ':';
        }
    }
}

const cli_option *cli_option_by_key(const cli_option *options, int key)
{
    for (const cli_option *o = options; o->name; o++)
        if (o->key == key)
            return o;
    return NULL;
}

/* Where the help text of an option starts, and where lines end. */
enum { HELP_COLUMN = 25, HELP_WIDTH = 79 };

/* Writes `text` from column `at` on, wrapped at word boundaries into the
 * help column; a '\n' in the text starts a new line there. */
static void wrap(FILE *out, const char *text, int at)
{
    while (*text) {
        if (*text == '\n') {
            fprintf(out, "\n%*s", HELP_COLUMN, "");
            at = HELP_COLUMN;
            text++;
            continue;
        }
        size_t word = strcspn(text, " \n");
        int room = at > HELP_COLUMN ? 1 : 0;
        if (at + room + (int)word > HELP_WIDTH && at > HELP_COLUMN) {
            fprintf(out, "\n%*s", HELP_COLUMN, "");
            at = HELP_COLUMN;
            room = 0;
        }
        if (room)
            fputc(' ', out);
        fwrite(text, 1, word, out);
        at += room + (int)word;
        text += word;
        while (*text == ' ')
            text++;
    }
}

static void format_default(const cli_option *o, const i2v_param_info *p, char *buf, size_t n)
{
    buf[0] = '\0';
    if (o->shown_default)
        snprintf(buf, n, "(default %s)", o->shown_default);
    else if (p && p->type == I2V_PARAM_WHOLE)
        snprintf(buf, n, "(default %llu)", (unsigned long long)p->default_value);
    else if (p)
        snprintf(buf, n, "(default %g)", p->default_value);
}

static void option_help(FILE *out, const cli_option *o)
{
    const i2v_param_info *p =
        o->param != I2V_PARAM_NONE ? i2v_param_describe((i2v_param)o->param) : NULL;
    char head[96], text[1024], def[96];
    int at;
    if (o->key > 0 && o->key < 128)
        at = snprintf(head, sizeof head, "  -%c, --%s%s%s", o->key, o->name, o->arg ? " " : "",
                      o->arg ? o->arg : "");
    else
        at = snprintf(head, sizeof head, "      --%s%s%s", o->name, o->arg ? " " : "",
                      o->arg ? o->arg : "");
    fputs(head, out);
    if (at >= HELP_COLUMN - 1) {
        fprintf(out, "\n%*s", HELP_COLUMN, "");
        at = HELP_COLUMN;
    } else {
        fprintf(out, "%*s", HELP_COLUMN - at, "");
        at = HELP_COLUMN;
    }
    format_default(o, p, def, sizeof def);
    if (p && !o->arg) /* a flag setting a parameter: its own help says it all */
        snprintf(text, sizeof text, "%s%s%s", o->help, *def ? " " : "", def);
    else if (p)
        snprintf(text, sizeof text, "%s %s%s%s", p->doc, def, *o->help ? "; " : "", o->help);
    else
        snprintf(text, sizeof text, "%s%s%s", o->help, *def ? " " : "", def);
    wrap(out, text, at);
    fputc('\n', out);
}

void cli_options_help(FILE *out, const cli_option *options)
{
    for (const cli_option *o = options; o->name; o++)
        if (o->help)
            option_help(out, o);
}
