/* pump on libuv: the twin of bench/pump.c. */
#include "net_bench_uv.h"

#define DURATION_MS 2000
#define CHUNK 65536
#define MAXC 100

typedef struct {
    uv_tcp_t h;
    uv_connect_t creq;
    uv_write_t wreq;
} pconn;

static uv_loop_t loop;
static pconn conns[MAXC];
static int nconns, stopping;
static char chunk[CHUNK];
static uv_timer_t timer;
static uint64_t t0, t1, bytes_at_stop;
static double c0, c1, cpu_rate;

static void wrote(uv_write_t *req, int status);

static void send_chunk(pconn *c) {
    uv_buf_t b = uv_buf_init(chunk, CHUNK);
    BCHECK(uv_write(&c->wreq, (uv_stream_t *)&c->h, &b, 1, wrote) == 0);
}

static void wrote(uv_write_t *req, int status) {
    pconn *c = (pconn *)req->data;
    if (stopping) return;
    BCHECK(status == 0);
    send_chunk(c);
}

static void connected(uv_connect_t *req, int status) {
    BCHECK(status == 0);
    send_chunk((pconn *)req->data);
}

static void stop(uv_timer_t *t) {
    int i;
    t1 = uv_hrtime();
    c1 = cpu_seconds();
    bytes_at_stop = srv_bytes;
    stopping = 1;
    for (i = 0; i < nconns; i++) uv_close((uv_handle_t *)&conns[i].h, NULL);
    uv_close((uv_handle_t *)t, NULL);
    stop_server();
}

static double run(int n) {
    struct sockaddr_in a;
    int i, port;
    BCHECK(uv_loop_init(&loop) == 0);
    port = start_server(&loop, SRV_DISCARD);
    srv_bytes = 0;
    stopping = 0;
    nconns = n;
    BCHECK(uv_ip4_addr("127.0.0.1", port, &a) == 0);
    for (i = 0; i < n; i++) {
        BCHECK(uv_tcp_init(&loop, &conns[i].h) == 0);
        conns[i].creq.data = conns[i].wreq.data = &conns[i];
        BCHECK(uv_tcp_connect(&conns[i].creq, &conns[i].h, (const struct sockaddr *)&a, connected) == 0);
    }
    BCHECK(uv_timer_init(&loop, &timer) == 0);
    BCHECK(uv_timer_start(&timer, stop, DURATION_MS, 0) == 0);
    t0 = uv_hrtime();
    c0 = cpu_seconds();
    uv_run(&loop, UV_RUN_DEFAULT);
    BCHECK(uv_loop_close(&loop) == 0);
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
