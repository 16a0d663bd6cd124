#include "util/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *i2v_status_name(i2v_status status)
{
    switch (status) {
    case I2V_OK: return "ok";
    case I2V_ERR_IO: return "i/o error";
    case I2V_ERR_NOMEM: return "out of memory";
    case I2V_ERR_INVALID: return "invalid argument";
    case I2V_ERR_FORMAT: return "malformed input";
    case I2V_ERR_EMPTY: return "nothing to do";
    case I2V_ERR_NOT_FOUND: return "not found";
    case I2V_ERR_CANCELED: return "canceled";
    case I2V_ERR_DIVERGED: return "diverged";
    case I2V_ERR_LIMIT: return "limit exceeded";
    }
    return "unknown error";
}

static void set_message(i2v_error *err, i2v_status code, const char *fmt, va_list ap)
{
    err->code = code;
    err->param = I2V_PARAM_NONE;
    vsnprintf(err->message, sizeof err->message, fmt, ap);
}

i2v_status i2v_fail(i2v_error *err, i2v_status code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        set_message(err, code, fmt, ap);
        va_end(ap);
    }
    return code;
}

i2v_status i2v_fail_param(i2v_error *err, i2v_status code, int param, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        set_message(err, code, fmt, ap);
        va_end(ap);
        err->param = param;
    }
    return code;
}

i2v_status i2v_fail_errno(i2v_error *err, int errnum, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        set_message(err, I2V_ERR_IO, fmt, ap);
        va_end(ap);
        size_t used = strlen(err->message);
        snprintf(err->message + used, sizeof err->message - used, ": %s", strerror(errnum));
    }
    return I2V_ERR_IO;
}

i2v_status i2v_fail_nomem(i2v_error *err, const char *what)
{
    return i2v_fail(err, I2V_ERR_NOMEM, "out of memory while %s", what);
}

i2v_status i2v_fail_context(i2v_error *err, const char *fmt, ...)
{
    if (!err)
        return I2V_ERR_IO; /* callers only add context to a failure */
    char was[sizeof err->message];
    memcpy(was, err->message, sizeof was);
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    /* Append ": " and the old message, cut to what fits. */
    size_t at = n < 0 ? 0 : (size_t)n, room = sizeof err->message;
    const char *tail[2] = {": ", was};
    for (int i = 0; i < 2 && at + 1 < room; i++) {
        size_t len = strnlen(tail[i], room - at - 1);
        memcpy(err->message + at, tail[i], len);
        at += len;
    }
    err->message[at < room ? at : room - 1] = '\0';
    return err->code;
}
