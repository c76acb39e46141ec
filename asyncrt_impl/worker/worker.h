/* Worker threads (Node's worker_threads), docs/worker.md.
 *
 * A worker runs a C entry function on a thread of its own with a loop of
 * its own; threads talk through message ports.  A message is bytes
 * (copied) plus, optionally, a transferred buffer (zero-copy: the sender's
 * view becomes empty, as an ArrayBuffer transfer) and a transferred
 * channel end.  Shared buffers (SharedArrayBuffer) are refcounted memory
 * any thread may use, with Atomics-style wait / notify / wait_async. */
#pragma once
#include "../buf/buf.h"
#include "../loop/handle.h"
#include "../loop/async.h"
#include "../promise/promise.h"

/* Handle type ids of this layer (docs/design.md, "Handle types"). */
#define ASY_HANDLE_WORKER ((asy_handle_type_t)(ASY_HANDLE_TYPE_MAX + 0))
#define ASY_HANDLE_PORT ((asy_handle_type_t)(ASY_HANDLE_TYPE_MAX + 1))

/* ---- channels and ports ------------------------------------------------ */
/* One end of a channel, attached to no loop: what asy_channel_open gives
 * and what a message carries when an end is transferred.  Attach it with
 * asy_port_init (which takes it over) or give it back with
 * asy_port_end_free.  Thread-safe to move between threads. */
typedef struct asy_port_end_s asy_port_end_t;
typedef struct asy_port_s asy_port_t;

/* A received message; valid during the message callback only. */
typedef struct asy_message_s {
    const uint8_t *data; /* the bytes */
    size_t len;
    /* A transferred channel end, or NULL.  Set it to NULL to keep it (you
     * own it then); otherwise it is freed after the callback. */
    asy_port_end_t *port;
    /* private */
    asy_buf_t buf_; /* transferred storage (empty for copied bytes) */
    struct asy_message_s *next_;
} asy_message_t;

/* The bytes of msg as a buffer you own: a transferred buffer moves (no
 * copy; msg->data stays readable until the callback returns), copied
 * bytes are copied once more.  0 or ASY_ENOMEM / ASY_EINVAL. */
ASYNCRT_API int asy_message_take_buf(asy_message_t *msg, asy_buf_t *out);

typedef void (*asy_message_cb)(asy_port_t *port, asy_message_t *msg);

struct asy_port_s {
    ASY_HANDLE_FIELDS
    asy_port_end_t *end_;
    asy_message_cb cb_;
    asy_async_t async_; /* wake-ups from senders (internal) */
    unsigned port_flags_;
};

/* new MessageChannel(): two connected ends.  0 or ASY_ENOMEM. */
ASYNCRT_API int asy_channel_open(asy_port_end_t **port1, asy_port_end_t **port2);
/* Frees an end that was never attached (NULL: no-op).  Messages its peer
 * sends from then on are dropped, as to a closed port. */
ASYNCRT_API void asy_port_end_free(asy_port_end_t *end);

/* Attaches end to loop as a port handle (takes end over, also on error:
 * ASY_EINVAL frees it).  Messages queue until asy_port_start. */
ASYNCRT_API int asy_port_init_at(asy_loop_t *loop, asy_port_t *port, asy_port_end_t *end,
                                 const char *file, int line);
#define asy_port_init(loop, port, end) asy_port_init_at((loop), (port), (end), ASY_HERE)
/* port.on('message', cb): delivers queued and future messages in the
 * order they were sent.  A started port is active (keeps the loop
 * alive; asy_unref to not). */
ASYNCRT_API int asy_port_start(asy_port_t *port, asy_message_cb cb);
/* Stops delivery; messages queue again until the next start. */
ASYNCRT_API int asy_port_stop(asy_port_t *port);
/* postMessage(bytes): copies len bytes.  Messages to a peer that is
 * closed are dropped (0, as in Node).  0, ASY_EINVAL, ASY_ENOMEM. */
