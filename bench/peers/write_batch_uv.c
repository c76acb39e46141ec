/* write_batch on libuv: the twin of bench/write_batch.c. */
#include "net_bench_uv.h"

#define TOTAL 1000000
#define INFLIGHT 1024
#define SIZE 16

static uv_loop_t loop;
static uv_tcp_t client;
static uv_connect_t creq;
static uv_write_t reqs[INFLIGHT];
static char msg[SIZE] = "0123456789abcde";
static long issued, done;
static uint64_t t0, t1;
static double c0, c1;

static void wrote(uv_write_t *req, int status);

static void issue(uv_write_t *req) {
    uv_buf_t b = uv_buf_init(msg, SIZE);
    issued++;
    BCHECK(uv_write(req, (uv_stream_t *)&client, &b, 1, wrote) == 0);
}

static void wrote(uv_write_t *req, int status) {
    BCHECK(status == 0);
    if (++done == TOTAL) {
        t1 = uv_hrtime();
        c1 = cpu_seconds();
        uv_close((uv_handle_t *)&client, NULL);
        stop_server();
        return;
    }
    if (issued < TOTAL) issue(req);
}

static void connected(uv_connect_t *req, int status) {
    int i;
    (void)req;
    BCHECK(status == 0);
    t0 = uv_hrtime();
    c0 = cpu_seconds();
    for (i = 0; i < INFLIGHT; i++) issue(&reqs[i]);
}

int main(void) {
    struct sockaddr_in a;
    int port;
    BCHECK(uv_loop_init(&loop) == 0);
    port = start_server(&loop, SRV_DISCARD);
    BCHECK(uv_ip4_addr("127.0.0.1", port, &a) == 0);
    BCHECK(uv_tcp_init(&loop, &client) == 0);
    BCHECK(uv_tcp_connect(&creq, &client, (const struct sockaddr *)&a, connected) == 0);
    uv_run(&loop, UV_RUN_DEFAULT);
    BCHECK(uv_loop_close(&loop) == 0);
    BCHECK(srv_bytes == (unsigned long long)TOTAL * SIZE);
    printf("BENCH write_batch_writes_s %.0f writes/s higher\n", (double)TOTAL * 1e9 / (double)(t1 - t0));
    printf("BENCH write_batch_cpu %.0f writes/cpu-s higher\n", (double)TOTAL / (c1 - c0));
    return 0;
}
