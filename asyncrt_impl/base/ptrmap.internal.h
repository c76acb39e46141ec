/* asy__ptrmap: pointer -> pointer hash table, open addressing with linear
 * probing and backward-shift deletion (no tombstones, so lookups stay
 * short however many objects come and go).  Kept at most half full.
 * Keys are never NULL (an empty cell's key is NULL). */
#pragma once
#include "sys.internal.h"
typedef struct {
    void *key;
    void *val;
} asy__ptrmap_cell;

typedef struct {
    asy__ptrmap_cell *cells;
    size_t cap; /* a power of two, or 0 */
    size_t count;
} asy__ptrmap;

static size_t asy__ptrmap_hash(const void *p) {
    uint64_t x = (uint64_t)(uintptr_t)p;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return (size_t)x;
}

ASY__INTERNAL void *asy__ptrmap_get(const asy__ptrmap *m, const void *key) {
    size_t mask, i;
    if (!m->cap || !key) return NULL;
    mask = m->cap - 1;
    for (i = asy__ptrmap_hash(key) & mask; m->cells[i].key; i = (i + 1) & mask)
        if (m->cells[i].key == key) return m->cells[i].val;
    return NULL;
}

static void asy__ptrmap_insert(asy__ptrmap_cell *cells, size_t cap, void *key, void *val) {
    size_t mask = cap - 1, i = asy__ptrmap_hash(key) & mask;
    while (cells[i].key) i = (i + 1) & mask;
    cells[i].key = key;
    cells[i].val = val;
}

/* 0, ASY_EEXIST for a key already there, ASY_ENOMEM. */
ASY__INTERNAL int asy__ptrmap_put(asy__ptrmap *m, void *key, void *val) {
    if (!key) return ASY_EINVAL;
    if (asy__ptrmap_get(m, key)) return ASY_EEXIST;
    if ((m->count + 1) * 2 > m->cap) {
        size_t ncap = m->cap ? m->cap * 2 : 16, i;
        asy__ptrmap_cell *nc;
        if (ncap < m->cap || !(nc = (asy__ptrmap_cell *)asy__calloc(ncap, sizeof(*nc))))
            return ASY_ENOMEM;
        for (i = 0; i < m->cap; i++)
            if (m->cells[i].key) asy__ptrmap_insert(nc, ncap, m->cells[i].key, m->cells[i].val);
        asy__free(m->cells);
        m->cells = nc;
        m->cap = ncap;
    }
    asy__ptrmap_insert(m->cells, m->cap, key, val);
    m->count++;
    return 0;
}

ASY__INTERNAL void asy__ptrmap_del(asy__ptrmap *m, const void *key) {
    size_t mask, i, j;
    if (!m->cap || !key) return;
    mask = m->cap - 1;
    for (i = asy__ptrmap_hash(key) & mask; m->cells[i].key != key; i = (i + 1) & mask)
        if (!m->cells[i].key) return;
    /* shift later members of the probe run back over the hole */
    for (j = (i + 1) & mask; m->cells[j].key; j = (j + 1) & mask) {
        size_t home = asy__ptrmap_hash(m->cells[j].key) & mask;
        /* j may move to i when its home is not in the cyclic range (i, j] */
        if (((j - home) & mask) >= ((j - i) & mask)) {
            m->cells[i] = m->cells[j];
            i = j;
        }
    }
    m->cells[i].key = NULL;
    m->cells[i].val = NULL;
    m->count--;
}

ASY__INTERNAL void asy__ptrmap_free(asy__ptrmap *m) {
    asy__free(m->cells);
    memset(m, 0, sizeof(*m));
}
