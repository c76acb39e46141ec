/* Promise.all / allSettled / race / any.
 *
 * One block per call: the asy__combo header, then the result array (the
 * value the result promise hands out, so its free function finds the
 * header right in front of it), then the inputs kept alive for what the
 * array points into (for all(), a separate array made only when some
 * value has an owner: plain values need none).  Every element reaction holds a reference on the
 * block, and so does the result promise once it hands the array out; the
 * block never holds an input while the input can still settle, so no
 * reference cycle can form. */
#include "promise.internal.h"
#include "../loop/handle.h"
typedef struct asy__combo {
    asy__promise_state *st;
    asy_promise_t *result; /* held until it is settled */
    asy_promise_t **keeps; /* n entries: what the array borrows from, or NULL */
    int keeps_own;         /* keeps is a separate allocation */
    size_t n, remaining;
    size_t refs;
    int kind;
    int done;
} asy__combo;

static void **asy__combo_values(asy__combo *c) { return (void **)(void *)(c + 1); }
static asy_settled_t *asy__combo_outcomes(asy__combo *c) {
    return (asy_settled_t *)(void *)(c + 1);
}

ASY__INTERNAL void asy__combo_unref(void *combo) {
    asy__combo *c = (asy__combo *)combo;
    size_t i;
    if (--c->refs) return;
    if (!c->st->closing) {
        if (c->result) asy__promise_unref(c->result); /* inputs died pending */
        for (i = 0; c->keeps && i < c->n; i++)
            if (c->keeps[i]) asy__promise_unref(c->keeps[i]);
    }
    if (c->keeps_own) asy__free(c->keeps);
    asy__free(c);
}

/* free_fn of a result that hands out the array */
static void asy__combo_value_free(void *value) { asy__combo_unref((asy__combo *)value - 1); }

static void asy__combo_finish(asy__combo *c, asy_promise_state_t state, int error, void *value) {
    asy_promise_t *res = c->result;
    c->done = 1;
    c->result = NULL;
    c->refs++; /* the result now owns the array */
    asy__promise_settle_raw(res, state, value, asy__combo_value_free, error, NULL, 0, NULL);
    asy__promise_unref(res);
}

static void asy__combo_pass(asy__combo *c, asy_promise_t *src) {
    asy_promise_t *res = c->result;
    asy_ret_t ret = asy_pass(&src->res_);
    c->done = 1;
    c->result = NULL;
    asy__promise_resolve(res, &ret);
    asy__promise_unref(res);
}

/* Keeps owner alive for as long as the result array lives; 0 on ENOMEM. */
static int asy__combo_keep(asy__combo *c, size_t i, asy_promise_t *owner) {
    if (!c->keeps) {
        if (!(c->keeps = (asy_promise_t **)asy__calloc(c->n, sizeof(asy_promise_t *)))) return 0;
        c->keeps_own = 1;
    }
    c->keeps[i] = owner;
    owner->refs_++;
    return 1;
}

/* allSettled's outcomes, any's rejections: the last one settles the result */
static void asy__combo_collect(asy__combo *c, size_t i, asy_promise_t *src,
                               asy_promise_state_t final_state, int final_error) {
    asy__combo_outcomes(c)[i] = src->res_;
    c->keeps[i] = src;
    src->refs_++;
    if (--c->remaining == 0) asy__combo_finish(c, final_state, final_error, asy__combo_outcomes(c));
}

ASY__INTERNAL void asy__combo_element(asy__reaction *r, asy_promise_t *src) {
    asy__combo *c = (asy__combo *)r->arg;
    size_t i = r->index;
    int ok = src->res_.state == ASY_PROMISE_FULFILLED;
    if (!c->done) {
        switch (c->kind) {
        case ASY__REACT_ALL:
            if (!ok) {
                asy__combo_pass(c, src);
                break;
            }
            asy__combo_values(c)[i] = src->res_.value;
            if (asy__promise_owner(src) && !asy__combo_keep(c, i, asy__promise_owner(src))) {
                asy_promise_t *res = c->result;
                c->done = 1;
                c->result = NULL;
                asy__promise_settle_raw(res, ASY_PROMISE_REJECTED, NULL, NULL, ASY_ENOMEM, NULL,
                                        0, NULL);
                asy__promise_unref(res);
                break;
            }
            if (--c->remaining == 0)
                asy__combo_finish(c, ASY_PROMISE_FULFILLED, 0, asy__combo_values(c));
            break;
        case ASY__REACT_RACE:
            asy__combo_pass(c, src);
            break;
        case ASY__REACT_ANY:
            if (ok) asy__combo_pass(c, src);
            else asy__combo_collect(c, i, src, ASY_PROMISE_REJECTED, ASY_EAGGREGATE);
            break;
        case ASY__REACT_SETTLED:
            asy__combo_collect(c, i, src, ASY_PROMISE_FULFILLED, 0);
            break;
        default:
            break;
        }
    }
    r->arg = NULL;
    asy__combo_unref(c);
}

