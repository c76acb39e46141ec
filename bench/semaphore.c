/* Semaphore: 10 workers share 4 permits; each loops `await acquire();
 * release()` until 1M pairs are done, so the wait queue is always in use.
 * Acquire/release pairs per second, best of 3 rounds.
 * Twin: bench/peers/semaphore.mjs (the seed's Semaphore, O(1) queue). */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"
#include <stdio.h>

enum { PAIRS = 1000000, WORKERS = 10, PERMITS = 4, ROUNDS = 3 };

static asy_loop_t loop;
static asy_sem_t *sem;
static long started, done;

static void step(void *arg, const asy_settled_t *in);

static void next_acquire(void *worker) {
    asy_promise_t *p;
    if (started >= PAIRS) return;
    started++;
    p = asy_sem_acquire(sem, 1, 0, NULL);
    asy_promise_on_settled(p, step, worker);
    asy_promise_release(p);
}

static void step(void *arg, const asy_settled_t *in) {
    if (in->error) {
        fprintf(stderr, "semaphore: acquire failed\n");
        exit(1);
    }
    asy_sem_release(sem, 1);
    done++;
    next_acquire(arg);
}

int main(void) {
    double best = 0;
    int round, w;
    if (asy_loop_init(&loop, NULL) != 0) return 1;
    sem = asy_sem_new(&loop, PERMITS, NULL);
    for (round = 0; round < ROUNDS; round++) {
        uint64_t t0, t1;
        double rate;
        started = done = 0;
        t0 = asy_hrtime();
        for (w = 0; w < WORKERS; w++) next_acquire((void *)(intptr_t)w);
        asy_run(&loop, ASY_RUN_DEFAULT);
        t1 = asy_hrtime();
        if (done != PAIRS || asy_sem_available(sem) != PERMITS) {
            fprintf(stderr, "semaphore: wrong result (%ld pairs)\n", done);
            return 1;
        }
        rate = PAIRS / ((double)(t1 - t0) / 1e9);
        if (rate > best) best = rate;
    }
    asy_sem_free(sem);
    printf("BENCH sem_pairs_per_sec %.0f pairs/s higher\n", best);
    return asy_loop_close(&loop) == 0 ? 0 : 1;
}
