/* libuv twin of bench/queue_work.c: serial uv_queue_work round trips, the
 * same counts, warm-up and latency percentiles.  Default pool size (4).
 *
 *   BENCH queue_work_serial <round trips/s> roundtrips/s higher
 *   BENCH queue_work_p50 <ns> ns lower
 *   BENCH queue_work_p99 <ns> ns lower */
#include <uv.h>

#include <stdio.h>
#include <stdlib.h>

#define ROUNDS 200000
#define WARMUP 1000

static uv_loop_t *loop;
static uv_work_t req;
static long done_n;
static uint64_t *lat, t_sent;

static void work(uv_work_t *w) { (void)w; }

static void after(uv_work_t *w, int status) {
    uint64_t now = uv_hrtime();
    if (status != 0) {
        fprintf(stderr, "queue_work_uv: status %d\n", status);
        exit(1);
    }
    if (done_n >= WARMUP) lat[done_n - WARMUP] = now - t_sent;
    if (++done_n < ROUNDS + WARMUP) {
        t_sent = uv_hrtime();
        if (uv_queue_work(loop, w, work, after) != 0) exit(1);
    }
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

int main(void) {
    uint64_t t0, ns;
    lat = (uint64_t *)malloc(ROUNDS * sizeof(uint64_t));
    loop = uv_default_loop();
    if (!lat) return 1;
    t_sent = uv_hrtime();
    if (uv_queue_work(loop, &req, work, after) != 0) return 1;
    while (done_n < WARMUP) uv_run(loop, UV_RUN_ONCE);
    t0 = uv_hrtime();
    uv_run(loop, UV_RUN_DEFAULT);
    ns = uv_hrtime() - t0;
    if (done_n != ROUNDS + WARMUP) return 1;
    qsort(lat, ROUNDS, sizeof(uint64_t), cmp_u64);
    fprintf(stderr, "queue_work_uv: %d round trips in %.3f s\n", ROUNDS, ns / 1e9);
    printf("BENCH queue_work_serial %.0f roundtrips/s higher\n", ROUNDS / (ns / 1e9));
    printf("BENCH queue_work_p50 %llu ns lower\n", (unsigned long long)lat[ROUNDS / 2]);
    printf("BENCH queue_work_p99 %llu ns lower\n", (unsigned long long)lat[ROUNDS * 99 / 100]);
    uv_loop_close(loop);
    free(lat);
    return 0;
}
