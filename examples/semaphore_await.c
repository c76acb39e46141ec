/* The seed's Semaphore with await: the twin of semaphore.c (same output).
 *
 *   const sem = new Semaphore(5);
 *   async function doWork(item) {
 *     await sem.acquire();
 *     try { await processItem(item); }
 *     finally { sem.release(); }      // always release, even on error
 *   }
 *   await Promise.all(items.map(item => doWork(item)));
 *
 * processItem is simulated with a timer; every seventh item fails, and its
 * permit still comes back. */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"
#include <stdio.h>
#include <stdlib.h>

static asy_loop_t loop;
static asy_sem_t *sem;
static int holders, max_holders, failed;

typedef struct {
    int item;
    asy_promise_t *p;
} work;

static void work_done(void *arg) {
    work *w = (work *)arg;
    holders--;
    if (w->item % 7 == 0) asy_promise_reject(w->p, ASY_EIO, "item could not be processed");
    else asy_promise_resolve(w->p, (void *)(intptr_t)(w->item * 2));
    asy_promise_release(w->p);
}

/* processItem(item): a promise settled by a timer */
static asy_promise_t *process_item(work *w) {
    if (++holders > max_holders) max_holders = holders;
    w->p = asy_promise_new(&loop);
    asy_set_timeout(&loop, work_done, w, 1 + (uint64_t)(w->item % 4));
    return asy_promise_retain(w->p);
}

static asy_ret_t do_work(void *arg) {
    work *w = (work *)arg;
    asy_promise_t *acquired = asy_sem_acquire(sem, 1, 0, NULL), *p;
    void *v;
    int err = asy_await(acquired, NULL); /* await sem.acquire() */
    asy_promise_release(acquired);
    if (err) return asy_fail(err, NULL);
    p = process_item(w);
    err = asy_await(p, &v);      /* try { await processItem(item) } */
    asy_promise_release(p);
    asy_sem_release(sem, 1);     /* finally { sem.release() } */
    if (err) {
        failed++;
        return asy_fail(err, "item could not be processed");
    }
    return asy_ok(v);
}

static asy_ret_t main_task(void *arg) {
    static work items[30];
    asy_promise_t *ps[30], *all;
    void *v;
    int i;
    (void)arg;
    for (i = 0; i < 30; i++) {
        items[i].item = i + 1;
        ps[i] = asy_async(&loop, do_work, &items[i], NULL); /* doWork(item) */
    }
    all = asy_promise_all_settled(&loop, ps, 30);
    for (i = 0; i < 30; i++) asy_promise_release(ps[i]);
    asy_await(all, &v);
    printf("30 items: item 1 gave %ld, %d failed, at most %d holders, %zu permits free\n",
           (long)(intptr_t)((const asy_settled_t *)v)[0].value, failed, max_holders,
           asy_sem_available(sem));
    asy_promise_release(all);
    return asy_ok(NULL);
}

int main(void) {
    asy_promise_t *done;
    asy_loop_init(&loop, NULL);
    sem = asy_sem_new(&loop, 5, NULL);
    done = asy_async(&loop, main_task, NULL, NULL);
    asy_run(&loop, ASY_RUN_DEFAULT);
    asy_promise_release(done);
    asy_sem_free(sem);
    return asy_loop_close(&loop) == 0 ? 0 : 1;
}
