/* asy__heap: an indexed 4-ary min-heap, ordered by (key, seq).  The entries
 * live in one array with their keys inline, so sifting touches no node
 * memory but the back-index; each node knows its slot, so removing any node
 * is O(log n).  Equal keys come out in insertion order (seq), which is what
 * timers with the same deadline need. */
#pragma once
#include "config.h"
typedef struct asy__heap_node {
    uint32_t slot; /* index in the heap array; UINT32_MAX when not in a heap */
} asy__heap_node;

typedef struct asy__heap_entry {
    uint64_t key;
    uint64_t seq;
    asy__heap_node *node;
} asy__heap_entry;

typedef struct asy__heap {
    asy__heap_entry *items;
    uint32_t count;
    uint32_t cap;
    uint64_t next_seq;
} asy__heap;
