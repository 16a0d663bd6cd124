#include "util/cpu.h"

cpu_features cpu_detect(void)
{
    cpu_features f = {0, 0};
#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
    /* The compiler's runtime also checks that the operating system saves
     * the wider registers (XGETBV), so a "yes" here is safe to use. */
    __builtin_cpu_init();
    f.avx2_fma = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    f.avx512f = f.avx2_fma && __builtin_cpu_supports("avx512f");
#endif
    return f;
}
