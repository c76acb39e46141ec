/* libuv twin of bench/loop_count.c, after libuv's benchmark-loop-count.c
 * ("loop_count"): an idle handle on the default loop counts its calls and
 * stops itself after NUM_TICKS (10M here, 2M in libuv), the uv_run is
 * timed.  ROUNDS rounds on one loop, the median round is reported.
 *
 *   BENCH loop_count <ticks/s> ticks/s higher */
#include <uv.h>

#include <stdio.h>
#include <stdlib.h>

#define NUM_TICKS (10 * 1000 * 1000)
#define ROUNDS 3

static unsigned long ticks;

static void idle_cb(uv_idle_t *h) {
    if (++ticks == NUM_TICKS) uv_idle_stop(h);
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(void) {
    uv_loop_t *loop = uv_default_loop();
    uv_idle_t idle;
    double rate[ROUNDS];
    int r;
    if (uv_idle_init(loop, &idle) != 0) return 1;
    for (r = 0; r < ROUNDS; r++) {
        uint64_t ns;
        ticks = 0;
        if (uv_idle_start(&idle, idle_cb) != 0) return 1;
        ns = uv_hrtime();
        if (uv_run(loop, UV_RUN_DEFAULT) != 0) return 1;
        ns = uv_hrtime() - ns;
        if (ticks != NUM_TICKS) {
            fprintf(stderr, "loop_count: %lu ticks, expected %d\n", ticks, NUM_TICKS);
            return 1;
        }
        rate[r] = NUM_TICKS / (ns / 1e9);
        fprintf(stderr, "loop_count: %d ticks in %.3fs (%.0f/s)\n", NUM_TICKS, ns / 1e9, rate[r]);
    }
    uv_close((uv_handle_t *)&idle, NULL);
    uv_run(loop, UV_RUN_DEFAULT);
    if (uv_loop_close(loop) != 0) return 1;
    qsort(rate, ROUNDS, sizeof(rate[0]), cmp_double);
    printf("BENCH loop_count %.0f ticks/s higher\n", rate[ROUNDS / 2]);
    return 0;
}
