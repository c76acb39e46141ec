/* The seed's event-loop diagram, in C: one callback per phase, in Node's
 * order, with nextTick and microtasks drained after every callback.
 *
 *   timers -> pending -> idle -> prepare -> poll -> check -> close
 *
 * Output:
 *   timers: setTimeout 0
 *     nextTick after the timer
 *     microtask after the timer
 *   idle
 *   prepare
 *   check: setImmediate
 *   close callback
 */
#define ASYNCRT_IMPLEMENTATION
#include "asyncrt.h"

#include <stdio.h>

static asy_loop_t loop;
static asy_idle_t idle;
static asy_prepare_t prepare;

static void say(void *msg) { puts((const char *)msg); }

static void on_close(asy_handle_t *h) {
    (void)h;
    puts("close callback");
}

static void on_idle(asy_idle_t *h) {
    puts("idle");
    asy_close((asy_handle_t *)h, NULL);
}

static void on_prepare(asy_prepare_t *h) {
    puts("prepare");
    asy_close((asy_handle_t *)h, on_close);
}

static void on_timer(void *arg) {
    (void)arg;
    puts("timers: setTimeout 0");
    asy_next_tick(&loop, say, "  nextTick after the timer");
    asy_queue_microtask(&loop, say, "  microtask after the timer");
}

int main(void) {
    asy_loop_init(&loop, NULL);
    asy_set_timeout(&loop, on_timer, NULL, 0);
    asy_set_immediate(&loop, say, "check: setImmediate");
    asy_idle_init(&loop, &idle);
    asy_idle_start(&idle, on_idle);
    asy_prepare_init(&loop, &prepare);
    asy_prepare_start(&prepare, on_prepare);
    asy_run(&loop, ASY_RUN_DEFAULT);
    return asy_loop_close(&loop);
}
