/* libuv twin of bench/timers.c (see there for what each metric means).
 * The same xorshift timeouts, uv_timer_start / uv_timer_stop on an array of
 * uv_timer_t initialised before any timing, and the dispatch of libuv's
 * benchmark-million-timers.c deadlines (1000 timers per ms, 1..1000 ms)
 * once all are due.  The convenience rows, which libuv has no API for,
 * measure uv_timer_init + uv_timer_start on preallocated handles and
 * uv_timer_stop alone: what a libuv program needs at least. */
#include <uv.h>

#include <stdio.h>
#include <stdlib.h>

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

static void timer_cb(uv_timer_t *t) {
    (void)t;
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

#define CHECK(x)                                                         \
    do {                                                                 \
        if (!(x)) {                                                      \
            fprintf(stderr, "timers: %s failed (line %d)\n", #x, __LINE__); \
            exit(1);                                                     \
        }                                                                \
    } while (0)

int main(void) {
    uv_loop_t *loop = uv_default_loop();
    uv_timer_t *timers = (uv_timer_t *)calloc(NUM_TIMERS, sizeof(uv_timer_t));
    uv_timer_t *conv = (uv_timer_t *)calloc(NUM_TIMERS, sizeof(uv_timer_t));
    uint64_t *timeouts = (uint64_t *)calloc(NUM_TIMERS, sizeof(uint64_t));
    double start_ns[ROUNDS], stop_ns[ROUNDS], dispatch_ns[ROUNDS], set_ns[ROUNDS], clear_ns[ROUNDS];
    int i, r;
    CHECK(timers && conv && timeouts);
    for (i = 0; i < NUM_TIMERS; i++) CHECK(uv_timer_init(loop, &timers[i]) == 0);

    for (r = 0; r < ROUNDS; r++) {
        uint64_t t0, t1, t2;
        int timeout;

        rng_state = 0x9E3779B97F4A7C15ull + (uint64_t)r;
        for (i = 0; i < NUM_TIMERS; i++) timeouts[i] = 1 + rng() % MAX_RANDOM_MS;

        uv_update_time(loop);
        t0 = uv_hrtime();
        for (i = 0; i < NUM_TIMERS; i++) uv_timer_start(&timers[i], timer_cb, timeouts[i], 0);
        t1 = uv_hrtime();
        for (i = 0; i < NUM_TIMERS; i++) uv_timer_stop(&timers[i]);
        t2 = uv_hrtime();
        start_ns[r] = (double)(t1 - t0) / NUM_TIMERS;
        stop_ns[r] = (double)(t2 - t1) / NUM_TIMERS;
        CHECK(!uv_loop_alive(loop));

        /* what setTimeout / clearTimeout cost at least in libuv */
        uv_update_time(loop);
        t0 = uv_hrtime();
        for (i = 0; i < NUM_TIMERS; i++) {
            uv_timer_init(loop, &conv[i]);
            uv_timer_start(&conv[i], timer_cb, timeouts[i], 0);
        }
        t1 = uv_hrtime();
        for (i = 0; i < NUM_TIMERS; i++) uv_timer_stop(&conv[i]);
        t2 = uv_hrtime();
        set_ns[r] = (double)(t1 - t0) / NUM_TIMERS;
        clear_ns[r] = (double)(t2 - t1) / NUM_TIMERS;
        /* release them (untimed) so the next round can init them again */
        for (i = 0; i < NUM_TIMERS; i++) uv_close((uv_handle_t *)&conv[i], NULL);
        CHECK(uv_run(loop, UV_RUN_DEFAULT) == 0);

        /* dispatch: the million-timers deadlines, all due before the run */
        uv_update_time(loop);
        timeout = 0;
        for (i = 0; i < NUM_TIMERS; i++) {
            if (i % 1000 == 0) timeout++;
            CHECK(uv_timer_start(&timers[i], timer_cb, (uint64_t)timeout, 0) == 0);
        }
        uv_sleep(timeout + 20);
        fired = 0;
        t0 = uv_hrtime();
        CHECK(uv_run(loop, UV_RUN_DEFAULT) == 0);
        t1 = uv_hrtime();
        CHECK(fired == NUM_TIMERS);
        dispatch_ns[r] = (double)(t1 - t0) / NUM_TIMERS;
        fprintf(stderr,
                "round %d: start %.1f stop %.1f set_timeout %.1f clear %.1f dispatch %.1f ns\n", r,
                start_ns[r], stop_ns[r], set_ns[r], clear_ns[r], dispatch_ns[r]);
    }

    for (i = 0; i < NUM_TIMERS; i++) uv_close((uv_handle_t *)&timers[i], NULL);
    CHECK(uv_run(loop, UV_RUN_DEFAULT) == 0);
    CHECK(uv_loop_close(loop) == 0);
    free(timers);
    free(conv);
    free(timeouts);

    printf("BENCH timers_start_1M %.1f ns lower\n", median(start_ns));
    printf("BENCH timers_stop_1M %.1f ns lower\n", median(stop_ns));
    printf("BENCH timers_dispatch_1M %.1f ns lower\n", median(dispatch_ns));
    printf("BENCH timers_set_timeout_1M %.1f ns lower\n", median(set_ns));
    printf("BENCH timers_clear_timer_1M %.1f ns lower\n", median(clear_ns));
    return 0;
}
