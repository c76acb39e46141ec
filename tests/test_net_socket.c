/* net.Socket / net.Server as Duplex streams: echo through pipe(),
 * allowHalfOpen both ways, reset by the peer as 'error', refused connect,
 * backpressure of a paused reader, Unix-domain sockets, stdio-like fds. */
#include "../asyncrt.h"
#define ASYT_ALL_BACKENDS 1 /* the suite runs on every backend (tests/test.h) */
#include "test.h"
#include "net_util.h"
#include "stream_util.h"

static asy_loop_t L;
static asy_server_t srv;
static asy_socket_t sconn, client;

/* ---- echo server: the accepted socket piped into itself ------------------ */
static void srv_close_cb(asy_handle_t *h) {
    (void)h;
    tlog("server closed");
}

static void echo_conn_close(asy_stream_t *s) {
    (void)s;
    tlog("sconn close");
}
static const asy_stream_events_t echo_conn_ev = {NULL, NULL, NULL, NULL, NULL, NULL,
                                               echo_conn_close, NULL, NULL};

static void echo_on_connection(asy_server_t *server, int status) {
    ASSERT_EQ(status, 0);
    ASSERT_OK(asy_socket_init(server->h.sock.loop, &sconn, NULL));
    ASSERT_OK(asy_server_accept(server, &sconn));
    ASSERT_OK(asy_stream_set_events(&sconn.stream, &echo_conn_ev));
    ASSERT_OK(asy_stream_pipe(&sconn.stream, &sconn.stream, NULL));
    asy_server_close(server, srv_close_cb);
}

static char got[1 << 16];
static size_t got_len;
static void cl_data(asy_stream_t *s, const asy_buf_t *chunk) {
    (void)s;
    ASSERT_LE(got_len + chunk->len, sizeof(got));
    memcpy(got + got_len, chunk->data, chunk->len);
    got_len += chunk->len;
}
static void cl_end(asy_stream_t *s) {
    (void)s;
    tlog("client end");
}
static void cl_finish(asy_stream_t *s) {
    (void)s;
    tlog("client finish");
}
static void cl_error(asy_stream_t *s, int err) {
    (void)s;
    tlogf("client error %s", asy_err_name(err));
}
static void cl_close(asy_stream_t *s) {
    (void)s;
    tlog("client close");
}
static const asy_stream_events_t cl_ev = {cl_data, NULL, cl_end, cl_error, NULL, cl_finish,
                                        cl_close, NULL, NULL};

static void cl_connected(asy_socket_t *k, int status) {
    (void)k;
    tlogf("connect %s", asy_err_name(status));
}

static void socket_echo(const char *backend) {
    asy_addr_t a;
    int i;
    tlog_reset();
    got_len = 0;
    net_loop_init(&L, backend);
    ASSERT_OK(asy_server_listen(&L, &srv, "127.0.0.1", 0, 16, 0, echo_on_connection));
    ASSERT_OK(asy_server_address(&srv, &a));
    ASSERT_OK(asy_socket_init(&L, &client, NULL));
    ASSERT_OK(asy_stream_set_events(&client.stream, &cl_ev));
    ASSERT_OK(asy_socket_connect(&client, "127.0.0.1", asy_addr_port(&a), cl_connected));
    /* written before the connection is up: waits for it */
    for (i = 0; i < 100; i++) ASSERT_GE(write_str(&client.stream, "0123456789", NULL, NULL), 0);
    ASSERT_OK(asy_stream_end(&client.stream, NULL, NULL));
    net_loop_finish(&L);
    ASSERT_EQ(got_len, 1000);
    ASSERT_MEM_EQ(got, "0123456789", 10);
    ASSERT_EQ(asy_socket_bytes_written(&client), 1000);
    ASSERT_EQ(asy_socket_bytes_read(&client), 1000);
    /* the server's socket ended its side when ours ended (allowHalfOpen
     * false): the client saw 'end' and both closed */
    ASSERT(strstr(tlog_buf, "connect OK\n") != NULL);
    ASSERT(strstr(tlog_buf, "client finish\n") != NULL);
    ASSERT(strstr(tlog_buf, "client end\n") != NULL);
    ASSERT(strstr(tlog_buf, "client close\n") != NULL);
    ASSERT(strstr(tlog_buf, "sconn close\n") != NULL);
    ASSERT(strstr(tlog_buf, "server closed\n") != NULL);
    ASSERT(strstr(tlog_buf, "error") == NULL);
}
ALL_BACKENDS(socket_echo)

