/* The thread pool (libuv's, behind Node's fs, DNS and crypto; sized by
 * UV_THREADPOOL_SIZE): your own blocking or CPU-heavy work off the loop.
 *
 *   ASYNCRT_THREADPOOL_SIZE=8 build/examples/thread_pool
 *
 * Eight prime counts run on the pool while a timer keeps ticking on the
 * loop: the loop stays responsive.  One more job is queued and cancelled
 * before it starts; its done callback gets ASY_ECANCELED. */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"

#include <stdio.h>

typedef struct {
    asy_work_t work;
    unsigned from, to, primes;
} job;

static asy_loop_t loop;
static asy_timer_id_t ticker;
static int jobs_left, ticks;

static void count_primes(asy_work_t *w) { /* on a pool thread */
    job *j = ASY_CONTAINER_OF(w, job, work);
    unsigned n, d;
    for (n = j->from; n < j->to; n++) {
        for (d = 2; d * d <= n; d++)
            if (n % d == 0) break;
        if (n > 1 && d * d > n) j->primes++;
    }
}

static void done(asy_work_t *w, int status) { /* back on the loop */
    job *j = ASY_CONTAINER_OF(w, job, work);
    if (status == ASY_ECANCELED) {
        printf("job [%u, %u) cancelled before it started\n", j->from, j->to);
        return;
    }
    printf("primes in [%u, %u): %u\n", j->from, j->to, j->primes);
    if (--jobs_left == 0) asy_clear_timer(&loop, ticker);
}

static void tick(void *arg) {
    (void)arg;
    ticks++;
}

int main(void) {
    static job jobs[9];
    asy_pool_stats_t st;
    int i;
    asy_loop_init(&loop, NULL);
    printf("pool size %u\n", asy_pool_size(&loop));
    for (i = 0; i < 9; i++) {
        jobs[i].from = (unsigned)i * 400000u;
        jobs[i].to = jobs[i].from + 400000u;
        asy_queue_work(&loop, &jobs[i].work, count_primes, done);
    }
    jobs_left = 8;
    if (asy_work_cancel(&jobs[8].work) != 0) jobs_left = 9; /* it had started already */
    ticker = asy_set_interval(&loop, tick, NULL, 5);
    asy_run(&loop, ASY_RUN_DEFAULT);
    asy_pool_stats(&loop, &st);
    printf("threads started: %u, jobs completed: %llu, timer ticks meanwhile: %d\n", st.threads,
           (unsigned long long)st.completed, ticks);
    return asy_loop_close(&loop) == 0 ? 0 : 1;
}
