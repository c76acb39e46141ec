/* TCP: echo with many clients, half-close, reset, refused and timed-out
 * connects, EMFILE on accept, options, backpressure, close cancelling
 * writes, IPv6, SO_REUSEPORT, no SIGPIPE. */
#include "../asyncrt.h"
#define ASYT_ALL_BACKENDS 1 /* the suite runs on every backend (tests/test.h) */
#include "test.h"
#include "net_util.h"

#include <netinet/tcp.h>
#include <signal.h>

static asy_loop_t L;

/* ---- an echo server used by several tests ------------------------------ */
typedef struct {
    asy_tcp_t h;
    int eof_seen;
} echo_conn;

typedef struct {
    asy_write_t req;
    size_t len;
    char data[1];
} echo_write;

static asy_tcp_t server;
static int server_conns, server_closed_conns;

static void free_close_cb(asy_handle_t *h) {
    server_closed_conns++;
    free(h->data);
}

static void echo_written(asy_write_t *req, int status) {
    (void)status;
    free(req->data);
}

static void echo_read(asy_sock_t *s, ptrdiff_t n, const asy_iov_t *buf) {
    if (n < 0) {
        asy_close((asy_handle_t *)s, free_close_cb);
        return;
    }
    if (n > 0) {
        echo_write *w = (echo_write *)malloc(sizeof(echo_write) + (size_t)n);
        asy_iov_t b;
        memcpy(w->data, buf->base, (size_t)n);
        w->len = (size_t)n;
        w->req.data = w;
        b.base = w->data;
        b.len = w->len;
        if (asy_sock_write(&w->req, s, &b, 1, echo_written) != 0) {
            free(w);
            asy_close((asy_handle_t *)s, free_close_cb);
        }
    }
}

static void echo_on_connection(asy_sock_t *srv, int status) {
    echo_conn *c;
    ASSERT_EQ(status, 0);
    c = (echo_conn *)calloc(1, sizeof(*c));
    ASSERT_OK(asy_tcp_init(srv->loop, &c->h));
    c->h.data = c;
    ASSERT_OK(asy_tcp_accept((asy_tcp_t *)srv, &c->h));
    server_conns++;
    ASSERT_OK(asy_sock_read_start((asy_sock_t *)&c->h, NULL, echo_read));
}

static int start_echo_server(const char *ip) {
    asy_addr_t a;
    server_conns = server_closed_conns = 0;
    ASSERT_OK(asy_ip_addr(ip, 0, &a));
    ASSERT_OK(asy_tcp_init(&L, &server));
    ASSERT_OK(asy_tcp_bind(&server, &a, 0));
    ASSERT_OK(asy_tcp_listen(&server, 1024, echo_on_connection));
    return tcp_port(&server);
}

/* ---- 1000 concurrent echo clients -------------------------------------- */
#define NCLIENTS 1000
#define MSG 100
typedef struct {
    asy_tcp_t h;
    asy_connect_t conn;
    asy_write_t w;
    char out[MSG];
    char in[MSG];
    size_t got;
    int id;
} client;

static client *clients;
static int clients_ok, clients_closed;

static void client_closed(asy_handle_t *h) {
    (void)h;
    if (++clients_closed == NCLIENTS) asy_close((asy_handle_t *)&server, NULL);
}

static void client_alloc(asy_handle_t *h, size_t suggested, asy_iov_t *buf) {
    client *c = (client *)h->data;
    (void)suggested;
    buf->base = c->in + c->got;
    buf->len = MSG - c->got;
}

static void client_read(asy_sock_t *s, ptrdiff_t n, const asy_iov_t *buf) {
    client *c = (client *)s->data;
    (void)buf;
    ASSERT(n >= 0);
    c->got += (size_t)n;
    if (c->got == MSG) {
        ASSERT_MEM_EQ(c->in, c->out, MSG);
        clients_ok++;
        asy_close((asy_handle_t *)s, client_closed);
    }
}

static void client_wrote(asy_write_t *req, int status) {
    (void)req;
    ASSERT_EQ(status, 0);
}

static void client_connected(asy_connect_t *req, int status) {
    client *c = (client *)req->data;
    asy_iov_t b;
    ASSERT_EQ(status, 0);
    ASSERT_OK(asy_sock_read_start((asy_sock_t *)&c->h, client_alloc, client_read));
    b.base = c->out;
    b.len = MSG;
    ASSERT_OK(asy_sock_write(&c->w, (asy_sock_t *)&c->h, &b, 1, client_wrote));
}

static void echo_many(const char *backend) {
    asy_addr_t a;
    int i, port;
    raise_nofile(2 * NCLIENTS + 64);
    net_loop_init(&L, backend);
    port = start_echo_server("127.0.0.1");
    ASSERT_OK(asy_ip4_addr("127.0.0.1", port, &a));
    clients = (client *)calloc(NCLIENTS, sizeof(client));
    clients_ok = clients_closed = 0;
    for (i = 0; i < NCLIENTS; i++) {
        client *c = &clients[i];
        c->id = i;
        memset(c->out, 'a' + i % 26, MSG);
        snprintf(c->out, MSG, "client %d", i);
        ASSERT_OK(asy_tcp_init(&L, &c->h));
        c->h.data = c;
        c->conn.data = c;
        ASSERT_OK(asy_tcp_connect(&c->conn, &c->h, &a, client_connected));
    }
    net_loop_finish(&L);
    ASSERT_EQ(clients_ok, NCLIENTS);
    ASSERT_EQ(server_conns, NCLIENTS);
    ASSERT_EQ(server_closed_conns, NCLIENTS);
    free(clients);
}
ALL_BACKENDS_T(echo_many, 30000)

