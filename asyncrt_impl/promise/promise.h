/* Promises: JavaScript's Promise for C, on the loop's microtask queue.
 *
 *   asy_promise_t *p = asy_promise_new(loop);         // pending, you hold 1 ref
 *   asy_promise_t *q = asy_promise_then(p, parse, NULL, ctx);
 *   asy_promise_resolve(p, buf);                      // parse runs as a microtask
 *   asy_promise_release(p);  asy_promise_release(q);
 *
 * A promise settles once: fulfilled with a value (void *) or rejected with
 * an error (a non-zero int, usually an ASY_E* code, and an optional
 * message).  Continuations (then / catch / finally / on_settled) always run
 * as microtasks, one job per continuation, in the order they were attached,
 * exactly as V8 queues them, so programs interleave with nextTick, timers
 * and immediates as they do under Node (docs/promise.md).
 *
 * OWNERSHIP (the whole rule set; docs/promise.md has examples)
 *   1. A function that returns a promise gives you one reference; drop it
 *      with asy_promise_release.  A promise lives while anyone (you or the
 *      library) holds a reference; a continuation keeps its derived promise
 *      alive, so releasing the result of asy_promise_then right away is
 *      fine ("fire and forget").
 *   2. A function that takes a promise argument borrows it (retain it if
 *      you keep the pointer).  The one exception is asy_chain(q) in a
 *      continuation's return: returning gives your reference of q away.
 *   3. Values are borrowed pointers unless fulfilled with asy_ok_owned(v,
 *      free_fn): then the promise owns v and calls free_fn(v) when its last
 *      reference goes, and every promise that passes v on (asy_pass, a
 *      then without a handler for it, all, race...) keeps v alive.
 *   4. Messages are copied; the asy_settled_t a continuation receives and
 *      everything it points to are valid while the promise it names is
 *      alive (at least for the duration of the callback).
 *   5. A promise must not outlive its loop.  asy_loop_close reclaims every
 *      promise still alive (running the free_fn of their values), so a
 *      forgotten reference is not a leak, but its pointer dies there.
 *
 * A promise whose last reference goes while it is pending never settles:
 * its continuations are dropped without running (the C counterpart of a
 * garbage-collected promise).  A promise belongs to one loop and one
 * thread. */
#pragma once
#include "../loop/handle.h"
typedef struct asy_promise_s asy_promise_t;

typedef enum {
    ASY_PROMISE_PENDING = 0,
    ASY_PROMISE_FULFILLED = 1,
    ASY_PROMISE_REJECTED = 2
} asy_promise_state_t;

/* The outcome a continuation receives. */
typedef struct {
    asy_promise_state_t state; /* FULFILLED or REJECTED */
    int error;               /* rejected: the code, never 0; fulfilled: 0 */
    void *value;             /* fulfilled: the value */
    const char *message;     /* rejected: message or NULL */
    asy_promise_t *promise;  /* the promise this is the outcome of (borrowed) */
} asy_settled_t;

/* What a continuation (or a task of the sync layer) returns: build it with
 * asy_ok, asy_ok_owned, asy_fail, asy_chain or asy_pass.  Fields are
 * private. */
typedef struct {
    int kind_;
    int error_;
    void *value_;
    void (*free_fn_)(void *value);
    char *message_;          /* owned copy (asy_fail) */
    asy_promise_t *promise_; /* asy_chain: an owned reference; asy_pass: borrowed */
} asy_ret_t;

enum { ASY__RET_VALUE = 0, ASY__RET_ERROR = 1, ASY__RET_PROMISE = 2, ASY__RET_PASS = 3 };

/* Fulfil with a borrowed value. */
static inline asy_ret_t asy_ok(void *value) {
    asy_ret_t r;
    r.kind_ = ASY__RET_VALUE;
    r.error_ = 0;
    r.value_ = value;
    r.free_fn_ = NULL;
    r.message_ = NULL;
    r.promise_ = NULL;
    return r;
}
/* Fulfil with a value the promise owns: free_fn(value) runs when the last
 * promise holding it is released (also if it is never delivered). */
static inline asy_ret_t asy_ok_owned(void *value, void (*free_fn)(void *value)) {
    asy_ret_t r = asy_ok(value);
    r.free_fn_ = free_fn;
    return r;
}
/* Settle like q once q settles (returning a promise from a JavaScript
 * continuation).  Takes your reference of q.  NULL q (a constructor that
 * failed) rejects with ASY_ENOMEM. */
static inline asy_ret_t asy_chain(asy_promise_t *q) {
    asy_ret_t r = asy_ok(NULL);
    r.kind_ = ASY__RET_PROMISE;
    r.promise_ = q;
    return r;
}
/* Settle with the same outcome as `in` (rethrow / pass the value on),
 * sharing ownership of its value and message. */
static inline asy_ret_t asy_pass(const asy_settled_t *in) {
    asy_ret_t r = asy_ok(NULL);
    r.kind_ = ASY__RET_PASS;
    r.promise_ = in ? in->promise : NULL;
    return r;
}
/* Reject with code (0 becomes ASY_EUNKNOWN) and an optional message, which
 * is copied. */
ASYNCRT_API asy_ret_t asy_fail(int code, const char *message);
/* Frees what an asy_ret_t holds without using it (its owned value, message
 * and chained promise).  Only needed for a ret you built and then did not
 * return or settle with. */
ASYNCRT_API void asy_ret_discard(asy_ret_t *ret);

/* A continuation: `in` is the settled outcome of the promise it was
 * attached to; the return value settles the derived promise. */
typedef asy_ret_t (*asy_then_fn)(void *arg, const asy_settled_t *in);
/* An observer: sees the outcome, settles nothing. */
typedef void (*asy_settled_fn)(void *arg, const asy_settled_t *in);

