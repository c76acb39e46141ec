/* Shared buffers and Atomics: wait (futex on Linux), notify, waitAsync. */
#include "worker.h"
#include "worker.internal.h"
#include "../base/time.h"
#include "../base/queue.h"
#include "../base/sys.internal.h"
#include "../base/thread.internal.h"
#include "../loop/handle.h"
#include "../loop/timer.h"
#include "../loop/async.h"
#include "../loop/loop.internal.h"
#include "../promise/promise.h"

ASYNCRT_API asy_shared_buf_t *asy_shared_buf_new(size_t len, int *err) {
    asy_shared_buf_t *sb;
    size_t hdr = (sizeof(asy_shared_buf_t) + 15u) & ~(size_t)15u;
    int dummy;
    if (!err) err = &dummy;
    *err = ASY_ENOMEM;
    if (len > SIZE_MAX - hdr) return NULL;
    sb = (asy_shared_buf_t *)asy__malloc(hdr + len);
    if (!sb) return NULL;
    memset(sb, 0, hdr + len);
    if ((*err = asy__mutex_init(&sb->mu)) != 0) {
        asy__free(sb);
        return NULL;
    }
#if !ASYNCRT_OS_LINUX
    if ((*err = asy__cond_init(&sb->cond)) != 0) {
        asy__mutex_destroy(&sb->mu);
        asy__free(sb);
        return NULL;
    }
#endif
    sb->refs = 1;
    sb->len = len;
    sb->data = (uint8_t *)sb + hdr;
    return sb;
}

ASYNCRT_API asy_shared_buf_t *asy_shared_buf_retain(asy_shared_buf_t *sb) {
    if (sb) asy__atomic_add(&sb->refs, 1, ASY__RELAXED);
    return sb;
}

ASYNCRT_API void asy_shared_buf_release(asy_shared_buf_t *sb) {
    if (!sb || asy__atomic_sub(&sb->refs, 1, ASY__ACQ_REL) != 0) return;
    /* a pending waiter holds a reference: none is left here */
#if !ASYNCRT_OS_LINUX
    asy__cond_destroy(&sb->cond);
#endif
    asy__mutex_destroy(&sb->mu);
    asy__free(sb);
}

ASYNCRT_API uint8_t *asy_shared_buf_data(const asy_shared_buf_t *sb) { return sb ? sb->data : NULL; }
ASYNCRT_API size_t asy_shared_buf_len(const asy_shared_buf_t *sb) { return sb ? sb->len : 0; }

static int32_t *asy__sab_cell(asy_shared_buf_t *sb, size_t index) {
    if (!sb || index >= sb->len / sizeof(int32_t)) return NULL;
    return (int32_t *)(void *)sb->data + index;
}

ASYNCRT_API int32_t asy_atomics_load(asy_shared_buf_t *sb, size_t index) {
    int32_t *c = asy__sab_cell(sb, index);
    return c ? asy__atomic_load(c, ASY__SEQ_CST) : 0;
}
ASYNCRT_API int32_t asy_atomics_store(asy_shared_buf_t *sb, size_t index, int32_t v) {
    int32_t *c = asy__sab_cell(sb, index);
    if (c) asy__atomic_store(c, v, ASY__SEQ_CST);
    return c ? v : 0;
}
ASYNCRT_API int32_t asy_atomics_add(asy_shared_buf_t *sb, size_t index, int32_t v) {
    int32_t *c = asy__sab_cell(sb, index);
    return c ? asy__atomic_fetch_add(c, v, ASY__SEQ_CST) : 0;
}
ASYNCRT_API int32_t asy_atomics_sub(asy_shared_buf_t *sb, size_t index, int32_t v) {
    int32_t *c = asy__sab_cell(sb, index);
    return c ? asy__atomic_fetch_sub(c, v, ASY__SEQ_CST) : 0;
}
ASYNCRT_API int32_t asy_atomics_exchange(asy_shared_buf_t *sb, size_t index, int32_t v) {
    int32_t *c = asy__sab_cell(sb, index);
    return c ? asy__atomic_exchange(c, v, ASY__SEQ_CST) : 0;
}
ASYNCRT_API int32_t asy_atomics_compare_exchange(asy_shared_buf_t *sb, size_t index,
                                                 int32_t expected, int32_t v) {
    int32_t *c = asy__sab_cell(sb, index);
    if (!c) return 0;
    asy__atomic_cas(c, &expected, v, ASY__SEQ_CST, ASY__SEQ_CST);
    return expected; /* the old value either way */
}