/* ---- bind, port 0, addresses, IPv6 ------------------------------------- */
TEST(tcp_port0_and_addresses_ipv4_ipv6) {
    asy_tcp_t s4, s6;
    asy_addr_t a;
    char ip[64];
    net_loop_init(&L, asyt_backend());
    ASSERT_OK(asy_tcp_init(&L, &s4));
    ASSERT_OK(asy_ip4_addr("127.0.0.1", 0, &a));
    ASSERT_OK(asy_tcp_bind(&s4, &a, 0));
    ASSERT_OK(asy_tcp_getsockname(&s4, &a));
    ASSERT_EQ(asy_addr_family(&a), 4);
    ASSERT_GT(asy_addr_port(&a), 0);
    ASSERT_EQ(asy_addr_ip(&a, ip, sizeof(ip)), 9);
    ASSERT_STR_EQ(ip, "127.0.0.1");
    ASSERT_ERR(asy_tcp_getpeername(&s4, &a), ASY_ENOTCONN);
    ASSERT_OK(asy_tcp_init(&L, &s6));
    ASSERT_OK(asy_ip6_addr("::1", 0, &a));
    ASSERT_OK(asy_tcp_bind(&s6, &a, ASY_TCP_IPV6ONLY));
    ASSERT_OK(asy_tcp_getsockname(&s6, &a));
    ASSERT_EQ(asy_addr_family(&a), 6);
    ASSERT_OK(asy_addr_ip(&a, ip, sizeof(ip)));
    ASSERT_STR_EQ(ip, "::1");
    ASSERT_ERR(asy_ip4_addr("::1", 0, &a), ASY_EINVAL);
    ASSERT_ERR(asy_ip4_addr("127.0.0.1", 70000, &a), ASY_ERANGE);
    ASSERT_ERR(asy_ip6_addr("nonsense", 1, &a), ASY_EINVAL);
    ASSERT_ERR(asy_addr_ip(&a, ip, 2), ASY_EAFNOSUPPORT); /* a was cleared */
    ASSERT_OK(asy_ip4_addr("127.0.0.1", 80, &a));
    ASSERT_ERR(asy_addr_ip(&a, ip, 4), ASY_ENOSPC);
    ASSERT_ERR(asy_tcp_bind(&s4, NULL, 0), ASY_EINVAL);
    asy_close((asy_handle_t *)&s4, NULL);
    asy_close((asy_handle_t *)&s6, NULL);
    net_loop_finish(&L);
}

static void ipv6_echo_client_connected(asy_connect_t *req, int status) {
    client_connected(req, status);
}

TEST(tcp_ipv6_echo) {
    asy_addr_t a;
    int port;
    net_loop_init(&L, asyt_backend());
    port = start_echo_server("::1");
    ASSERT_OK(asy_ip6_addr("::1", port, &a));
    clients = (client *)calloc(1, sizeof(client));
    clients_ok = 0;
    clients_closed = NCLIENTS - 1; /* the last client closes the server */
    memset(clients[0].out, 'x', MSG);
    ASSERT_OK(asy_tcp_init(&L, &clients[0].h));
    clients[0].h.data = clients[0].conn.data = &clients[0];
    ASSERT_OK(asy_tcp_connect(&clients[0].conn, &clients[0].h, &a, ipv6_echo_client_connected));
    net_loop_finish(&L);
    ASSERT_EQ(clients_ok, 1);
    free(clients);
}

TEST(tcp_reuseport_shares_a_port_and_reuse_without_it_fails) {
    asy_tcp_t s1, s2, s3;
    asy_addr_t a;
    net_loop_init(&L, asyt_backend());
    ASSERT_OK(asy_ip4_addr("127.0.0.1", 0, &a));
    ASSERT_OK(asy_tcp_init(&L, &s1));
    ASSERT_OK(asy_tcp_bind(&s1, &a, ASY_TCP_REUSEPORT));
    ASSERT_OK(asy_tcp_listen(&s1, 8, echo_on_connection));
    ASSERT_OK(asy_ip4_addr("127.0.0.1", tcp_port(&s1), &a));
    ASSERT_OK(asy_tcp_init(&L, &s2));
    ASSERT_OK(asy_tcp_bind(&s2, &a, ASY_TCP_REUSEPORT));
    ASSERT_OK(asy_tcp_listen(&s2, 8, echo_on_connection));
    ASSERT_OK(asy_tcp_init(&L, &s3));
    ASSERT_ERR(asy_tcp_bind(&s3, &a, 0), ASY_EADDRINUSE);
    asy_close((asy_handle_t *)&s1, NULL);
    asy_close((asy_handle_t *)&s2, NULL);
    asy_close((asy_handle_t *)&s3, NULL);
    net_loop_finish(&L);
}

