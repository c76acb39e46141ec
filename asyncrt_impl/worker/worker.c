/* Worker threads: a thread with its own loop, parentPort and the parent's
 * handle ('message', 'error', 'exit', terminate). */
#include "worker.h"
#include "worker.internal.h"
#include "../base/queue.h"
#include "../base/sys.internal.h"
#include "../base/thread.internal.h"
#include "../buf/buf.h"
#include "../loop/handle.h"
#include "../loop/async.h"
#include "../loop/loop.h"
#include "../loop/loop.internal.h"
#include "../promise/promise.h"

/* worker_flags_ */
enum { ASY__WORKER_RUNNING = 1u, ASY__WORKER_EXIT_DELIVERED = 2u };

/* The worker-thread side of a run. */
typedef struct {
    asy__worker_shared *s;
    asy_loop_t *loop;
    int stopped;   /* exit / fail / terminate / unhandled rejection */
    int exit_set;  /* asy_worker_exit's code wins over the entry's */
    int code;
    asy_worker_self_t self;
} asy__worker_run;

static unsigned asy__worker_next_id;

static void asy__worker_shared_release(asy__worker_shared *s) {
    if (asy__atomic_sub(&s->refs, 1, ASY__ACQ_REL) != 0) return;
    asy__mutex_destroy(&s->mu);
    asy_port_end_free(s->child_end); /* the thread never took it */
    asy__free(s->fail_message);
    asy__free(s->data);
    asy__free(s);
}

static asy__worker_run *asy__worker_run_of(asy_worker_self_t *self) {
    return ASY_CONTAINER_OF(self, asy__worker_run, self);
}

/* First failure wins; the message is copied.  Under no lock: only the
 * worker thread writes these before it reports its exit. */
static void asy__worker_record_failure(asy__worker_shared *s, int code, const char *message) {
    if (s->failed) return;
    s->failed = 1;
    s->fail_code = code ? code : ASY_EUNKNOWN;
    if (message) {
        size_t n = strlen(message);
        s->fail_message = (char *)asy__malloc(n + 1);
        if (s->fail_message) memcpy(s->fail_message, message, n + 1);
    }
}

ASYNCRT_API int asy_worker_exit(asy_worker_self_t *self, int code) {
    asy__worker_run *run;
    if (!self) return ASY_EINVAL;
    run = asy__worker_run_of(self);
    if (!run->stopped) {
        run->stopped = 1;
        run->exit_set = 1;
        run->code = code;
    }
    asy_stop(run->loop);
    return 0;
}

ASYNCRT_API int asy_worker_fail(asy_worker_self_t *self, int code, const char *message) {
    asy__worker_run *run;
    if (!self) return ASY_EINVAL;
    run = asy__worker_run_of(self);
    asy__worker_record_failure(run->s, code, message);
    return asy_worker_exit(self, 1);
}

ASYNCRT_API int asy_worker_should_stop(const asy_worker_self_t *self) {
    const asy__worker_run *run;
    if (!self) return 0;
    run = ASY_CONTAINER_OF(self, const asy__worker_run, self);
    return asy__atomic_load(&run->s->terminate, ASY__ACQUIRE) != 0;
}

/* An unhandled rejection in a worker is its uncaught error (Node). */
static void asy__worker_unhandled(void *arg, const asy_settled_t *reason) {
    asy__worker_run *run = (asy__worker_run *)arg;
    asy_worker_fail(&run->self, reason->error, reason->message ? reason->message
                                                               : "unhandled promise rejection");
}

static void asy__worker_term_cb(asy_async_t *a) {
    asy__worker_run *run = (asy__worker_run *)a->data;
    if (!asy__atomic_load(&run->s->terminate, ASY__ACQUIRE)) return;
    if (!run->stopped) {
        run->stopped = 1;
        run->exit_set = 1;
        run->code = 1; /* Node: a terminated worker exits with 1 */
    }
    asy_stop(run->loop);
}

/* Finds an open handle; closing happens outside the walk, since closing
 * a handle may unlink the internal handles it embeds (a port's async),
 * which the walk may be about to visit. */
static void asy__worker_find_open(asy_handle_t *h, void *arg) {
    asy_handle_t **found = (asy_handle_t **)arg;
    if (!*found && !asy_is_closing(h)) *found = h;
}

static void asy__worker_close_all(asy_loop_t *loop) {
    for (;;) {
        asy_handle_t *h = NULL;
        asy_loop_walk(loop, asy__worker_find_open, &h);
        if (!h) return;
        asy_close(h, NULL);
    }
}

