/* Timestamps of interaction logs: epoch numbers in seconds, milliseconds,
 * microseconds or nanoseconds (told apart by magnitude), or ISO 8601
 * dates and times, all to microseconds since 1970-01-01 UTC. */
#include <stdbool.h>
#include <string.h>

#include "sessions/sessions.h"

/* An epoch number above this is not seconds but the next smaller unit: 1e11
 * seconds is the year 5138, 1e11 milliseconds is 1973.  Each step of 1000
 * moves to the next unit (ms, us, ns). */
#define EPOCH_UNIT_STEP INT64_C(100000000000)
#define SECONDS_PER_DAY INT64_C(86400)

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

/* Reads exactly n digits at text[*at]; false if they are not all digits. */
static bool read_digits(const char *text, size_t len, size_t *at, int n, int *value)
{
    int v = 0;
    for (int k = 0; k < n; k++) {
        if (*at >= len || !is_digit(text[*at]))
            return false;
        v = v * 10 + (text[(*at)++] - '0');
    }
    *value = v;
    return true;
}

/* Reads up to `keep` digits of a fraction scaled to 10^keep (".5" with keep
 * 3 gives 500) and skips any further digits: resolution is 10^-keep. */
static int64_t read_fraction(const char *text, size_t len, size_t *at, int keep)
{
    int64_t value = 0;
    int kept = 0;
    for (; *at < len && is_digit(text[*at]); (*at)++)
        if (kept < keep) {
            value = value * 10 + (text[*at] - '0');
            kept++;
        }
    for (; kept < keep; kept++)
        value *= 10;
    return value;
}

static const char *parse_epoch_number(const char *text, size_t len, int64_t *usec)
{
    size_t at = 0;
    int64_t sign = 1;
    if (text[0] == '-' || text[0] == '+')
        sign = text[at++] == '-' ? -1 : 1;
    size_t first = at;
    int64_t whole = 0;
    for (; at < len && is_digit(text[at]); at++) {
        int digit = text[at] - '0';
        if (whole > (INT64_MAX - digit) / 10)
            return "the number is too large for a time";
        whole = whole * 10 + digit;
    }
    if (at == first)
        return "not a number or an ISO 8601 date";
    /* The unit the magnitude implies, as the digits of a second it keeps. */
    int fraction_digits = whole <= EPOCH_UNIT_STEP              ? 6
                          : whole <= EPOCH_UNIT_STEP * 1000     ? 3
                          : whole <= EPOCH_UNIT_STEP * 1000000 ? 0
                                                                : -3;
    int64_t fraction = 0;
    if (at < len && text[at] == '.') {
        at++;
        fraction = read_fraction(text, len, &at, fraction_digits > 0 ? fraction_digits : 0);
    }
    if (at != len)
        return "not a number or an ISO 8601 date";
    int64_t value;
    switch (fraction_digits) {
    case 6: value = whole * USEC_PER_SEC + fraction; break;
    case 3: value = whole * 1000 + fraction; break;
    case 0: value = whole; break;
    default: value = whole / 1000; break;
    }
    *usec = sign * value;
    return NULL;
}

static bool is_leap(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return days[month - 1] + (month == 2 && is_leap(year));
}

/* Days from 0000-01-01 to the first of January of `year` (0..9999). */
static int64_t days_before_year(int64_t year)
{
    int64_t leap_years = (year + 3) / 4 - (year + 99) / 100 + (year + 399) / 400;
    return 365 * year + leap_years;
}

static int64_t days_since_epoch(int year, int month, int day)
{
    int64_t days = days_before_year(year) - days_before_year(1970);
    for (int m = 1; m < month; m++)
        days += days_in_month(year, m);
    return days + day - 1;
}

/* The zone after a time: Z, +hh, +hhmm, +hh:mm, or nothing (UTC).  The
 * offset is what local time is ahead of UTC, in seconds. */
static const char *parse_zone(const char *text, size_t len, size_t *at, int64_t *offset_sec)
{
    *offset_sec = 0;
    if (*at == len)
        return NULL;
    char c = text[*at];
    if (c == 'Z' || c == 'z') {
        (*at)++;
        return NULL;
    }
    if (c != '+' && c != '-')
        return "unexpected characters after the time";
    (*at)++;
    int hours, minutes = 0;
    if (!read_digits(text, len, at, 2, &hours))
        return "bad time zone offset";
    if (*at < len) {
        if (text[*at] == ':')
            (*at)++;
        if (!read_digits(text, len, at, 2, &minutes))
            return "bad time zone offset";
    }
    if (hours > 23 || minutes > 59)
        return "time zone offset out of range";
    *offset_sec = (c == '-' ? -1 : 1) * (hours * 3600 + minutes * 60);
    return NULL;
}

/* hh:mm[:ss[.frac]] at text[*at], as seconds of the day and microseconds. */
static const char *parse_clock(const char *text, size_t len, size_t *at, int64_t *seconds,
                               int64_t *micros)
{
    int hour, minute, second = 0;
    if (!read_digits(text, len, at, 2, &hour) || *at >= len || text[(*at)++] != ':' ||
        !read_digits(text, len, at, 2, &minute))
        return "bad time of day (expected hh:mm or hh:mm:ss)";
    *micros = 0;
    if (*at < len && text[*at] == ':') {
        (*at)++;
        if (!read_digits(text, len, at, 2, &second))
            return "bad seconds";
        if (*at < len && (text[*at] == '.' || text[*at] == ',')) {
            (*at)++;
            if (*at >= len || !is_digit(text[*at]))
                return "bad fraction of a second";
            *micros = read_fraction(text, len, at, 6);
        }
    }
    if (hour > 23)
        return "hour out of range";
    if (minute > 59)
        return "minute out of range";
    if (second > 60) /* 60: a leap second */
        return "second out of range";
    *seconds = hour * 3600 + minute * 60 + second;
    return NULL;
}

static const char *parse_iso8601(const char *text, size_t len, int64_t *usec)
{
    size_t at = 0;
    int year, month, day;
    if (!read_digits(text, len, &at, 4, &year) || text[at++] != '-' ||
        !read_digits(text, len, &at, 2, &month) || at >= len || text[at++] != '-' ||
        !read_digits(text, len, &at, 2, &day))
        return "bad ISO 8601 date (expected YYYY-MM-DD)";
    if (month < 1 || month > 12)
        return "month out of range";
    if (day < 1 || day > days_in_month(year, month))
        return "day out of range";
    int64_t seconds = 0, micros = 0, offset = 0;
    if (at < len) {
        char sep = text[at++];
        if (sep != 'T' && sep != 't' && sep != ' ')
            return "unexpected characters after the date";
        const char *why = parse_clock(text, len, &at, &seconds, &micros);
        if (!why)
            why = parse_zone(text, len, &at, &offset);
        if (why)
            return why;
        if (at != len)
            return "unexpected characters after the time";
    }
    int64_t epoch_sec = days_since_epoch(year, month, day) * SECONDS_PER_DAY + seconds - offset;
    *usec = epoch_sec * USEC_PER_SEC + micros;
    return NULL;
}

const char *session_parse_time(const char *text, size_t len, int64_t *usec)
{
    if (len == 0)
        return "empty";
    /* "2024-..." is a date; a number has at most a sign before its digits. */
    if (len >= 5 && is_digit(text[0]) && is_digit(text[1]) && is_digit(text[2]) &&
        is_digit(text[3]) && text[4] == '-')
        return parse_iso8601(text, len, usec);
    return parse_epoch_number(text, len, usec);
}
