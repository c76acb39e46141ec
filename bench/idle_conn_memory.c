/* idle_conn_memory: resident memory per idle TCP connection, 10,000
 * connections.
 *
 * The server (this process, asyncrt) listens; a forked child opens 10,000
 * plain blocking client sockets and holds them.  The server accepts each
 * into a malloc'd asy_tcp_t that is reading (idle: no data ever comes).
 * The figure is the growth of the server's RSS from just before the first
 * connection to after the last, divided by 10,000.  Kernel socket memory
 * is not in RSS; what is measured is what the library and the handles
 * cost in user space.  Twin: bench/peers/idle_conn_memory_uv.c.
 *
 * A second round does the same with Duplex sockets (asy_socket_t, Node's
 * net.Socket) reading into their streams; libuv has no counterpart.
 *
 *   BENCH idle_conn_bytes <bytes> bytes lower
 *   BENCH idle_conn_bytes_duplex <bytes> bytes lower */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"
#include "net_bench.h"

#include <malloc.h>
#include <netinet/in.h>
#include <sys/socket.h>

#define N 10000

static asy_loop_t loop;
static asy_tcp_t listener;
static asy_server_t dserver;
static int accepted;
static long rss_before, rss_after;

static long rss_bytes(void) {
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    BCHECK(f && fscanf(f, "%ld %ld", &pages, &resident) == 2);
    fclose(f);
    return resident * sysconf(_SC_PAGESIZE);
}

static void tcp_free(asy_handle_t *h);

static void on_read(asy_sock_t *s, ptrdiff_t n, const asy_iov_t *buf) {
    (void)buf;
    if (n < 0) asy_close((asy_handle_t *)s, tcp_free);
}

static void on_connection(asy_sock_t *server, int status) {
    asy_tcp_t *c;
    BCHECK(status == 0);
    c = (asy_tcp_t *)malloc(sizeof(*c));
    BCHECK(asy_tcp_init(&loop, c) == 0);
    BCHECK(asy_tcp_accept((asy_tcp_t *)server, c) == 0);
    BCHECK(asy_sock_read_start((asy_sock_t *)c, NULL, on_read) == 0);
    if (++accepted == N) {
        rss_after = rss_bytes();
        asy_close((asy_handle_t *)server, NULL);
    }
}

static void dsock_close(asy_stream_t *s) { free(s); }
static const asy_stream_events_t dsock_events = {NULL, NULL, NULL, NULL, NULL, NULL, dsock_close,
                                               NULL, NULL};

static void on_dconnection(asy_server_t *srv, int status) {
    asy_socket_t *k;
    BCHECK(status == 0);
    k = (asy_socket_t *)malloc(sizeof(*k));
    BCHECK(asy_socket_init(&loop, k, NULL) == 0);
    BCHECK(asy_server_accept(srv, k) == 0);
    asy_stream_set_events(&k->stream, &dsock_events);
    if (++accepted == N) {
        rss_after = rss_bytes();
        asy_server_close(srv, NULL);
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
    pause(); /* hold them until killed */
}

static void tcp_free(asy_handle_t *h) { free(h); }

/* One round: listen, let a child connect N sockets, accept them all. */
static double measure(int duplex) {
    asy_addr_t a;
    pid_t pid;
    int st;
    accepted = 0;
    BCHECK(asy_loop_init(&loop, NULL) == 0);
    if (duplex) {
        BCHECK(asy_server_listen(&loop, &dserver, "127.0.0.1", 0, 4096, 0, on_dconnection) == 0);
        BCHECK(asy_server_address(&dserver, &a) == 0);
    } else {
        BCHECK(asy_ip4_addr("127.0.0.1", 0, &a) == 0);
        BCHECK(asy_tcp_init(&loop, &listener) == 0);
        BCHECK(asy_tcp_bind(&listener, &a, 0) == 0);
        BCHECK(asy_tcp_listen(&listener, 4096, on_connection) == 0);
        BCHECK(asy_tcp_getsockname(&listener, &a) == 0);
    }
    asy_run(&loop, ASY_RUN_NOWAIT);
    rss_before = rss_bytes();
    pid = fork();
    BCHECK(pid >= 0);
    if (pid == 0) client(asy_addr_port(&a));
    while (accepted < N) asy_run(&loop, ASY_RUN_ONCE);
    kill(pid, SIGKILL);
    waitpid(pid, &st, 0);
    asy_run(&loop, ASY_RUN_DEFAULT); /* every connection sees EOF and closes */
    BCHECK(asy_loop_close(&loop) == 0);
#ifdef __GLIBC__
    malloc_trim(0); /* give the freed handles back, so the next round starts cold */
#endif
    return (double)(rss_after - rss_before) / N;
}

int main(void) {
    struct rlimit rl;
    double plain, duplex;
    BCHECK(getrlimit(RLIMIT_NOFILE, &rl) == 0);
    rl.rlim_cur = rl.rlim_max;
    BCHECK(setrlimit(RLIMIT_NOFILE, &rl) == 0);
    BCHECK(rl.rlim_cur > N + 64);
    plain = measure(0);
    duplex = measure(1);
    printf("BENCH idle_conn_bytes %.1f bytes lower\n", plain);
    printf("BENCH idle_conn_bytes_duplex %.1f bytes lower\n", duplex);
    return 0;
}
