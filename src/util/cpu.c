#include "util/cpu.h"

int cpu_runs(cpu_level level)
{
    if (level == CPU_BASELINE)
        return 1;
#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
    /* The compiler's runtime also checks that the operating system saves
     * the wider registers (XGETBV), so a "yes" here is safe to use. */
    __builtin_cpu_init();
    int avx2_fma = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    if (level == CPU_AVX2_FMA)
        return avx2_fma;
    if (level == CPU_AVX512F)
        return avx2_fma && __builtin_cpu_supports("avx512f");
#endif
    return 0;
}
