/* Private parts of the promise layer, shared with the sync layer.
 *
 * Promises and reactions come from per-loop object pools (objpool.internal.h), so
 * steady-state promise traffic does not touch malloc, and asy_loop_close
 * can reclaim whatever is still alive by walking the pools. */
#pragma once
#include "promise.h"
#include "objpool.internal.h"
#include "../loop/loop.h"
enum {
    ASY__PROM_LOCKED = 1u << 0,    /* resolved with a promise: waits for it */
    ASY__PROM_HANDLED = 1u << 1,   /* a continuation was attached */
    ASY__PROM_REPORTED = 1u << 2,  /* given to the unhandled-rejection hook */
    ASY__PROM_MSG_OWNED = 1u << 3, /* res_.message is ours to free */
    ASY__PROM_FREEFN = 1u << 4,    /* own_.free_fn frees res_.value */
    ASY__PROM_KEEP = 1u << 5       /* own_.keep owns what res_ points to */
};

struct asy__promise_state;

/* 64 bytes, one cache line: a million queued tasks are a million promises,
 * and every pass over them costs a miss per line. */
struct asy_promise_s {
    /* first: the object pool's header.  While the promise lives it is the
     * pool's live tag, which is the loop's promise state; while free or
     * dying it links the free list or the release worklist. */
    struct asy__promise_state *st_;
    asy_settled_t res_;
    uint32_t refs_;
    uint32_t flags_;
    union {
        void (*free_fn)(void *value); /* owned value (asy_ok_owned) */
        asy_promise_t *keep;          /* owner of a value/message passed on to us */
    } own_;
    struct asy__reaction *rtail_; /* continuations: a ring, rtail_->next is the first */
};

/* A continuation attached to a promise, later the microtask job that runs
 * it.  One struct serves every kind so one pool serves them all. */
enum {
    ASY__REACT_THEN = 1,  /* fn_a / fn_b (on_ok / on_err) settle derived */
    ASY__REACT_FINALLY,   /* fn_a runs on either outcome */
    ASY__REACT_FTHUNK,    /* finally's tail: settle derived like arg (the original) */
    ASY__REACT_OBSERVE,   /* fn_a is an asy_settled_fn */
    ASY__REACT_THENABLE,  /* V8's PromiseResolveThenableJob: src = the promise
                         derived was resolved with */
    ASY__REACT_ADOPT,     /* derived takes src's outcome */
    ASY__REACT_ALL,       /* combinator elements: arg is the asy__combo */
    ASY__REACT_SETTLED,
    ASY__REACT_RACE,
    ASY__REACT_ANY
};

/* Callbacks of either shape are stored as this and cast back to their own
 * type before the call. */
typedef void (*asy__any_fn)(void);

typedef struct asy__reaction { /* 64 bytes */
    void *pool_link_;
    struct asy__reaction *next;
    asy_promise_t *src;     /* set (and retained) once queued as a job */
    asy_promise_t *derived; /* retained, when the kind has one */
    asy__any_fn fn_a, fn_b;
    void *arg;
    uint32_t index;
    int kind;
} asy__reaction;

typedef struct asy__promise_state {
    asy_loop_t *loop;
    asy__objpool promises, reactions;
    asy_promise_t *dying; /* promises whose last reference went */
    int reaping, closing;
    /* rejected with no continuation, to check at the end of the drain */
    asy_promise_t **unhandled, **unhandled_spare;
    size_t n_unhandled, cap_unhandled, cap_spare;
    asy_unhandled_fn hook;
    void *hook_arg;
    /* jobs that did not fit in the microtask ring (out of memory) */
    asy__reaction *overflow_head, *overflow_tail;
} asy__promise_state;

ASY__INTERNAL asy__promise_state *asy__promise_state_create(asy_loop_t *loop);
static inline asy__promise_state *asy__promise_st(asy_loop_t *loop) {
    asy__promise_state *st = (asy__promise_state *)loop->layers_[ASY__LAYER_PROMISE].state;
    return ASY__LIKELY(st != NULL) ? st : asy__promise_state_create(loop);
}

