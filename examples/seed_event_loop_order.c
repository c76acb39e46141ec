/* The seed's ordering example:
 *
 *   setTimeout(() => console.log("1: timer"), 0);
 *   setImmediate(() => console.log("2: immediate"));
 *   process.nextTick(() => console.log("3: nextTick"));
 *   Promise.resolve().then(() => console.log("4: promise"));
 *   // Output: 3: nextTick -> 4: promise -> 1: timer -> 2: immediate
 *
 * In Node the timer/immediate order of the main module is a race (a 0 ms
 * timeout is really 1 ms).  In asyncrt 0 ms is due at once, so this prints
 * the same four lines on every run.  The promise line uses the microtask
 * queue directly; examples/event_loop_order.c shows it with a promise. */
#define ASYNCRT_IMPLEMENTATION
#include "asyncrt.h"

#include <stdio.h>

static void log_line(void *msg) { puts((const char *)msg); }

int main(void) {
    asy_loop_t loop;
    asy_loop_init(&loop, NULL);
    asy_set_timeout(&loop, log_line, "1: timer", 0);
    asy_set_immediate(&loop, log_line, "2: immediate");
    asy_next_tick(&loop, log_line, "3: nextTick");
    asy_queue_microtask(&loop, log_line, "4: promise");
    asy_run(&loop, ASY_RUN_DEFAULT);
    return asy_loop_close(&loop);
}
