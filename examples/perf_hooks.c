/* The seed's perf_hooks block:
 *
 *   import { performance, PerformanceObserver } from "node:perf_hooks";
 *   performance.mark("start");
 *   // ... do work ...
 *   performance.mark("end");
 *   performance.measure("my-op", "start", "end");
 *   const [entry] = performance.getEntriesByName("my-op");
 *   console.log(`Took ${entry.duration}ms`);
 *
 * plus the PerformanceObserver it imports, which receives each measure in
 * a batch once the current callback is done (from an immediate, as in
 * Node), and performance.timerify around a callback the loop runs.  The
 * "work" is a 20 ms timer, so the measure spans real loop time. */
#define ASYNCRT_IMPLEMENTATION
#include "asyncrt.h"

#include <stdio.h>

static asy_loop_t loop;
static asy_perf_observer_t obs;
static asy_perf_timerified_t timed_parse;

static void observed(asy_perf_observer_t *o, const asy_perf_entry_t *e, size_t n, void *arg) {
    size_t i;
    (void)arg;
    for (i = 0; i < n; i++)
        printf("observer: %s %s %.1fms\n", e[i].type == ASY_PERF_MEASURE ? "measure" : "function",
               e[i].name, e[i].duration);
    asy_perf_disconnect(o); /* obs.disconnect() after the first batch */
}

static void parse(void *arg) {
    /* some CPU work worth timing */
    volatile double x = 0;
    long i;
    (void)arg;
    for (i = 0; i < 2000000; i++) x += (double)i * 0.5;
}

static void work_done(void *arg) {
    asy_perf_entry_t entry;
    (void)arg;
    asy_perf_timerified_call(&timed_parse); /* parse(), timed */
    asy_perf_mark(&loop, "end");
    asy_perf_measure(&loop, "my-op", "start", "end", NULL);
    asy_perf_get_entries_by_name(&loop, "my-op", 0, &entry, 1);
    printf("Took %.1fms\n", entry.duration);
}

int main(void) {
    asy_loop_init(&loop, NULL);
    asy_perf_observe(&loop, &obs, ASY_PERF_MEASURE | ASY_PERF_FUNCTION, observed, NULL);
    asy_perf_timerify(&timed_parse, &loop, "parse", parse, NULL);
    asy_perf_mark(&loop, "start");
    asy_set_timeout(&loop, work_done, NULL, 20); /* ... do work ... */
    asy_run(&loop, ASY_RUN_DEFAULT);
    printf("parse ran %llu time(s)\n", (unsigned long long)timed_parse.calls);
    asy_perf_timerify_free(&timed_parse);
    asy_loop_close(&loop);
    return 0;
}
