/* queue_work: serial round trips through the thread pool.
 *
 * One request at a time: its done callback queues it again, ROUNDS times.
 * A round trip is the loop handing a job to a pool thread, the (empty) job
 * running there and the completion coming back to the loop: the latency a
 * single fs call pays on top of its system call.  The figure is round
 * trips per second; the median and 99th percentile of single round trips
 * (hrtime around each) are printed too.  Pool size: the default (4).
 *
 * Twin: bench/peers/queue_work_uv.c, the same with uv_queue_work.
 *
 *   BENCH queue_work_serial <round trips/s> roundtrips/s higher
 *   BENCH queue_work_p50 <ns> ns lower
 *   BENCH queue_work_p99 <ns> ns lower */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"

#include <stdio.h>
#include <stdlib.h>

#define ROUNDS 200000
#define WARMUP 1000

static asy_loop_t loop;
static asy_work_t req;
static long done_n;
static uint64_t *lat, t_sent;

static void work(asy_work_t *w) { (void)w; }

static void after(asy_work_t *w, int status) {
    uint64_t now = asy_hrtime();
    if (status != 0) {
        fprintf(stderr, "queue_work: status %d\n", status);
        exit(1);
    }
    if (done_n >= WARMUP) lat[done_n - WARMUP] = now - t_sent;
    if (++done_n < ROUNDS + WARMUP) {
        t_sent = asy_hrtime();
        if (asy_queue_work(&loop, w, work, after) != 0) exit(1);
    }
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

int main(void) {
    uint64_t t0, ns;
    lat = (uint64_t *)malloc(ROUNDS * sizeof(uint64_t));
    if (!lat || asy_loop_init(&loop, NULL) != 0) return 1;
    t_sent = asy_hrtime();
    if (asy_queue_work(&loop, &req, work, after) != 0) return 1;
    /* warm up (thread start) untimed */
    while (done_n < WARMUP) asy_run(&loop, ASY_RUN_ONCE);
    t0 = asy_hrtime();
    asy_run(&loop, ASY_RUN_DEFAULT);
    ns = asy_hrtime() - t0;
    if (done_n != ROUNDS + WARMUP || asy_loop_close(&loop) != 0) return 1;
    qsort(lat, ROUNDS, sizeof(uint64_t), cmp_u64);
    fprintf(stderr, "queue_work: %d round trips in %.3f s\n", ROUNDS, ns / 1e9);
    printf("BENCH queue_work_serial %.0f roundtrips/s higher\n", ROUNDS / (ns / 1e9));
    printf("BENCH queue_work_p50 %llu ns lower\n", (unsigned long long)lat[ROUNDS / 2]);
    printf("BENCH queue_work_p99 %llu ns lower\n", (unsigned long long)lat[ROUNDS * 99 / 100]);
    free(lat);
    return 0;
}