/* ---- refused connect ---------------------------------------------------- */
static int connect_status = 1;
static void record_connect(asy_connect_t *req, int status) {
    connect_status = status;
    asy_close((asy_handle_t *)req->handle, NULL);
}

static void connect_refused(const char *backend) {
    asy_tcp_t c, tmp;
    asy_connect_t req;
    asy_addr_t a;
    int port;
    net_loop_init(&L, backend);
    /* a port that was just free: bind, read it, close */
    ASSERT_OK(asy_tcp_init(&L, &tmp));
    ASSERT_OK(asy_ip4_addr("127.0.0.1", 0, &a));
    ASSERT_OK(asy_tcp_bind(&tmp, &a, 0));
    port = tcp_port(&tmp);
    asy_close((asy_handle_t *)&tmp, NULL);
    ASSERT_OK(asy_ip4_addr("127.0.0.1", port, &a));
    ASSERT_OK(asy_tcp_init(&L, &c));
    connect_status = 1;
    ASSERT_OK(asy_tcp_connect(&req, &c, &a, record_connect));
    ASSERT_EQ(connect_status, 1); /* never from inside the call */
    net_loop_finish(&L);
    ASSERT_ERR(connect_status, ASY_ECONNREFUSED);
}
ALL_BACKENDS(connect_refused)

/* ---- connect timeout: a listener whose backlog is full ------------------ */
static int fill_backlog(int port, int *fds, int max) {
    int n = 0;
    struct sockaddr_in sin;
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_port = htons((uint16_t)port);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    while (n < max) {
        struct pollfd p;
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        fds[n++] = fd;
        connect(fd, (struct sockaddr *)&sin, sizeof(sin));
        p.fd = fd;
        p.events = POLLOUT;
        if (poll(&p, 1, 100) == 0) return n; /* stuck: the queue is full */
    }
    return -1;
}

static void connect_timeout_case(int virtual_clock) {
    asy_loop_opts_t o;
    asy_tcp_t c;
    asy_connect_t req;
    asy_addr_t a;
    int lfd, port, fds[64], n, i;
    struct sockaddr_in sin;
    socklen_t sl = sizeof(sin);
    uint64_t t0;
    lfd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(bind(lfd, (struct sockaddr *)&sin, sizeof(sin)), 0);
    ASSERT_EQ(listen(lfd, 0), 0);
    getsockname(lfd, (struct sockaddr *)&sin, &sl);
    port = ntohs(sin.sin_port);
    n = fill_backlog(port, fds, 64);
    if (n < 0) SKIP("could not fill the listen backlog");
    memset(&o, 0, sizeof(o));
    o.virtual_clock = virtual_clock;
    ASSERT_OK(asy_loop_init(&L, &o));
    ASSERT_OK(asy_ip4_addr("127.0.0.1", port, &a));
    ASSERT_OK(asy_tcp_init(&L, &c));
    connect_status = 1;
    t0 = asy_hrtime();
    ASSERT_OK(asy_tcp_connect_timeout(&req, &c, &a, virtual_clock ? 60000 : 150, record_connect));
    net_loop_finish(&L);
    ASSERT_ERR(connect_status, ASY_ETIMEDOUT);
    if (virtual_clock) ASSERT_LT(asy_hrtime() - t0, 5000000000ull); /* 60 s took no real time */
    else ASSERT_GE(asy_hrtime() - t0, 140000000ull);
    for (i = 0; i < n; i++) close(fds[i]);
    close(lfd);
}

TEST(tcp_connect_timeout_real_clock) { connect_timeout_case(0); }
TEST(tcp_connect_timeout_virtual_clock) { connect_timeout_case(1); }

TEST(tcp_connect_timeout_not_hit_when_connect_succeeds) {
    asy_tcp_t c;
    asy_connect_t req;
    asy_addr_t a;
    net_loop_init(&L, asyt_backend());
    start_echo_server("127.0.0.1");
    ASSERT_OK(asy_ip4_addr("127.0.0.1", tcp_port(&server), &a));
    asy_close((asy_handle_t *)&server, NULL); /* the backlog still holds our connect */
    ASSERT_OK(asy_tcp_init(&L, &c));
    connect_status = 1;
    ASSERT_OK(asy_tcp_connect_timeout(&req, &c, &a, 5000, record_connect));
    /* loop ends once connect completes: the 5 s timer must not hold it */
    net_loop_finish(&L);
    ASSERT(connect_status == 0 || connect_status == ASY_ECONNREFUSED);
}

/* ---- half-close --------------------------------------------------------- */
static asy_tcp_t hc_server_conn, hc_client;
static asy_connect_t hc_conn;
static asy_write_t hc_w1, hc_w2;
static asy_shutdown_t hc_shut;
static char hc_server_got[64], hc_client_got[64];
static size_t hc_server_len, hc_client_len;
static int hc_server_eof, hc_client_eof, hc_shutdown_status = 1;