ASYNCRT_API int asy_port_post(asy_port_t *port, const void *data, size_t len);
/* postMessage(buf, [buf, end]): transfers buf (may be NULL) without a
 * copy -- on success *buf is empty -- and end (may be NULL; it must not
 * be attached, and not be the peer of port).  A buffer whose storage
 * other views share cannot be transferred (ASY_EBUSY: copy it with
 * asy_port_post).  On error nothing was transferred. */
ASYNCRT_API int asy_port_post_transfer(asy_port_t *port, asy_buf_t *buf, asy_port_end_t *end);
/* Messages received but not delivered yet (a stopped port's backlog). */
ASYNCRT_API size_t asy_port_pending(asy_port_t *port);

/* ---- workers ------------------------------------------------------------ */
typedef struct asy_worker_s asy_worker_t;

/* What the entry function gets, on the worker's thread. */
typedef struct asy_worker_self_s {
    asy_loop_t *loop;       /* the worker's loop, run after the entry returns */
    asy_port_t *port;       /* parentPort (not started) */
    const uint8_t *data;    /* workerData: a copy, valid while the worker runs */
    size_t len;
    void *arg;              /* asy_worker_opts_t.arg, as given */
    unsigned thread_id;     /* threadId, 1, 2, ... in start order */
} asy_worker_self_t;

/* The entry function.  Its return value is the exit code unless the
 * worker failed, exited or was terminated.  After it returns the worker's
 * loop runs until nothing keeps it alive (as a Node worker's does). */
typedef int (*asy_worker_main_fn)(asy_worker_self_t *self);

typedef struct asy_worker_opts_t {
    const void *data;  /* workerData: copied */
    size_t len;
    void *arg;         /* passed to the entry as is (keep it alive) */
    size_t stack_size; /* bytes (resourceLimits.stackSizeMb); 0: default */
    /* 'message': a message the worker posted on its parentPort */
    void (*on_message)(asy_worker_t *w, asy_message_t *msg);
    /* 'error': the worker failed (asy_worker_fail, an unhandled promise
     * rejection, or a loop that could not start); 'exit' follows. */
    void (*on_error)(asy_worker_t *w, int code, const char *message);
    /* 'exit': the thread is gone; the handle is inactive from here on */
    void (*on_exit)(asy_worker_t *w, int exit_code);
} asy_worker_opts_t;

struct asy_worker_s {
    ASY_HANDLE_FIELDS
    struct asy__worker_shared *shared_;
    asy_port_t port_;     /* the parent's end of parentPort (internal) */
    asy_async_t exit_async_;
    asy_worker_opts_t opts_;
    unsigned thread_id_;
    int exit_code_;
    unsigned worker_flags_;
};

/* new Worker(main, { workerData }).  0, ASY_EINVAL, ASY_ENOMEM, ASY_EAGAIN
 * (no thread).  The handle is active (keeps the loop alive) until 'exit';
 * asy_unref lets the loop end without waiting for the worker.  Closing a
 * worker that still runs terminates it and waits for its thread. */
ASYNCRT_API int asy_worker_start_at(asy_loop_t *loop, asy_worker_t *w, asy_worker_main_fn main_fn,
                                    const asy_worker_opts_t *opts, const char *file, int line);
#define asy_worker_start(loop, w, main_fn, opts) \
    asy_worker_start_at((loop), (w), (main_fn), (opts), ASY_HERE)
/* worker.postMessage: as asy_port_post / asy_port_post_transfer. */
ASYNCRT_API int asy_worker_post(asy_worker_t *w, const void *data, size_t len);
ASYNCRT_API int asy_worker_post_transfer(asy_worker_t *w, asy_buf_t *buf, asy_port_end_t *end);
/* worker.terminate(): stops the worker's loop from outside and runs its
 * close callbacks; the exit code is 1.  C cannot interrupt a running
 * function: a worker busy in a callback (or in its entry function) stops
 * at its next callback boundary -- once that callback returns, no other
 * callback of its loop starts except close callbacks.  0 (also when the
 * worker has exited already), ASY_EINVAL. */