/* ---- construction and settling ----------------------------------------- */
/* A pending promise (new Promise()).  NULL on ENOMEM or a NULL loop. */
ASYNCRT_API asy_promise_t *asy_promise_new(asy_loop_t *loop);
/* Promise.resolve(value) / Promise.reject(error). */
ASYNCRT_API asy_promise_t *asy_promise_resolved(asy_loop_t *loop, void *value);
ASYNCRT_API asy_promise_t *asy_promise_rejected(asy_loop_t *loop, int code, const char *message);
/* Promise.resolve(x) for any asy_ret_t: a chained promise is returned as
 * is (Promise.resolve(p) === p), anything else as a settled promise.  The
 * ret is always consumed; NULL on ENOMEM (the ret's resources freed). */
ASYNCRT_API asy_promise_t *asy_promise_from(asy_loop_t *loop, asy_ret_t ret);

/* resolve(value) / reject(error) of a pending promise.  ASY_EINVAL if it is
 * already settled or locked in to another promise (asy_chain), like a
 * second call of JavaScript's resolve, but reported. */
ASYNCRT_API int asy_promise_resolve(asy_promise_t *p, void *value);
ASYNCRT_API int asy_promise_reject(asy_promise_t *p, int code, const char *message);
/* The general form: settle with any asy_ret_t, including asy_chain(q)
 * (resolve with a promise: p follows q) and asy_ok_owned.  The ret is
 * consumed even on error (its owned value freed, its promise released). */
ASYNCRT_API int asy_promise_settle(asy_promise_t *p, asy_ret_t ret);

ASYNCRT_API asy_promise_t *asy_promise_retain(asy_promise_t *p);
ASYNCRT_API void asy_promise_release(asy_promise_t *p);

/* ---- inspection --------------------------------------------------------- */
ASYNCRT_API asy_promise_state_t asy_promise_state_of(const asy_promise_t *p);
/* The outcome, or NULL while pending.  Reading it does not count as
 * handling a rejection (see asy_promise_mark_handled). */
ASYNCRT_API const asy_settled_t *asy_promise_result(const asy_promise_t *p);
ASYNCRT_API asy_loop_t *asy_promise_loop(const asy_promise_t *p);

/* ---- continuations ------------------------------------------------------ */
/* p.then(on_ok, on_err): a new promise settled by whichever handler runs;
 * a NULL handler passes the outcome on unchanged.  NULL on ENOMEM. */
ASYNCRT_API asy_promise_t *asy_promise_then(asy_promise_t *p, asy_then_fn on_ok,
                                            asy_then_fn on_err, void *arg);
/* p.catch(on_err) */
ASYNCRT_API asy_promise_t *asy_promise_catch(asy_promise_t *p, asy_then_fn on_err, void *arg);
/* p.finally(fn): fn runs on either outcome and the derived promise settles
 * like p, unless fn fails (asy_fail) or returns a promise that rejects,
 * whose rejection wins; a promise fn returns is waited for.  fn's value is
 * otherwise ignored (an asy_ok_owned value is freed). */
ASYNCRT_API asy_promise_t *asy_promise_finally(asy_promise_t *p, asy_then_fn fn, void *arg);
/* The end of a chain: fn sees the outcome as a microtask.  Counts as
 * handling a rejection.  0, or ASY_ENOMEM / ASY_EINVAL (fn never runs). */
ASYNCRT_API int asy_promise_on_settled(asy_promise_t *p, asy_settled_fn fn, void *arg);
/* Handles a rejection without attaching anything (a no-op catch). */
ASYNCRT_API void asy_promise_mark_handled(asy_promise_t *p);

/* ---- combinators ----------------------------------------------------------
 * Inputs are borrowed (release your references whenever you like); the
 * result is a new promise you own.  NULL on ENOMEM or bad arguments. */
/* Promise.all: fulfils with a void ** array of the n values in input order
 * (valid while the result promise lives), or rejects like the first input
 * to reject.  n = 0 fulfils at once with a non-NULL empty array. */
ASYNCRT_API asy_promise_t *asy_promise_all(asy_loop_t *loop, asy_promise_t *const *ps, size_t n);
/* Promise.allSettled: fulfils with an asy_settled_t * array of the n
 * outcomes in input order; never rejects. */
ASYNCRT_API asy_promise_t *asy_promise_all_settled(asy_loop_t *loop, asy_promise_t *const *ps,
                                                   size_t n);
/* Promise.race: settles like the first input to settle; n = 0 stays
 * pending forever (as in JavaScript). */
ASYNCRT_API asy_promise_t *asy_promise_race(asy_loop_t *loop, asy_promise_t *const *ps, size_t n);
/* Promise.any: fulfils like the first input to fulfil; when every input
 * rejects (at once for n = 0) it rejects with ASY_EAGGREGATE and its value
 * is an asy_settled_t * array of the n rejections (AggregateError.errors). */
ASYNCRT_API asy_promise_t *asy_promise_any(asy_loop_t *loop, asy_promise_t *const *ps, size_t n);

/* ---- unhandled rejections ------------------------------------------------
 * A promise that is rejected and has no continuation by the end of the
 * microtask drain in which it was rejected is reported, once, to the
 * loop's hook (Node's 'unhandledRejection').  The default hook prints the
 * error to stderr and aborts (Node >= 15).  fn NULL restores the
 * default. */
typedef void (*asy_unhandled_fn)(void *arg, const asy_settled_t *reason);
ASYNCRT_API int asy_promise_on_unhandled(asy_loop_t *loop, asy_unhandled_fn fn, void *arg);