static void hc_server_read(asy_sock_t *s, ptrdiff_t n, const asy_iov_t *buf) {
    if (n == ASY_EOF) {
        asy_iov_t b;
        hc_server_eof = 1;
        /* the client's write side is shut; ours is open: answer now */
        b.base = (char *)"reply after your FIN";
        b.len = strlen(b.base);
        ASSERT_OK(asy_sock_write(&hc_w2, s, &b, 1, NULL));
        ASSERT_OK(asy_sock_shutdown(&hc_shut, s, NULL));
        return;
    }
    ASSERT_GT(n, 0);
    memcpy(hc_server_got + hc_server_len, buf->base, (size_t)n);
    hc_server_len += (size_t)n;
}

static void hc_on_connection(asy_sock_t *srv, int status) {
    ASSERT_EQ(status, 0);
    ASSERT_OK(asy_tcp_init(srv->loop, &hc_server_conn));
    ASSERT_OK(asy_tcp_accept((asy_tcp_t *)srv, &hc_server_conn));
    ASSERT_OK(asy_sock_read_start((asy_sock_t *)&hc_server_conn, NULL, hc_server_read));
    asy_close((asy_handle_t *)srv, NULL);
}

static void hc_client_read(asy_sock_t *s, ptrdiff_t n, const asy_iov_t *buf) {
    if (n == ASY_EOF) {
        hc_client_eof = 1;
        asy_close((asy_handle_t *)s, NULL);
        asy_close((asy_handle_t *)&hc_server_conn, NULL);
        return;
    }
    ASSERT_GT(n, 0);
    memcpy(hc_client_got + hc_client_len, buf->base, (size_t)n);
    hc_client_len += (size_t)n;
}

static void hc_shutdown_done(asy_shutdown_t *req, int status) {
    (void)req;
    hc_shutdown_status = status;
}

static void hc_connected(asy_connect_t *req, int status) {
    asy_iov_t b;
    ASSERT_EQ(status, 0);
    b.base = (char *)"hello";
    b.len = 5;
    ASSERT_OK(asy_sock_write(&hc_w1, (asy_sock_t *)req->handle, &b, 1, NULL));
    ASSERT_OK(asy_sock_shutdown(&hc_shut, (asy_sock_t *)req->handle, hc_shutdown_done));
    ASSERT_ERR(asy_sock_write(&hc_w2, (asy_sock_t *)req->handle, &b, 1, NULL), ASY_EPIPE);
    ASSERT_ERR(asy_sock_shutdown(&hc_shut, (asy_sock_t *)req->handle, NULL), ASY_EALREADY);
    ASSERT_OK(asy_sock_read_start((asy_sock_t *)req->handle, NULL, hc_client_read));
}

static void half_close(const char *backend) {
    asy_addr_t a;
    asy_tcp_t srv;
    net_loop_init(&L, backend);
    ASSERT_OK(asy_ip4_addr("127.0.0.1", 0, &a));
    ASSERT_OK(asy_tcp_init(&L, &srv));
    ASSERT_OK(asy_tcp_bind(&srv, &a, 0));
    ASSERT_OK(asy_tcp_listen(&srv, 8, hc_on_connection));
    ASSERT_OK(asy_ip4_addr("127.0.0.1", tcp_port(&srv), &a));
    ASSERT_OK(asy_tcp_init(&L, &hc_client));
    ASSERT_OK(asy_tcp_connect(&hc_conn, &hc_client, &a, hc_connected));
    net_loop_finish(&L);
    ASSERT_EQ(hc_server_len, 5);
    ASSERT_MEM_EQ(hc_server_got, "hello", 5);
    ASSERT_EQ(hc_server_eof, 1);
    ASSERT_EQ(hc_shutdown_status, 0);
    ASSERT_EQ(hc_client_len, strlen("reply after your FIN"));
    ASSERT_MEM_EQ(hc_client_got, "reply after your FIN", hc_client_len);
    ASSERT_EQ(hc_client_eof, 1);
}
ALL_BACKENDS(half_close)

/* ---- reset by the peer, EPIPE, no SIGPIPE ------------------------------ */
static asy_tcp_t rs_conn;
static int rs_read_status = 1, rs_write_status = 1;
static asy_write_t rs_w;
static char big[1 << 20];

static void rs_wrote(asy_write_t *req, int status) {
    (void)req;
    rs_write_status = status;
    asy_close((asy_handle_t *)&rs_conn, NULL);
}

static void rs_read(asy_sock_t *s, ptrdiff_t n, const asy_iov_t *buf) {
    asy_iov_t b;
    (void)buf;
    if (n >= 0) return;
    rs_read_status = (int)n;
    asy_sock_read_stop(s);
    /* writing to the reset connection: an error status, not a signal */
    b.base = big;
    b.len = sizeof(big);
    ASSERT_OK(asy_sock_write(&rs_w, s, &b, 1, rs_wrote));
}

static void rs_on_connection(asy_sock_t *srv, int status) {
    ASSERT_EQ(status, 0);
    ASSERT_OK(asy_tcp_init(srv->loop, &rs_conn));
    ASSERT_OK(asy_tcp_accept((asy_tcp_t *)srv, &rs_conn));
    ASSERT_OK(asy_sock_read_start((asy_sock_t *)&rs_conn, NULL, rs_read));
    asy_close((asy_handle_t *)srv, NULL);
}

static asy_tcp_t rs_client;
static asy_connect_t rs_creq;
static void rs_client_connected(asy_connect_t *req, int status) {
    (void)req;
    ASSERT_EQ(status, 0);
    ASSERT_OK(asy_tcp_close_reset(&rs_client, NULL));
}

