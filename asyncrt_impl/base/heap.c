#include "sys.internal.h"
#define ASY__HEAP_NONE UINT32_MAX
#define ASY__HEAP_D 4

ASY__INTERNAL void asy__heap_init(asy__heap *h) { memset(h, 0, sizeof(*h)); }

ASY__INTERNAL void asy__heap_free(asy__heap *h) {
    uint32_t i;
    for (i = 0; i < h->count; i++) h->items[i].node->slot = ASY__HEAP_NONE;
    asy__free(h->items);
    memset(h, 0, sizeof(*h));
}

static inline void asy__heap_node_init(asy__heap_node *n) { n->slot = ASY__HEAP_NONE; }
static inline int asy__heap_node_active(const asy__heap_node *n) {
    return n->slot != ASY__HEAP_NONE;
}

static inline int asy__heap_less(const asy__heap_entry *a, const asy__heap_entry *b) {
    return a->key < b->key || (a->key == b->key && a->seq < b->seq);
}

static void asy__heap_sift_up(asy__heap *h, uint32_t i) {
    asy__heap_entry e = h->items[i];
    while (i > 0) {
        uint32_t parent = (i - 1) / ASY__HEAP_D;
        if (!asy__heap_less(&e, &h->items[parent])) break;
        h->items[i] = h->items[parent];
        h->items[i].node->slot = i;
        i = parent;
    }
    h->items[i] = e;
    e.node->slot = i;
}

static void asy__heap_sift_down(asy__heap *h, uint32_t i) {
    asy__heap_entry e = h->items[i];
    for (;;) {
        uint32_t first = i * ASY__HEAP_D + 1, best, c, end;
        if (first >= h->count) break;
        if (h->count - first >= ASY__HEAP_D) {
            /* a full set of four: a tournament of three comparisons */
            uint32_t a = asy__heap_less(&h->items[first + 1], &h->items[first]) ? first + 1 : first;
            uint32_t b = asy__heap_less(&h->items[first + 3], &h->items[first + 2]) ? first + 3
                                                                                   : first + 2;
            best = asy__heap_less(&h->items[b], &h->items[a]) ? b : a;
        } else {
            end = h->count;
            best = first;
            for (c = first + 1; c < end; c++)
                if (asy__heap_less(&h->items[c], &h->items[best])) best = c;
        }
        if (!asy__heap_less(&h->items[best], &e)) break;
        h->items[i] = h->items[best];
        h->items[i].node->slot = i;
        i = best;
    }
    h->items[i] = e;
    e.node->slot = i;
}

/* Ensures room for one more entry; 0 or ASY_ENOMEM. */
ASY__INTERNAL int asy__heap_reserve(asy__heap *h, uint32_t extra) {
    uint32_t need = h->count + extra, ncap;
    asy__heap_entry *ni;
    if (need <= h->cap) return 0;
    if (need < h->count) return ASY_ENOMEM; /* overflow */
    ncap = h->cap ? h->cap : 64;
    while (ncap < need) ncap = ncap > UINT32_MAX / 2 ? need : ncap * 2;
    ni = (asy__heap_entry *)asy__realloc(h->items, (size_t)ncap * sizeof(*ni));
    if (!ni) return ASY_ENOMEM;
    h->items = ni;
    h->cap = ncap;
    return 0;
}

/* Inserts an inactive node with the given key; 0 or ASY_ENOMEM. */
ASY__INTERNAL int asy__heap_insert(asy__heap *h, asy__heap_node *n, uint64_t key) {
    uint32_t i;
    ASYNCRT_ASSERT(n->slot == ASY__HEAP_NONE);
    if (h->count == h->cap && asy__heap_reserve(h, 1)) return ASY_ENOMEM;
    i = h->count++;
    h->items[i].key = key;
    h->items[i].seq = h->next_seq++;
    h->items[i].node = n;
    asy__heap_sift_up(h, i);
    return 0;
}

/* Removes an active node; removing an inactive node does nothing. */
ASY__INTERNAL void asy__heap_remove(asy__heap *h, asy__heap_node *n) {
    uint32_t i = n->slot, last;
    if (i == ASY__HEAP_NONE) return;
    ASYNCRT_ASSERT(i < h->count && h->items[i].node == n);
    n->slot = ASY__HEAP_NONE;
    last = --h->count;
    if (i == last) return;
    h->items[i] = h->items[last];
    h->items[i].node->slot = i;
    if (i > 0 && asy__heap_less(&h->items[i], &h->items[(i - 1) / ASY__HEAP_D]))
        asy__heap_sift_up(h, i);
    else
        asy__heap_sift_down(h, i);
}

/* The smallest entry, or NULL when empty. */
static inline const asy__heap_entry *asy__heap_min(const asy__heap *h) {
    return h->count ? &h->items[0] : NULL;
}

/* Removes and returns the node with the smallest key, or NULL. */
ASY__INTERNAL asy__heap_node *asy__heap_pop(asy__heap *h) {
    asy__heap_node *n;
    if (!h->count) return NULL;
    n = h->items[0].node;
    asy__heap_remove(h, n);
    return n;
}
