/* asy__queue: an intrusive, circular, doubly linked list.  A queue head and
 * its elements are the same struct; an empty queue points at itself.  Every
 * operation is O(1) and none allocates.  Embed an asy__queue in your struct
 * and get back to it with ASY_CONTAINER_OF. */
#pragma once
#include "config.h"
typedef struct asy__queue {
    struct asy__queue *next;
    struct asy__queue *prev;
} asy__queue;

static inline void asy__queue_init(asy__queue *q) { q->next = q->prev = q; }
static inline int asy__queue_empty(const asy__queue *q) { return q->next == q; }
static inline asy__queue *asy__queue_head(const asy__queue *q) { return q->next; }
static inline asy__queue *asy__queue_tail(const asy__queue *q) { return q->prev; }

static inline void asy__queue_insert_tail(asy__queue *h, asy__queue *q) {
    q->next = h;
    q->prev = h->prev;
    h->prev->next = q;
    h->prev = q;
}

static inline void asy__queue_insert_head(asy__queue *h, asy__queue *q) {
    q->next = h->next;
    q->prev = h;
    h->next->prev = q;
    h->next = q;
}

/* Unlinks q and leaves it pointing at itself, so removing twice is safe. */
static inline void asy__queue_remove(asy__queue *q) {
    q->prev->next = q->next;
    q->next->prev = q->prev;
    q->next = q->prev = q;
}

/* Moves every element of `from` to the tail of `to`; `from` ends empty. */
static inline void asy__queue_move(asy__queue *from, asy__queue *to) {
    if (asy__queue_empty(from)) return;
    from->next->prev = to->prev;
    to->prev->next = from->next;
    from->prev->next = to;
    to->prev = from->prev;
    asy__queue_init(from);
}

#define ASY__QUEUE_FOREACH(q, h) for ((q) = (h)->next; (q) != (h); (q) = (q)->next)
