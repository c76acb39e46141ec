/* The libuv side of bench/net_bench.h: the same in-loop server (ECHO or
 * DISCARD) written against libuv, so each twin runs its own library on
 * both ends. */
#ifndef UV_NET_BENCH_H
#define UV_NET_BENCH_H
#include <uv.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define BCHECK(x)                                                             \
    do {                                                                      \
        if (!(x)) {                                                           \
            fprintf(stderr, "%s:%d: %s failed\n", __FILE__, __LINE__, #x);    \
            exit(1);                                                          \
        }                                                                     \
    } while (0)

/* CPU seconds (user + system) this process has used: the benchmarks run
 * client and server on one thread, so work per CPU second is what the
 * wall-clock rate would be on an idle machine; on a busy one it is far
 * steadier.  Each program prints both. */
#include <sys/time.h>
__attribute__((unused)) static double cpu_seconds(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

enum { SRV_ECHO, SRV_DISCARD };

typedef struct {
    uv_write_t req;
    char data[1];
} srv_write;

static uv_loop_t *srv_loop;
static uv_tcp_t srv_listener;
static int srv_mode, srv_ended;
static unsigned long long srv_bytes;

static void srv_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf) {
    static char slab[65536];
    (void)h;
    (void)suggested;
    buf->base = slab;
    buf->len = sizeof(slab);
}

static void srv_closed(uv_handle_t *h) {
    free(h);
    srv_ended++;
}

static void srv_written(uv_write_t *req, int status) {
    (void)status;
    free(req);
}

static void srv_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf) {
    if (n < 0) {
        uv_close((uv_handle_t *)s, srv_closed);
        return;
    }
    if (srv_mode == SRV_DISCARD) {
        srv_bytes += (unsigned long long)n;
    } else if (n > 0) {
        srv_write *w = (srv_write *)malloc(sizeof(srv_write) + (size_t)n);
        uv_buf_t b;
        memcpy(w->data, buf->base, (size_t)n);
        b = uv_buf_init(w->data, (unsigned)n);
        if (uv_write(&w->req, s, &b, 1, srv_written) != 0) free(w);
    }
}

static void srv_on_connection(uv_stream_t *server, int status) {
    uv_tcp_t *c;
    if (status != 0) return;
    c = (uv_tcp_t *)malloc(sizeof(*c));
    BCHECK(uv_tcp_init(srv_loop, c) == 0);
    BCHECK(uv_accept(server, (uv_stream_t *)c) == 0);
    uv_tcp_nodelay(c, 1);
    BCHECK(uv_read_start((uv_stream_t *)c, srv_alloc, srv_read) == 0);
}

__attribute__((unused)) static int start_server(uv_loop_t *loop, int mode) {
    struct sockaddr_in a;
    int len = sizeof(a);
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    srv_loop = loop;
    srv_mode = mode;
    BCHECK(uv_ip4_addr("127.0.0.1", 0, &a) == 0);
    BCHECK(uv_tcp_init(loop, &srv_listener) == 0);
    BCHECK(uv_tcp_bind(&srv_listener, (const struct sockaddr *)&a, 0) == 0);
    BCHECK(uv_listen((uv_stream_t *)&srv_listener, 1024, srv_on_connection) == 0);
    BCHECK(uv_tcp_getsockname(&srv_listener, (struct sockaddr *)&a, &len) == 0);
    return ntohs(a.sin_port);
}

__attribute__((unused)) static void stop_server(void) {
    uv_close((uv_handle_t *)&srv_listener, NULL);
}
#endif
