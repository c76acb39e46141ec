/* write_batch: 1M small writes on one TCP connection.
 *
 * The client issues 1,000,000 writes of 16 bytes, each its own write
 * request, to a discarding server on the same loop: 1024 requests are in
 * flight and each write callback reuses its request for the next write.
 * Measures writes per second until the last callback.  Twin:
 * bench/peers/write_batch_uv.c.
 *
 *   BENCH write_batch_writes_s <writes/s> writes/s higher */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"
#include "net_bench.h"

#define TOTAL 1000000
#define INFLIGHT 1024
#define SIZE 16

static asy_loop_t loop;
static asy_tcp_t client;
static asy_connect_t creq;
static asy_write_t reqs[INFLIGHT];
static char msg[SIZE] = "0123456789abcde";
static long issued, done;
static uint64_t t0, t1;
static double c0, c1;

static void wrote(asy_write_t *req, int status);

static void issue(asy_write_t *req) {
    asy_iov_t b;
    b.base = msg;
    b.len = SIZE;
    issued++;
    BCHECK(asy_sock_write(req, (asy_sock_t *)&client, &b, 1, wrote) == 0);
}

static void wrote(asy_write_t *req, int status) {
    BCHECK(status == 0);
    if (++done == TOTAL) {
        t1 = asy_hrtime();
        c1 = cpu_seconds();
        asy_close((asy_handle_t *)&client, NULL);
        stop_server();
        return;
    }
    if (issued < TOTAL) issue(req);
}

static void connected(asy_connect_t *req, int status) {
    int i;
    (void)req;
    BCHECK(status == 0);
    t0 = asy_hrtime();
    c0 = cpu_seconds();
    for (i = 0; i < INFLIGHT; i++) issue(&reqs[i]);
}

int main(void) {
    asy_addr_t a;
    int port;
    BCHECK(asy_loop_init(&loop, NULL) == 0);
    port = start_server(&loop, SRV_DISCARD);
    BCHECK(asy_ip4_addr("127.0.0.1", port, &a) == 0);
    BCHECK(asy_tcp_init(&loop, &client) == 0);
    BCHECK(asy_tcp_connect(&creq, &client, &a, connected) == 0);
    asy_run(&loop, ASY_RUN_DEFAULT);
    BCHECK(asy_loop_close(&loop) == 0);
    BCHECK(srv_bytes == (unsigned long long)TOTAL * SIZE);
    printf("BENCH write_batch_writes_s %.0f writes/s higher\n", (double)TOTAL * 1e9 / (double)(t1 - t0));
    printf("BENCH write_batch_cpu %.0f writes/cpu-s higher\n", (double)TOTAL / (c1 - c0));
    return 0;
}
