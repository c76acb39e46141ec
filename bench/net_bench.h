/* Shared by the asyncrt network benchmarks: a server on the benchmark's
 * own loop, so client and server share one thread and one core.  On a
 * busy 2-core machine this measures the library (syscalls plus its own
 * work per event) with far less scheduler noise than two processes
 * waking each other.  The libuv twins use bench/peers/net_bench_uv.h,
 * the same server written against libuv.
 *
 *   ECHO     echoes every read back (a malloc'd write request per read, as
 *            libuv's echo server does); closes on EOF.
 *   DISCARD  reads and counts bytes (srv_bytes); closes on EOF. */
#ifndef ASY_NET_BENCH_H
#define ASY_NET_BENCH_H
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
    asy_tcp_t h;
} srv_conn;

typedef struct {
    asy_write_t req;
    char data[1];
} srv_write;

static asy_loop_t *srv_loop;
static asy_tcp_t srv_listener;
static int srv_mode, srv_ended;
static unsigned long long srv_bytes;

static void srv_closed(asy_handle_t *h) {
    free(h);
    srv_ended++;
}

static void srv_written(asy_write_t *req, int status) {
    (void)status;
    free(req);
}

static void srv_read(asy_sock_t *s, ptrdiff_t n, const asy_iov_t *buf) {
    if (n < 0) {
        asy_close((asy_handle_t *)s, srv_closed);
        return;
    }
    if (srv_mode == SRV_DISCARD) {
        srv_bytes += (unsigned long long)n;
    } else {
        srv_write *w = (srv_write *)malloc(sizeof(srv_write) + (size_t)n);
        asy_iov_t b;
        memcpy(w->data, buf->base, (size_t)n);
        b.base = w->data;
        b.len = (size_t)n;
        if (asy_sock_write(&w->req, s, &b, 1, srv_written) != 0) free(w);
    }
}

static void srv_on_connection(asy_sock_t *server, int status) {
    srv_conn *c;
    if (status != 0) return;
    c = (srv_conn *)malloc(sizeof(*c));
    BCHECK(asy_tcp_init(srv_loop, &c->h) == 0);
    BCHECK(asy_tcp_accept((asy_tcp_t *)server, &c->h) == 0);
    asy_tcp_nodelay(&c->h, 1);
    BCHECK(asy_sock_read_start((asy_sock_t *)&c->h, NULL, srv_read) == 0);
}

/* Starts the server on loop; returns its port. */
__attribute__((unused)) static int start_server(asy_loop_t *loop, int mode) {
    asy_addr_t a;
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    srv_loop = loop;
    srv_mode = mode;
    BCHECK(asy_ip4_addr("127.0.0.1", 0, &a) == 0);
    BCHECK(asy_tcp_init(loop, &srv_listener) == 0);
    BCHECK(asy_tcp_bind(&srv_listener, &a, 0) == 0);
    BCHECK(asy_tcp_listen(&srv_listener, 1024, srv_on_connection) == 0);
    BCHECK(asy_tcp_getsockname(&srv_listener, &a) == 0);
    return asy_addr_port(&a);
}

__attribute__((unused)) static void stop_server(void) {
    asy_close((asy_handle_t *)&srv_listener, NULL);
}
#endif