/* ---- allowHalfOpen: the server answers after the client's end ----------- */
static int ho_allow;
static void ho_conn_end(asy_stream_t *s) {
    tlog("sconn end");
    if (ho_allow) {
        /* still writable: answer, then end ourselves */
        ASSERT(asy_stream_is_writable(s));
        ASSERT_GE(write_str(s, "late reply", NULL, NULL), 0);
        ASSERT_OK(asy_stream_end(s, NULL, NULL));
    }
    /* without allowHalfOpen the socket ends its side on the next tick */
}
static void ho_conn_data(asy_stream_t *s, const asy_buf_t *c) {
    (void)s;
    tlogf("sconn data %s", cstr(c));
}
static void ho_conn_finish(asy_stream_t *s) {
    (void)s;
    tlog("sconn finish");
}
static const asy_stream_events_t ho_conn_ev = {ho_conn_data, NULL, ho_conn_end, NULL, NULL,
                                             ho_conn_finish, echo_conn_close, NULL, NULL};

static void ho_on_connection(asy_server_t *server, int status) {
    asy_socket_opts_t o;
    ASSERT_EQ(status, 0);
    memset(&o, 0, sizeof(o));
    o.allow_half_open = ho_allow;
    ASSERT_OK(asy_socket_init(server->h.sock.loop, &sconn, &o));
    ASSERT_OK(asy_server_accept(server, &sconn));
    ASSERT_OK(asy_stream_set_events(&sconn.stream, &ho_conn_ev));
    asy_server_close(server, NULL);
}

static void half_open_case(int allow) {
    asy_addr_t a;
    tlog_reset();
    got_len = 0;
    ho_allow = allow;
    net_loop_init(&L, asyt_backend());
    ASSERT_OK(asy_server_listen(&L, &srv, "::1", 0, 16, 0, ho_on_connection));
    ASSERT_OK(asy_server_address(&srv, &a));
    ASSERT_OK(asy_socket_init(&L, &client, NULL));
    ASSERT_OK(asy_stream_set_events(&client.stream, &cl_ev));
    ASSERT_OK(asy_socket_connect(&client, "::1", asy_addr_port(&a), NULL));
    ASSERT_GE(write_str(&client.stream, "hi", NULL, NULL), 0);
    ASSERT_OK(asy_stream_end(&client.stream, NULL, NULL));
    net_loop_finish(&L);
    ASSERT(strstr(tlog_buf, "sconn data hi\nsconn end\n") != NULL);
    ASSERT(strstr(tlog_buf, "sconn finish\n") != NULL);
    ASSERT(strstr(tlog_buf, "client end\n") != NULL);
    ASSERT(strstr(tlog_buf, "client close\n") != NULL);
    if (allow) {
        ASSERT_EQ(got_len, 10);
        ASSERT_MEM_EQ(got, "late reply", 10);
    } else {
        ASSERT_EQ(got_len, 0);
    }
}

TEST(socket_allow_half_open_answers_after_peer_end) { half_open_case(1); }
TEST(socket_default_ends_writable_with_readable) { half_open_case(0); }

/* ---- reset by the peer: 'error' ECONNRESET then 'close' ------------------ */
static void rs_on_connection(asy_server_t *server, int status) {
    ASSERT_EQ(status, 0);
    ASSERT_OK(asy_socket_init(server->h.sock.loop, &sconn, NULL));
    ASSERT_OK(asy_server_accept(server, &sconn));
    asy_server_close(server, NULL);
    ASSERT_OK(asy_socket_reset_and_destroy(&sconn));
}

