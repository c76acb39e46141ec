/* pound on libuv: the twin of bench/pound.c (after libuv's
 * benchmark-pound.c, tcp4_pound_100). */
#include "net_bench_uv.h"

#define DURATION_MS 2000
#define CONCURRENCY 100

typedef struct {
    uv_tcp_t h;
    uv_connect_t creq;
    uv_write_t wreq;
} pconn;

static uv_loop_t loop;
static pconn conns[CONCURRENCY];
static struct sockaddr_in addr;
static uint64_t deadline, t0, closed, failed;
static int live;

static void make_connect(pconn *c);

static void alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *buf) {
    static char slab[65536];
    (void)h;
    (void)suggested;
    buf->base = slab;
    buf->len = sizeof(slab);
}

static void on_close(uv_handle_t *h) {
    pconn *c = (pconn *)h->data;
    closed++;
    if (uv_now(&loop) < deadline) {
        make_connect(c);
    } else if (--live == 0) {
        stop_server();
    }
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf) {
    (void)buf;
    if (n == 0) return;
    if (n < 0 && n != UV_EOF) failed++;
    uv_close((uv_handle_t *)s, on_close);
}

static void on_connect(uv_connect_t *req, int status) {
    pconn *c = (pconn *)req->data;
    uv_buf_t b = uv_buf_init((char *)"QS", 2);
    if (status != 0) {
        failed++;
        uv_close((uv_handle_t *)&c->h, on_close);
        return;
    }
    BCHECK(uv_read_start((uv_stream_t *)&c->h, alloc_cb, on_read) == 0);
    BCHECK(uv_write(&c->wreq, (uv_stream_t *)&c->h, &b, 1, NULL) == 0);
}

static void make_connect(pconn *c) {
    BCHECK(uv_tcp_init(&loop, &c->h) == 0);
    c->h.data = c;
    c->creq.data = c;
    BCHECK(uv_tcp_connect(&c->creq, &c->h, (const struct sockaddr *)&addr, on_connect) == 0);
}

int main(void) {
    int i, port;
    uint64_t t1;
    double c0, c1;
    BCHECK(uv_loop_init(&loop) == 0);
    port = start_server(&loop, SRV_ECHO);
    BCHECK(uv_ip4_addr("127.0.0.1", port, &addr) == 0);
    deadline = uv_now(&loop) + DURATION_MS;
    t0 = uv_hrtime();
    c0 = cpu_seconds();
    live = CONCURRENCY;
    for (i = 0; i < CONCURRENCY; i++) make_connect(&conns[i]);
    uv_run(&loop, UV_RUN_DEFAULT);
    t1 = uv_hrtime();
    c1 = cpu_seconds();
    BCHECK(uv_loop_close(&loop) == 0);
    if (failed * 100 > closed) {
        fprintf(stderr, "pound: %llu of %llu connections failed\n", (unsigned long long)failed,
                (unsigned long long)closed);
        return 1;
    }
    printf("BENCH pound_conn_s %.0f conn/s higher\n", (double)closed * 1e9 / (double)(t1 - t0));
    printf("BENCH pound_cpu %.0f conn/cpu-s higher\n", (double)closed / (c1 - c0));
    return 0;
}
