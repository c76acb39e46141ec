/* TLS connections: handshake, data both ways, close_notify, ALPN, SNI,
 * certificate info, resumption, TLS over a socketpair. */
#include "../asyncrt.h"
#include "test.h"
#include "net_util.h"
#include "tls_util.h"
#include <sys/socket.h>

#ifdef ASYNCRT_WITH_MBEDTLS

static const char *const h11[] = {"http/1.1", NULL};
static const char *const h2h11[] = {"h2", "http/1.1", NULL};

static void client_ended_close(asy_stream_t *s) {
    tconn *c = (tconn *)s->data;
    c->ended = 1;
    asy_stream_end(s, NULL, NULL);
}

TEST_T(tls_echo_alpn_cert_info_close_notify, 20000) {
    asy_loop_t loop;
    tsrv sv;
    tconn c;
    asy_tls_context_t *sctx, *cctx;
    memset(&sv, 0, sizeof(sv));
    memset(&c, 0, sizeof(c));
    net_loop_init(&loop, "epoll");
    sctx = server_ctx("chain.crt", "leaf.key", h11);
    cctx = client_ctx("ca.crt", h2h11);
    tsrv_start(&loop, &sv, sctx, 0);
    sv.stop_after = 1;
    tc_connect(&loop, &c, tsrv_port(&sv), cctx, "localhost", 0);
    ASSERT_OK(asy_stream_write_bytes(&c.tls.stream, "hello tls", 9, NULL, NULL));
    ASSERT_OK(asy_stream_end(&c.tls.stream, NULL, NULL));
    ASSERT_EQ(asy_run(&loop, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(c.secure, 1);
    ASSERT_EQ(c.err, 0);
    ASSERT_EQ(c.ended, 1);
    ASSERT_EQ(c.closed, 1);
    ASSERT_STR_EQ(c.buf, "hello tls");
    ASSERT_EQ(sv.secured, 1);
    ASSERT_EQ(sv.last_err, 0);
    ASSERT_EQ(sv.closed, 1);
    asy_tls_context_unref(sctx);
    asy_tls_context_unref(cctx);
    (void)client_ended_close;
    net_loop_finish(&loop);
    free(c.buf);
}

/* What a client learns while the handshake runs: ALPN, the certificate,
 * the cipher; checked from on_secure. */
static asy_tls_cert_info_t seen_ci;
static char seen_alpn[32], seen_cipher[96], seen_proto[16];
static int seen_authorized = -1, seen_authz_err = -1, seen_reused = -1;
static void record_secure(asy_tls_t *tls, int status) {
    const char *a;
    tc_secure(tls, status);
    if (status != 0) return;
    a = asy_tls_alpn_protocol(tls);
    snprintf(seen_alpn, sizeof(seen_alpn), "%s", a ? a : "(none)");
    snprintf(seen_cipher, sizeof(seen_cipher), "%s", asy_tls_cipher(tls));
    snprintf(seen_proto, sizeof(seen_proto), "%s", asy_tls_protocol(tls));
    ASSERT_OK(asy_tls_peer_certificate(tls, &seen_ci));
    seen_authorized = asy_tls_authorized(tls);
    seen_authz_err = asy_tls_authorization_error(tls);
    seen_reused = asy_tls_is_session_reused(tls);
}

static void connect_rec(asy_loop_t *loop, tconn *c, int port, asy_tls_context_t *ctx,
                        const char *servername, int no_reject, const asy_buf_t *session,
                        asy_tls_session_cb on_session) {
    asy_tls_opts_t o;
    memset(&o, 0, sizeof(o));
    o.context = ctx;
    o.servername = servername;
    o.reject_unauthorized_off = no_reject;
    o.on_secure = record_secure;
    o.session = session;
    o.on_session = on_session;
    c->tls.stream.data = c;
    ASSERT_OK(asy_tls_connect(loop, &c->tls, "127.0.0.1", port, &o, NULL));
    c->tls.stream.data = c;
    asy_stream_set_events(&c->tls.stream, &tc_events);
}

TEST_T(tls_alpn_and_peer_certificate, 20000) {
    asy_loop_t loop;
    tsrv sv;
    tconn c;
    asy_tls_context_t *sctx, *cctx;
    memset(&sv, 0, sizeof(sv));
    memset(&c, 0, sizeof(c));
    net_loop_init(&loop, "epoll");
    sctx = server_ctx("chain.crt", "leaf.key", h11);
    cctx = client_ctx("ca.crt", h2h11);
    tsrv_start(&loop, &sv, sctx, 0);
    sv.stop_after = 1;
    connect_rec(&loop, &c, tsrv_port(&sv), cctx, "localhost", 0, NULL, NULL);
    ASSERT_OK(asy_stream_end(&c.tls.stream, NULL, NULL));
    ASSERT_EQ(asy_run(&loop, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(c.secure, 1);
    ASSERT_STR_EQ(seen_alpn, "http/1.1");
    ASSERT_STR_EQ(seen_proto, "TLSv1.2");
    ASSERT(strstr(seen_cipher, "GCM") != NULL || strstr(seen_cipher, "CHACHA") != NULL);
    ASSERT_STR_EQ(seen_ci.subject_cn, "localhost");
    ASSERT(strstr(seen_ci.subject, "CN=localhost") != NULL);
    ASSERT(strstr(seen_ci.issuer, "asyncrt test intermediate") != NULL);
    ASSERT(strstr(seen_ci.altnames, "DNS:localhost") != NULL);
    ASSERT(strstr(seen_ci.altnames, "IP Address:127.0.0.1") != NULL);
    ASSERT_EQ(strlen(seen_ci.fingerprint256), 95);
    ASSERT_EQ(seen_ci.chain_len, 2);
    ASSERT_EQ(seen_ci.is_ca, 0);
    ASSERT_EQ(seen_authorized, 1);
    ASSERT_EQ(seen_authz_err, 0);
    ASSERT_EQ(seen_reused, 0);
    asy_tls_context_unref(sctx);
    asy_tls_context_unref(cctx);
    net_loop_finish(&loop);
    free(c.buf);
}

/* One verification case: a server with cert/key, a client trusting ca
 * (NULL: the system bundle) and expecting servername. */
static void verify_case(const char *cert, const char *key, const char *ca,
                        const char *servername, int no_reject, int want_err) {
    asy_loop_t loop;
    tsrv sv;
    tconn c;
    asy_tls_context_t *sctx, *cctx;
    memset(&sv, 0, sizeof(sv));
    memset(&c, 0, sizeof(c));
    seen_authorized = seen_authz_err = -1;
    net_loop_init(&loop, "epoll");
    sctx = server_ctx(cert, key, NULL);
    cctx = client_ctx(ca, NULL);
    tsrv_start(&loop, &sv, sctx, 0);
    sv.stop_after = 1;
    connect_rec(&loop, &c, tsrv_port(&sv), cctx, servername, no_reject, NULL, NULL);
    ASSERT_OK(asy_stream_write_bytes(&c.tls.stream, "ping", 4, NULL, NULL));
    ASSERT_OK(asy_stream_end(&c.tls.stream, NULL, NULL));
    ASSERT_EQ(asy_run(&loop, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(c.closed, 1);
    if (want_err && !no_reject) {
        /* rejected: on_secure and on_error carry the code; nothing flowed */
        ASSERT_ERR(c.secure_err, want_err);
        ASSERT_ERR(c.err, want_err);
        ASSERT_EQ(c.secure, 0);
        ASSERT_EQ(c.len, 0);
        /* the server heard about it: the client's alert */
        ASSERT_EQ(sv.secured, 0);
        ASSERT_ERR(sv.last_err, ASY_ETLS_ALERT);
    } else {
        ASSERT_EQ(c.secure, 1);
        ASSERT_EQ(c.err, 0);
        ASSERT_STR_EQ(c.buf, "ping");
        ASSERT_EQ(seen_authorized, want_err ? 0 : 1);
        ASSERT_ERR(seen_authz_err, want_err);
    }
    asy_tls_context_unref(sctx);
    asy_tls_context_unref(cctx);
    net_loop_finish(&loop);
    free(c.buf);
}

TEST_T(tls_verify_good_chain, 20000) { verify_case("chain.crt", "leaf.key", "ca.crt", "localhost", 0, 0); }
TEST_T(tls_verify_ip_san, 20000) { verify_case("chain.crt", "leaf.key", "ca.crt", NULL, 0, 0); }
TEST_T(tls_verify_self_signed, 20000) {
    verify_case("self.crt", "self.key", "ca.crt", "localhost", 0,
                ASY_ETLS_DEPTH_ZERO_SELF_SIGNED_CERT);
}
TEST_T(tls_verify_self_signed_system_bundle, 20000) {
    verify_case("self.crt", "self.key", NULL, "localhost", 0, ASY_ETLS_DEPTH_ZERO_SELF_SIGNED_CERT);
}
TEST_T(tls_verify_self_signed_trusted, 20000) {
    verify_case("self.crt", "self.key", "self.crt", "localhost", 0, 0);
}
TEST_T(tls_verify_expired, 20000) {
    verify_case("expired.crt", "expired.key", "ca.crt", "localhost", 0, ASY_ETLS_CERT_HAS_EXPIRED);
}
TEST_T(tls_verify_wrong_host, 20000) {
    verify_case("chain.crt", "leaf.key", "ca.crt", "example.com", 0, ASY_ETLS_CERT_ALTNAME_INVALID);
}
TEST_T(tls_verify_wrong_ip, 20000) {
    verify_case("other.crt", "other.key", "ca.crt", "127.0.0.1", 0, ASY_ETLS_CERT_ALTNAME_INVALID);
}
TEST_T(tls_verify_unknown_ca, 20000) {
    verify_case("rogue_chain.crt", "rogue.key", "ca.crt", "localhost", 0,
                ASY_ETLS_SELF_SIGNED_CERT_IN_CHAIN);
}
TEST_T(tls_verify_missing_intermediate, 20000) {
    verify_case("leaf.crt", "leaf.key", "ca.crt", "localhost", 0,
                ASY_ETLS_UNABLE_TO_VERIFY_LEAF_SIGNATURE);
}
/* each failure is accepted with the explicit opt-out, and reported */
TEST_T(tls_verify_opt_out_reports, 40000) {
    verify_case("self.crt", "self.key", "ca.crt", "localhost", 1, ASY_ETLS_DEPTH_ZERO_SELF_SIGNED_CERT);
    verify_case("expired.crt", "expired.key", "ca.crt", "localhost", 1, ASY_ETLS_CERT_HAS_EXPIRED);
    verify_case("chain.crt", "leaf.key", "ca.crt", "example.com", 1, ASY_ETLS_CERT_ALTNAME_INVALID);
    verify_case("rogue_chain.crt", "rogue.key", "ca.crt", "localhost", 1,
                ASY_ETLS_SELF_SIGNED_CERT_IN_CHAIN);
    verify_case("leaf.crt", "leaf.key", "ca.crt", "localhost", 1,
                ASY_ETLS_UNABLE_TO_VERIFY_LEAF_SIGNATURE);
}
/* the right CA makes the unknown-CA and missing-intermediate cases pass */
TEST_T(tls_verify_right_ca, 20000) {
    verify_case("rogue_chain.crt", "rogue.key", "ca2.crt", "localhost", 0, 0);
}

TEST(tls_context_errors) {
    asy_tls_context_t *c = NULL;
    asy_tls_context_opts_t o;
    memset(&o, 0, sizeof(o));
    ASSERT_ERR(asy_tls_context_new(NULL, ASY_TLS_CLIENT, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_tls_context_new(&c, 7, NULL), ASY_EINVAL);
    ASSERT_ERR(asy_tls_context_new(&c, ASY_TLS_SERVER, NULL), ASY_EINVAL); /* no cert */
    o.cert_file = "/nonexistent/cert.pem";
    o.key_file = "/nonexistent/key.pem";
    ASSERT_ERR(asy_tls_context_new(&c, ASY_TLS_SERVER, &o), ASY_ENOENT);
    o.cert_file = pki("leaf.crt");
    o.key_file = pki("other.key"); /* not the certificate's key */
    ASSERT_ERR(asy_tls_context_new(&c, ASY_TLS_SERVER, &o), ASY_ETLS_CONFIG);
    o.key_file = pki("ext.cnf"); /* not a key at all */
    ASSERT_ERR(asy_tls_context_new(&c, ASY_TLS_SERVER, &o), ASY_ETLS_CONFIG);
    memset(&o, 0, sizeof(o));
    o.ca_pem = "-----BEGIN CERTIFICATE-----\ngarbage\n-----END CERTIFICATE-----\n";
    ASSERT_ERR(asy_tls_context_new(&c, ASY_TLS_CLIENT, &o), ASY_ETLS_CONFIG);
    {
        static const char *const bad[] = {"TLS-NOT-A-SUITE", NULL};
        memset(&o, 0, sizeof(o));
        o.ciphers = bad;
        ASSERT_ERR(asy_tls_context_new(&c, ASY_TLS_CLIENT, &o), ASY_EINVAL);
    }
    ASSERT_NULL(c);
    ASSERT_ERR(asy_tls_connect(NULL, NULL, NULL, 0, NULL, NULL), ASY_EINVAL);
}


TEST_T(tls_sni_picks_certificate, 20000) {
    asy_loop_t loop;
    tsrv sv;
    tconn c1, c2;
    asy_tls_context_t *sctx, *octx, *cctx;
    memset(&sv, 0, sizeof(sv));
    memset(&c1, 0, sizeof(c1));
    memset(&c2, 0, sizeof(c2));
    net_loop_init(&loop, "epoll");
    sctx = server_ctx("chain.crt", "leaf.key", NULL);
    octx = server_ctx("other.crt", "other.key", NULL);
    cctx = client_ctx("ca.crt", NULL);
    tsrv_start(&loop, &sv, sctx, 0);
    sv.sni_other = octx;
    sv.stop_after = 2;
    connect_rec(&loop, &c1, tsrv_port(&sv), cctx, "other.test", 0, NULL, NULL);
    asy_stream_end(&c1.tls.stream, NULL, NULL);
    while (!c1.closed) asy_run(&loop, ASY_RUN_ONCE);
    ASSERT_EQ(c1.secure, 1);
    ASSERT_STR_EQ(seen_ci.subject_cn, "other.test");
    ASSERT_STR_EQ(sv.sni_seen, "other.test");
    /* a name the callback does not know gets the default certificate */
    connect_rec(&loop, &c2, tsrv_port(&sv), cctx, "localhost", 0, NULL, NULL);
    asy_stream_end(&c2.tls.stream, NULL, NULL);
    ASSERT_EQ(asy_run(&loop, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(c2.secure, 1);
    ASSERT_STR_EQ(seen_ci.subject_cn, "localhost");
    ASSERT_STR_EQ(sv.sni_seen, "localhost");
    asy_tls_context_unref(sctx);
    asy_tls_context_unref(octx);
    asy_tls_context_unref(cctx);
    net_loop_finish(&loop);
}

static asy_buf_t saved_session;
static int sessions_seen;
static void keep_session(asy_tls_t *tls, const asy_buf_t *sess) {
    (void)tls;
    sessions_seen++;
    asy_buf_release(&saved_session);
    ASSERT_OK(asy_buf_retain(&saved_session, sess));
}

static void resume_case(int tickets) {
    asy_loop_t loop;
    tsrv sv;
    tconn c[3];
    asy_tls_context_t *sctx, *cctx;
    asy_tls_context_opts_t so;
    asy_tls_context_stats_t st;
    int i;
    memset(&sv, 0, sizeof(sv));
    memset(c, 0, sizeof(c));
    memset(&so, 0, sizeof(so));
    net_loop_init(&loop, "epoll");
    so.cert_file = pki("chain.crt");
    so.key_file = pki("leaf.key");
    so.no_session_tickets = !tickets;
    ASSERT_OK(asy_tls_context_new(&sctx, ASY_TLS_SERVER, &so));
    cctx = client_ctx("ca.crt", NULL);
    tsrv_start(&loop, &sv, sctx, 0);
    sv.stop_after = 3;
    for (i = 0; i < 3; i++) {
        seen_reused = -1;
        connect_rec(&loop, &c[i], tsrv_port(&sv), cctx, "localhost", 0,
                    i ? &saved_session : NULL, keep_session);
        asy_stream_end(&c[i].tls.stream, NULL, NULL);
        while (!c[i].closed || sv.closed <= i) asy_run(&loop, ASY_RUN_ONCE);
        ASSERT_EQ(c[i].secure, 1);
        ASSERT_EQ(seen_reused, i ? 1 : 0);
        ASSERT_EQ(seen_authorized, 1); /* a resumed session keeps its verification */
    }
    ASSERT_EQ(sessions_seen, 3);
    ASSERT_EQ(sv.resumed, 2);
    asy_tls_context_get_stats(sctx, &st);
    ASSERT_EQ_U64(st.handshakes, 3);
    ASSERT_EQ_U64(st.resumed, 2);
    asy_tls_context_get_stats(cctx, &st);
    ASSERT_EQ_U64(st.resumed, 2);
    asy_buf_release(&saved_session);
    asy_tls_context_unref(sctx);
    asy_tls_context_unref(cctx);
    net_loop_finish(&loop);
}
TEST_T(tls_resumption_ticket, 20000) { resume_case(1); }
TEST_T(tls_resumption_session_id, 20000) { resume_case(0); }

TEST(tls_bad_session_rejected) {
    asy_loop_t loop;
    asy_tls_t t;
    asy_buf_t junk;
    asy_tls_opts_t o;
    net_loop_init(&loop, "epoll");
    ASSERT_OK(asy_buf_from_bytes(&junk, "not a session", 13));
    memset(&o, 0, sizeof(o));
    o.session = &junk;
    o.context = client_ctx("ca.crt", NULL);
    ASSERT_ERR(asy_tls_connect(&loop, &t, "127.0.0.1", 9, &o, NULL), ASY_EINVAL);
    asy_tls_context_unref(o.context);
    asy_buf_release(&junk);
    net_loop_finish(&loop);
}

/* TLS over any duplex: both ends of a socketpair, as adopted sockets. */
TEST_T(tls_over_socketpair, 20000) {
    asy_loop_t loop;
    int fds[2];
    asy_socket_t a, b;
    tconn cs, cc;
    asy_tls_context_t *sctx, *cctx;
    asy_tls_opts_t o;
    net_loop_init(&loop, "epoll");
    memset(&cs, 0, sizeof(cs));
    memset(&cc, 0, sizeof(cc));
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
    ASSERT_OK(asy_socket_init(&loop, &a, &(asy_socket_opts_t){.allow_half_open = 1}));
    ASSERT_OK(asy_socket_init(&loop, &b, &(asy_socket_opts_t){.allow_half_open = 1}));
    ASSERT_OK(asy_socket_open(&a, fds[0]));
    ASSERT_OK(asy_socket_open(&b, fds[1]));
    sctx = server_ctx("chain.crt", "leaf.key", NULL);
    cctx = client_ctx("ca.crt", NULL);
    memset(&o, 0, sizeof(o));
    o.context = sctx;
    o.on_secure = tc_secure;
    cs.echo = 1;
    cs.tls.stream.data = &cs;
    ASSERT_OK(asy_tls_wrap(&loop, &cs.tls, &a.stream, &o));
    cs.tls.stream.data = &cs;
    asy_stream_set_events(&cs.tls.stream, &tc_events);
    o.context = cctx;
    o.servername = "localhost";
    cc.tls.stream.data = &cc;
    ASSERT_OK(asy_tls_wrap(&loop, &cc.tls, &b.stream, &o));
    cc.tls.stream.data = &cc;
    asy_stream_set_events(&cc.tls.stream, &tc_events);
    ASSERT_PTR_EQ(cc.tls.transport, &b.stream);
    asy_stream_write_bytes(&cc.tls.stream, "over a pair", 11, NULL, NULL);
    asy_stream_end(&cc.tls.stream, NULL, NULL);
    ASSERT_EQ(asy_run(&loop, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(cc.secure, 1);
    ASSERT_EQ(cs.secure, 1);
    ASSERT_STR_EQ(cc.buf, "over a pair");
    ASSERT_EQ(cc.ended, 1);
    ASSERT_EQ(cc.closed, 1);
    ASSERT_EQ(cs.closed, 1);
    ASSERT(asy_stream_is_closed(&a.stream));
    ASSERT(asy_stream_is_closed(&b.stream));
    asy_tls_context_unref(sctx);
    asy_tls_context_unref(cctx);
    net_loop_finish(&loop);
    free(cc.buf);
}

/* A peer that connects and then says nothing. */
TEST_T(tls_stalled_handshake_times_out, 20000) {
    asy_loop_t loop;
    tsrv sv;
    asy_tls_context_t *sctx;
    int fd;
    uint64_t t0;
    memset(&sv, 0, sizeof(sv));
    net_loop_init(&loop, "epoll");
    sctx = server_ctx("chain.crt", "leaf.key", NULL);
    tsrv_start(&loop, &sv, sctx, 200);
    sv.stop_after = 1;
    fd = raw_connect(tsrv_port(&sv));
    ASSERT_EQ(write(fd, "\x16\x03\x01", 3), 3); /* a record header, then silence */
    t0 = asy_hrtime();
    ASSERT_EQ(asy_run(&loop, ASY_RUN_DEFAULT), 0);
    ASSERT_GE((asy_hrtime() - t0) / 1000000, 150);
    ASSERT_EQ(sv.failed, 1);
    ASSERT_ERR(sv.last_err, ASY_ETLS_HANDSHAKE_TIMEOUT);
    close(fd);
    asy_tls_context_unref(sctx);
    net_loop_finish(&loop);
}

static void ignore_conn(asy_sock_t *h, int status) {
    (void)h;
    (void)status;
}

/* A server that accepts and never answers: the client times out. */
TEST_T(tls_client_handshake_timeout, 20000) {
    asy_loop_t loop;
    asy_tcp_t lst;
    asy_addr_t a;
    tconn c;
    asy_tls_opts_t o;
    memset(&c, 0, sizeof(c));
    net_loop_init(&loop, "epoll");
    ASSERT_OK(asy_tcp_init(&loop, &lst));
    ASSERT_OK(asy_ip4_addr("127.0.0.1", 0, &a));
    ASSERT_OK(asy_tcp_bind(&lst, &a, 0));
    ASSERT_OK(asy_tcp_listen(&lst, 8, ignore_conn));
    memset(&o, 0, sizeof(o));
    o.context = client_ctx("ca.crt", NULL);
    o.handshake_timeout_ms = 150;
    o.on_secure = tc_secure;
    c.tls.stream.data = &c;
    ASSERT_OK(asy_tls_connect(&loop, &c.tls, "127.0.0.1", tcp_port(&lst), &o, NULL));
    c.tls.stream.data = &c;
    asy_stream_set_events(&c.tls.stream, &tc_events);
    while (!c.closed) asy_run(&loop, ASY_RUN_ONCE);
    ASSERT_ERR(c.secure_err, ASY_ETLS_HANDSHAKE_TIMEOUT);
    ASSERT_ERR(c.err, ASY_ETLS_HANDSHAKE_TIMEOUT);
    asy_close((asy_handle_t *)&lst, NULL);
    asy_tls_context_unref(o.context);
    net_loop_finish(&loop);
}

/* Garbage at the server: an alert record comes back, then the close. */
TEST_T(tls_garbage_gets_alert_and_close, 20000) {
    asy_loop_t loop;
    tsrv sv;
    asy_tls_context_t *sctx;
    int fd, i;
    memset(&sv, 0, sizeof(sv));
    net_loop_init(&loop, "epoll");
    sctx = server_ctx("chain.crt", "leaf.key", NULL);
    tsrv_start(&loop, &sv, sctx, 0);
    for (i = 0; i < 3; i++) {
        static const char *const junk[] = {"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
                                           "\x16\x03\x03\x00\x05" "hello",
                                           "\x17\x03\x03\x00\x04" "abcd"};
        static const size_t jlen[] = {27, 10, 9};
        unsigned char buf[64];
        ssize_t n, total = 0;
        fd = raw_connect(tsrv_port(&sv));
        ASSERT_EQ(write(fd, junk[i], jlen[i]), (ssize_t)jlen[i]);
        while (sv.closed <= i) asy_run(&loop, ASY_RUN_ONCE);
        ASSERT_ERR(sv.last_err, ASY_ETLS_BAD_RECORD);
        while ((n = read(fd, buf + total, sizeof(buf) - (size_t)total)) > 0) total += n;
        ASSERT_EQ(n, 0);     /* then the close */
        ASSERT_EQ(total, 7); /* one alert record */
        ASSERT_EQ(buf[0], 21);
        ASSERT_EQ(buf[5], 2); /* fatal */
        close(fd);
    }
    ASSERT_EQ(sv.failed, 3);
    asy_tls_server_close(&sv.srv, NULL);
    asy_tls_context_unref(sctx);
    net_loop_finish(&loop);
}

/* ---- 1 GiB with a slow consumer: memory stays bounded ----------------- */

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define TLS_CHECK_RSS 0
#else
#define TLS_CHECK_RSS 1
#endif

static size_t rss_now(void) {
    long pages = 0, rss = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f) return 0;
    if (fscanf(f, "%ld %ld", &pages, &rss) != 2) rss = 0;
    fclose(f);
    return (size_t)rss * (size_t)sysconf(_SC_PAGESIZE);
}

typedef struct bulk {
    asy_loop_t *loop;
    asy_tls_t *writer;
    asy_stream_t *reader;
    asy_buf_t chunk;
    uint64_t sent, want, got;
    size_t rss0, rss_max;
    int pauses;
    tconn *srvc;
} bulk;
static bulk B;

static void bulk_pump(void);
static void bulk_drain(asy_stream_t *s) {
    (void)s;
    bulk_pump();
}
static const asy_stream_events_t bulk_wevents = {NULL, NULL, NULL, tc_error, bulk_drain,
                                               tc_finish, tc_close, NULL, NULL};
static void bulk_pump(void) {
    while (B.sent < B.want) {
        int r = asy_stream_write(&B.writer->stream, &B.chunk, NULL, NULL);
        ASSERT_OK(r);
        B.sent += B.chunk.len;
        if (r == 0) return;
    }
    asy_stream_end(&B.writer->stream, NULL, NULL);
}
static void bulk_resume(void *arg) { asy_stream_resume((asy_stream_t *)arg); }
static void bulk_data(asy_stream_t *s, const asy_buf_t *b) {
    uint64_t before = B.got;
    B.got += b->len;
    /* slow: a 1 ms nap every 8 MiB */
    if ((before >> 23) != (B.got >> 23)) {
        size_t r = rss_now();
        if (r > B.rss_max) B.rss_max = r;
        B.pauses++;
        asy_stream_pause(s);
        asy_set_timeout(B.loop, bulk_resume, s, 1);
    }
}
static void bulk_end(asy_stream_t *s) {
    asy_stream_end(s, NULL, NULL);
}
static const asy_stream_events_t bulk_revents = {bulk_data, NULL, bulk_end, tc_error, NULL,
                                               tc_finish, tc_close, NULL, NULL};

static void bulk_conn(asy_tls_server_t *srv, int status) {
    tsrv *sv = (tsrv *)srv->data;
    tconn *c = (tconn *)calloc(1, sizeof(*c));
    ASSERT_EQ(status, 0);
    c->free_on_close = 1;
    c->srv = sv;
    ASSERT_OK(asy_tls_server_accept(srv, &c->tls));
    c->tls.stream.data = c;
    asy_stream_set_events(&c->tls.stream, &bulk_revents);
}

TEST_T(tls_1gib_slow_consumer_bounded_rss, 240000) {
    asy_loop_t loop;
    tsrv sv;
    tconn c;
    asy_tls_context_t *sctx, *cctx;
    asy_tls_opts_t o;
    if (!TLS_CHECK_RSS) SKIP("RSS is not meaningful under a sanitizer");
    memset(&sv, 0, sizeof(sv));
    memset(&c, 0, sizeof(c));
    memset(&B, 0, sizeof(B));
    net_loop_init(&loop, "epoll");
    B.loop = &loop;
    B.want = 1ull << 30;
    ASSERT_OK(asy_buf_alloc(&B.chunk, 64 * 1024));
    sctx = server_ctx("chain.crt", "leaf.key", NULL);
    cctx = client_ctx("ca.crt", NULL);
    memset(&o, 0, sizeof(o));
    sv.srv.data = &sv;
    ASSERT_OK(asy_tls_server_listen(&loop, &sv.srv, sctx, &o, "127.0.0.1", 0, 8, bulk_conn));
    sv.srv.data = &sv;
    sv.stop_after = 1;
    memset(&o, 0, sizeof(o));
    o.context = cctx;
    o.servername = "localhost";
    c.tls.stream.data = &c;
    ASSERT_OK(asy_tls_connect(&loop, &c.tls, "127.0.0.1", asy_tls_server_port(&sv.srv), &o, NULL));
    c.tls.stream.data = &c;
    asy_stream_set_events(&c.tls.stream, &bulk_wevents);
    B.writer = &c.tls;
    B.rss0 = rss_now();
    bulk_pump();
    ASSERT_EQ(asy_run(&loop, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(c.err, 0);
    ASSERT_EQ(sv.last_err, 0);
    ASSERT_EQ_U64(B.got, B.want);
    ASSERT_GE(B.pauses, 100);
    printf("rss before %zu KiB, max %zu KiB\n", B.rss0 / 1024, B.rss_max / 1024);
    ASSERT_LT(B.rss_max, B.rss0 + 48u * 1024 * 1024);
    asy_buf_release(&B.chunk);
    asy_tls_context_unref(sctx);
    asy_tls_context_unref(cctx);
    net_loop_finish(&loop);
}
#endif