static void reset_by_peer(const char *backend) {
    asy_addr_t a;
    asy_tcp_t srv;
    signal(SIGPIPE, SIG_DFL); /* a SIGPIPE would kill the test */
    net_loop_init(&L, backend);
    ASSERT_OK(asy_ip4_addr("127.0.0.1", 0, &a));
    ASSERT_OK(asy_tcp_init(&L, &srv));
    ASSERT_OK(asy_tcp_bind(&srv, &a, 0));
    ASSERT_OK(asy_tcp_listen(&srv, 8, rs_on_connection));
    ASSERT_OK(asy_ip4_addr("127.0.0.1", tcp_port(&srv), &a));
    ASSERT_OK(asy_tcp_init(&L, &rs_client));
    ASSERT_OK(asy_tcp_connect(&rs_creq, &rs_client, &a, rs_client_connected));
    net_loop_finish(&L);
    ASSERT_ERR(rs_read_status, ASY_ECONNRESET);
    ASSERT(rs_write_status == ASY_EPIPE || rs_write_status == ASY_ECONNRESET);
}
ALL_BACKENDS(reset_by_peer)

/* ---- EMFILE on accept --------------------------------------------------- */
#define EM_CLIENTS 6
static int em_errors, em_emfile_reports, em_served;
static asy_tcp_t em_server;
static asy_tcp_t em_conns[EM_CLIENTS];
static asy_write_t em_w[EM_CLIENTS];
static asy_timer_t em_timers[EM_CLIENTS];
static int em_next;
static uint64_t em_iter_at_pause;
static uint64_t em_iters_paused;

static void em_timer_closed(asy_handle_t *h) { (void)h; }

static void em_reply_due(asy_timer_t *t) {
    int i = (int)(t - em_timers);
    asy_iov_t b;
    b.base = (char *)"ok";
    b.len = 2;
    ASSERT_OK(asy_sock_write(&em_w[i], (asy_sock_t *)&em_conns[i], &b, 1, NULL));
    /* closing frees an fd: the paused server must pick up the next one */
    asy_close((asy_handle_t *)&em_conns[i], NULL);
    asy_close((asy_handle_t *)t, em_timer_closed);
    if (++em_served == EM_CLIENTS) asy_close((asy_handle_t *)&em_server, NULL);
}

static void em_on_connection(asy_sock_t *srv, int status) {
    int i;
    if (status < 0) {
        asy_loop_metrics_t m;
        em_errors++;
        if (status == ASY_EMFILE) em_emfile_reports++;
        asy_loop_metrics(srv->loop, &m);
        em_iter_at_pause = m.iterations;
        return;
    }
    if (em_iter_at_pause && !em_iters_paused) {
        asy_loop_metrics_t m;
        asy_loop_metrics(srv->loop, &m);
        em_iters_paused = m.iterations - em_iter_at_pause;
    }
    i = em_next++;
    ASSERT_OK(asy_tcp_init(srv->loop, &em_conns[i]));
    ASSERT_OK(asy_tcp_accept((asy_tcp_t *)srv, &em_conns[i]));
    /* hold the fd a while so the server stays out of fds */
    ASSERT_OK(asy_timer_init(srv->loop, &em_timers[i]));
    ASSERT_OK(asy_timer_start(&em_timers[i], em_reply_due, 150, 0));
}

static void emfile_case(const char *backend) {
    asy_addr_t a;
    int fds[EM_CLIENTS], i, probe;
    struct rlimit rl, old;
    const char *pre = getenv("LD_PRELOAD");
    /* valgrind keeps descriptors of its own near the limit */
    if (pre && strstr(pre, "vgpreload")) SKIP("RLIMIT_NOFILE games under valgrind");
    net_loop_init(&L, backend);
    ASSERT_OK(asy_ip4_addr("127.0.0.1", 0, &a));
    ASSERT_OK(asy_tcp_init(&L, &em_server));
    ASSERT_OK(asy_tcp_bind(&em_server, &a, 0));
    ASSERT_OK(asy_tcp_listen(&em_server, 64, em_on_connection));
    for (i = 0; i < EM_CLIENTS; i++) {
        fds[i] = raw_connect(tcp_port(&em_server));
        ASSERT_EQ(write(fds[i], "hi", 2), 2);
    }
    /* room for exactly two more fds */
    probe = dup(0);
    close(probe);
    getrlimit(RLIMIT_NOFILE, &old);
    rl = old;
    rl.rlim_cur = (rlim_t)probe + 2;
    ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &rl), 0);
    ASSERT_EQ(asy_run(&L, ASY_RUN_DEFAULT), 0);
    setrlimit(RLIMIT_NOFILE, &old);
    ASSERT_OK(asy_loop_close(&L));
    ASSERT_EQ(em_served, EM_CLIENTS);
    ASSERT_GE(em_emfile_reports, 1);
    ASSERT_EQ(em_errors, em_emfile_reports);
    /* paused ~150 ms: a busy loop would spin thousands of times */
    ASSERT_LT(em_iters_paused, 200);
    for (i = 0; i < EM_CLIENTS; i++) {
        char buf[4] = {0};
        ASSERT_EQ(read(fds[i], buf, 2), 2);
        ASSERT_MEM_EQ(buf, "ok", 2);
        close(fds[i]);
    }
}
ALL_BACKENDS(emfile_case)

