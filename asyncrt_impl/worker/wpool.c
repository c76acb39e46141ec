/* The worker pool (piscina): tasks queued on a semaphore, run on workers. */
#include "worker.h"
#include "../base/queue.h"
#include "../base/sys.internal.h"
#include "../buf/buf.h"
#include "../loop/handle.h"
#include "../loop/timer.h"
#include "../loop/loop.internal.h"
#include "../promise/promise.h"
#include "../sync/sem.h"

enum { ASY__WP_QUEUED = 1, ASY__WP_RUNNING = 2 };

typedef struct asy__wp_thread {
    asy_worker_t w;
    asy_wpool_t *pool;
    struct asy__wp_task *task; /* running, or NULL */
    asy_timer_t idle_timer;
    asy__queue link;
    int leaving;
} asy__wp_thread;

typedef struct asy__wp_task {
    uint64_t id;
    asy_wpool_t *pool;
    asy_promise_t *result;
    asy_sem_wait_t wait;
    uint8_t *in; /* id header + input, as posted */
    size_t len;
    asy__wp_thread *thread;
    asy__queue link;
    int state;
} asy__wp_task;

struct asy_wpool_s {
    asy_loop_t *loop;
    asy_wpool_opts_t opts;
    asy_sem_t *sem;
    asy__queue threads;
    asy__queue tasks;
    unsigned nthreads; /* not leaving */
    unsigned nalive;   /* handles not yet closed */
    size_t queued, running;
    uint64_t next_id, completed;
    int destroying;
};

/* A reply: the task id, its status, then the result bytes. */
typedef struct {
    uint64_t id;
    int32_t status;
    int32_t pad;
} asy__wp_reply;

static void asy__wp_maybe_free(asy_wpool_t *p) {
    if (!p->destroying || p->nalive || !asy__queue_empty(&p->tasks)) return;
    asy__free(p);
}

/* ---- the worker side ---------------------------------------------------------- */

static void asy__wp_worker_msg(asy_port_t *port, asy_message_t *m) {
    asy_worker_self_t *self = (asy_worker_self_t *)port->data;
    const asy_wpool_opts_t *o = (const asy_wpool_opts_t *)self->arg;
    asy__wp_reply rep;
    asy_buf_t out = ASY_BUF_INIT;
    uint8_t *msg;
    if (m->len < sizeof(uint64_t)) return;
    memset(&rep, 0, sizeof(rep));
    memcpy(&rep.id, m->data, sizeof(rep.id));
    rep.status = o->fn(self, o->arg, m->data + sizeof(uint64_t), m->len - sizeof(uint64_t), &out);
    msg = (uint8_t *)asy__malloc(sizeof(rep) + out.len);
    if (!msg) {
        rep.status = ASY_ENOMEM;
        asy_port_post(port, &rep, sizeof(rep));
    } else {
        memcpy(msg, &rep, sizeof(rep));
        if (out.len) memcpy(msg + sizeof(rep), out.data, out.len);
        asy_port_post(port, msg, sizeof(rep) + out.len);
        asy__free(msg);
    }
    asy_buf_release(&out);
}

static int asy__wp_worker_main(asy_worker_self_t *self) {
    self->port->data = self;
    return asy_port_start(self->port, asy__wp_worker_msg);
}

/* ---- tasks -------------------------------------------------------------------- */

static void asy__wp_task_free(asy__wp_task *t) {
    asy_wpool_t *p = t->pool;
    asy__queue_remove(&t->link);
    asy_promise_release(t->result);
    asy__free(t->in);
    asy__free(t);
    asy__wp_maybe_free(p);
}

static void asy__wp_buf_free(void *v) {
    asy_buf_release((asy_buf_t *)v);
    asy__free(v);
}

static void asy__wp_thread_idle(asy__wp_thread *th);

/* A running task ends: its thread and its permit come free. */
static void asy__wp_task_ended(asy__wp_task *t) {
    asy_wpool_t *p = t->pool;
    asy__wp_thread *th = t->thread;
    p->running--;
    t->thread = NULL;
    t->state = 0;
    if (th) {
        th->task = NULL;
        if (!th->leaving) asy__wp_thread_idle(th);
    }
    if (!p->destroying) asy_sem_release(p->sem, 1);
}

