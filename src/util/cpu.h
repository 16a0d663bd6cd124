/* CPU features that decide which SIMD kernels may run.  Kernels are
 * compiled for their instruction sets with target attributes (never with
 * -march), so one binary runs everywhere and picks the best kernel at run
 * time from what this reports. */
#ifndef I2V_CPU_H
#define I2V_CPU_H

typedef struct cpu_features {
    int avx2_fma; /* AVX2 and FMA3, enabled by the operating system */
    int avx512f;  /* AVX-512 Foundation, enabled by the operating system */
} cpu_features;

/* What this CPU and operating system support.  Cheap; no state kept. */
cpu_features cpu_detect(void);

#endif
