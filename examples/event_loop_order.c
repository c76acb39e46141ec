/* The seed's event-loop ordering example, with a real promise:
 *
 *   setTimeout(() => console.log("1: timer"), 0);
 *   setImmediate(() => console.log("2: immediate"));
 *   process.nextTick(() => console.log("3: nextTick"));
 *   Promise.resolve().then(() => console.log("4: promise"));
 *   // Output: 3: nextTick -> 4: promise -> 1: timer -> 2: immediate
 *
 * nextTick and promise jobs run when the current callback (here: the main
 * program) ends, before the loop's first phase; then come the timers
 * phase and the check (immediate) phase.  Deterministic, as in Node. */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"
#include <stdio.h>

static void say(void *msg) { puts((const char *)msg); }

static asy_ret_t then_say(void *msg, const asy_settled_t *in) {
    (void)in;
    puts((const char *)msg);
    return asy_ok(NULL);
}

int main(void) {
    asy_loop_t loop;
    asy_promise_t *resolved, *chained;
    if (asy_loop_init(&loop, NULL) != 0) return 1;

    asy_set_timeout(&loop, say, (void *)"1: timer", 0);
    asy_set_immediate(&loop, say, (void *)"2: immediate");
    asy_next_tick(&loop, say, (void *)"3: nextTick");
    resolved = asy_promise_resolved(&loop, NULL);                          /* Promise.resolve() */
    chained = asy_promise_then(resolved, then_say, NULL, (void *)"4: promise"); /* .then(...) */
    /* The continuation keeps what it needs alive: our references can go. */
    asy_promise_release(resolved);
    asy_promise_release(chained);

    asy_run(&loop, ASY_RUN_DEFAULT);
    return asy_loop_close(&loop) == 0 ? 0 : 1;
}
