/* The seed's Semaphore: hold a resource across several async steps, at
 * most 5 holders at a time, and always release.
 *
 *   const sem = new Semaphore(5);
 *   async function doWork(item) {
 *     await sem.acquire();
 *     try { await processItem(item); }
 *     finally { sem.release(); }      // always release, even on error
 *   }
 *   await Promise.all(items.map(item => doWork(item)));
 *
 * asy_sem_run is that acquire / try / finally.  processItem is simulated
 * with a timer; every seventh item fails, and its permit still comes back. */
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
static asy_ret_t process_item(void *arg) {
    work *w = (work *)arg;
    if (++holders > max_holders) max_holders = holders;
    w->p = asy_promise_new(&loop);
    asy_set_timeout(&loop, work_done, w, 1 + (uint64_t)(w->item % 4));
    return asy_chain(asy_promise_retain(w->p));
}

static void count(void *arg, const asy_settled_t *in) {
    (void)arg;
    if (in->state == ASY_PROMISE_FULFILLED) return;
    failed++;
}

static void report(void *arg, const asy_settled_t *in) {
    const asy_settled_t *outcomes = (const asy_settled_t *)in->value;
    (void)arg;
    printf("30 items: item 1 gave %ld, %d failed, at most %d holders, %zu permits free\n",
           (long)(intptr_t)outcomes[0].value, failed, max_holders, asy_sem_available(sem));
}

int main(void) {
    static work items[30];
    asy_promise_t *ps[30], *all;
    int i;
    asy_loop_init(&loop, NULL);
    sem = asy_sem_new(&loop, 5, NULL);
    for (i = 0; i < 30; i++) {
        items[i].item = i + 1;
        ps[i] = asy_sem_run(sem, 1, process_item, &items[i]); /* doWork(item) */
        asy_promise_on_settled(ps[i], count, NULL);
    }
    all = asy_promise_all_settled(&loop, ps, 30);
    asy_promise_on_settled(all, report, NULL);
    for (i = 0; i < 30; i++) asy_promise_release(ps[i]);
    asy_promise_release(all);
    asy_run(&loop, ASY_RUN_DEFAULT);
    asy_sem_free(sem);
    return asy_loop_close(&loop) == 0 ? 0 : 1;
}