/* Under sb->mu. */
static void asy__sab_link(asy_shared_buf_t *sb, asy__sab_waiter *w) {
    w->next = NULL;
    w->prev = sb->tail;
    if (sb->tail)
        sb->tail->next = w;
    else
        sb->head = w;
    sb->tail = w;
    w->linked = 1;
}
static void asy__sab_unlink(asy_shared_buf_t *sb, asy__sab_waiter *w) {
    if (!w->linked) return;
    if (w->prev)
        w->prev->next = w->next;
    else
        sb->head = w->next;
    if (w->next)
        w->next->prev = w->prev;
    else
        sb->tail = w->prev;
    w->prev = w->next = NULL;
    w->linked = 0;
}

ASYNCRT_API int asy_atomics_wait(asy_shared_buf_t *sb, size_t index, int32_t expected,
                                 int64_t timeout_ms) {
    int32_t *c;
    if (!sb) return ASY_EINVAL;
    if (!(c = asy__sab_cell(sb, index))) return ASY_ERANGE;
#if ASYNCRT_OS_LINUX
    {
        uint64_t deadline = 0;
        if (timeout_ms >= 0) deadline = asy_hrtime() + (uint64_t)timeout_ms * 1000000u;
        for (;;) {
            struct timespec ts, *pts = NULL;
            long r;
            if (asy__atomic_load(c, ASY__SEQ_CST) != expected) return ASY_WAIT_NOT_EQUAL;
            if (timeout_ms >= 0) {
                uint64_t now = asy_hrtime(), left;
                if (now >= deadline) return ASY_WAIT_TIMED_OUT;
                left = deadline - now;
                ts.tv_sec = (time_t)(left / 1000000000u);
                ts.tv_nsec = (long)(left % 1000000000u);
                pts = &ts;
            }
            r = syscall(SYS_futex, c, FUTEX_WAIT_PRIVATE, expected, pts, NULL, 0);
            if (r == 0) return ASY_WAIT_OK;
            if (errno == EAGAIN) return ASY_WAIT_NOT_EQUAL;
            if (errno == ETIMEDOUT) return ASY_WAIT_TIMED_OUT;
            if (errno != EINTR) return asy__errno();
        }
    }
#else
    {
        asy__sab_waiter w;
        uint64_t deadline = timeout_ms >= 0 ? asy_hrtime() + (uint64_t)timeout_ms * 1000000u : 0;
        int result;
        memset(&w, 0, sizeof(w));
        w.index = index;
        w.sync = 1;
        asy__mutex_lock(&sb->mu);
        if (asy__atomic_load(c, ASY__SEQ_CST) != expected) {
            asy__mutex_unlock(&sb->mu);
            return ASY_WAIT_NOT_EQUAL;
        }
        asy__sab_link(sb, &w);
        while (!w.result) {
            if (timeout_ms < 0) {
                asy__cond_wait(&sb->cond, &sb->mu);
            } else {
                uint64_t now = asy_hrtime();
                if (now >= deadline) break;
                asy__cond_timedwait(&sb->cond, &sb->mu, deadline - now);
            }
        }
        result = w.result ? ASY_WAIT_OK : ASY_WAIT_TIMED_OUT;
        asy__sab_unlink(sb, &w);
        asy__mutex_unlock(&sb->mu);
        return result;
    }
#endif
}

ASYNCRT_API int asy_atomics_notify(asy_shared_buf_t *sb, size_t index, int count) {
    int32_t *c;
    asy__sab_waiter *w, *next;
    int woken = 0, sync_woken = 0;
    if (!sb) return ASY_EINVAL;
    if (!(c = asy__sab_cell(sb, index))) return ASY_ERANGE;
    if (count < 0) count = INT_MAX;
    asy__mutex_lock(&sb->mu);
    for (w = sb->head; w && woken < count; w = next) {
        next = w->next;
        if (w->index != index) continue;
        asy__sab_unlink(sb, w);
        w->result = ASY_WAIT_OK + 1;
        woken++;
        if (w->sync)
            sync_woken++;
        else
            asy_async_send(&w->async); /* its loop resolves the promise */
    }
#if !ASYNCRT_OS_LINUX
    if (sync_woken) asy__cond_broadcast(&sb->cond);
#endif
    asy__mutex_unlock(&sb->mu);
    (void)sync_woken;
#if ASYNCRT_OS_LINUX
    if (woken < count) {
        long r = syscall(SYS_futex, c, FUTEX_WAKE_PRIVATE, count - woken, NULL, NULL, 0);
        if (r > 0) woken += (int)r;
    }
#else
    (void)c;
#endif
    return woken;
}

/* ---- waitAsync -------------------------------------------------------------- */

typedef struct {
    asy__queue waiters; /* pending async waits of this loop */
} asy__worker_loop_state;

static void asy__sab_waiter_free(asy__sab_waiter *w) {
    if (w->has_timer) {
        asy_timer_stop(&w->timer);
        asy__queue_remove(&w->timer.handle_link_);
    }
    asy__async_close(&w->async);
    asy__queue_remove(&w->async.handle_link_);
    asy__queue_remove(&w->loop_link);
    asy_promise_release(w->promise);
    asy_shared_buf_release(w->sb);
    asy__free(w);
}