/* ---- threads ------------------------------------------------------------------- */

static void asy__wp_thread_closed(asy_handle_t *h) {
    asy__wp_thread *th = ASY_CONTAINER_OF(h, asy__wp_thread, idle_timer);
    asy_wpool_t *p = th->pool;
    asy__queue_remove(&th->link);
    asy__free(th);
    p->nalive--;
    asy__wp_maybe_free(p);
}

static void asy__wp_worker_closed(asy_handle_t *h) {
    asy__wp_thread *th = ASY_CONTAINER_OF(h, asy__wp_thread, w);
    asy_close((asy_handle_t *)&th->idle_timer, asy__wp_thread_closed);
}

static void asy__wp_thread_leave(asy__wp_thread *th) {
    if (th->leaving) return;
    th->leaving = 1;
    th->pool->nthreads--;
    asy_timer_stop(&th->idle_timer);
    asy_ref((asy_handle_t *)&th->w); /* the loop waits for it to be gone */
    asy_worker_terminate(&th->w);
}

static void asy__wp_idle_cb(asy_timer_t *t) {
    asy__wp_thread *th = ASY_CONTAINER_OF(t, asy__wp_thread, idle_timer);
    if (!th->task && th->pool->nthreads > th->pool->opts.min_threads) asy__wp_thread_leave(th);
}

/* An idle thread does not keep the loop alive (piscina unrefs them). */
static void asy__wp_thread_idle(asy__wp_thread *th) {
    asy_wpool_t *p = th->pool;
    asy_unref((asy_handle_t *)&th->w);
    if (p->nthreads > p->opts.min_threads) {
        if (p->opts.idle_timeout_ms == 0)
            asy__wp_thread_leave(th);
        else
            asy_timer_start(&th->idle_timer, asy__wp_idle_cb, p->opts.idle_timeout_ms, 0);
    }
}

static void asy__wp_on_message(asy_worker_t *w, asy_message_t *m) {
    asy__wp_thread *th = ASY_CONTAINER_OF(w, asy__wp_thread, w);
    asy__wp_task *t = th->task;
    asy__wp_reply rep;
    asy_buf_t *b;
    if (m->len < sizeof(rep) || !t) return;
    memcpy(&rep, m->data, sizeof(rep));
    if (rep.id != t->id) return; /* the reply to an aborted task */
    th->pool->completed++;
    if (rep.status < 0) {
        asy_promise_reject(t->result, rep.status, NULL);
    } else if ((b = ASY__NEW(asy_buf_t)) == NULL ||
               asy_buf_from_bytes(b, m->data + sizeof(rep), m->len - sizeof(rep)) != 0) {
        asy__free(b);
        asy_promise_reject(t->result, ASY_ENOMEM, NULL);
    } else {
        asy_promise_settle(t->result, asy_ok_owned(b, asy__wp_buf_free));
    }
    asy__wp_task_ended(t);
    asy__wp_task_free(t);
}

static void asy__wp_on_exit(asy_worker_t *w, int code) {
    asy__wp_thread *th = ASY_CONTAINER_OF(w, asy__wp_thread, w);
    asy__wp_task *t = th->task;
    (void)code;
    if (!th->leaving) {
        th->leaving = 1;
        th->pool->nthreads--;
    }
    if (t) { /* the worker ended (asy_worker_exit, a failure) during its task */
        asy_promise_reject(t->result, ASY_EPIPE, "the worker ended during the task");
        asy__wp_task_ended(t);
        asy__wp_task_free(t);
    }
    asy_close((asy_handle_t *)w, asy__wp_worker_closed);
}

static asy__wp_thread *asy__wp_thread_start(asy_wpool_t *p, int *err) {
    asy__wp_thread *th = ASY__NEW(asy__wp_thread);
    asy_worker_opts_t wo;
    int r;
    if (!th) {
        *err = ASY_ENOMEM;
        return NULL;
    }
    memset(th, 0, sizeof(*th));
    th->pool = p;
    memset(&wo, 0, sizeof(wo));
    wo.arg = &p->opts;
    wo.stack_size = p->opts.stack_size;
    wo.on_message = asy__wp_on_message;
    wo.on_exit = asy__wp_on_exit;
    if ((r = asy_worker_start_at(p->loop, &th->w, asy__wp_worker_main, &wo, __FILE__, __LINE__)) != 0) {
        asy__free(th);
        *err = r;
        return NULL;
    }
    asy_timer_init_at(p->loop, &th->idle_timer, __FILE__, __LINE__);
    asy_unref((asy_handle_t *)&th->idle_timer);
    asy__queue_insert_tail(&p->threads, &th->link);
    p->nthreads++;
    p->nalive++;
    asy_unref((asy_handle_t *)&th->w);
    return th;
}