TEST(socket_reset_by_peer_is_an_error_event) {
    asy_addr_t a;
    tlog_reset();
    net_loop_init(&L, asyt_backend());
    ASSERT_OK(asy_server_listen(&L, &srv, "127.0.0.1", 0, 16, 0, rs_on_connection));
    ASSERT_OK(asy_server_address(&srv, &a));
    ASSERT_OK(asy_socket_init(&L, &client, NULL));
    ASSERT_OK(asy_stream_set_events(&client.stream, &cl_ev));
    ASSERT_OK(asy_socket_connect(&client, "127.0.0.1", asy_addr_port(&a), NULL));
    net_loop_finish(&L);
    ASSERT(strstr(tlog_buf, "client error ECONNRESET\nclient close\n") != NULL);
}

TEST(socket_connect_refused_reports_then_destroys) {
    asy_tcp_t tmp;
    asy_addr_t a;
    int port;
    tlog_reset();
    net_loop_init(&L, asyt_backend());
    ASSERT_OK(asy_tcp_init(&L, &tmp));
    ASSERT_OK(asy_ip4_addr("127.0.0.1", 0, &a));
    ASSERT_OK(asy_tcp_bind(&tmp, &a, 0));
    port = tcp_port(&tmp);
    asy_close((asy_handle_t *)&tmp, NULL);
    ASSERT_OK(asy_socket_init(&L, &client, NULL));
    ASSERT_OK(asy_stream_set_events(&client.stream, &cl_ev));
    ASSERT_ERR(asy_socket_connect(&client, "not-an-ip", port, cl_connected), ASY_EINVAL);
    ASSERT_OK(asy_socket_connect(&client, "127.0.0.1", port, cl_connected));
    ASSERT_ERR(asy_socket_connect(&client, "127.0.0.1", port, cl_connected), ASY_EINVAL);
    net_loop_finish(&L);
    ASSERT_STR_EQ(tlog_buf, "connect ECONNREFUSED\nclient error ECONNREFUSED\nclient close\n");
}

/* ---- backpressure: a paused reader stops the handle ---------------------- */
static size_t bp_total;
static asy_timer_t bp_timer;
static void bp_data(asy_stream_t *s, const asy_buf_t *c) {
    (void)s;
    bp_total += c->len;
}
static void bp_end(asy_stream_t *s) {
    (void)s;
    tlog("bp end");
}
static const asy_stream_events_t bp_ev = {bp_data, NULL, bp_end, NULL, NULL, NULL, NULL, NULL, NULL};

/* Polled: once the readable buffer is full the handle must have stopped
 * reading (and nothing was delivered: the stream is paused). */
static void bp_check(asy_timer_t *t) {
    if (asy_sock_is_reading(&client.h.sock)) {
        ASSERT_LT(asy_stream_readable_length(&client.stream), 16 * 1024);
        return; /* not full yet: the buffer keeps filling */
    }
    ASSERT_GE(asy_stream_readable_length(&client.stream), 16 * 1024);
    ASSERT_LE(asy_stream_readable_length(&client.stream), 16 * 1024 + 64 * 1024);
    ASSERT_EQ(bp_total, 0);
    ASSERT_OK(asy_stream_resume(&client.stream));
    asy_close((asy_handle_t *)t, NULL);
}

static char bp_chunk[1 << 20];
static void bp_on_connection(asy_server_t *server, int status) {
    int i;
    ASSERT_EQ(status, 0);
    ASSERT_OK(asy_socket_init(server->h.sock.loop, &sconn, NULL));
    ASSERT_OK(asy_server_accept(server, &sconn));
    for (i = 0; i < 8; i++) asy_stream_write_bytes(&sconn.stream, bp_chunk, sizeof(bp_chunk), NULL, NULL);
    ASSERT_OK(asy_stream_end(&sconn.stream, NULL, NULL));
    asy_server_close(server, NULL);
}

