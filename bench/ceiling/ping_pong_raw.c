/* The ceiling for bench/ping_pong.c: the same ping-pong ("PING\n" over
 * one loopback TCP connection, both ends in one thread) written straight
 * on the kernel with no library, once over epoll (epoll_wait, read, send
 * per message: the least any readiness loop can do) and once over
 * io_uring (one io_uring_enter per message: a recv completes while the
 * send that feeds it is submitted).  It is not part of `make bench`;
 * docs/net.md quotes it to show how much of the round trip is the
 * kernel's.
 *
 *   cc -O2 -o /tmp/ping_pong_raw bench/ceiling/ping_pong_raw.c
 *   /tmp/ping_pong_raw epoll; /tmp/ping_pong_raw uring */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define SECONDS 2.0

static char rbuf[2][65536];

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void die(const char *what) {
    perror(what);
    exit(1);
}

/* A connected pair of non-blocking TCP_NODELAY sockets over 127.0.0.1. */
static void socket_pair(int fds[2]) {
    struct sockaddr_in a;
    socklen_t alen = sizeof(a);
    int one = 1, i, l = socket(AF_INET, SOCK_STREAM, 0);
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 1) ||
        getsockname(l, (struct sockaddr *)&a, &alen))
        die("listen");
    fds[0] = socket(AF_INET, SOCK_STREAM, 0);
    if (fds[0] < 0 || connect(fds[0], (struct sockaddr *)&a, sizeof(a))) die("connect");
    if ((fds[1] = accept(l, NULL, NULL)) < 0) die("accept");
    close(l);
    for (i = 0; i < 2; i++) {
        setsockopt(fds[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        fcntl(fds[i], F_SETFL, O_NONBLOCK);
    }
}

static void report(const char *how, long trips, double t0) {
    printf("%s: %.0f round trips/s\n", how, (double)trips / (now() - t0));
}

static void run_epoll(void) {
    int fds[2], ep = epoll_create1(0), i;
    long trips = 0;
    double t0, end;
    socket_pair(fds);
    for (i = 0; i < 2; i++) {
        struct epoll_event e;
        e.events = EPOLLIN;
        e.data.u32 = (unsigned)i;
        if (epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &e)) die("epoll_ctl");
    }
    t0 = now();
    end = t0 + SECONDS;
    send(fds[0], "PING\n", 5, MSG_NOSIGNAL);
    for (;;) {
        struct epoll_event ev[8];
        int n = epoll_wait(ep, ev, 8, -1);
        for (i = 0; i < n; i++) {
            int k = (int)ev[i].data.u32;
            if (read(fds[k], rbuf[k], sizeof(rbuf[k])) <= 0) continue;
            if (k == 0 && (++trips & 1023) == 0 && now() > end) {
                report("epoll", trips, t0);
                return;
            }
            send(fds[k], "PING\n", 5, MSG_NOSIGNAL);
        }
    }
}

/* The smallest io_uring: raw syscalls, rings mapped by hand. */
static struct {
    int fd;
    unsigned *sq_tail, *sq_mask, *sq_array, *cq_head, *cq_tail, *cq_mask;
    struct io_uring_sqe *sqes;
    struct io_uring_cqe *cqes;
    unsigned pending;
} ring;

static struct io_uring_sqe *next_sqe(void) {
    unsigned tail = *ring.sq_tail, at = tail & *ring.sq_mask;
    struct io_uring_sqe *s = &ring.sqes[at];
    ring.sq_array[at] = at;
    memset(s, 0, sizeof(*s));
    __atomic_store_n(ring.sq_tail, tail + 1, __ATOMIC_RELEASE);
    ring.pending++;
    return s;
}

static void queue_recv(int fd, int k) {
    struct io_uring_sqe *s = next_sqe();
    s->opcode = IORING_OP_RECV;
    s->fd = fd;
    s->addr = (unsigned long)rbuf[k];
    s->len = sizeof(rbuf[k]);
    s->user_data = (unsigned long)k;
}

static void queue_send(int fd) {
    struct io_uring_sqe *s = next_sqe();
    s->opcode = IORING_OP_SEND;
    s->fd = fd;
    s->addr = (unsigned long)"PING\n";
    s->len = 5;
    s->msg_flags = MSG_NOSIGNAL;
    s->flags = IOSQE_CQE_SKIP_SUCCESS;
    s->user_data = 2;
}

static void run_uring(void) {
    struct io_uring_params p;
    size_t sq_len, cq_len;
    char *sq, *cq;
    int fds[2];
    long trips = 0;
    double t0, end;
    memset(&p, 0, sizeof(p));
    p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
    ring.fd = (int)syscall(__NR_io_uring_setup, 64, &p);
    if (ring.fd < 0) die("io_uring_setup");
    sq_len = p.sq_off.array + p.sq_entries * sizeof(unsigned);
    cq_len = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
    sq = (char *)mmap(NULL, sq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring.fd,
                      IORING_OFF_SQ_RING);
    cq = (char *)mmap(NULL, cq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, ring.fd,
                      IORING_OFF_CQ_RING);
    ring.sqes = (struct io_uring_sqe *)mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe),
                                            PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
                                            ring.fd, IORING_OFF_SQES);
    if (sq == MAP_FAILED || cq == MAP_FAILED || ring.sqes == MAP_FAILED) die("mmap");
    ring.sq_tail = (unsigned *)(sq + p.sq_off.tail);
    ring.sq_mask = (unsigned *)(sq + p.sq_off.ring_mask);
    ring.sq_array = (unsigned *)(sq + p.sq_off.array);
    ring.cq_head = (unsigned *)(cq + p.cq_off.head);
    ring.cq_tail = (unsigned *)(cq + p.cq_off.tail);
    ring.cq_mask = (unsigned *)(cq + p.cq_off.ring_mask);
    ring.cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
    socket_pair(fds);
    queue_recv(fds[0], 0);
    queue_recv(fds[1], 1);
    t0 = now();
    end = t0 + SECONDS;
    send(fds[0], "PING\n", 5, MSG_NOSIGNAL);
    for (;;) {
        unsigned head, tail;
        if (syscall(__NR_io_uring_enter, ring.fd, ring.pending, 1, IORING_ENTER_GETEVENTS, NULL, 0) < 0)
            die("io_uring_enter");
        ring.pending = 0;
        head = *ring.cq_head;
        tail = __atomic_load_n(ring.cq_tail, __ATOMIC_ACQUIRE);
        for (; head != tail; head++) {
            struct io_uring_cqe *c = &ring.cqes[head & *ring.cq_mask];
            int k = (int)c->user_data;
            if (c->res <= 0) {
                fprintf(stderr, "op %d failed: %d\n", k, c->res);
                exit(1);
            }
            if (k == 0 && (++trips & 1023) == 0 && now() > end) {
                report("io_uring", trips, t0);
                return;
            }
            queue_send(fds[k]);
            queue_recv(fds[k], k);
        }
        __atomic_store_n(ring.cq_head, head, __ATOMIC_RELEASE);
    }
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "uring") == 0)
        run_uring();
    else
        run_epoll();
    return 0;
}
