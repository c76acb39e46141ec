/* The ceiling for bench/pound.c: the same work with no library -- 100
 * concurrent loops of connect, write "QS", read the echo, close, against
 * an echo server (TCP_NODELAY on each accepted socket) in the same thread
 * -- written straight on epoll with the fewest syscalls a readiness loop
 * can make: clients are registered once, edge-triggered, for both
 * directions, so no epoll_ctl follows the ADD; close() drops the
 * registration.  13 syscalls per connection (asyncrt makes 14, libuv 19).
 * Not part of `make bench`; `make bench-ceiling` runs it and docs/net.md
 * quotes it.
 *
 *   cc -O2 -o /tmp/pound_raw bench/ceiling/pound_raw.c && /tmp/pound_raw */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define SECONDS 2.0
#define CONCURRENCY 100

/* epoll data: the fd in the low 32 bits, what it is in the high ones */
enum { LISTENER = 1, CLIENT = 2, SERVER_CONN = 3 };
#define TAG(kind, fd) (((uint64_t)(kind) << 32) | (uint32_t)(fd))

static int ep, listener;
static struct sockaddr_in addr;
static long closed, failed;
static int stopping, live;
/* per client fd: "QS" went out (an edge-triggered event reports every
 * ready direction, so the echo's EPOLLIN comes with EPOLLOUT again) */
#define MAXFD 65536
static unsigned char sent[MAXFD];

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void die(const char *what) {
    perror(what);
    exit(1);
}

static void watch(int fd, unsigned events, int kind) {
    struct epoll_event e;
    e.events = events;
    e.data.u64 = TAG(kind, fd);
    if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e)) die("epoll_ctl");
}

static void start_client(void) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) die("socket");
    if (fd >= MAXFD) die("fd out of range");
    if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) && errno != EINPROGRESS) die("connect");
    sent[fd] = 0;
    watch(fd, EPOLLIN | EPOLLOUT | EPOLLET, CLIENT);
}

static void client_done(int fd) {
    close(fd);
    closed++;
    if (!stopping)
        start_client();
    else
        live--;
}

static void on_client(int fd, unsigned ev) {
    char buf[64];
    if ((ev & EPOLLOUT) && !sent[fd] && !(ev & (EPOLLERR | EPOLLHUP))) {
        sent[fd] = 1; /* connected */
        if (send(fd, "QS", 2, MSG_NOSIGNAL) < 0) {
            failed++;
            client_done(fd);
            return;
        }
    }
    if (ev & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n < 0 && errno == EAGAIN) return;
        if (n < 0) failed++;
        client_done(fd);
    }
}

static void on_listener(void) {
    int one = 1;
    for (;;) {
        int fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EAGAIN || errno == ECONNABORTED) return;
            die("accept4");
        }
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        watch(fd, EPOLLIN, SERVER_CONN);
    }
}

static void on_server_conn(int fd) {
    char buf[65536];
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n > 0) {
        if (write(fd, buf, (size_t)n) < 0) failed++;
    } else if (n == 0 || errno != EAGAIN) {
        close(fd);
    }
}

int main(void) {
    socklen_t alen = sizeof(addr);
    struct rlimit rl;
    double t0, t1, end;
    int i;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    ep = epoll_create1(EPOLL_CLOEXEC);
    listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (ep < 0 || listener < 0 || bind(listener, (struct sockaddr *)&addr, sizeof(addr)) ||
        listen(listener, 1024) || getsockname(listener, (struct sockaddr *)&addr, &alen))
        die("listen");
    watch(listener, EPOLLIN, LISTENER);
    t0 = now();
    end = t0 + SECONDS;
    for (i = 0; i < CONCURRENCY; i++) start_client();
    live = CONCURRENCY;
    t1 = t0;
    while (live > 0) {
        struct epoll_event ev[256];
        int n = epoll_wait(ep, ev, 256, -1);
        if (!stopping && now() > end) {
            stopping = 1;
            t1 = now();
            printf("raw epoll: %.0f connections/s (%ld failed)\n", (double)closed / (t1 - t0),
                   failed);
        }
        for (i = 0; i < n; i++) {
            int fd = (int)(uint32_t)ev[i].data.u64, kind = (int)(ev[i].data.u64 >> 32);
            if (kind == LISTENER)
                on_listener();
            else if (kind == CLIENT)
                on_client(fd, ev[i].events);
            else
                on_server_conn(fd);
        }
    }
    return 0;
}