static void asy__wthread_main(void *arg) {
    asy__worker_shared *s = (asy__worker_shared *)arg;
    asy__worker_run run;
    asy_loop_t loop;
    asy_port_t port;
    asy_async_t term;
    asy_port_end_t *end = s->child_end;
    int r, rc = 0;
    memset(&run, 0, sizeof(run));
    memset(&port, 0, sizeof(port));
    run.s = s;
    run.loop = &loop;
    s->child_end = NULL;
    if ((r = asy_loop_init(&loop, NULL)) != 0) {
        asy_port_end_free(end);
        asy__worker_record_failure(s, r, "the worker's loop could not start");
        run.exit_set = 1;
        run.code = 1;
        goto report;
    }
    if ((r = asy_port_init(&loop, &port, end)) != 0 ||
        (r = asy_async_init(&loop, &term, asy__worker_term_cb)) != 0) {
        asy__worker_record_failure(s, r, "the worker's port could not start");
        run.exit_set = 1;
        run.code = 1;
        if (port.end_) asy_close((asy_handle_t *)&port, NULL);
        asy_loop_close(&loop);
        goto report;
    }
    term.data = &run;
    term.flags_ |= ASY__H_INTERNAL;
    asy_unref((asy_handle_t *)&term);
    asy__mutex_lock(&s->mu);
    s->term_wake = &term;
    asy__mutex_unlock(&s->mu);
    asy_promise_on_unhandled(&loop, asy__worker_unhandled, &run);
    run.self.loop = &loop;
    run.self.port = &port;
    run.self.data = s->data;
    run.self.len = s->len;
    run.self.arg = s->arg;
    run.self.thread_id = s->thread_id;
    /* terminate() before the thread got here: the entry never runs */
    if (!asy__atomic_load(&s->terminate, ASY__ACQUIRE)) {
        rc = s->main_fn(&run.self);
        if (asy__atomic_load(&s->terminate, ASY__ACQUIRE)) asy__worker_term_cb(&term);
        if (!run.stopped) asy_run(&loop, ASY_RUN_DEFAULT);
    } else {
        asy__worker_term_cb(&term);
    }
    /* Teardown: no more stop requests; every handle closes, close
     * callbacks run, requests in flight finish. */
    asy__mutex_lock(&s->mu);
    s->term_wake = NULL;
    asy__mutex_unlock(&s->mu);
    asy__async_close(&term);
    asy__queue_remove(&term.handle_link_);
    for (;;) {
        asy__worker_close_all(&loop);
        if (asy_loop_close(&loop) == 0) break;
        asy_run(&loop, ASY_RUN_ONCE);
    }
report:
    {
        int code = run.exit_set ? run.code : rc;
        if (s->failed && code == 0) code = 1;
        asy__mutex_lock(&s->mu);
        s->exited = 1;
        s->exit_code = code;
        if (s->parent_wake) asy_async_send(s->parent_wake);
        asy__mutex_unlock(&s->mu);
    }
    asy__worker_shared_release(s);
}

/* ---- the parent side -------------------------------------------------------- */

static void asy__worker_msg_trampoline(asy_port_t *port, asy_message_t *msg) {
    asy_worker_t *w = ASY_CONTAINER_OF(port, asy_worker_t, port_);
    if (w->opts_.on_message) w->opts_.on_message(w, msg);
}

/* Joins the thread and unhooks it from this handle; the 'exit' event is
 * the caller's business. */
static void asy__worker_reap(asy_worker_t *w) {
    asy__worker_shared *s = w->shared_;
    asy__mutex_lock(&s->mu);
    s->parent_wake = NULL;
    asy__mutex_unlock(&s->mu);
    asy__thread_join(s->tid);
    w->exit_code_ = s->exit_code;
    w->worker_flags_ &= ~(unsigned)ASY__WORKER_RUNNING;
}

static void asy__worker_exit_cb(asy_async_t *a) {
    asy_worker_t *w = ASY_CONTAINER_OF(a, asy_worker_t, exit_async_);
    asy__worker_shared *s = w->shared_;
    int exited;
    asy__mutex_lock(&s->mu);
    exited = s->exited;
    asy__mutex_unlock(&s->mu);
    if (!exited || !(w->worker_flags_ & ASY__WORKER_RUNNING)) return;
    asy__worker_reap(w);
    /* messages the worker posted before it ended come before 'exit' */
    asy__port_dispatch(&w->port_);
    if (w->flags_ & ASY__H_CLOSING) return; /* closed by on_message: no 'exit' */
    asy__handle_stop((asy_handle_t *)w);
    w->worker_flags_ |= ASY__WORKER_EXIT_DELIVERED;
    if (s->failed && w->opts_.on_error) {
        w->opts_.on_error(w, s->fail_code, s->fail_message);
        asy__after_cb(w->loop);
    }
    if (w->opts_.on_exit && !(w->flags_ & ASY__H_CLOSING)) {
        w->opts_.on_exit(w, w->exit_code_);
        asy__after_cb(w->loop);
    }
}

static void asy__worker_release_parent(asy_worker_t *w) {
    asy__port_teardown(&w->port_);
    asy__queue_remove(&w->port_.handle_link_);
    asy__async_close(&w->exit_async_);
    asy__queue_remove(&w->exit_async_.handle_link_);
    asy__worker_shared_release(w->shared_);
    w->shared_ = NULL;
}

