/* process.memoryUsage(). */
#include "perf.h"
#include "../base/sys.internal.h"
#include "../buf/buf.internal.h"
#include <sys/resource.h>

/* Current resident set: /proc/self/statm on Linux; elsewhere the peak
 * from getrusage is the best portable answer (docs/perf.md). */
static uint64_t asy__rss(void) {
#if defined(__linux__)
    char buf[128];
    ssize_t n;
    unsigned long long size = 0, resident = 0;
    int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        n = read(fd, buf, sizeof(buf) - 1);
        close(fd);
        if (n > 0) {
            buf[n] = 0;
            if (sscanf(buf, "%llu %llu", &size, &resident) == 2)
                return (uint64_t)resident * (uint64_t)sysconf(_SC_PAGESIZE);
        }
    }
#endif
    {
        struct rusage ru;
        if (getrusage(RUSAGE_SELF, &ru) != 0) return 0;
#if defined(__APPLE__)
        return (uint64_t)ru.ru_maxrss; /* bytes on macOS */
#else
        return (uint64_t)ru.ru_maxrss * 1024u; /* KiB elsewhere */
#endif
    }
}

ASYNCRT_API int asy_memory_usage(asy_memory_usage_t *out) {
    if (!out) return ASY_EINVAL;
    memset(out, 0, sizeof(*out));
    out->rss = asy__rss();
    asy__alloc_stats(&out->heap_used, &out->heap_blocks);
    asy__buf_stats(&out->array_buffers, &out->external);
    return 0;
}