/* ---- options ------------------------------------------------------------ */
static asy_tcp_t op_conn;
static void op_on_connection(asy_sock_t *srv, int status) {
    ASSERT_EQ(status, 0);
    ASSERT_OK(asy_tcp_init(srv->loop, &op_conn));
    ASSERT_OK(asy_tcp_accept((asy_tcp_t *)srv, &op_conn));
    ASSERT_ERR(asy_tcp_accept((asy_tcp_t *)srv, &op_conn), ASY_EAGAIN);
    asy_close((asy_handle_t *)srv, NULL);
}

static void op_connected(asy_connect_t *req, int status) {
    asy_tcp_t *c = (asy_tcp_t *)req->handle;
    asy_addr_t mine, peer, theirs, theirs_peer;
    int v = 0;
    asy_os_sock_t fd = -1;
    socklen_t l = sizeof(v);
    ASSERT_EQ(status, 0);
    ASSERT_OK(asy_sock_fileno((asy_sock_t *)c, &fd));
    ASSERT_GE(fd, 0);
    ASSERT_OK(asy_tcp_nodelay(c, 1));
    getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &v, &l);
    ASSERT_EQ(v, 1);
    ASSERT_OK(asy_tcp_keepalive(c, 1, 30));
    getsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &v, &l);
    ASSERT_EQ(v, 1);
    getsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &v, &l);
    ASSERT_EQ(v, 30);
    ASSERT_OK(asy_tcp_getsockname(c, &mine));
    ASSERT_OK(asy_tcp_getpeername(c, &peer));
    ASSERT_OK(asy_tcp_getsockname(&op_conn, &theirs));
    ASSERT_OK(asy_tcp_getpeername(&op_conn, &theirs_peer));
    ASSERT_EQ(asy_addr_port(&mine), asy_addr_port(&theirs_peer));
    ASSERT_EQ(asy_addr_port(&peer), asy_addr_port(&theirs));
    asy_close((asy_handle_t *)c, NULL);
    asy_close((asy_handle_t *)&op_conn, NULL);
}

TEST(tcp_options_and_addresses_of_a_connection) {
    asy_addr_t a;
    asy_tcp_t srv, c;
    asy_connect_t req;
    net_loop_init(&L, asyt_backend());
    ASSERT_OK(asy_ip4_addr("127.0.0.1", 0, &a));
    ASSERT_OK(asy_tcp_init(&L, &srv));
    ASSERT_ERR(asy_tcp_nodelay(&srv, 1), ASY_EBADF); /* no socket yet */
    ASSERT_OK(asy_tcp_bind(&srv, &a, 0));
    ASSERT_OK(asy_tcp_listen(&srv, 8, op_on_connection));
    ASSERT_ERR(asy_sock_read_start((asy_sock_t *)&srv, NULL, echo_read), ASY_EINVAL);
    ASSERT_OK(asy_ip4_addr("127.0.0.1", tcp_port(&srv), &a));
    ASSERT_OK(asy_tcp_init(&L, &c));
    ASSERT_ERR(asy_sock_read_start((asy_sock_t *)&c, NULL, echo_read), ASY_ENOTCONN);
    ASSERT_OK(asy_tcp_connect(&req, &c, &a, op_connected));
    ASSERT_ERR(asy_tcp_connect(&req, &c, &a, op_connected), ASY_EISCONN);
    net_loop_finish(&L);
}

/* ---- backpressure: a big write to a slow reader drains ------------------ */
#define BIG (8u << 20)
static char *bp_data;
static asy_tcp_t bp_conn, bp_client;
static asy_write_t bp_w;
static size_t bp_read;
static int bp_write_status = 1, bp_saw_queue;
static asy_timer_t bp_timer;

static void bp_reader(asy_sock_t *s, ptrdiff_t n, const asy_iov_t *buf) {
    if (n == ASY_EOF) {
        asy_close((asy_handle_t *)s, NULL);
        return;
    }
    ASSERT_GT(n, 0);
    ASSERT_MEM_EQ(buf->base, bp_data + bp_read, (size_t)n);
    bp_read += (size_t)n;
}

static void bp_start_reading(asy_timer_t *t) {
    ASSERT_OK(asy_sock_read_start((asy_sock_t *)&bp_conn, NULL, bp_reader));
    asy_close((asy_handle_t *)t, NULL);
}

static void bp_on_connection(asy_sock_t *srv, int status) {
    ASSERT_EQ(status, 0);
    ASSERT_OK(asy_tcp_init(srv->loop, &bp_conn));
    ASSERT_OK(asy_tcp_accept((asy_tcp_t *)srv, &bp_conn));
    asy_close((asy_handle_t *)srv, NULL);
    /* read only later, so the writer's queue fills */
    ASSERT_OK(asy_timer_init(srv->loop, &bp_timer));
    ASSERT_OK(asy_timer_start(&bp_timer, bp_start_reading, 50, 0));
}

static void bp_written(asy_write_t *req, int status) {
    bp_write_status = status;
    ASSERT_EQ(asy_sock_write_queue_size(req->handle), 0);
    asy_close((asy_handle_t *)req->handle, NULL);
}

