/* CPU features that decide which SIMD kernels may run.  Kernels are
 * compiled for their instruction sets with target attributes (never with
 * -march), so one binary runs everywhere and picks the best kernel at run
 * time.  Every kernel family (core/kernel.h, query/dot.h) keeps one table
 * of variants indexed by cpu_level and offers the same three functions:
 * its reference, the variants this CPU runs, the fastest of them. */
#ifndef I2V_CPU_H
#define I2V_CPU_H

/* Instruction-set levels a kernel may need, lowest first: each implies
 * the ones before it. */
typedef enum cpu_level {
    CPU_BASELINE,  /* portable C */
    CPU_AVX2_FMA,  /* AVX2 and FMA3 */
    CPU_AVX512F,   /* AVX-512 Foundation (with AVX2 and FMA3) */
    CPU_LEVELS
} cpu_level;

/* 1 when this CPU and operating system run code of `level`.  Cheap; no
 * state kept. */
int cpu_runs(cpu_level level);

#endif
