/* UDP: round trips, sender address, connected UDP, try_send, truncation,
 * broadcast permission, multicast membership, IPv6. */
#include "../asyncrt.h"
#define ASYT_ALL_BACKENDS 1 /* the suite runs on every backend (tests/test.h) */
#include "test.h"
#include "net_util.h"

static asy_loop_t L;
static asy_udp_t srv, cli;
static asy_udp_send_t sreq, creq;
static int srv_port, cli_port;
static char got[256];
static ptrdiff_t got_n = -1;
static int got_from_port, got_flags, send_status = 1, replies;

static void srv_recv(asy_udp_t *u, ptrdiff_t n, const asy_iov_t *buf, const asy_addr_t *from,
                     unsigned flags) {
    asy_iov_t b;
    if (n == 0 && !from) return; /* nothing */
    ASSERT_GE(n, 0);
    ASSERT_NOT_NULL(from);
    memcpy(got, buf->base, (size_t)n);
    got_n = n;
    got_flags = (int)flags;
    got_from_port = asy_addr_port(from);
    /* echo it back upper-cased to the sender */
    {
        static char reply[256];
        ptrdiff_t i;
        for (i = 0; i < n; i++) reply[i] = (char)(got[i] >= 'a' && got[i] <= 'z' ? got[i] - 32 : got[i]);
        b.base = reply;
        b.len = (size_t)n;
        ASSERT_OK(asy_udp_send(&sreq, u, &b, 1, from, NULL));
    }
}

static void cli_recv(asy_udp_t *u, ptrdiff_t n, const asy_iov_t *buf, const asy_addr_t *from,
                     unsigned flags) {
    (void)flags;
    if (n == 0 && !from) return;
    ASSERT_EQ(n, 5);
    ASSERT_MEM_EQ(buf->base, "HELLO", 5);
    ASSERT_EQ(asy_addr_port(from), srv_port);
    replies++;
    asy_close((asy_handle_t *)u, NULL);
    asy_close((asy_handle_t *)&srv, NULL);
}

static void sent(asy_udp_send_t *req, int status) {
    (void)req;
    send_status = status;
}

static void udp_roundtrip(const char *backend, const char *ip) {
    asy_addr_t a;
    asy_iov_t b;
    net_loop_init(&L, backend);
    ASSERT_OK(asy_udp_init(&L, &srv));
    ASSERT_OK(asy_udp_init(&L, &cli));
    ASSERT_OK(asy_ip_addr(ip, 0, &a));
    ASSERT_OK(asy_udp_bind(&srv, &a, 0));
    ASSERT_OK(asy_udp_getsockname(&srv, &a));
    srv_port = asy_addr_port(&a);
    ASSERT_OK(asy_udp_recv_start(&srv, NULL, srv_recv));
    ASSERT_ERR(asy_udp_recv_start(&cli, NULL, cli_recv), ASY_EBADF); /* not bound */
    b.base = (char *)"hello";
    b.len = 5;
    ASSERT_ERR(asy_udp_send(&creq, &cli, &b, 1, NULL, sent), ASY_EDESTADDRREQ);
    ASSERT_OK(asy_udp_send(&creq, &cli, &b, 1, &a, sent));
    ASSERT_EQ(send_status, 1); /* completion comes from the loop */
    ASSERT_OK(asy_udp_getsockname(&cli, &a)); /* bound by the send */
    cli_port = asy_addr_port(&a);
    ASSERT_OK(asy_udp_recv_start(&cli, NULL, cli_recv));
    net_loop_finish(&L);
    ASSERT_EQ(send_status, 0);
    ASSERT_EQ(got_n, 5);
    ASSERT_MEM_EQ(got, "hello", 5);
    ASSERT_EQ(got_from_port, cli_port);
    ASSERT_EQ(got_flags, 0);
    ASSERT_EQ(replies, 1);
}

static void udp_v4(const char *backend) { udp_roundtrip(backend, "127.0.0.1"); }
ALL_BACKENDS(udp_v4)
TEST(udp_ipv6_roundtrip) { udp_roundtrip(asyt_backend(), "::1"); }