static void bp_connected(asy_connect_t *req, int status) {
    asy_iov_t b[3];
    ASSERT_EQ(status, 0);
    b[0].base = bp_data;
    b[0].len = 1000;
    b[1].base = bp_data + 1000;
    b[1].len = BIG - 2000;
    b[2].base = bp_data + BIG - 1000;
    b[2].len = 1000;
    ASSERT_OK(asy_sock_write(&bp_w, (asy_sock_t *)req->handle, b, 3, bp_written));
    bp_saw_queue = asy_sock_write_queue_size((asy_sock_t *)req->handle) > 0;
    ASSERT_ERR(asy_sock_try_write((asy_sock_t *)req->handle, b, 1), ASY_EAGAIN);
}

static void backpressure(const char *backend) {
    asy_addr_t a;
    asy_tcp_t srv;
    asy_connect_t req;
    size_t i;
    bp_data = (char *)malloc(BIG);
    for (i = 0; i < BIG; i++) bp_data[i] = (char)(i * 7 + i / 4096);
    net_loop_init(&L, backend);
    ASSERT_OK(asy_ip4_addr("127.0.0.1", 0, &a));
    ASSERT_OK(asy_tcp_init(&L, &srv));
    ASSERT_OK(asy_tcp_bind(&srv, &a, 0));
    ASSERT_OK(asy_tcp_listen(&srv, 8, bp_on_connection));
    ASSERT_OK(asy_ip4_addr("127.0.0.1", tcp_port(&srv), &a));
    ASSERT_OK(asy_tcp_init(&L, &bp_client));
    ASSERT_OK(asy_tcp_connect(&req, &bp_client, &a, bp_connected));
    net_loop_finish(&L);
    ASSERT_EQ(bp_write_status, 0);
    ASSERT_EQ(bp_saw_queue, 1);
    ASSERT_EQ(bp_read, BIG);
    free(bp_data);
}
ALL_BACKENDS_T(backpressure, 20000)

/* ---- close cancels pending writes, before close_cb ---------------------- */
static char cc_log[64];
static void cc_write_cb(asy_write_t *req, int status) {
    (void)req;
    strcat(cc_log, status == ASY_ECANCELED ? "w:canceled " : "w:other ");
}
static void cc_close_cb(asy_handle_t *h) {
    (void)h;
    strcat(cc_log, "closed");
}
static asy_tcp_t cc_conn;
static void cc_on_connection(asy_sock_t *srv, int status) {
    ASSERT_EQ(status, 0);
    ASSERT_OK(asy_tcp_init(srv->loop, &cc_conn));
    ASSERT_OK(asy_tcp_accept((asy_tcp_t *)srv, &cc_conn));
    asy_close((asy_handle_t *)srv, NULL);
}
static asy_write_t cc_w;
static void cc_connected(asy_connect_t *req, int status) {
    asy_iov_t b;
    ASSERT_EQ(status, 0);
    b.base = big;
    b.len = sizeof(big);
    while (asy_sock_write_queue_size(req->handle) == 0) {
        /* fill the kernel buffers until a write has to queue */
        ptrdiff_t n = asy_sock_try_write(req->handle, &b, 1);
        if (n == ASY_EAGAIN) break;
    }
    ASSERT_OK(asy_sock_write(&cc_w, req->handle, &b, 1, cc_write_cb));
    ASSERT_GT(asy_sock_write_queue_size(req->handle), 0);
    asy_close((asy_handle_t *)req->handle, cc_close_cb);
    asy_close((asy_handle_t *)&cc_conn, NULL);
}

TEST(tcp_close_cancels_queued_write_before_close_cb) {
    asy_addr_t a;
    asy_tcp_t srv, c;
    asy_connect_t req;
    net_loop_init(&L, asyt_backend());
    ASSERT_OK(asy_ip4_addr("127.0.0.1", 0, &a));
    ASSERT_OK(asy_tcp_init(&L, &srv));
    ASSERT_OK(asy_tcp_bind(&srv, &a, 0));
    ASSERT_OK(asy_tcp_listen(&srv, 8, cc_on_connection));
    ASSERT_OK(asy_ip4_addr("127.0.0.1", tcp_port(&srv), &a));
    ASSERT_OK(asy_tcp_init(&L, &c));
    ASSERT_OK(asy_tcp_connect(&req, &c, &a, cc_connected));
    net_loop_finish(&L);
    ASSERT_STR_EQ(cc_log, "w:canceled closed");
}

/* ---- reading with an alloc callback, read_stop hands the buffer back ----- */
static int rb_allocs, rb_returned, rb_data;
static void rb_alloc(asy_handle_t *h, size_t suggested, asy_iov_t *buf) {
    (void)h;
    rb_allocs++;
    buf->base = (char *)malloc(suggested);
    buf->len = suggested;
}
static void rb_read(asy_sock_t *s, ptrdiff_t n, const asy_iov_t *buf) {
    (void)s;
    if (n == 0) rb_returned++;
    if (n > 0) rb_data += (int)n;
    free(buf->base);
}

