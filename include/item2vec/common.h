/* item2vec — Version, status codes and error messages: what every part of
 * the library returns. Part of the public API; <item2vec.h> includes every
 * part. */
#ifndef ITEM2VEC_COMMON_H
#define ITEM2VEC_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define I2V_VERSION_STRING "0.1.0"

/* ------------------------------------------------------------------ */
/* Errors                                                              */
/* ------------------------------------------------------------------ */

typedef enum i2v_status {
    I2V_OK = 0,
    I2V_ERR_IO,        /* a system call failed; the message has strerror */
    I2V_ERR_NOMEM,     /* an allocation failed */
    I2V_ERR_INVALID,   /* a parameter is out of its range */
    I2V_ERR_FORMAT,    /* input data (a model, a sequence file) is malformed */
    I2V_ERR_EMPTY,     /* nothing to work on: no sequence, no item kept */
    I2V_ERR_NOT_FOUND, /* an item is not in the vocabulary */
    I2V_ERR_CANCELED,  /* i2v_trainer_cancel() was called */
    I2V_ERR_DIVERGED,  /* training produced non-finite loss or weights */
    I2V_ERR_LIMIT      /* a size limit of the library was reached */
} i2v_status;

/* Room for one message; long file names are shortened, never overflowed. */
#define I2V_ERROR_MESSAGE_SIZE 1024

/* The training parameter an error is about (an i2v_param of params.h), or
 * I2V_PARAM_NONE.  A caller that names parameters otherwise (a command
 * line's --dim) can then say which of its own options to change. */
#define I2V_PARAM_NONE (-1)

typedef struct i2v_error {
    i2v_status code;
    char message[I2V_ERROR_MESSAGE_SIZE];
    int param;  /* an i2v_param, or I2V_PARAM_NONE */
} i2v_error;

/* A short constant name for a status ("io error", "out of memory", ...). */
const char *i2v_status_name(i2v_status status);

#ifdef __cplusplus
}
#endif

#endif /* ITEM2VEC_COMMON_H */
