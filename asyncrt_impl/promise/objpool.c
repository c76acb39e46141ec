/* asy__objpool: fixed-size objects for the hot paths of the promise and
 * sync layers.  Chunks grow geometrically and are handed out by bumping a
 * pointer, so memory is touched only when used; freed objects go on a LIFO
 * free list (the most recently used, cache-warm, object comes back first).
 * Every object starts with a one-word header: the free-list link while
 * free, ASY__OBJ_LIVE while in use, which lets the owner walk the live
 * objects when tearing down. */
#define ASY__OBJ_LIVE ((void *)(uintptr_t)1)
/* A hint to fetch memory that will be needed soon (free lists, queues). */
#if defined(__GNUC__) || defined(__clang__)
#define ASY__PREFETCH(p) __builtin_prefetch(p)
#else
#define ASY__PREFETCH(p) ((void)0)
#endif
#define ASY__OBJPOOL_FIRST 64u
#define ASY__OBJPOOL_MAX_CHUNK 65536u

typedef struct {
    char **chunks;
    uint32_t *chunk_used; /* objects handed out from each chunk (ever) */
    uint32_t nchunks, chunks_cap;
    size_t item_size;
    uint32_t next_items;
    char *bump, *bump_end;
    void *free_head;
    size_t nfree; /* on the free list */
} asy__objpool;

ASY__INTERNAL void asy__objpool_init(asy__objpool *p, size_t item_size) {
    memset(p, 0, sizeof(*p));
    p->item_size = (item_size + 7) & ~(size_t)7;
    p->next_items = ASY__OBJPOOL_FIRST;
}

/* Pushes what is left of the bump chunk onto the free list. */
static void asy__objpool_retire_bump(asy__objpool *p) {
    while (p->bump < p->bump_end) {
        *(void **)(void *)p->bump = p->free_head;
        p->free_head = p->bump;
        p->nfree++;
        p->chunk_used[p->nchunks - 1]++;
        p->bump += p->item_size;
    }
}

static int asy__objpool_grow(asy__objpool *p, size_t min_items) {
    size_t items = p->next_items;
    char *chunk;
    if (items < min_items) items = min_items;
    if (items > SIZE_MAX / p->item_size || items > UINT32_MAX) return ASY_ENOMEM;
    if (p->nchunks == p->chunks_cap) {
        uint32_t ncap = p->chunks_cap ? p->chunks_cap * 2 : 16;
        char **nc = (char **)asy__realloc(p->chunks, ncap * sizeof(char *));
        uint32_t *nu;
        if (!nc) return ASY_ENOMEM;
        p->chunks = nc;
        nu = (uint32_t *)asy__realloc(p->chunk_used, ncap * sizeof(uint32_t));
        if (!nu) return ASY_ENOMEM;
        p->chunk_used = nu;
        p->chunks_cap = ncap;
    }
    if (!(chunk = (char *)asy__malloc(items * p->item_size))) return ASY_ENOMEM;
    if (p->nchunks) asy__objpool_retire_bump(p);
    p->chunks[p->nchunks] = chunk;
    p->chunk_used[p->nchunks] = 0;
    p->nchunks++;
    p->bump = chunk;
    p->bump_end = chunk + items * p->item_size;
    if (p->next_items < ASY__OBJPOOL_MAX_CHUNK) p->next_items *= 2;
    return 0;
}

/* After a 0 return, n allocations cannot fail. */
ASY__INTERNAL int asy__objpool_reserve(asy__objpool *p, size_t n) {
    size_t have = p->nfree + (size_t)(p->bump_end - p->bump) / p->item_size;
    return have >= n ? 0 : asy__objpool_grow(p, n - have);
}

static inline void *asy__objpool_alloc(asy__objpool *p) {
    void *obj;
    if (ASY__LIKELY(p->free_head != NULL)) {
        obj = p->free_head;
        p->free_head = *(void **)obj;
        p->nfree--;
        /* the next object off the list is likely cold: fetch it now */
        ASY__PREFETCH(p->free_head);
    } else {
        if (p->bump == p->bump_end && asy__objpool_grow(p, 1) != 0) return NULL;
        obj = p->bump;
        p->bump += p->item_size;
        p->chunk_used[p->nchunks - 1]++;
    }
    *(void **)obj = ASY__OBJ_LIVE;
    return obj;
}

static inline void asy__objpool_free(asy__objpool *p, void *obj) {
    *(void **)obj = p->free_head;
    p->free_head = obj;
    p->nfree++;
}

/* Calls fn on every live object (teardown). */
ASY__INTERNAL void asy__objpool_each_live(asy__objpool *p, void (*fn)(void *obj, void *ctx),
                                          void *ctx) {
    uint32_t c, i;
    for (c = 0; c < p->nchunks; c++)
        for (i = 0; i < p->chunk_used[c]; i++) {
            void *obj = p->chunks[c] + (size_t)i * p->item_size;
            if (*(void **)obj == ASY__OBJ_LIVE) fn(obj, ctx);
        }
}

ASY__INTERNAL void asy__objpool_destroy(asy__objpool *p) {
    uint32_t c;
    for (c = 0; c < p->nchunks; c++) asy__free(p->chunks[c]);
    asy__free(p->chunks);
    asy__free(p->chunk_used);
    memset(p, 0, sizeof(*p));
}
