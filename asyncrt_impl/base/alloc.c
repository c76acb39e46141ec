/* Every allocation of the library goes through these, so a user allocator
 * (ASYNCRT_MALLOC & co.) sees all of it.  Zero-size requests are rounded up
 * so a NULL result always means "out of memory".
 *
 * They also keep a process-wide count of the bytes the library holds
 * (asy_memory_usage's heap_used, the heap-profiling counterpart of
 * --heap-prof): the allocator's usable size of each block is added on
 * allocation and taken off on free.  Sizes come from the C library
 * (malloc_usable_size, malloc_size, _msize) with the default allocator, or
 * from ASYNCRT_MALLOC_SIZE(p) next to a user allocator; without either the
 * count is off and reported as unknown. */
#include "sys.internal.h"
#if defined(ASYNCRT_MALLOC_SIZE)
#define ASY__ALLOC_SIZE(p) ((size_t)ASYNCRT_MALLOC_SIZE(p))
#elif !defined(ASY__USER_ALLOCATOR) && defined(__GLIBC__)
#include <malloc.h>
#define ASY__ALLOC_SIZE(p) malloc_usable_size(p)
#elif !defined(ASY__USER_ALLOCATOR) && defined(__APPLE__)
#include <malloc/malloc.h>
#define ASY__ALLOC_SIZE(p) malloc_size(p)
#elif !defined(ASY__USER_ALLOCATOR) && defined(_WIN32)
#include <malloc.h>
#define ASY__ALLOC_SIZE(p) _msize(p)
#endif

#ifdef ASY__ALLOC_SIZE
static int64_t asy__alloc_bytes;
static int64_t asy__alloc_blocks;
#define ASY__ALLOC_ADD ASY__COUNTER_ADD
#define ASY__ALLOC_LOAD ASY__COUNTER_LOAD
static void asy__alloc_count(void *p, int sign) {
    ASY__ALLOC_ADD(asy__alloc_bytes, sign * (int64_t)ASY__ALLOC_SIZE(p));
    ASY__ALLOC_ADD(asy__alloc_blocks, sign);
}
#define ASY__ALLOC_COUNT(p, sign) asy__alloc_count((p), (sign))
#else
#define ASY__ALLOC_COUNT(p, sign) ((void)0)
#endif

/* Bytes and blocks the library holds now; 0 when sizes are unknown, and
 * then *bytes and *blocks are -1. */
ASY__INTERNAL int asy__alloc_stats(int64_t *bytes, int64_t *blocks) {
#ifdef ASY__ALLOC_SIZE
    int64_t b = ASY__ALLOC_LOAD(asy__alloc_bytes), n = ASY__ALLOC_LOAD(asy__alloc_blocks);
    /* a block the C library made and the library freed (never counted in)
     * would push the count below zero */
    *bytes = b < 0 ? 0 : b;
    *blocks = n < 0 ? 0 : n;
    return 1;
#else
    *bytes = -1;
    *blocks = -1;
    return 0;
#endif
}

ASY__INTERNAL void *asy__malloc(size_t n) {
    void *p = ASYNCRT_MALLOC(n ? n : 1);
    if (p) ASY__ALLOC_COUNT(p, 1);
    return p;
}

ASY__INTERNAL void *asy__calloc(size_t count, size_t size) {
    void *p;
    if (size && count > SIZE_MAX / size) return NULL;
    p = asy__malloc(count * size);
    if (p) memset(p, 0, count * size);
    return p;
}

ASY__INTERNAL void *asy__malloc_array(size_t count, size_t size) {
    if (size && count > SIZE_MAX / size) return NULL;
    return asy__malloc(count * size);
}

ASY__INTERNAL void *asy__realloc(void *p, size_t n) {
    void *np;
#ifdef ASY__ALLOC_SIZE
    int64_t old = p ? (int64_t)ASY__ALLOC_SIZE(p) : 0;
    np = ASYNCRT_REALLOC(p, n ? n : 1);
    if (np) {
        ASY__ALLOC_ADD(asy__alloc_bytes, (int64_t)ASY__ALLOC_SIZE(np) - old);
        if (!p) ASY__ALLOC_ADD(asy__alloc_blocks, 1);
    }
#else
    np = ASYNCRT_REALLOC(p, n ? n : 1);
#endif
    return np;
}

ASY__INTERNAL void asy__free(void *p) {
    if (p) {
        ASY__ALLOC_COUNT(p, -1);
        ASYNCRT_FREE(p);
    }
}

ASY__INTERNAL char *asy__strdup(const char *s) {
    size_t n = strlen(s) + 1;
    char *d = (char *)asy__malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

ASYNCRT_API void asy_free(void *ptr) { asy__free(ptr); }
