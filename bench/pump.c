/* pump: TCP throughput, one connection and 100 connections.
 *
 * A discarding server runs on the same loop (bench/net_bench.h).  Each
 * client connection keeps one 64 KiB write in flight and queues the next
 * from the write callback; after 2 s the bytes the server has read are
 * counted.  Twin: bench/peers/pump_uv.c (after libuv's benchmark-pump.c,
 * same structure on libuv).
 *
 *   BENCH pump1_gbit_s <Gbit/s> Gbit/s higher
 *   BENCH pump100_gbit_s <Gbit/s> Gbit/s higher */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"
#include "net_bench.h"

#define DURATION_MS 2000
#define CHUNK 65536
#define MAXC 100

typedef struct {
    asy_tcp_t h;
    asy_connect_t creq;
    asy_write_t wreq;
} pconn;

static asy_loop_t loop;
static pconn conns[MAXC];
static int nconns, stopping;
static char chunk[CHUNK];
static asy_timer_t timer;
static uint64_t t0, t1, bytes_at_stop;
static double c0, c1, cpu_rate;

static void wrote(asy_write_t *req, int status);

static void send_chunk(pconn *c) {
    asy_iov_t b;
    b.base = chunk;
    b.len = CHUNK;
    BCHECK(asy_sock_write(&c->wreq, (asy_sock_t *)&c->h, &b, 1, wrote) == 0);
}

static void wrote(asy_write_t *req, int status) {
    pconn *c = (pconn *)req->data;
    if (stopping) return;
    BCHECK(status == 0);
    send_chunk(c);
}

static void connected(asy_connect_t *req, int status) {
    BCHECK(status == 0);
    send_chunk((pconn *)req->data);
}

static void stop(asy_timer_t *t) {
    int i;
    t1 = asy_hrtime();
    c1 = cpu_seconds();
    bytes_at_stop = srv_bytes;
    stopping = 1;
    for (i = 0; i < nconns; i++) asy_close((asy_handle_t *)&conns[i].h, NULL);
    asy_close((asy_handle_t *)t, NULL);
    stop_server();
}

static double run(int n) {
    asy_addr_t a;
    int i, port;
    BCHECK(asy_loop_init(&loop, NULL) == 0);
    port = start_server(&loop, SRV_DISCARD);
    srv_bytes = 0;
    stopping = 0;
    nconns = n;
    BCHECK(asy_ip4_addr("127.0.0.1", port, &a) == 0);
    for (i = 0; i < n; i++) {
        BCHECK(asy_tcp_init(&loop, &conns[i].h) == 0);
        conns[i].creq.data = conns[i].wreq.data = &conns[i];
        BCHECK(asy_tcp_connect(&conns[i].creq, &conns[i].h, &a, connected) == 0);
    }
    BCHECK(asy_timer_init(&loop, &timer) == 0);
    BCHECK(asy_timer_start(&timer, stop, DURATION_MS, 0) == 0);
    t0 = asy_hrtime();
    c0 = cpu_seconds();
    asy_run(&loop, ASY_RUN_DEFAULT);
    BCHECK(asy_loop_close(&loop) == 0);
    cpu_rate = (double)bytes_at_stop * 8.0 / 1e9 / (c1 - c0);
    return (double)bytes_at_stop * 8.0 / (double)(t1 - t0);
}

int main(void) {
    double g1, g100, c1r, c100r;
    g1 = run(1);
    c1r = cpu_rate;
    g100 = run(100);
    c100r = cpu_rate;
    printf("BENCH pump1_gbit_s %.3f Gbit/s higher\n", g1);
    printf("BENCH pump100_gbit_s %.3f Gbit/s higher\n", g100);
    printf("BENCH pump1_cpu %.3f Gbit/cpu-s higher\n", c1r);
    printf("BENCH pump100_cpu %.3f Gbit/cpu-s higher\n", c100r);
    return 0;
}
