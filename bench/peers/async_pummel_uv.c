/* libuv twin of bench/async_pummel.c: libuv's benchmark-async-pummel.c with
 * one pummel thread (async_pummel_1), NUM_PINGS = 1M, the same stop
 * handshake through handle->data; callbacks per second of the uv_run.
 * Like the asyncrt side it also stops after TIME_LIMIT_NS (checked every
 * 1024 callbacks), which libuv's original does not.
 *
 *   BENCH async_pummel <callbacks/s> callbacks/s higher */
#include <uv.h>

#include <stdio.h>
#include <stdlib.h>

#define NUM_PINGS (1000 * 1000)
#define TIME_LIMIT_NS (4ull * 1000 * 1000 * 1000)
#define ACCESS_ONCE(type, var) (*(volatile type *)&(var))

static unsigned int callbacks;
static uint64_t start_ns;

static const char running[] = "running";
static const char stop[] = "stop";
static const char stopped[] = "stopped";

static void async_cb(uv_async_t *handle) {
    if (++callbacks == NUM_PINGS ||
        (callbacks % 1024 == 0 && uv_hrtime() - start_ns > TIME_LIMIT_NS)) {
        ACCESS_ONCE(const char *, handle->data) = stop;
        while (ACCESS_ONCE(const char *, handle->data) != stopped) uv_sleep(0);
        uv_close((uv_handle_t *)handle, NULL);
    }
}

static void pummel(void *arg) {
    uv_async_t *handle = (uv_async_t *)arg;
    while (ACCESS_ONCE(const char *, handle->data) == running) uv_async_send(handle);
    ACCESS_ONCE(const char *, handle->data) = stopped;
}

int main(void) {
    uv_loop_t *loop = uv_default_loop();
    uv_async_t handle;
    uv_thread_t tid;
    uint64_t ns;
    if (uv_async_init(loop, &handle, async_cb) != 0) return 1;
    ACCESS_ONCE(const char *, handle.data) = running;
    if (uv_thread_create(&tid, pummel, &handle) != 0) return 1;
    ns = start_ns = uv_hrtime();
    if (uv_run(loop, UV_RUN_DEFAULT) != 0) return 1;
    ns = uv_hrtime() - ns;
    uv_thread_join(&tid);
    if (uv_loop_close(loop) != 0) return 1;
    fprintf(stderr, "async_pummel_1: %u callbacks in %.2f seconds\n", callbacks, ns / 1e9);
    printf("BENCH async_pummel %.0f callbacks/s higher\n", callbacks / (ns / 1e9));
    return 0;
}