/* ---- connected UDP, try_send, truncation, empty datagrams --------------- */
static int trunc_seen, empty_seen;
static char small[8];
static void small_alloc(asy_handle_t *h, size_t suggested, asy_iov_t *buf) {
    (void)h;
    (void)suggested;
    buf->base = small;
    buf->len = sizeof(small);
}
static void trunc_recv(asy_udp_t *u, ptrdiff_t n, const asy_iov_t *buf, const asy_addr_t *from,
                       unsigned flags) {
    if (!from) return;
    if (n == 0) {
        empty_seen++;
        return;
    }
    ASSERT_EQ(n, 8);
    ASSERT_MEM_EQ(buf->base, "01234567", 8);
    ASSERT_EQ(flags & ASY_UDP_PARTIAL, ASY_UDP_PARTIAL);
    trunc_seen++;
    asy_close((asy_handle_t *)u, NULL);
}

TEST(udp_connected_try_send_truncation_empty) {
    asy_addr_t a, peer;
    asy_iov_t b;
    asy_udp_t x, y;
    net_loop_init(&L, asyt_backend());
    ASSERT_OK(asy_udp_init(&L, &x));
    ASSERT_OK(asy_udp_init(&L, &y));
    ASSERT_OK(asy_ip4_addr("127.0.0.1", 0, &a));
    ASSERT_OK(asy_udp_bind(&x, &a, ASY_UDP_REUSEADDR));
    ASSERT_OK(asy_udp_getsockname(&x, &a));
    ASSERT_ERR(asy_udp_getpeername(&y, &peer), ASY_EBADF);
    ASSERT_OK(asy_udp_connect(&y, &a));
    ASSERT_ERR(asy_udp_connect(&y, &a), ASY_EISCONN);
    ASSERT_OK(asy_udp_getpeername(&y, &peer));
    ASSERT_EQ(asy_addr_port(&peer), asy_addr_port(&a));
    b.base = (char *)"0123456789abcdef";
    b.len = 16;
    ASSERT_ERR(asy_udp_try_send(&y, &b, 1, &a), ASY_EISCONN);
    ASSERT_OK(asy_udp_recv_start(&x, small_alloc, trunc_recv));
    b.len = 0;
    ASSERT_EQ(asy_udp_try_send(&y, &b, 1, NULL), 0); /* an empty datagram */
    b.len = 16;
    ASSERT_EQ(asy_udp_try_send(&y, &b, 1, NULL), 16);
    ASSERT_OK(asy_udp_connect(&y, NULL));
    ASSERT_ERR(asy_udp_connect(&y, NULL), ASY_ENOTCONN);
    ASSERT_ERR(asy_udp_try_send(&y, &b, 1, NULL), ASY_EDESTADDRREQ);
    asy_close((asy_handle_t *)&y, NULL);
    net_loop_finish(&L);
    ASSERT_EQ(empty_seen, 1);
    ASSERT_EQ(trunc_seen, 1);
}

/* ---- broadcast permission and multicast membership ---------------------- */
TEST(udp_broadcast_needs_permission) {
    asy_udp_t u;
    asy_addr_t a, bcast;
    asy_iov_t b;
    net_loop_init(&L, asyt_backend());
    ASSERT_OK(asy_udp_init(&L, &u));
    ASSERT_OK(asy_ip4_addr("127.0.0.1", 0, &a));
    ASSERT_OK(asy_udp_bind(&u, &a, 0));
    ASSERT_OK(asy_udp_getsockname(&u, &a));
    /* 127.255.255.255 is the loopback network's broadcast address */
    ASSERT_OK(asy_ip4_addr("127.255.255.255", asy_addr_port(&a), &bcast));
    b.base = (char *)"x";
    b.len = 1;
    ASSERT_ERR(asy_udp_try_send(&u, &b, 1, &bcast), ASY_EACCES);
    ASSERT_OK(asy_udp_set_broadcast(&u, 1));
    ASSERT_EQ(asy_udp_try_send(&u, &b, 1, &bcast), 1);
    ASSERT_OK(asy_udp_set_ttl(&u, 7));
    ASSERT_ERR(asy_udp_set_ttl(&u, 0), ASY_EINVAL);
    asy_close((asy_handle_t *)&u, NULL);
    net_loop_finish(&L);
}