/* A permit was granted: the task goes to an idle thread or a new one. */
static void asy__wp_granted(asy_sem_t *sem, int status, void *arg) {
    asy__wp_task *t = (asy__wp_task *)arg;
    asy_wpool_t *p = t->pool;
    asy__wp_thread *th = NULL;
    asy__queue *q;
    int r = 0;
    if (t->state != ASY__WP_QUEUED) { /* aborted: the promise is settled */
        if (status == 0 && !p->destroying) asy_sem_release(sem, 1);
        asy__wp_task_free(t);
        return;
    }
    p->queued--;
    t->state = 0;
    if (status != 0) {
        asy_promise_reject(t->result, status, NULL);
        asy__wp_task_free(t);
        return;
    }
    ASY__QUEUE_FOREACH(q, &p->threads) {
        asy__wp_thread *c = ASY_CONTAINER_OF(q, asy__wp_thread, link);
        if (!c->task && !c->leaving) {
            th = c;
            break;
        }
    }
    if (!th) th = asy__wp_thread_start(p, &r);
    if (th && (r = asy_worker_post(&th->w, t->in, t->len)) != 0) th = NULL;
    if (!th) {
        asy_promise_reject(t->result, r, "no worker for the task");
        asy_sem_release(sem, 1);
        asy__wp_task_free(t);
        return;
    }
    asy_timer_stop(&th->idle_timer);
    asy_ref((asy_handle_t *)&th->w); /* a running task keeps the loop alive */
    th->task = t;
    t->thread = th;
    t->state = ASY__WP_RUNNING;
    p->running++;
}

ASYNCRT_API asy_wpool_t *asy_wpool_new(asy_loop_t *loop, const asy_wpool_opts_t *opts, int *err) {
    asy_wpool_t *p;
    int dummy, r = 0;
    unsigned i;
    if (!err) err = &dummy;
    *err = ASY_EINVAL;
    if (!asy__loop_live(loop) || !opts || !opts->fn) return NULL;
    p = ASY__NEW(asy_wpool_t);
    if (!p) {
        *err = ASY_ENOMEM;
        return NULL;
    }
    memset(p, 0, sizeof(*p));
    p->loop = loop;
    p->opts = *opts;
    if (!p->opts.max_threads) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        p->opts.max_threads = n > 0 ? (unsigned)n : 1;
        if (p->opts.max_threads < p->opts.min_threads) p->opts.max_threads = p->opts.min_threads;
    }
    if (p->opts.min_threads > p->opts.max_threads) {
        asy__free(p);
        return NULL;
    }
    asy__queue_init(&p->threads);
    asy__queue_init(&p->tasks);
    p->next_id = 1;
    if (!(p->sem = asy_sem_new(loop, p->opts.max_threads, NULL))) {
        asy__free(p);
        *err = ASY_ENOMEM;
        return NULL;
    }
    for (i = 0; i < p->opts.min_threads; i++) {
        if (!asy__wp_thread_start(p, &r)) {
            *err = r;
            asy_wpool_destroy(p);
            return NULL;
        }
    }
    *err = 0;
    return p;
}

