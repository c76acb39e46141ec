/* timers: the cost of timers at the scale of a million live ones.
 *
 * NUM_TIMERS caller-owned asy_timer_t handles (one array, initialised
 * before any timing) go through, in each round:
 *
 *   timers_start_1M     asy_timer_start of every handle with a random
 *                       timeout in [1, 1e6] ms (xorshift, fixed seed, the
 *                       same sequence in the twin), so the heap grows from
 *                       empty to 1M live timers.  ns per start.
 *   timers_stop_1M      asy_timer_stop of every handle, in array order,
 *                       from 1M live timers down to none.  ns per stop.
 *   timers_dispatch_1M  libuv's benchmark-million-timers.c pattern:
 *                       timeouts 1, 1, ... (1000 times), 2, ... up to
 *                       1000 ms.  The starts are not timed; the program
 *                       sleeps until every timer is due, then times the
 *                       asy_run that fires all of them (callback counts)
 *                       and returns.  ns per timer fired.
 *
 * The Node-style conveniences on the same loop, same timeouts:
 *
 *   timers_set_timeout_1M   asy_set_timeout (takes a slot from the loop's
 *                           pool and arms its timer), ns per call.
 *   timers_clear_timer_1M   asy_clear_timer of every id, in order.
 *
 * Twin: bench/peers/timers_uv.c does the same with uv_timer_t: the same
 * random timeouts, uv_timer_start / uv_timer_stop, the million-timers
 * dispatch.  For the convenience rows libuv has no id API, so its figures
 * there are what a libuv program does instead, chosen in libuv's favour:
 * uv_timer_init + uv_timer_start on handles preallocated in an array (no
 * malloc), and uv_timer_stop (the uv_close that would release the handle
 * is left out).
 *
 * ROUNDS rounds per run; each metric is the median round. */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define NUM_TIMERS (1000 * 1000)
#define ROUNDS 3
#define MAX_RANDOM_MS 1000000u

static uint64_t fired;
static uint64_t rng_state;

static uint64_t rng(void) {
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}

static void timer_cb(asy_timer_t *t) {
    (void)t;
    fired++;
}

static void fn_cb(void *arg) {
    (void)arg;
    fired++;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v) {
    qsort(v, ROUNDS, sizeof(v[0]), cmp_double);
    return v[ROUNDS / 2];
}

static void sleep_ms(long ms) {
    struct timespec ts;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000L;
    nanosleep(&ts, NULL);
}

#define CHECK(x)                                                         \
    do {                                                                 \
        if (!(x)) {                                                      \
            fprintf(stderr, "timers: %s failed (line %d)\n", #x, __LINE__); \
            exit(1);                                                     \
        }                                                                \
    } while (0)

int main(void) {
    asy_loop_t loop;
    asy_timer_t *timers = (asy_timer_t *)calloc(NUM_TIMERS, sizeof(asy_timer_t));
    asy_timer_id_t *ids = (asy_timer_id_t *)calloc(NUM_TIMERS, sizeof(asy_timer_id_t));
    uint64_t *timeouts = (uint64_t *)calloc(NUM_TIMERS, sizeof(uint64_t));
    double start_ns[ROUNDS], stop_ns[ROUNDS], dispatch_ns[ROUNDS], set_ns[ROUNDS], clear_ns[ROUNDS];
    int i, r;
    CHECK(timers && ids && timeouts);
    CHECK(asy_loop_init(&loop, NULL) == 0);
    for (i = 0; i < NUM_TIMERS; i++) CHECK(asy_timer_init(&loop, &timers[i]) == 0);

    for (r = 0; r < ROUNDS; r++) {
        uint64_t t0, t1, t2;
        int timeout;

        rng_state = 0x9E3779B97F4A7C15ull + (uint64_t)r;
        for (i = 0; i < NUM_TIMERS; i++) timeouts[i] = 1 + rng() % MAX_RANDOM_MS;

        asy_update_time(&loop);
        t0 = asy_hrtime();
        for (i = 0; i < NUM_TIMERS; i++) asy_timer_start(&timers[i], timer_cb, timeouts[i], 0);
        t1 = asy_hrtime();
        for (i = 0; i < NUM_TIMERS; i++) asy_timer_stop(&timers[i]);
        t2 = asy_hrtime();
        start_ns[r] = (double)(t1 - t0) / NUM_TIMERS;
        stop_ns[r] = (double)(t2 - t1) / NUM_TIMERS;
        CHECK(!asy_loop_alive(&loop));

        /* the same again through the setTimeout-style ids */
        asy_update_time(&loop);
        t0 = asy_hrtime();
        for (i = 0; i < NUM_TIMERS; i++) ids[i] = asy_set_timeout(&loop, fn_cb, NULL, timeouts[i]);
        t1 = asy_hrtime();
        for (i = 0; i < NUM_TIMERS; i++) asy_clear_timer(&loop, ids[i]);
        t2 = asy_hrtime();
        set_ns[r] = (double)(t1 - t0) / NUM_TIMERS;
        clear_ns[r] = (double)(t2 - t1) / NUM_TIMERS;
        for (i = 0; i < NUM_TIMERS; i++) CHECK(ids[i].id != 0);
        CHECK(!asy_loop_alive(&loop));

        /* dispatch: libuv's million-timers deadlines, all due before the run */
        asy_update_time(&loop);
        timeout = 0;
        for (i = 0; i < NUM_TIMERS; i++) {
            if (i % 1000 == 0) timeout++;
            CHECK(asy_timer_start(&timers[i], timer_cb, (uint64_t)timeout, 0) == 0);
        }
        sleep_ms(timeout + 20);
        fired = 0;
        t0 = asy_hrtime();
        CHECK(asy_run(&loop, ASY_RUN_DEFAULT) == 0);
        t1 = asy_hrtime();
        CHECK(fired == NUM_TIMERS);
        dispatch_ns[r] = (double)(t1 - t0) / NUM_TIMERS;
        fprintf(stderr,
                "round %d: start %.1f stop %.1f set_timeout %.1f clear %.1f dispatch %.1f ns\n", r,
                start_ns[r], stop_ns[r], set_ns[r], clear_ns[r], dispatch_ns[r]);
    }

    for (i = 0; i < NUM_TIMERS; i++) asy_close((asy_handle_t *)&timers[i], NULL);
    CHECK(asy_run(&loop, ASY_RUN_DEFAULT) == 0);
    CHECK(asy_loop_close(&loop) == 0);
    free(timers);
    free(ids);
    free(timeouts);

    printf("BENCH timers_start_1M %.1f ns lower\n", median(start_ns));
    printf("BENCH timers_stop_1M %.1f ns lower\n", median(stop_ns));
    printf("BENCH timers_dispatch_1M %.1f ns lower\n", median(dispatch_ns));
    printf("BENCH timers_set_timeout_1M %.1f ns lower\n", median(set_ns));
    printf("BENCH timers_clear_timer_1M %.1f ns lower\n", median(clear_ns));
    return 0;
}
