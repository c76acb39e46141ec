/* asy__slots: fixed-size items in chunks of 256 (addresses never move),
 * each starting with an asy__slot header.  An id packs the slot's
 * generation with its index, so an id outlives its slot harmlessly. */
#pragma once
#include "timer.h"
#include "loop.h"
#include "../base/sys.internal.h"
#define ASY__SLOT_CHUNK 256u

typedef struct asy__slot {
    uint32_t gen;       /* bumped on every free: stale ids stop matching */
    uint32_t next_free; /* index + 1 of the next free slot */
    uint32_t index;
    uint32_t live;
} asy__slot;

ASY__INTERNAL void asy__slots_init(asy__slots *s, size_t item_size) {
    memset(s, 0, sizeof(*s));
    s->item_size = (uint32_t)((item_size + 15) & ~(size_t)15);
}

static inline asy__slot *asy__slots_at(const asy__slots *s, uint32_t index) {
    return (asy__slot *)(void *)((char *)s->chunks[index / ASY__SLOT_CHUNK] +
                                 (size_t)(index % ASY__SLOT_CHUNK) * s->item_size);
}

ASY__INTERNAL asy__slot *asy__slots_alloc(asy__slots *s) {
    asy__slot *slot;
    if (!s->free_head) {
        uint32_t base = s->nchunks * ASY__SLOT_CHUNK, i;
        void **nc;
        char *chunk;
        if (s->nchunks >= (UINT32_MAX / ASY__SLOT_CHUNK) - 1) return NULL;
        nc = (void **)asy__realloc(s->chunks, sizeof(void *) * (s->nchunks + 1));
        if (!nc) return NULL;
        s->chunks = nc;
        chunk = (char *)asy__calloc(ASY__SLOT_CHUNK, s->item_size);
        if (!chunk) return NULL;
        s->chunks[s->nchunks++] = chunk;
        /* thread the new slots onto the free list, lowest index first */
        for (i = ASY__SLOT_CHUNK; i-- > 0;) {
            asy__slot *x = (asy__slot *)(void *)(chunk + (size_t)i * s->item_size);
            x->index = base + i;
            x->gen = 1;
            x->next_free = s->free_head;
            s->free_head = base + i + 1;
        }
    }
    slot = asy__slots_at(s, s->free_head - 1);
    s->free_head = slot->next_free;
    slot->next_free = 0;
    slot->live = 1;
    s->live++;
    return slot;
}

ASY__INTERNAL void asy__slots_release(asy__slots *s, asy__slot *slot) {
    if (!slot->live) return;
    slot->live = 0;
    slot->gen++;
    if (slot->gen == 0) slot->gen = 1; /* 0 would let id 0 ever match */
    slot->next_free = s->free_head;
    s->free_head = slot->index + 1;
    s->live--;
}

static inline uint64_t asy__slot_id(const asy__slot *slot) {
    return ((uint64_t)slot->gen << 32) | (uint64_t)(slot->index + 1);
}

/* The live slot an id names, or NULL for a stale or bogus id. */
ASY__INTERNAL asy__slot *asy__slots_lookup(const asy__slots *s, uint64_t id) {
    uint32_t index = (uint32_t)(id & 0xffffffffu), gen = (uint32_t)(id >> 32);
    asy__slot *slot;
    if (index == 0 || index - 1 >= s->nchunks * ASY__SLOT_CHUNK) return NULL;
    slot = asy__slots_at(s, index - 1);
    return slot->live && slot->gen == gen ? slot : NULL;
}

ASY__INTERNAL void asy__slots_free(asy__slots *s) {
    uint32_t i;
    for (i = 0; i < s->nchunks; i++) asy__free(s->chunks[i]);
    asy__free(s->chunks);
    s->chunks = NULL;
    s->nchunks = 0;
    s->free_head = 0;
    s->live = 0;
}

/* A callback timer (asy_set_timeout / asy_set_interval) in the loop's
 * slots: defined in timer.c; diag/report.c recognises one by its cb_. */
typedef struct asy__ctimer {
    asy__slot slot; /* must be first */
    asy_timer_t timer;
    asy_fn cb;
    void *arg;
    uint64_t ms;
    int interval;
} asy__ctimer;
static void asy__ctimer_fire(asy_timer_t *t);