ASYNCRT_API asy_promise_t *asy_wpool_run(asy_wpool_t *pool, const void *in, size_t len,
                                         asy_wpool_task_t *task) {
    asy__wp_task *t;
    asy_promise_t *res;
    int r;
    if (!pool || pool->destroying || (!in && len)) return NULL;
    if (pool->opts.max_queue && pool->queued >= pool->opts.max_queue &&
        asy_sem_available(pool->sem) == 0)
        return asy_promise_rejected(pool->loop, ASY_EAGAIN, "the task queue is full");
    if (len > SIZE_MAX - sizeof(uint64_t)) return NULL;
    t = ASY__NEW(asy__wp_task);
    if (!t) return NULL;
    memset(t, 0, sizeof(*t));
    t->in = (uint8_t *)asy__malloc(sizeof(uint64_t) + len);
    t->result = asy_promise_new(pool->loop);
    if (!t->in || !t->result) {
        asy__free(t->in);
        asy_promise_release(t->result);
        asy__free(t);
        return NULL;
    }
    t->id = pool->next_id++;
    t->pool = pool;
    t->len = sizeof(uint64_t) + len;
    memcpy(t->in, &t->id, sizeof(t->id));
    if (len) memcpy(t->in + sizeof(uint64_t), in, len);
    t->state = ASY__WP_QUEUED;
    asy__queue_insert_tail(&pool->tasks, &t->link);
    r = asy_sem_acquire_cb(pool->sem, 1, 0, asy__wp_granted, t, &t->wait);
    if (r != 0) {
        t->state = 0;
        asy__wp_task_free(t);
        return NULL;
    }
    pool->queued++;
    res = asy_promise_retain(t->result);
    if (task) task->id = t->id;
    return res;
}

static asy__wp_task *asy__wp_find(asy_wpool_t *p, uint64_t id) {
    asy__queue *q;
    ASY__QUEUE_FOREACH(q, &p->tasks) {
        asy__wp_task *t = ASY_CONTAINER_OF(q, asy__wp_task, link);
        if (t->id == id) return t;
    }
    return NULL;
}

static void asy__wp_abort(asy__wp_task *t) {
    asy_wpool_t *p = t->pool;
    if (t->state == ASY__WP_QUEUED) {
        /* the permit's callback still comes (granted or cancelled) and
         * frees the task then */
        t->state = 0;
        p->queued--;
        asy_promise_reject(t->result, ASY_ECANCELED, "aborted");
        asy_sem_cancel(p->sem, t->wait);
    } else if (t->state == ASY__WP_RUNNING) {
        asy__wp_thread *th = t->thread;
        asy_promise_reject(t->result, ASY_ECANCELED, "aborted");
        asy__wp_thread_leave(th);
        asy__wp_task_ended(t);
        asy__wp_task_free(t);
    }
}

ASYNCRT_API int asy_wpool_abort(asy_wpool_t *pool, asy_wpool_task_t task) {
    asy__wp_task *t;
    if (!pool) return ASY_EINVAL;
    t = asy__wp_find(pool, task.id);
    if (!t || !t->state) return ASY_ENOENT;
    asy__wp_abort(t);
    return 0;
}

ASYNCRT_API void asy_wpool_stats(const asy_wpool_t *pool, asy_wpool_stats_t *out) {
    const asy__queue *q;
    if (!out) return;
    memset(out, 0, sizeof(*out));
    if (!pool) return;
    out->threads = pool->nthreads;
    for (q = pool->threads.next; q != &pool->threads; q = q->next) {
        const asy__wp_thread *th = ASY_CONTAINER_OF(q, const asy__wp_thread, link);
        if (!th->task && !th->leaving) out->idle++;
    }
    out->queued = pool->queued;
    out->running = pool->running;
    out->completed = pool->completed;
}

ASYNCRT_API void asy_wpool_destroy(asy_wpool_t *pool) {
    asy__queue *q, *next;
    if (!pool || pool->destroying) return;
    /* queued tasks first (their permits would go to the next ones) */
    for (q = pool->tasks.next; q != &pool->tasks; q = next) {
        asy__wp_task *t = ASY_CONTAINER_OF(q, asy__wp_task, link);
        next = q->next;
        if (t->state == ASY__WP_QUEUED) asy__wp_abort(t);
    }
    pool->destroying = 1;
    for (q = pool->tasks.next; q != &pool->tasks; q = next) {
        asy__wp_task *t = ASY_CONTAINER_OF(q, asy__wp_task, link);
        next = q->next;
        if (t->state == ASY__WP_RUNNING) asy__wp_abort(t);
    }
    for (q = pool->threads.next; q != &pool->threads; q = q->next)
        asy__wp_thread_leave(ASY_CONTAINER_OF(q, asy__wp_thread, link));
    asy_sem_free(pool->sem);
    pool->sem = NULL;
    asy__wp_maybe_free(pool);
}
