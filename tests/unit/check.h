/* A minimal test harness: each test is a function; CHECK records a failure
 * and goes on; every test prints one "PASS: name" or "FAIL: name" line for
 * tests/run.sh to count. */
#ifndef I2V_CHECK_H
#define I2V_CHECK_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static int check_failures;

#define CHECK(cond)                                                                   \
    do {                                                                              \
        if (!(cond)) {                                                                \
            fprintf(stderr, "    %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
            check_failures++;                                                         \
        }                                                                             \
    } while (0)

#define CHECK_NEAR(a, b, tol)                                                          \
    do {                                                                               \
        double check_a_ = (a), check_b_ = (b);                                         \
        if (!(fabs(check_a_ - check_b_) <= (tol))) {                                   \
            fprintf(stderr, "    %s:%d: %s = %.9g, %s = %.9g, differ by more than %g\n", \
                    __FILE__, __LINE__, #a, check_a_, #b, check_b_, (double)(tol));    \
            check_failures++;                                                          \
        }                                                                              \
    } while (0)

static int check_run(const char *name, void (*test)(void))
{
    int before = check_failures;
    test();
    int ok = check_failures == before;
    printf("%s: %s\n", ok ? "PASS" : "FAIL", name);
    fflush(stdout);
    return ok;
}

#define RUN(test) check_run(#test, test)
#define CHECK_EXIT() return check_failures ? 1 : 0

#endif
