/* idle_conn_memory on libuv: the twin of bench/idle_conn_memory.c. */
#include "net_bench_uv.h"

#include <netinet/in.h>
#include <sys/socket.h>

#define N 10000

static uv_loop_t loop;
static uv_tcp_t listener;
static int accepted;
static long rss_before, rss_after;

static long rss_bytes(void) {
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    BCHECK(f && fscanf(f, "%ld %ld", &pages, &resident) == 2);
    fclose(f);
    return resident * sysconf(_SC_PAGESIZE);
}

static void alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *buf) {
    static char slab[65536];
    (void)h;
    (void)suggested;
    buf->base = slab;
    buf->len = sizeof(slab);
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf) {
    (void)buf;
    if (n < 0) uv_close((uv_handle_t *)s, (uv_close_cb)free);
}

static void on_connection(uv_stream_t *server, int status) {
    uv_tcp_t *c;
    BCHECK(status == 0);
    c = (uv_tcp_t *)malloc(sizeof(*c));
    BCHECK(uv_tcp_init(&loop, c) == 0);
    BCHECK(uv_accept(server, (uv_stream_t *)c) == 0);
    BCHECK(uv_read_start((uv_stream_t *)c, alloc_cb, on_read) == 0);
    if (++accepted == N) {
        rss_after = rss_bytes();
        uv_close((uv_handle_t *)server, NULL);
    }
}

static void client(int port) {
    struct sockaddr_in sin;
    int i;
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_port = htons((uint16_t)port);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    for (i = 0; i < N; i++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        BCHECK(fd >= 0 && connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0);
    }
    pause();
}

int main(void) {
    struct sockaddr_in a;
    int len = sizeof(a), st;
    pid_t pid;
    struct rlimit rl;
    BCHECK(getrlimit(RLIMIT_NOFILE, &rl) == 0);
    rl.rlim_cur = rl.rlim_max;
    BCHECK(setrlimit(RLIMIT_NOFILE, &rl) == 0);
    BCHECK(rl.rlim_cur > N + 64);
    BCHECK(uv_loop_init(&loop) == 0);
    BCHECK(uv_ip4_addr("127.0.0.1", 0, &a) == 0);
    BCHECK(uv_tcp_init(&loop, &listener) == 0);
    BCHECK(uv_tcp_bind(&listener, (const struct sockaddr *)&a, 0) == 0);
    BCHECK(uv_listen((uv_stream_t *)&listener, 4096, on_connection) == 0);
    BCHECK(uv_tcp_getsockname(&listener, (struct sockaddr *)&a, &len) == 0);
    rss_before = rss_bytes();
    pid = fork();
    BCHECK(pid >= 0);
    if (pid == 0) client(ntohs(a.sin_port));
    uv_run(&loop, UV_RUN_ONCE);
    while (accepted < N) uv_run(&loop, UV_RUN_ONCE);
    kill(pid, SIGKILL);
    waitpid(pid, &st, 0);
    uv_run(&loop, UV_RUN_DEFAULT);
    BCHECK(uv_loop_close(&loop) == 0);
    printf("BENCH idle_conn_bytes %.1f bytes lower\n", (double)(rss_after - rss_before) / N);
    return 0;
}
