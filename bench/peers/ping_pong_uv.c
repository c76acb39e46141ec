/* ping_pong on libuv: the twin of bench/ping_pong.c (same protocol,
 * after libuv's benchmark-ping-pongs.c). */
#include "net_bench_uv.h"

#define DURATION_MS 3000
static const char PING[] = "PING\n";

static uv_loop_t loop;
static uv_tcp_t client;
static uv_connect_t creq;
static uv_write_t wreq;
static uint64_t deadline, pongs, t0, t1;
static double c0, c1;
static unsigned state;

static void alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *buf) {
    static char slab[65536];
    (void)h;
    (void)suggested;
    buf->base = slab;
    buf->len = sizeof(slab);
}

static void send_ping(void) {
    uv_buf_t b = uv_buf_init((char *)PING, sizeof(PING) - 1);
    BCHECK(uv_write(&wreq, (uv_stream_t *)&client, &b, 1, NULL) == 0);
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf) {
    ssize_t i;
    BCHECK(n >= 0);
    for (i = 0; i < n; i++) {
        BCHECK(buf->base[i] == PING[state]);
        if (++state < sizeof(PING) - 1) continue;
        state = 0;
        pongs++;
        if (uv_now(&loop) >= deadline) {
            t1 = uv_hrtime();
            c1 = cpu_seconds();
            uv_close((uv_handle_t *)s, NULL);
            stop_server();
            return;
        }
        send_ping();
    }
}

static void on_connect(uv_connect_t *req, int status) {
    (void)req;
    BCHECK(status == 0);
    uv_tcp_nodelay(&client, 1);
    BCHECK(uv_read_start((uv_stream_t *)&client, alloc_cb, on_read) == 0);
    t0 = uv_hrtime();
    c0 = cpu_seconds();
    deadline = uv_now(&loop) + DURATION_MS;
    send_ping();
}

int main(void) {
    struct sockaddr_in a;
    int port;
    BCHECK(uv_loop_init(&loop) == 0);
    port = start_server(&loop, SRV_ECHO);
    BCHECK(uv_ip4_addr("127.0.0.1", port, &a) == 0);
    BCHECK(uv_tcp_init(&loop, &client) == 0);
    BCHECK(uv_tcp_connect(&creq, &client, (const struct sockaddr *)&a, on_connect) == 0);
    uv_run(&loop, UV_RUN_DEFAULT);
    BCHECK(uv_loop_close(&loop) == 0);
    printf("BENCH ping_pong %.0f roundtrips/s higher\n", (double)pongs * 1e9 / (double)(t1 - t0));
    printf("BENCH ping_pong_cpu %.0f roundtrips/cpu-s higher\n", (double)pongs / (c1 - c0));
    return 0;
}