ASY__INTERNAL asy_promise_t *asy__promise_alloc(asy__promise_state *st);
ASY__INTERNAL void asy__promise_unref(asy_promise_t *p);
ASY__INTERNAL asy__reaction *asy__reaction_alloc(asy__promise_state *st);
ASY__INTERNAL void asy__reaction_free(asy__promise_state *st, asy__reaction *r);
/* Attaches r to p (marking p handled); if p is settled r is queued now. */
ASY__INTERNAL void asy__promise_attach(asy_promise_t *p, asy__reaction *r);
/* Settles a pending promise with a ret, consuming it. */
ASY__INTERNAL void asy__promise_resolve(asy_promise_t *x, asy_ret_t *ret);
ASY__INTERNAL void asy__promise_settle_raw(asy_promise_t *p, asy_promise_state_t state, void *value,
                                           void (*free_fn)(void *), int error,
                                           const char *message, int msg_owned,
                                           asy_promise_t *keep);
/* Settles a pending x like the settled q (asy_pass), sharing ownership. */
ASY__INTERNAL void asy__promise_adopt(asy_promise_t *x, asy_promise_t *q);
/* asy_promise_from / asy_promise_settle for a ret held by the caller:
 * internal paths pass the 48-byte struct by address instead of copying it
 * (copies of freshly written structs stall store forwarding). */
ASY__INTERNAL asy_promise_t *asy__promise_from_ret(asy_loop_t *loop, asy_ret_t *ret);
ASY__INTERNAL int asy__promise_settle_ret(asy_promise_t *p, asy_ret_t *ret);
/* resolve(value) for internal callers, unless p is no longer pending */
ASY__INTERNAL void asy__promise_fulfill(asy_promise_t *p, void *value);
/* settle p like the settled src, unless p is no longer pending */
ASY__INTERNAL void asy__promise_settle_like(asy_promise_t *p, asy_promise_t *src);
/* The promise whose lifetime owns p's value and message (NULL: none). */
static inline asy_promise_t *asy__promise_owner(asy_promise_t *p) {
    if (p->flags_ & ASY__PROM_KEEP) return p->own_.keep;
    return (p->flags_ & (ASY__PROM_FREEFN | ASY__PROM_MSG_OWNED)) ? p : NULL;
}

ASY__INTERNAL int asy__promise_push_microtask(asy__promise_state *st, asy_fn fn, void *arg);
ASY__INTERNAL int asy__promise_queue_settled(asy_promise_t *p, asy_fn fn, void *arg);

/* then.c: observing the outcome of a task for the sync layer.  Everything
 * that can fail is allocated before the task runs (asy__watch_prepare), so
 * once the task has made something (a resource, work that holds permits)
 * its outcome is sure to reach the observer: asy__watch_ret cannot fail. */
typedef struct {
    asy_promise_t *p;
    asy__reaction *r;
} asy__watch;
ASY__INTERNAL int asy__watch_prepare(asy_loop_t *loop, asy__watch *w);
/* Gives back a prepared watch that will not be used. */
ASY__INTERNAL void asy__watch_cancel(asy__watch *w);
/* Settles with the task's ret (consumed), attaches fn(arg, outcome) as a
 * microtask and returns the promise of the outcome (a reference). */
ASY__INTERNAL asy_promise_t *asy__watch_ret(asy__watch *w, asy_ret_t *ret, asy_settled_fn fn,
                                            void *arg);

/* combinators.c */
ASY__INTERNAL void asy__combo_element(asy__reaction *r, asy_promise_t *src);
ASY__INTERNAL void asy__combo_unref(void *combo);
/* unhandled.c */
ASY__INTERNAL void asy__unhandled_add(asy__promise_state *st, asy_promise_t *p);
ASY__INTERNAL void asy__promise_after_drain(asy_loop_t *loop);
ASY__INTERNAL void asy__promise_run_job(void *arg);
