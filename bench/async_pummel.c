/* async_pummel: how many async callbacks the loop runs per second while
 * another thread calls asy_async_send as fast as it can.
 *
 * One async handle on the main loop; one sender thread loops on
 * asy_async_send(&handle) until told to stop.  Sends coalesce (a send
 * while the handle is already pending adds nothing), so the figure is how
 * fast the loop can notice a wake-up, run the callback and come back for
 * the next one, with the sender competing for the handle's cache line.
 * After NUM_PINGS callbacks, or once the run has lasted TIME_LIMIT_NS
 * (checked every 1024 callbacks: a loaded machine can slow the exchange
 * down a hundredfold), the callback tells the sender to stop, waits for it
 * to acknowledge, and closes the handle; the asy_run that returns then is
 * the timed part: callbacks / seconds.
 *
 * Twin: bench/peers/async_pummel_uv.c is libuv's benchmark-async-pummel.c
 * with one thread ("async_pummel_1"), the same handshake through
 * handle->data, NUM_PINGS = 1M as there, plus the same time limit.
 *
 *   BENCH async_pummel <callbacks/s> callbacks/s higher */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define NUM_PINGS (1000 * 1000)
#define TIME_LIMIT_NS (4ull * 1000 * 1000 * 1000)
#define ACCESS_ONCE(type, var) (*(volatile type *)&(var))

static unsigned int callbacks;
static uint64_t start_ns;

static const char running[] = "running";
static const char stop[] = "stop";
static const char stopped[] = "stopped";

static void sleep0(void) {
    struct timespec ts;
    ts.tv_sec = 0;
    ts.tv_nsec = 0;
    nanosleep(&ts, NULL);
}

static void async_cb(asy_async_t *handle) {
    if (++callbacks == NUM_PINGS ||
        (callbacks % 1024 == 0 && asy_hrtime() - start_ns > TIME_LIMIT_NS)) {
        /* tell the pummel thread to stop and wait until it has */
        ACCESS_ONCE(const char *, handle->data) = stop;
        while (ACCESS_ONCE(const char *, handle->data) != stopped) sleep0();
        asy_close((asy_handle_t *)handle, NULL);
    }
}

static void *pummel(void *arg) {
    asy_async_t *handle = (asy_async_t *)arg;
    while (ACCESS_ONCE(const char *, handle->data) == running) asy_async_send(handle);
    ACCESS_ONCE(const char *, handle->data) = stopped;
    return NULL;
}

int main(void) {
    asy_loop_t loop;
    asy_async_t handle;
    pthread_t tid;
    uint64_t ns;
    if (asy_loop_init(&loop, NULL) != 0) return 1;
    if (asy_async_init(&loop, &handle, async_cb) != 0) return 1;
    ACCESS_ONCE(const char *, handle.data) = running;
    if (pthread_create(&tid, NULL, pummel, &handle) != 0) return 1;
    ns = start_ns = asy_hrtime();
    if (asy_run(&loop, ASY_RUN_DEFAULT) != 0) return 1;
    ns = asy_hrtime() - ns;
    pthread_join(tid, NULL);
    if (asy_loop_close(&loop) != 0) return 1;
    fprintf(stderr, "async_pummel_1: %u callbacks in %.2f seconds\n", callbacks, ns / 1e9);
    printf("BENCH async_pummel %.0f callbacks/s higher\n", callbacks / (ns / 1e9));
    return 0;
}
