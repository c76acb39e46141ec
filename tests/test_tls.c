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
static asy_tls_cert_info seen_ci;
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
    asy_tls_opts o;
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
    asy_tls_context_opts o;
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

#endif
