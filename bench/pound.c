/* pound: TCP connections per second, 100 concurrent connect / write /
 * read / close loops against an echo server on the same loop.
 *
 * Each loop connects, writes "QS", closes on the echo (or EOF), and
 * connects again from the close callback, for 2 s.  Twin:
 * bench/peers/pound_uv.c (after libuv's benchmark-pound.c, tcp4_pound_100).
 *
 *   BENCH pound_conn_s <connections/s> conn/s higher */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"
#include "net_bench.h"

#define DURATION_MS 2000
#define CONCURRENCY 100

typedef struct {
    asy_tcp_t h;
    asy_connect_t creq;
    asy_write_t wreq;
} pconn;

static asy_loop_t loop;
static pconn conns[CONCURRENCY];
static asy_addr_t addr;
static uint64_t deadline, t0, closed, failed;
static int live;

static void make_connect(pconn *c);

static void on_close(asy_handle_t *h) {
    pconn *c = (pconn *)h->data;
    closed++;
    if (asy_now(&loop) < deadline) {
        make_connect(c);
    } else if (--live == 0) {
        stop_server();
    }
}

static void on_read(asy_sock_t *s, ptrdiff_t n, const asy_iov_t *buf) {
    (void)buf;
    if (n < 0 && n != ASY_EOF) failed++;
    asy_close((asy_handle_t *)s, on_close);
}

static void on_connect(asy_connect_t *req, int status) {
    pconn *c = (pconn *)req->data;
    asy_iov_t b;
    if (status != 0) {
        failed++;
        asy_close((asy_handle_t *)&c->h, on_close);
        return;
    }
    BCHECK(asy_sock_read_start((asy_sock_t *)&c->h, NULL, on_read) == 0);
    b.base = (char *)"QS";
    b.len = 2;
    BCHECK(asy_sock_write(&c->wreq, (asy_sock_t *)&c->h, &b, 1, NULL) == 0);
}

static void make_connect(pconn *c) {
    BCHECK(asy_tcp_init(&loop, &c->h) == 0);
    c->h.data = c;
    c->creq.data = c;
    BCHECK(asy_tcp_connect(&c->creq, &c->h, &addr, on_connect) == 0);
}

int main(void) {
    int i, port;
    uint64_t t1;
    double c0, c1;
    BCHECK(asy_loop_init(&loop, NULL) == 0);
    port = start_server(&loop, SRV_ECHO);
    BCHECK(asy_ip4_addr("127.0.0.1", port, &addr) == 0);
    deadline = asy_now(&loop) + DURATION_MS;
    t0 = asy_hrtime();
    c0 = cpu_seconds();
    live = CONCURRENCY;
    for (i = 0; i < CONCURRENCY; i++) make_connect(&conns[i]);
    asy_run(&loop, ASY_RUN_DEFAULT);
    t1 = asy_hrtime();
    c1 = cpu_seconds();
    BCHECK(asy_loop_close(&loop) == 0);
    if (failed * 100 > closed) {
        fprintf(stderr, "pound: %llu of %llu connections failed\n", (unsigned long long)failed,
                (unsigned long long)closed);
        return 1;
    }
    printf("BENCH pound_conn_s %.0f conn/s higher\n", (double)closed * 1e9 / (double)(t1 - t0));
    printf("BENCH pound_cpu %.0f conn/cpu-s higher\n", (double)closed / (c1 - c0));
    return 0;
}