TEST(udp_multicast_membership_on_loopback) {
    asy_udp_t u;
    asy_addr_t a;
    net_loop_init(&L, asyt_backend());
    ASSERT_OK(asy_udp_init(&L, &u));
    ASSERT_OK(asy_ip4_addr("0.0.0.0", 0, &a));
    ASSERT_OK(asy_udp_bind(&u, &a, ASY_UDP_REUSEADDR));
    ASSERT_OK(asy_udp_set_multicast_ttl(&u, 1));
    ASSERT_OK(asy_udp_set_multicast_loop(&u, 1));
    {
        /* qemu-user (make test-aarch64) does not translate IP_MULTICAST_IF */
        int r = asy_udp_set_multicast_interface(&u, "127.0.0.1");
        if (r == ASY_ENOPROTOOPT) {
            asy_close((asy_handle_t *)&u, NULL);
            net_loop_finish(&L);
            SKIP("IP_MULTICAST_IF is not supported here (ENOPROTOOPT)");
        }
        ASSERT_OK(r);
    }
    {
        int r = asy_udp_set_membership(&u, "239.255.0.42", "127.0.0.1", ASY_JOIN_GROUP);
        if (r == ASY_ENODEV || r == ASY_EADDRNOTAVAIL) {
            asy_close((asy_handle_t *)&u, NULL);
            net_loop_finish(&L);
            SKIP("loopback interface has no multicast");
        }
        ASSERT_OK(r);
    }
    ASSERT_ERR(asy_udp_set_membership(&u, "239.255.0.42", "127.0.0.1", ASY_JOIN_GROUP),
               ASY_EADDRINUSE);
    ASSERT_OK(asy_udp_set_membership(&u, "239.255.0.42", "127.0.0.1", ASY_LEAVE_GROUP));
    ASSERT_ERR(asy_udp_set_membership(&u, "not-an-ip", NULL, ASY_JOIN_GROUP), ASY_EINVAL);
    asy_close((asy_handle_t *)&u, NULL);
    net_loop_finish(&L);
}

/* ---- a send queued behind a full socket buffer -------------------------- */
static int many_cbs, many_ok;
static void many_sent(asy_udp_send_t *req, int status) {
    (void)req;
    many_cbs++;
    if (status == 0) many_ok++;
}

TEST(udp_send_completes_in_order_and_queue_drains) {
    enum { N = 64 };
    static asy_udp_send_t reqs[N];
    static char payload[1024];
    asy_udp_t u, sink;
    asy_addr_t a;
    asy_iov_t b;
    int i;
    net_loop_init(&L, asyt_backend());
    ASSERT_OK(asy_udp_init(&L, &sink));
    ASSERT_OK(asy_ip4_addr("127.0.0.1", 0, &a));
    ASSERT_OK(asy_udp_bind(&sink, &a, 0));
    ASSERT_OK(asy_udp_getsockname(&sink, &a));
    ASSERT_OK(asy_udp_init(&L, &u));
    b.base = payload;
    b.len = sizeof(payload);
    for (i = 0; i < N; i++) ASSERT_OK(asy_udp_send(&reqs[i], &u, &b, 1, &a, many_sent));
    ASSERT_EQ(asy_udp_send_queue_count(&u), N);
    ASSERT_EQ(many_cbs, 0);
    asy_run(&L, ASY_RUN_DEFAULT);
    ASSERT_EQ(many_cbs, N);
    ASSERT_EQ(many_ok, N);
    ASSERT_EQ(asy_udp_send_queue_count(&u), 0);
    ASSERT_EQ(asy_udp_send_queue_size(&u), 0);
    asy_close((asy_handle_t *)&u, NULL);
    asy_close((asy_handle_t *)&sink, NULL);
    net_loop_finish(&L);
}
