/* Private parts of the worker layer.
 *
 * A channel is two ends in one allocation, freed when both ends are gone
 * (an atomic count).  Each end has an inbox: a FIFO of messages under the
 * end's mutex, filled by its peer's posts.  The end's owner (a port
 * handle on some loop) registers its async handle as `wake` under the same
 * mutex, and a sender signals it while holding the mutex, so a port that
 * detaches (clears `wake` under the mutex) is never signalled after. */
#pragma once
#include "worker.h"
#include "../base/queue.h"
#include "../base/thread.internal.h"
#include "../loop/timer.h"
#include "../loop/async.h"
#include "../loop/loop.h"
#include "../promise/promise.h"
#if ASYNCRT_OS_LINUX
#include <linux/futex.h>
#include <sys/syscall.h>
#endif

struct asy__channel;

struct asy_port_end_s {
    asy__mutex_t mu;
    asy_message_t *head, *tail; /* inbox, under mu */
    size_t queued;              /* under mu */
    asy_async_t *wake;          /* the attached port's wake-up, under mu */
    int closed;                 /* no more deliveries (under mu) */
    int attached;               /* owned by a port handle (its owner's thread) */
    struct asy_port_end_s *peer;
    struct asy__channel *ch;
};

struct asy__channel {
    int refs; /* ends alive (atomics) */
    struct asy_port_end_s ends[2];
};

/* port_flags_ */
enum { ASY__PORT_STARTED = 1u, ASY__PORT_DISPATCHING = 2u };

/* Delivers what the port's inbox holds (the worker's exit path uses it to
 * hand over the last messages before 'exit'). */
ASY__INTERNAL void asy__port_dispatch(asy_port_t *port);
/* Detaches and unlinks a port that is part of another handle (the
 * worker's parent-side port), without the close phase. */
ASY__INTERNAL void asy__port_teardown(asy_port_t *port);
ASY__INTERNAL void asy__message_free(asy_message_t *m);

/* The state a worker's parent and thread share; two references. */
typedef struct asy__worker_shared {
    asy__mutex_t mu;
    int refs;                 /* atomics */
    int terminate;            /* atomics: terminate() was called */
    /* -- under mu -- */
    asy_async_t *parent_wake; /* the parent's exit async while open */
    asy_async_t *term_wake;   /* the worker loop's stop async while it runs */
    int exited;
    int exit_code;
    int failed, fail_code;
    char *fail_message;
    /* -- set before the thread starts, read-only after -- */
    asy__thread_t tid;
    asy_worker_main_fn main_fn;
    asy_port_end_t *child_end;
    uint8_t *data;
    size_t len;
    void *arg;
    unsigned thread_id;
} asy__worker_shared;

/* ---- shared buffers ------------------------------------------------------ */
/* The loop's slot for this layer (the coro layer takes the last one). */
#define ASY__LAYER_WORKER (ASY__LAYER_MAX - 2)

typedef struct asy__sab_waiter {
    struct asy__sab_waiter *prev, *next; /* the buffer's waiters, under sb->mu */
    size_t index;
    int linked; /* under sb->mu */
    int result; /* under sb->mu: 0 waiting, ASY_WAIT_OK / ASY_WAIT_TIMED_OUT + 1 */
    int sync;   /* a blocking waiter (not on Linux, where futexes wait) */
    /* async waiters only, owned by their loop's thread */
    asy_shared_buf_t *sb;
    asy_promise_t *promise;
    asy_async_t async; /* the notifier's (or the timeout's) wake-up */
    asy_timer_t timer;
    int has_timer;
    asy__queue loop_link; /* the loop's pending waits */
} asy__sab_waiter;

struct asy_shared_buf_s {
    int refs; /* atomics */
    size_t len;
    uint8_t *data;
    asy__mutex_t mu;
    asy__sab_waiter *head, *tail; /* FIFO, under mu */
#if !ASYNCRT_OS_LINUX
    asy__cond_t cond; /* blocking waiters (Linux waits on futexes) */
#endif
};