/* asy_loop_close: pending waits end unresolved. */
static void asy__worker_loop_close(asy_loop_t *loop, void *state) {
    asy__worker_loop_state *st = (asy__worker_loop_state *)state;
    while (!asy__queue_empty(&st->waiters)) {
        asy__sab_waiter *w = ASY_CONTAINER_OF(asy__queue_head(&st->waiters), asy__sab_waiter, loop_link);
        asy__mutex_lock(&w->sb->mu);
        asy__sab_unlink(w->sb, w);
        asy__mutex_unlock(&w->sb->mu);
        asy__sab_waiter_free(w);
    }
    loop->layers_[ASY__LAYER_WORKER].state = NULL;
    loop->layers_[ASY__LAYER_WORKER].close = NULL;
    asy__free(st);
}

static asy__worker_loop_state *asy__worker_loop_state_get(asy_loop_t *loop) {
    asy__worker_loop_state *st = (asy__worker_loop_state *)loop->layers_[ASY__LAYER_WORKER].state;
    if (st) return st;
    st = ASY__NEW(asy__worker_loop_state);
    if (!st) return NULL;
    asy__queue_init(&st->waiters);
    loop->layers_[ASY__LAYER_WORKER].state = st;
    loop->layers_[ASY__LAYER_WORKER].close = asy__worker_loop_close;
    return st;
}

static void asy__sab_async_cb(asy_async_t *a) {
    asy__sab_waiter *w = ASY_CONTAINER_OF(a, asy__sab_waiter, async);
    int result;
    asy__mutex_lock(&w->sb->mu);
    result = w->result;
    asy__mutex_unlock(&w->sb->mu);
    if (!result) return;
    asy_promise_resolve(w->promise, (void *)(result == ASY_WAIT_OK + 1 ? "ok" : "timed-out"));
    asy__sab_waiter_free(w);
}

static void asy__sab_timer_cb(asy_timer_t *t) {
    asy__sab_waiter *w = ASY_CONTAINER_OF(t, asy__sab_waiter, timer);
    asy__mutex_lock(&w->sb->mu);
    if (!w->result) { /* not notified first */
        asy__sab_unlink(w->sb, w);
        w->result = ASY_WAIT_TIMED_OUT + 1;
        asy_async_send(&w->async); /* settle from the async callback */
    }
    asy__mutex_unlock(&w->sb->mu);
}

ASYNCRT_API asy_promise_t *asy_atomicsp_wait(asy_loop_t *loop, asy_shared_buf_t *sb,
                                                  size_t index, int32_t expected,
                                                  int64_t timeout_ms) {
    asy__worker_loop_state *st;
    asy__sab_waiter *w;
    asy_promise_t *p;
    int32_t *c;
    if (!asy__loop_live(loop) || !(c = asy__sab_cell(sb, index))) return NULL;
    if (asy__atomic_load(c, ASY__SEQ_CST) != expected)
        return asy_promise_resolved(loop, (void *)"not-equal");
    if (timeout_ms == 0) return asy_promise_resolved(loop, (void *)"timed-out");
    if (!(st = asy__worker_loop_state_get(loop))) return NULL;
    w = ASY__NEW(asy__sab_waiter);
    if (!w) return NULL;
    memset(w, 0, sizeof(*w));
    if (!(p = asy_promise_new(loop))) {
        asy__free(w);
        return NULL;
    }
    w->promise = asy_promise_retain(p); /* ours; the caller gets p */
    w->index = index;
    w->sb = asy_shared_buf_retain(sb);
    /* internal handles (not listed; this layer frees them at loop close)
     * that stay referenced: a pending wait keeps the loop alive */
    asy_async_init_at(loop, &w->async, asy__sab_async_cb, __FILE__, __LINE__);
    w->async.flags_ |= ASY__H_INTERNAL;
    asy__queue_insert_tail(&st->waiters, &w->loop_link);
    if (timeout_ms > 0) {
        asy_timer_init_at(loop, &w->timer, __FILE__, __LINE__);
        w->timer.flags_ |= ASY__H_INTERNAL;
        w->has_timer = 1;
        asy_timer_start(&w->timer, asy__sab_timer_cb, (uint64_t)timeout_ms, 0);
    }
    asy__mutex_lock(&sb->mu);
    if (asy__atomic_load(c, ASY__SEQ_CST) != expected) {
        /* changed since the first look (and notified before we were
         * linked): as if we had looked now */
        asy__mutex_unlock(&sb->mu);
        asy_promise_resolve(p, (void *)"not-equal");
        asy__sab_waiter_free(w);
        return p;
    }
    asy__sab_link(sb, w);
    asy__mutex_unlock(&sb->mu);
    return p;
}