TEST(socket_paused_reader_applies_backpressure) {
    asy_addr_t a;
    tlog_reset();
    bp_total = 0;
    net_loop_init(&L, asyt_backend());
    ASSERT_OK(asy_server_listen(&L, &srv, "127.0.0.1", 0, 16, 0, bp_on_connection));
    ASSERT_OK(asy_server_address(&srv, &a));
    ASSERT_OK(asy_socket_init(&L, &client, NULL));
    ASSERT_OK(asy_stream_set_events(&client.stream, &bp_ev));
    ASSERT_OK(asy_stream_pause(&client.stream));
    ASSERT_OK(asy_socket_connect(&client, "127.0.0.1", asy_addr_port(&a), NULL));
    ASSERT_EQ(asy_stream_read(&client.stream, 0, NULL), 0); /* start a read */
    ASSERT_OK(asy_timer_init(&L, &bp_timer));
    ASSERT_OK(asy_timer_start(&bp_timer, bp_check, 10, 10));
    ASSERT_OK(asy_stream_end(&client.stream, NULL, NULL));
    net_loop_finish(&L);
    ASSERT_EQ(bp_total, 8u * sizeof(bp_chunk));
    ASSERT(strstr(tlog_buf, "bp end\n") != NULL);
}

/* ---- Unix-domain sockets and fds ----------------------------------------- */
TEST(socket_unix_path_echo) {
    char path[108];
    snprintf(path, sizeof(path), "/tmp/asyncrt-sock-%d.sock", (int)getpid());
    unlink(path);
    tlog_reset();
    got_len = 0;
    net_loop_init(&L, asyt_backend());
    ASSERT_OK(asy_server_listen_path(&L, &srv, path, 16, echo_on_connection));
    ASSERT_OK(asy_socket_init(&L, &client, NULL));
    ASSERT_OK(asy_stream_set_events(&client.stream, &cl_ev));
    ASSERT_OK(asy_socket_connect_path(&client, path, cl_connected));
    ASSERT_GE(write_str(&client.stream, "over unix", NULL, NULL), 0);
    ASSERT_OK(asy_stream_end(&client.stream, NULL, NULL));
    net_loop_finish(&L);
    ASSERT_EQ(got_len, 9);
    ASSERT_MEM_EQ(got, "over unix", 9);
    ASSERT(access(path, F_OK) != 0);
}

static asy_socket_t pa, pb;
static void pb_data(asy_stream_t *s, const asy_buf_t *c) {
    (void)s;
    tlogf("pb data %s", cstr(c));
}
static void pb_end(asy_stream_t *s) {
    (void)s;
    tlog("pb end");
}
static const asy_stream_events_t pb_ev = {pb_data, NULL, pb_end, NULL, NULL, NULL, NULL, NULL, NULL};

TEST(socket_open_on_a_pipe_fd_pair) {
    int fds[2];
    tlog_reset();
    net_loop_init(&L, asyt_backend());
    ASSERT_OK(asy_pipe_fds(fds));
    ASSERT_OK(asy_socket_init(&L, &pa, NULL));
    ASSERT_OK(asy_socket_init(&L, &pb, NULL));
    ASSERT_ERR(asy_socket_open(&pa, -1), ASY_EBADF);
    ASSERT_OK(asy_socket_open(&pa, fds[1]));
    ASSERT_OK(asy_socket_open(&pb, fds[0]));
    ASSERT_OK(asy_stream_set_events(&pb.stream, &pb_ev));
    ASSERT_GE(write_str(&pa.stream, "via pipe", NULL, NULL), 0);
    /* end on a pipe: the reader sees EOF once the writer closes */
    ASSERT_OK(asy_stream_end(&pa.stream, NULL, NULL));
    ASSERT_OK(asy_stream_destroy(&pa.stream, 0));
    net_loop_finish(&L);
    ASSERT_STR_EQ(tlog_buf, "pb data via pipe\npb end\n");
}