TEST(sock_read_start_stop_with_alloc_cb) {
    asy_pipe_t a, b;
    int fds[2];
    net_loop_init(&L, asyt_backend());
    ASSERT_OK(asy_socketpair(fds));
    ASSERT_OK(asy_pipe_init(&L, &a));
    ASSERT_OK(asy_pipe_init(&L, &b));
    ASSERT_OK(asy_pipe_open(&a, fds[0]));
    ASSERT_OK(asy_pipe_open(&b, fds[1]));
    ASSERT_OK(asy_sock_read_start((asy_sock_t *)&a, rb_alloc, rb_read));
    ASSERT_EQ(asy_sock_is_reading((asy_sock_t *)&a), 1);
    ASSERT_EQ(write(fds[1], "abc", 3), 3);
    ASSERT_EQ(asy_run(&L, ASY_RUN_ONCE), 1);
    ASSERT_EQ(rb_data, 3);
    ASSERT_EQ(rb_allocs, 1);
    ASSERT_OK(asy_sock_read_stop((asy_sock_t *)&a));
    ASSERT_EQ(asy_sock_is_reading((asy_sock_t *)&a), 0);
    ASSERT_EQ(write(fds[1], "def", 3), 3);
    asy_run(&L, ASY_RUN_NOWAIT);
    asy_run(&L, ASY_RUN_NOWAIT);
    ASSERT_EQ(rb_data, 3); /* stopped: nothing more delivered */
    ASSERT_OK(asy_sock_read_start((asy_sock_t *)&a, rb_alloc, rb_read));
    ASSERT_EQ(asy_run(&L, ASY_RUN_ONCE), 1);
    ASSERT_EQ(rb_data, 6);
    asy_close((asy_handle_t *)&a, NULL);
    asy_close((asy_handle_t *)&b, NULL);
    net_loop_finish(&L);
    ASSERT_EQ(rb_allocs, 2);
}

TEST(sock_bad_arguments_never_crash) {
    asy_tcp_t t;
    asy_write_t w;
    asy_shutdown_t sh;
    asy_iov_t b;
    b.base = (char *)"x";
    b.len = 1;
    net_loop_init(&L, asyt_backend());
    ASSERT_ERR(asy_tcp_init(NULL, &t), ASY_EINVAL);
    ASSERT_ERR(asy_sock_read_start(NULL, NULL, echo_read), ASY_EINVAL);
    ASSERT_ERR(asy_sock_write(NULL, NULL, &b, 1, NULL), ASY_EINVAL);
    ASSERT_OK(asy_tcp_init(&L, &t));
    ASSERT_ERR(asy_sock_read_start((asy_sock_t *)&t, NULL, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_sock_write(&w, (asy_sock_t *)&t, &b, 1, NULL), ASY_EBADF);
    ASSERT_ERR(asy_sock_write(&w, (asy_sock_t *)&t, NULL, 1, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_sock_shutdown(&sh, (asy_sock_t *)&t, NULL), ASY_ENOTCONN);
    ASSERT_ERR(asy_sock_accept((asy_sock_t *)&t, (asy_sock_t *)&t), ASY_EAGAIN);
    ASSERT_ERR(asy_sock_listen((asy_sock_t *)&t, 8, NULL), ASY_EINVAL);
    {
        asy_os_sock_t fd = 0;
        ASSERT_ERR(asy_sock_fileno((asy_sock_t *)&t, &fd), ASY_EBADF);
        ASSERT_EQ(fd, ASY_OS_SOCK_INVALID);
        ASSERT_ERR(asy_sock_fileno((asy_sock_t *)&t, NULL), ASY_EINVAL);
    }
    ASSERT_ERR(asy_tcp_close_reset(NULL, NULL), ASY_EINVAL);
    asy_close((asy_handle_t *)&t, NULL);
    ASSERT_ERR(asy_sock_write(&w, (asy_sock_t *)&t, &b, 1, NULL), ASY_EBADF);
    net_loop_finish(&L);
}

/* An alloc callback that closes its own socket: the read is cancelled,
 * the buffer comes back with nread == 0, nothing is touched afterwards. */
static int ac_returned, ac_other;
static void ac_alloc(asy_handle_t *h, size_t suggested, asy_iov_t *buf) {
    (void)suggested;
    buf->base = (char *)malloc(64);
    buf->len = 64;
    asy_close(h, NULL);
}
static void ac_read(asy_sock_t *s, ptrdiff_t n, const asy_iov_t *buf) {
    (void)s;
    if (n == 0 && buf->base)
        ac_returned++;
    else
        ac_other++;
    free(buf->base);
}

TEST(sock_alloc_cb_that_closes_the_socket) {
    asy_pipe_t a;
    int fds[2];
    net_loop_init(&L, asyt_backend());
    ASSERT_OK(asy_socketpair(fds));
    ASSERT_OK(asy_pipe_init(&L, &a));
    ASSERT_OK(asy_pipe_open(&a, fds[0]));
    ASSERT_OK(asy_sock_read_start((asy_sock_t *)&a, ac_alloc, ac_read));
    ASSERT_EQ(write(fds[1], "x", 1), 1);
    net_loop_finish(&L);
    ASSERT_EQ(ac_returned, 1);
    ASSERT_EQ(ac_other, 0);
    close(fds[1]);
}