static asy_promise_t *asy__combinator(asy_loop_t *loop, asy_promise_t *const *ps, size_t n,
                                      int kind) {
    asy__promise_state *st;
    asy__combo *c;
    asy_promise_t *res;
    size_t i, elem, keep_bytes, bytes;
    if (!loop || (n && !ps) || !(st = asy__promise_st(loop))) return NULL;
    if (n > UINT32_MAX) return NULL; /* reactions keep a 32-bit index */
    for (i = 0; i < n; i++)
        if (!ps[i]) return NULL;
    elem = kind == ASY__REACT_ALL ? sizeof(void *) : kind == ASY__REACT_RACE ? 0 : sizeof(asy_settled_t);
    keep_bytes = kind == ASY__REACT_SETTLED || kind == ASY__REACT_ANY ? sizeof(asy_promise_t *) : 0;
    if (n > (SIZE_MAX - sizeof(asy__combo)) / (elem + sizeof(asy_promise_t *))) return NULL;
    bytes = sizeof(asy__combo) + n * (elem + keep_bytes);
    /* every reaction is reserved first, so running out of memory changes
     * nothing and the one pass below cannot fail halfway */
    if (asy__objpool_reserve(&st->reactions, n) != 0) return NULL;
    if (!(res = asy__promise_alloc(st))) return NULL;
    if (!(c = (asy__combo *)asy__malloc(bytes))) {
        asy__promise_unref(res);
        return NULL;
    }
    /* the result array is written element by element before anyone sees
     * it: only the header and the keeps need zeroing */
    memset(c, 0, sizeof(*c));
    c->st = st;
    c->kind = kind;
    c->n = kind == ASY__REACT_RACE ? 0 : n;
    if (keep_bytes) {
        c->keeps = (asy_promise_t **)(void *)((char *)(c + 1) + n * elem);
        memset(c->keeps, 0, n * keep_bytes);
    }
    c->remaining = n;
    if (n == 0) {
        c->refs = 1; /* released by the result, or right here for race */
        if (kind == ASY__REACT_RACE) asy__combo_unref(c); /* pending for ever */
        else if (kind == ASY__REACT_ANY)
            asy__promise_settle_raw(res, ASY_PROMISE_REJECTED, asy__combo_outcomes(c),
                                    asy__combo_value_free, ASY_EAGGREGATE, NULL, 0, NULL);
        else
            asy__promise_settle_raw(res, ASY_PROMISE_FULFILLED, (void *)(c + 1),
                                    asy__combo_value_free, 0, NULL, 0, NULL);
        return res;
    }
    c->result = res;
    res->refs_++;
    c->refs = n;
    for (i = 0; i < n; i++) {
        asy__reaction *r;
        if (ps[i]->st_ != st) {
            /* a promise of another loop: the reactions attached so far
             * find the combination done and only let go of it */
            c->done = 1;
            c->result = NULL;
            asy__promise_unref(res);
            asy__promise_unref(res);
            if (i == 0) asy__free(c);
            else c->refs = i;
            return NULL;
        }
        if (i + 8 < n) ASY__PREFETCH(ps[i + 8]);
        r = (asy__reaction *)asy__objpool_alloc(&st->reactions);
        r->next = NULL;
        r->src = r->derived = NULL;
        r->kind = kind;
        r->arg = c;
        r->index = (uint32_t)i;
        asy__promise_attach(ps[i], r);
    }
    return res;
}

ASYNCRT_API asy_promise_t *asy_promise_all(asy_loop_t *loop, asy_promise_t *const *ps, size_t n) {
    return asy__combinator(loop, ps, n, ASY__REACT_ALL);
}

ASYNCRT_API asy_promise_t *asy_promise_all_settled(asy_loop_t *loop, asy_promise_t *const *ps,
                                                   size_t n) {
    return asy__combinator(loop, ps, n, ASY__REACT_SETTLED);
}

ASYNCRT_API asy_promise_t *asy_promise_race(asy_loop_t *loop, asy_promise_t *const *ps, size_t n) {
    return asy__combinator(loop, ps, n, ASY__REACT_RACE);
}

ASYNCRT_API asy_promise_t *asy_promise_any(asy_loop_t *loop, asy_promise_t *const *ps, size_t n) {
    return asy__combinator(loop, ps, n, ASY__REACT_ANY);
}
