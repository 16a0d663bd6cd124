/* Display names beside item ids: --names FILE of "item<TAB>name" lines. */
#ifndef I2V_CLI_NAMES_H
#define I2V_CLI_NAMES_H

#include <stddef.h>
#include <stdint.h>

#include "item2vec.h"

/* Reads the names of m's items from `path` ("-": standard input); lines
 * for items m lacks are ignored, a line without a tab is skipped and
 * counted.  Returns 0, or -1 after saying why. */
int names_load(const char *path, const i2v_model *m);
void names_free(void);

int names_loaded(void);

/* Item id's name (not NUL-terminated), or NULL when it has none. */
const char *names_of(uint32_t id, size_t *len);

/* The item named `name`, or -1: none, or several (*ambiguous set). */
int64_t names_find(const char *name, size_t len, int *ambiguous);

#endif
