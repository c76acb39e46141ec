#include "sys.internal.h"
#if ASYNCRT_OS_WINDOWS
ASYNCRT_API uint64_t asy_hrtime(void) {
    static volatile LONG64 freq_cache = 0;
    LARGE_INTEGER now, freq;
    LONG64 f = freq_cache;
    if (f == 0) {
        QueryPerformanceFrequency(&freq);
        f = freq.QuadPart;
        freq_cache = f;
    }
    QueryPerformanceCounter(&now);
    /* split to avoid overflowing 64 bits for long uptimes */
    return (uint64_t)(now.QuadPart / f) * 1000000000u +
           (uint64_t)(now.QuadPart % f) * 1000000000u / (uint64_t)f;
}
#else
ASYNCRT_API uint64_t asy_hrtime(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
#endif
