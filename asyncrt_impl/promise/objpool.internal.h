/* asy__objpool: fixed-size objects for the hot paths of the promise and
 * sync layers.
 *
 * Chunks grow geometrically, start on a cache-line boundary and are handed
 * out by bumping a pointer, so memory is touched only when used.  Freed
 * objects go on a LIFO free list (the most recently used, cache-warm,
 * object comes back first).  When the last live object is freed the free
 * list is dropped and bumping starts over from the first chunk: a burst
 * (a million queued tasks) then gets its objects in address order, which
 * the hardware prefetcher streams, instead of chasing a cold free list.
 *
 * Every object starts with a one-word header: the free-list link while
 * free, the pool's live tag while in use (the owner may keep something
 * useful there, as promises keep their loop state), which lets the owner
 * walk the live objects when tearing down. */
#pragma once
#include "../base/sys.internal.h"
#define ASY__OBJ_LIVE ((void *)(uintptr_t)1)
#define ASY__OBJPOOL_FIRST 64u
#define ASY__OBJPOOL_MAX_CHUNK 65536u
/* A hint to fetch memory that will be needed soon (free lists, queues). */
#if defined(__GNUC__) || defined(__clang__)
#define ASY__PREFETCH(p) __builtin_prefetch(p)
#else
#define ASY__PREFETCH(p) ((void)0)
#endif

typedef struct {
    char **chunks;        /* aligned starts */
    void **raw;           /* what the allocator returned */
    uint32_t *chunk_items;
    uint32_t *chunk_used; /* how far objects were ever handed out */
    uint32_t nchunks, chunks_cap;
    size_t item_size;
    uint32_t next_items;
    uint32_t bump_chunk; /* where bumping is */
    char *bump, *bump_end;
    void *free_head;
    size_t total, live;
    void *live_tag;
} asy__objpool;

/* live_tag: the header of objects in use; never NULL, never an object's
 * address (ASY__OBJ_LIVE will do). */
ASY__INTERNAL void asy__objpool_init(asy__objpool *p, size_t item_size, void *live_tag) {
    memset(p, 0, sizeof(*p));
    p->item_size = (item_size + 7) & ~(size_t)7;
    p->next_items = ASY__OBJPOOL_FIRST;
    p->live_tag = live_tag;
}

/* Records how far the bump chunk has been handed out (the teardown walk
 * stops there); done when bumping leaves a chunk, not on every alloc. */
static void asy__objpool_sync_used(asy__objpool *p) {
    uint32_t used;
    if (!p->bump) return;
    used = (uint32_t)((size_t)(p->bump - p->chunks[p->bump_chunk]) / p->item_size);
    if (used > p->chunk_used[p->bump_chunk]) p->chunk_used[p->bump_chunk] = used;
}

static void asy__objpool_bump_at(asy__objpool *p, uint32_t c) {
    asy__objpool_sync_used(p);
    p->bump_chunk = c;
    p->bump = p->chunks[c];
    p->bump_end = p->chunks[c] + (size_t)p->chunk_items[c] * p->item_size;
}

static int asy__objpool_add_chunk(asy__objpool *p, size_t items) {
    char *chunk;
    void *raw;
    if (items < p->next_items) items = p->next_items;
    if (items > (SIZE_MAX - 64) / p->item_size || items > UINT32_MAX) return ASY_ENOMEM;
    if (p->nchunks == p->chunks_cap) {
        uint32_t ncap = p->chunks_cap ? p->chunks_cap * 2 : 16;
        char **nc;
        void **nr;
        uint32_t *ni, *nu;
        if (!(nc = (char **)asy__realloc(p->chunks, ncap * sizeof(char *)))) return ASY_ENOMEM;
        p->chunks = nc;
        if (!(nr = (void **)asy__realloc(p->raw, ncap * sizeof(void *)))) return ASY_ENOMEM;
        p->raw = nr;
        if (!(ni = (uint32_t *)asy__realloc(p->chunk_items, ncap * sizeof(uint32_t))))
            return ASY_ENOMEM;
        p->chunk_items = ni;
        if (!(nu = (uint32_t *)asy__realloc(p->chunk_used, ncap * sizeof(uint32_t))))
            return ASY_ENOMEM;
        p->chunk_used = nu;
        p->chunks_cap = ncap;
    }
    if (!(raw = asy__malloc(items * p->item_size + 64))) return ASY_ENOMEM;
    /* a 64-byte object then spans exactly one cache line */
    chunk = (char *)raw + ((64 - ((uintptr_t)raw & 63)) & 63);
    p->raw[p->nchunks] = raw;
    p->chunks[p->nchunks] = chunk;
    p->chunk_items[p->nchunks] = (uint32_t)items;
    p->chunk_used[p->nchunks] = 0;
    p->nchunks++;
    p->total += items;
    if (p->next_items < ASY__OBJPOOL_MAX_CHUNK) p->next_items *= 2;
    return 0;
}

/* The bump chunk is used up: its leftovers (none, unless a reserve added a
 * chunk early) are already on the free list; move on to the next chunk. */
static int asy__objpool_next_chunk(asy__objpool *p) {
    uint32_t next = p->bump ? p->bump_chunk + 1 : 0;
    if (next >= p->nchunks && asy__objpool_add_chunk(p, 1) != 0) return ASY_ENOMEM;
    asy__objpool_bump_at(p, next);
    return 0;
}

/* After a 0 return, n allocations cannot fail. */
ASY__INTERNAL int asy__objpool_reserve(asy__objpool *p, size_t n) {
    size_t have = p->total - p->live;
    return have >= n ? 0 : asy__objpool_add_chunk(p, n - have);
}

static inline void *asy__objpool_alloc(asy__objpool *p) {
    void *obj;
    if (ASY__LIKELY(p->free_head != NULL)) {
        obj = p->free_head;
        p->free_head = *(void **)obj;
        /* the next object off the list is likely cold: fetch it now */
        ASY__PREFETCH(p->free_head);
    } else {
        if (p->bump == p->bump_end && asy__objpool_next_chunk(p) != 0) return NULL;
        obj = p->bump;
        p->bump += p->item_size;
    }
    *(void **)obj = p->live_tag;
    p->live++;
    return obj;
}

static inline void asy__objpool_free(asy__objpool *p, void *obj) {
    *(void **)obj = p->free_head;
    p->free_head = obj;
    if (--p->live == 0) {
        /* everything is back: start over in address order */
        p->free_head = NULL;
        asy__objpool_bump_at(p, 0);
    }
}

/* Calls fn on every live object (teardown). */
ASY__INTERNAL void asy__objpool_each_live(asy__objpool *p, void (*fn)(void *obj, void *ctx),
                                          void *ctx) {
    uint32_t c, i;
    asy__objpool_sync_used(p);
    for (c = 0; c < p->nchunks; c++)
        for (i = 0; i < p->chunk_used[c]; i++) {
            void *obj = p->chunks[c] + (size_t)i * p->item_size;
            if (*(void **)obj == p->live_tag) fn(obj, ctx);
        }
}

ASY__INTERNAL void asy__objpool_destroy(asy__objpool *p) {
    uint32_t c;
    for (c = 0; c < p->nchunks; c++) asy__free(p->raw[c]);
    asy__free(p->raw);
    asy__free(p->chunks);
    asy__free(p->chunk_items);
    asy__free(p->chunk_used);
    memset(p, 0, sizeof(*p));
}