ASYNCRT_API int asy_worker_terminate(asy_worker_t *w);
ASYNCRT_API unsigned asy_worker_thread_id(const asy_worker_t *w);

/* On the worker's thread: */
/* process.exit(code) in a worker: its loop stops, close callbacks run,
 * the exit code is code. */
ASYNCRT_API int asy_worker_exit(asy_worker_self_t *self, int code);
/* An uncaught error: the parent sees 'error' (code, message: copied),
 * then 'exit' with code 1; the loop stops as for asy_worker_exit. */
ASYNCRT_API int asy_worker_fail(asy_worker_self_t *self, int code, const char *message);
/* Whether terminate() was called: a long computation in one callback may
 * poll it to stop early. */
ASYNCRT_API int asy_worker_should_stop(const asy_worker_self_t *self);

/* ---- shared memory ------------------------------------------------------- */
/* A SharedArrayBuffer: len zeroed bytes, 8-byte aligned, refcounted
 * (atomically: retain and release from any thread).  NULL with *err (err
 * may be NULL) set to ASY_ENOMEM, or the error of making its lock. */
typedef struct asy_shared_buf_s asy_shared_buf_t;
ASYNCRT_API asy_shared_buf_t *asy_shared_buf_new(size_t len, int *err);
ASYNCRT_API asy_shared_buf_t *asy_shared_buf_retain(asy_shared_buf_t *sb);
ASYNCRT_API void asy_shared_buf_release(asy_shared_buf_t *sb);
ASYNCRT_API uint8_t *asy_shared_buf_data(const asy_shared_buf_t *sb);
ASYNCRT_API size_t asy_shared_buf_len(const asy_shared_buf_t *sb);

/* Atomics on the buffer as an Int32Array (index counts int32s).  An
 * index out of range is ASY_ERANGE for the int-returning calls; the value
 * calls return 0 then (check the index yourself when 0 is meaningful). */
ASYNCRT_API int32_t asy_atomics_load(asy_shared_buf_t *sb, size_t index);
ASYNCRT_API int32_t asy_atomics_store(asy_shared_buf_t *sb, size_t index, int32_t v);
/* Return the value before the operation, as JavaScript's do. */
ASYNCRT_API int32_t asy_atomics_add(asy_shared_buf_t *sb, size_t index, int32_t v);
ASYNCRT_API int32_t asy_atomics_sub(asy_shared_buf_t *sb, size_t index, int32_t v);
ASYNCRT_API int32_t asy_atomics_exchange(asy_shared_buf_t *sb, size_t index, int32_t v);
ASYNCRT_API int32_t asy_atomics_compare_exchange(asy_shared_buf_t *sb, size_t index,
                                                 int32_t expected, int32_t v);

/* Atomics.wait's results ("ok", "not-equal", "timed-out"). */
enum { ASY_WAIT_OK = 0, ASY_WAIT_NOT_EQUAL = 1, ASY_WAIT_TIMED_OUT = 2 };
/* Atomics.wait: blocks this thread while the int32 at index equals
 * expected, until a notify or timeout_ms (-1: none).  A wake-up the
 * kernel reports without a notify also returns ASY_WAIT_OK, as futex
 * waits may.  Never call it on a thread whose loop others wait on.
 * ASY_WAIT_* or ASY_ERANGE / ASY_EINVAL. */
ASYNCRT_API int asy_atomics_wait(asy_shared_buf_t *sb, size_t index, int32_t expected,
                                 int64_t timeout_ms);
/* Atomics.notify: wakes up to count waiters on index (sync and async,
 * oldest async first); the number woken, or ASY_ERANGE / ASY_EINVAL. */
ASYNCRT_API int asy_atomics_notify(asy_shared_buf_t *sb, size_t index, int count);
/* Atomics.waitAsync: a promise on loop resolved with the string "ok" or
 * "timed-out" (timeout_ms on the loop's clock, virtual clock included;
 * -1: none), or already resolved with "not-equal".  A pending wait keeps
 * the loop alive, as in Node.  NULL on bad arguments or ENOMEM. */
