/* The seed's timing block:
 *
 *   const start = process.hrtime.bigint();
 *   // ... do work ...
 *   const end = process.hrtime.bigint();
 *   console.log(`Took ${Number(end - start) / 1e6}ms`);
 *
 * asy_hrtime() is the same monotonic nanosecond clock.  The loop's own
 * view of time (asy_now) is cached per iteration in milliseconds, like
 * Node's timers; the metrics API gives event-loop utilization. */
#define ASYNCRT_IMPLEMENTATION
#include "asyncrt.h"

#include <stdio.h>

static asy_loop_t loop;
static uint64_t start;

static void done(void *arg) {
    uint64_t end = asy_hrtime();
    asy_loop_metrics_t m;
    (void)arg;
    printf("Took %.3fms (asked for 20 ms)\n", (double)(end - start) / 1e6);
    asy_loop_metrics(&loop, &m);
    printf("event loop utilization: %.2f (mostly idle while waiting)\n", m.utilization);
}

int main(void) {
    asy_loop_init(&loop, NULL);
    /* timers count from the loop's cached time, read when the loop was
     * set up: refresh it so the 20 ms start now (uv_update_time) */
    asy_update_time(&loop);
    start = asy_hrtime();
    asy_set_timeout(&loop, done, NULL, 20);
    asy_run(&loop, ASY_RUN_DEFAULT);
    return asy_loop_close(&loop);
}