/* Closing a running worker terminates it and waits for its thread. */
static void asy__worker_close(asy_handle_t *h) {
    asy_worker_t *w = (asy_worker_t *)h;
    if (!w->shared_) return;
    if (w->worker_flags_ & ASY__WORKER_RUNNING) {
        asy_worker_terminate(w);
        asy__worker_reap(w);
    }
    asy__worker_release_parent(w);
}

static const asy__handle_class asy__worker_class = {ASY_HANDLE_WORKER, "worker",
                                                    asy__worker_close, NULL};

ASYNCRT_API int asy_worker_start_at(asy_loop_t *loop, asy_worker_t *w, asy_worker_main_fn main_fn,
                                    const asy_worker_opts_t *opts, const char *file, int line) {
    asy__worker_shared *s;
    asy_port_end_t *parent_end, *child_end;
    asy__thread_opts topts;
    int r;
    if (!asy__loop_live(loop) || !w || !main_fn || (opts && !opts->data && opts->len))
        return ASY_EINVAL;
    s = ASY__NEW(asy__worker_shared);
    if (!s) return ASY_ENOMEM;
    memset(s, 0, sizeof(*s));
    if ((r = asy__mutex_init(&s->mu)) != 0) {
        asy__free(s);
        return r;
    }
    if (opts && opts->len) {
        s->data = (uint8_t *)asy__malloc(opts->len);
        if (!s->data) {
            asy__mutex_destroy(&s->mu);
            asy__free(s);
            return ASY_ENOMEM;
        }
        memcpy(s->data, opts->data, opts->len);
        s->len = opts->len;
    }
    if ((r = asy_channel_open(&parent_end, &child_end)) != 0) {
        asy__free(s->data);
        asy__mutex_destroy(&s->mu);
        asy__free(s);
        return r;
    }
    s->refs = 2;
    s->main_fn = main_fn;
    s->child_end = child_end;
    s->arg = opts ? opts->arg : NULL;
    s->thread_id = asy__atomic_add(&asy__worker_next_id, 1, ASY__RELAXED);
    asy__handle_init(loop, (asy_handle_t *)w, &asy__worker_class, file, line);
    w->shared_ = s;
    w->thread_id_ = s->thread_id;
    w->exit_code_ = 0;
    w->worker_flags_ = 0;
    if (opts)
        w->opts_ = *opts;
    else
        memset(&w->opts_, 0, sizeof(w->opts_));
    w->opts_.data = NULL; /* the caller's bytes were copied */
    asy_port_init_at(loop, &w->port_, parent_end, __FILE__, __LINE__);
    w->port_.flags_ |= ASY__H_INTERNAL;
    asy_port_start(&w->port_, asy__worker_msg_trampoline);
    asy_unref((asy_handle_t *)&w->port_); /* the worker handle holds the loop */
    asy_async_init_at(loop, &w->exit_async_, asy__worker_exit_cb, __FILE__, __LINE__);
    w->exit_async_.flags_ |= ASY__H_INTERNAL;
    asy_unref((asy_handle_t *)&w->exit_async_);
    s->parent_wake = &w->exit_async_;
    memset(&topts, 0, sizeof(topts));
    topts.stack_size = opts ? opts->stack_size : 0;
    topts.flags = ASY__THREAD_BLOCK_SIGNALS;
    if ((r = asy__thread_create(&s->tid, &topts, asy__wthread_main, s)) != 0) {
        s->refs = 1; /* the thread's reference never existed */
        asy__worker_release_parent(w);
        asy__queue_remove(&w->handle_link_);
        w->type = ASY_HANDLE_UNKNOWN;
        return r;
    }
    w->worker_flags_ |= ASY__WORKER_RUNNING;
    asy__handle_start((asy_handle_t *)w);
    return 0;
}

static int asy__worker_usable(const asy_worker_t *w) {
    return w && w->type == ASY_HANDLE_WORKER && w->shared_ &&
           !(w->flags_ & (ASY__H_CLOSING | ASY__H_CLOSED));
}

ASYNCRT_API int asy_worker_post(asy_worker_t *w, const void *data, size_t len) {
    if (!asy__worker_usable(w)) return ASY_EINVAL;
    return asy_port_post(&w->port_, data, len);
}

ASYNCRT_API int asy_worker_post_transfer(asy_worker_t *w, asy_buf_t *buf, asy_port_end_t *end) {
    if (!asy__worker_usable(w)) return ASY_EINVAL;
    return asy_port_post_transfer(&w->port_, buf, end);
}

ASYNCRT_API int asy_worker_terminate(asy_worker_t *w) {
    asy__worker_shared *s;
    if (!w || w->type != ASY_HANDLE_WORKER || !w->shared_) return ASY_EINVAL;
    s = w->shared_;
    asy__atomic_store(&s->terminate, 1, ASY__RELEASE);
    asy__mutex_lock(&s->mu);
    if (s->term_wake) asy_async_send(s->term_wake);
    asy__mutex_unlock(&s->mu);
    return 0;
}

ASYNCRT_API unsigned asy_worker_thread_id(const asy_worker_t *w) { return w ? w->thread_id_ : 0; }
