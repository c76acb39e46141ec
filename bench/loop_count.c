/* loop_count: how many idle loop iterations asyncrt runs per second.
 *
 * One idle handle counts its calls and stops itself after NUM_TICKS; asy_run
 * then returns because nothing else is active.  The time of that asy_run is
 * the measurement: ticks / seconds.  Every iteration walks all of Node's
 * phases (timers, pending, idle, prepare, poll without blocking because an
 * idle handle is active, check, close), so this is the fixed cost of one
 * turn of the loop.
 *
 * Twin: bench/peers/loop_count_uv.c, libuv's benchmark-loop-count.c
 * ("loop_count": an idle handle counting to NUM_TICKS on the default loop)
 * with NUM_TICKS raised from 2M to 10M so the timed window is long enough
 * on a noisy machine.  Each program does ROUNDS rounds on one loop and
 * reports the median round.
 *
 *   BENCH loop_count <ticks/s> ticks/s higher */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"

#include <stdio.h>
#include <stdlib.h>

#define NUM_TICKS (10 * 1000 * 1000)
#define ROUNDS 3

static unsigned long ticks;

static void idle_cb(asy_idle_t *h) {
    if (++ticks == NUM_TICKS) asy_idle_stop(h);
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(void) {
    asy_loop_t loop;
    asy_idle_t idle;
    double rate[ROUNDS];
    int r;
    if (asy_loop_init(&loop, NULL) != 0) return 1;
    if (asy_idle_init(&loop, &idle) != 0) return 1;
    for (r = 0; r < ROUNDS; r++) {
        uint64_t ns;
        ticks = 0;
        if (asy_idle_start(&idle, idle_cb) != 0) return 1;
        ns = asy_hrtime();
        if (asy_run(&loop, ASY_RUN_DEFAULT) != 0) return 1;
        ns = asy_hrtime() - ns;
        if (ticks != NUM_TICKS) {
            fprintf(stderr, "loop_count: %lu ticks, expected %d\n", ticks, NUM_TICKS);
            return 1;
        }
        rate[r] = NUM_TICKS / (ns / 1e9);
        fprintf(stderr, "loop_count: %d ticks in %.3fs (%.0f/s)\n", NUM_TICKS, ns / 1e9, rate[r]);
    }
    asy_close((asy_handle_t *)&idle, NULL);
    asy_run(&loop, ASY_RUN_DEFAULT);
    if (asy_loop_close(&loop) != 0) return 1;
    qsort(rate, ROUNDS, sizeof(rate[0]), cmp_double);
    printf("BENCH loop_count %.0f ticks/s higher\n", rate[ROUNDS / 2]);
    return 0;
}
