/* Every allocation of the library goes through these, so a user allocator
 * (ASYNCRT_MALLOC & co.) sees all of it.  Zero-size requests are rounded up
 * so a NULL result always means "out of memory". */
#include "sys.internal.h"
ASY__INTERNAL void *asy__malloc(size_t n) { return ASYNCRT_MALLOC(n ? n : 1); }

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

ASY__INTERNAL void *asy__realloc(void *p, size_t n) { return ASYNCRT_REALLOC(p, n ? n : 1); }

ASY__INTERNAL void asy__free(void *p) {
    if (p) ASYNCRT_FREE(p);
}

ASY__INTERNAL char *asy__strdup(const char *s) {
    size_t n = strlen(s) + 1;
    char *d = (char *)asy__malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

ASYNCRT_API void asy_free(void *ptr) { asy__free(ptr); }