ASYNCRT_API asy_promise_t *asy_atomicsp_wait(asy_loop_t *loop, asy_shared_buf_t *sb,
                                                  size_t index, int32_t expected,
                                                  int64_t timeout_ms);

/* ---- worker pool (piscina) ---------------------------------------------------
 * Tasks run on a pool of workers: a queue bounded by max_queue, between
 * min_threads and max_threads threads, idle threads above the minimum
 * leave after idle_timeout_ms, results come back as promises, and a task
 * can be aborted while queued or running.  The queue is an asy_sem_t with
 * max_threads permits (first come, first served). */
typedef struct asy_wpool_s asy_wpool_t;
/* The task function, on a pool worker's thread: arg is opts.arg, in/len
 * the task's input (a copy); write the result to *out (may stay empty)
 * and return 0, or a negative code the task's promise rejects with.
 * self is the worker's (asy_worker_should_stop tells of an abort). */
typedef int (*asy_wpool_fn)(asy_worker_self_t *self, void *arg, const uint8_t *in, size_t len,
                            asy_buf_t *out);
typedef struct asy_wpool_opts_t {
    asy_wpool_fn fn;
    void *arg;                /* passed to fn */
    unsigned min_threads;     /* started at once and kept; default 0 */
    unsigned max_threads;     /* default: the number of CPUs */
    size_t max_queue;         /* tasks waiting for a thread; 0: no limit */
    uint64_t idle_timeout_ms; /* threads above min_threads idle this long leave; 0: at once */
    size_t stack_size;        /* per worker, bytes; 0: default */
} asy_wpool_opts_t;
/* Names a task, to abort it.  A stale id is harmless. */
typedef struct {
    uint64_t id;
} asy_wpool_task_t;
typedef struct {
    unsigned threads;  /* started and not leaving */
    unsigned idle;
    size_t queued;     /* waiting for a thread */
    size_t running;
    uint64_t completed; /* settled by their worker (fulfilled or rejected) */
} asy_wpool_stats_t;

/* NULL with *err (may be NULL) set: ASY_EINVAL (no fn, min > max),
 * ASY_ENOMEM, or a worker that could not start. */
ASYNCRT_API asy_wpool_t *asy_wpool_new(asy_loop_t *loop, const asy_wpool_opts_t *opts, int *err);
/* pool.run(input): a promise of the result, an `asy_buf_t *` the promise
 * owns (asy_buf_retain it to keep the bytes).  Rejects with the task's
 * code, ASY_EAGAIN when max_queue tasks are already waiting, ASY_ECANCELED
 * when aborted or when the pool is destroyed first, ASY_EPIPE when the
 * worker ended during the task.  task (may be NULL) receives its id.
 * NULL on ENOMEM or bad input. */
ASYNCRT_API asy_promise_t *asy_wpool_run(asy_wpool_t *pool, const void *in, size_t len,
                                         asy_wpool_task_t *task);
/* Aborts a task (AbortSignal): a queued one never runs; a running one's
 * worker is terminated (it stops when the task function returns, or
 * earlier if it polls asy_worker_should_stop) and a new thread takes its
 * place when needed.  Either way the promise rejects with ASY_ECANCELED
 * now.  0, or ASY_ENOENT when the task is no longer queued or running. */
ASYNCRT_API int asy_wpool_abort(asy_wpool_t *pool, asy_wpool_task_t task);
ASYNCRT_API void asy_wpool_stats(const asy_wpool_t *pool, asy_wpool_stats_t *out);
/* Rejects queued and running tasks with ASY_ECANCELED, terminates the
 * workers and frees the pool once they are gone.  Destroy it before its
 * loop closes (and run the loop so the workers' exits arrive). */
ASYNCRT_API void asy_wpool_destroy(asy_wpool_t *pool);
