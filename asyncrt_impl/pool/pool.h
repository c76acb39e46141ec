/* The thread pool: blocking work (file system, DNS, your own CPU work) runs
 * on pool threads and its completion comes back to the loop thread.
 *
 * Each loop owns its pool (see docs/pool.md for why): its size is
 * asy_loop_opts_t.threadpool_size, else the ASYNCRT_THREADPOOL_SIZE
 * environment variable, else 4, and asy_pool_set_size changes it at run
 * time.  Threads start lazily, when there is work no idle thread can take.
 *
 * Work classes: CPU and FAST_IO share one FIFO queue; SLOW_IO (DNS) work
 * never occupies more than half the threads (at least one), so a burst of
 * slow lookups cannot starve file system work. */
#pragma once
#include "../base/queue.h"
#include "../loop/handle.h"
typedef enum {
    ASY_WORK_CPU = 0,
    ASY_WORK_FAST_IO = 1,
    ASY_WORK_SLOW_IO = 2
} asy_work_class_t;

typedef struct asy_work_s asy_work_t;
/* Runs on a pool thread: must not touch the loop. */
typedef void (*asy_work_cb)(asy_work_t *req);
/* Runs on the loop thread; status is 0, or ASY_ECANCELED when the work was
 * cancelled before it started (work_cb then never ran). */
typedef void (*asy_after_work_cb)(asy_work_t *req, int status);

struct asy_work_s {
    void *data; /* for the caller */
    asy_loop_t *loop;
    /* -- private -- */
    asy_work_cb work_cb_;
    asy_after_work_cb done_cb_;
    asy__queue link_;               /* in the pool's queue while queued */
    struct asy_work_s *next_done_;  /* completion stack */
    uint64_t seq_;                  /* FIFO order across the class queues */
    int class_;
    int state_;
    int status_;
};

/* Queues work_cb to run on a pool thread, then done_cb (may be NULL) on
 * the loop; a request in flight keeps the loop alive.  The request is
 * caller-owned, must stay valid until done_cb and carries one job at a
 * time (done_cb may queue it again).  Class ASY_WORK_CPU. */
ASYNCRT_API int asy_queue_work(asy_loop_t *loop, asy_work_t *req, asy_work_cb work_cb,
                               asy_after_work_cb done_cb);
ASYNCRT_API int asy_queue_work_class(asy_loop_t *loop, asy_work_t *req, asy_work_class_t cls,
                                     asy_work_cb work_cb, asy_after_work_cb done_cb);
/* Cancels work that has not started: 0, and done_cb runs later on the loop
 * with ASY_ECANCELED.  ASY_EBUSY once it runs or has finished. */
ASYNCRT_API int asy_work_cancel(asy_work_t *req);

/* The loop's pool size: threads it may run (started or not). */
ASYNCRT_API unsigned asy_pool_size(asy_loop_t *loop);
/* Changes the size at run time (1..1024).  Growing starts threads for work
 * already waiting; shrinking lets surplus threads finish their current job
 * and exit. */
ASYNCRT_API int asy_pool_set_size(asy_loop_t *loop, unsigned size);

typedef struct {
    unsigned size;         /* threads allowed */
    unsigned threads;      /* threads started and alive */
    unsigned queued;       /* waiting for a thread */
    unsigned running;      /* being run by a thread now */
    unsigned slow_running; /* of which SLOW_IO */
    unsigned slow_max;     /* SLOW_IO limit: half the size, at least 1 */
    uint64_t completed;    /* delivered to done callbacks */
} asy_pool_stats_t;
ASYNCRT_API int asy_pool_stats(asy_loop_t *loop, asy_pool_stats_t *out);
