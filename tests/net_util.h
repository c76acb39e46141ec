/* Helpers shared by the net tests. */
#ifndef ASYRT_NET_UTIL_H
#define ASYRT_NET_UTIL_H
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

/* A loop on the named backend (asyt_backend(): the matrix run's; NULL:
 * the default). */
__attribute__((unused)) static void net_loop_init(asy_loop_t *loop, const char *backend) {
    asy_loop_opts_t o;
    memset(&o, 0, sizeof(o));
    o.backend = backend;
    if (asy_loop_init(loop, &o) != 0) FAIL("asy_loop_init(%s)", backend);
}

/* Runs the loop until it ends, then closes it (failing if handles are left). */
__attribute__((unused)) static void net_loop_finish(asy_loop_t *loop) {
    ASSERT_EQ(asy_run(loop, ASY_RUN_DEFAULT), 0);
    if (asy_loop_close(loop) != 0) {
        asy_loop_print_handles(loop, stderr);
        FAIL("asy_loop_close: handles left");
    }
}

__attribute__((unused)) static void raise_nofile(rlim_t want) {
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) FAIL("getrlimit");
    if (rl.rlim_cur >= want) return;
    rl.rlim_cur = want < rl.rlim_max ? want : rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0) FAIL("setrlimit");
    if (rl.rlim_cur < want) SKIP("RLIMIT_NOFILE hard limit too low");
}

/* The port a bound TCP handle listens on. */
__attribute__((unused)) static int tcp_port(asy_tcp_t *t) {
    asy_addr_t a;
    if (asy_tcp_getsockname(t, &a) != 0) FAIL("getsockname");
    return asy_addr_port(&a);
}

/* A blocking IPv4 loopback client socket connected to port (raw, for tests
 * that need a peer outside the loop). */
__attribute__((unused)) static int raw_connect(int port) {
    struct sockaddr_in sin;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) FAIL("socket: %s", strerror(errno));
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_port = htons((uint16_t)port);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0) FAIL("connect: %s", strerror(errno));
    return fd;
}

#endif
