/* ping_pong: round trips per second on one TCP connection.
 *
 * An echo server runs on the same loop (bench/net_bench.h); the client
 * writes "PING\n", waits until all 5 bytes came back, and writes again,
 * for 3 s of loop time.  Both ends run asyncrt; the twin
 * bench/peers/ping_pong_uv.c is the same program on libuv (after libuv's
 * benchmark-ping-pongs.c: one pinger, one write request in flight).
 *
 *   BENCH ping_pong <round trips/s> roundtrips/s higher */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"
#include "net_bench.h"

#define DURATION_MS 3000
static const char PING[] = "PING\n";

static asy_loop_t loop;
static asy_tcp_t client;
static asy_connect_t creq;
static asy_write_t wreq;
static uint64_t deadline, pongs, t0, t1;
static double c0, c1;
static unsigned state;

static void send_ping(void) {
    asy_iov_t b;
    b.base = (char *)PING;
    b.len = sizeof(PING) - 1;
    BCHECK(asy_sock_write(&wreq, (asy_sock_t *)&client, &b, 1, NULL) == 0);
}

static void on_read(asy_sock_t *s, ptrdiff_t n, const asy_iov_t *buf) {
    ptrdiff_t i;
    BCHECK(n > 0);
    for (i = 0; i < n; i++) {
        BCHECK(((const char *)buf->base)[i] == PING[state]);
        if (++state < sizeof(PING) - 1) continue;
        state = 0;
        pongs++;
        if (asy_now(&loop) >= deadline) {
            t1 = asy_hrtime();
            c1 = cpu_seconds();
            asy_close((asy_handle_t *)s, NULL);
            stop_server();
            return;
        }
        send_ping();
    }
}

static void on_connect(asy_connect_t *req, int status) {
    (void)req;
    BCHECK(status == 0);
    asy_tcp_nodelay(&client, 1);
    BCHECK(asy_sock_read_start((asy_sock_t *)&client, NULL, on_read) == 0);
    t0 = asy_hrtime();
    c0 = cpu_seconds();
    deadline = asy_now(&loop) + DURATION_MS;
    send_ping();
}

int main(void) {
    asy_addr_t a;
    int port;
    BCHECK(asy_loop_init(&loop, NULL) == 0);
    port = start_server(&loop, SRV_ECHO);
    BCHECK(asy_ip4_addr("127.0.0.1", port, &a) == 0);
    BCHECK(asy_tcp_init(&loop, &client) == 0);
    BCHECK(asy_tcp_connect(&creq, &client, &a, on_connect) == 0);
    asy_run(&loop, ASY_RUN_DEFAULT);
    BCHECK(asy_loop_close(&loop) == 0);
    printf("BENCH ping_pong %.0f roundtrips/s higher\n", (double)pongs * 1e9 / (double)(t1 - t0));
    printf("BENCH ping_pong_cpu %.0f roundtrips/cpu-s higher\n", (double)pongs / (c1 - c0));
    return 0;
}
