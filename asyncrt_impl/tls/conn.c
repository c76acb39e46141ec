/* The TLS connection: a cleartext duplex whose implementer vtable drives
 * an mbedTLS context over a transport stream.
 *
 *   ciphertext in   the transport's on_data appends to `in` (a view, no
 *                   copy); mbedTLS's recv takes from it.  When the
 *                   cleartext buffer is full (push returned 0) the
 *                   transport is paused until _read: backpressure reaches
 *                   the peer's TCP window.
 *   ciphertext out  mbedTLS's send gathers records into `out`, written to
 *                   the transport after each step; while the transport is
 *                   above its highWaterMark no more cleartext is
 *                   encrypted and the pending write completes on its drain.
 *   drive()         the one place that calls mbedTLS: handshake steps,
 *                   then writes, reads and close_notify.  Re-entered calls
 *                   (a callback writing again) only ask it to go round. */
#include "tls.h"
#include "tls.internal.h"
#include "../base/sys.internal.h"
#include "../buf/buf.h"
#include "../buf/bufchain.h"
#include "../loop/handle.h"
#include "../loop/timer.h"
#include "../stream/stream.h"
#include "../net/socket.h"
#if ASYNCRT_OS_POSIX && defined(ASYNCRT_WITH_MBEDTLS)

#include <arpa/inet.h>
#include <string.h>

#define ASY__TLS_OUT_CHUNK 17408u   /* one full record and its overhead */
#define ASY__TLS_IN_MAX (64u * 1024u) /* ciphertext held before pausing */

ASY__INTERNAL void asy__tls_drive(asy__tls_state *st);

ASY__INTERNAL asy__tls_state *asy__tls_of(asy_stream_t *s) {
    return ((asy_tls_t *)s->impl_data)->st_;
}

/* ---- BIO ------------------------------------------------------------------ */

ASY__INTERNAL void asy__tls_flush(asy__tls_state *st) {
    asy_buf_t view;
    asy_stream_t *t = st->tls->transport;
    int r;
    if (st->out_len == 0) return;
    if (asy_stream_writable_ended(t) || asy_stream_is_destroyed(t)) {
        /* the transport is gone or closing: nobody will read these */
        st->out_len = 0;
        return;
    }
    view = st->out;
    view.len = st->out_len;
    r = asy_stream_write(t, &view, NULL, NULL);
    asy_buf_release(&st->out);
    st->out_len = 0;
    if (r == 0) st->flags |= ASY__TLS_NEED_DRAIN;
}

ASY__INTERNAL int asy__tls_send(void *p, const unsigned char *buf, size_t len) {
    asy__tls_state *st = (asy__tls_state *)p;
    if (len == 0) return 0;
    if (st->out.store && st->out_len + len > st->out.len) asy__tls_flush(st);
    if (!st->out.store) {
        size_t cap = len > ASY__TLS_OUT_CHUNK ? len : ASY__TLS_OUT_CHUNK;
        if (asy_buf_alloc_unsafe(&st->out, cap) != 0) return MBEDTLS_ERR_SSL_ALLOC_FAILED;
        st->out_len = 0;
    }
    if (st->out_len == 0 || len >= 5) st->last_out_type = buf[0];
    memcpy(st->out.data + st->out_len, buf, len);
    st->out_len += len;
    return (int)len;
}

ASY__INTERNAL int asy__tls_recv(void *p, unsigned char *buf, size_t len) {
    asy__tls_state *st = (asy__tls_state *)p;
    size_t n = asy_bufchain_len(&st->in);
    if (n == 0) return (st->flags & ASY__TLS_T_EOF) ? 0 : MBEDTLS_ERR_SSL_WANT_READ;
    if (len > n) len = n;
    if (len > (size_t)0x7fffffff) len = 0x7fffffff;
    asy_bufchain_peek(&st->in, 0, buf, len);
    asy_bufchain_consume(&st->in, len);
    return (int)len;
}

/* The peer's certificate, during the handshake too. */
ASY__INTERNAL const mbedtls_x509_crt *asy__tls_peer(const asy__tls_state *st) {
    if (st->ssl.session) return st->ssl.session->peer_cert;
    if (st->ssl.session_negotiate) return st->ssl.session_negotiate->peer_cert;
    return NULL;
}

/* ---- failure -------------------------------------------------------------- */

ASY__INTERNAL void asy__tls_timer_stop(asy__tls_state *st) {
    if (st->timer.id) asy_clear_timer(st->loop, st->timer);
    st->timer.id = 0;
}

ASY__INTERNAL unsigned char asy__tls_alert_for(int err) {
    switch (err) {
    case ASY_ETLS_BAD_RECORD: return MBEDTLS_SSL_ALERT_MSG_DECODE_ERROR;
    case ASY_ETLS_CERT_HAS_EXPIRED:
    case ASY_ETLS_CERT_NOT_YET_VALID: return MBEDTLS_SSL_ALERT_MSG_CERT_EXPIRED;
    case ASY_ETLS_DEPTH_ZERO_SELF_SIGNED_CERT:
    case ASY_ETLS_SELF_SIGNED_CERT_IN_CHAIN:
    case ASY_ETLS_UNABLE_TO_VERIFY_LEAF_SIGNATURE: return MBEDTLS_SSL_ALERT_MSG_UNKNOWN_CA;
    case ASY_ETLS_CERT_ALTNAME_INVALID:
    case ASY_ETLS_CERT_INVALID: return MBEDTLS_SSL_ALERT_MSG_BAD_CERT;
    case ASY_ETLS_NO_PEER_CERT: return MBEDTLS_SSL_ALERT_MSG_NO_CERT;
    case ASY_ETLS_VERSION: return MBEDTLS_SSL_ALERT_MSG_PROTOCOL_VERSION;
    default: return MBEDTLS_SSL_ALERT_MSG_HANDSHAKE_FAILURE;
    }
}

/* A fatal error: tell the peer with an alert (unless mbedTLS just sent
 * one, or the peer's alert is the cause), report, destroy. */
ASY__INTERNAL void asy__tls_fail(asy__tls_state *st, int err, int send_alert) {
    asy_tls_t *tls = st->tls;
    if (st->flags & (ASY__TLS_FAILED | ASY__TLS_DESTROYING)) return;
    st->flags |= ASY__TLS_FAILED;
    asy__tls_timer_stop(st);
    if (send_alert && err != ASY_ETLS_ALERT && err != ASY_ETLS_CLOSED &&
        err != ASY_ETLS_HANDSHAKE_TIMEOUT && st->last_out_type != MBEDTLS_SSL_MSG_ALERT) {
        mbedtls_ssl_send_alert_message(&st->ssl, MBEDTLS_SSL_ALERT_LEVEL_FATAL,
                                       asy__tls_alert_for(err));
    }
    asy__tls_flush(st);
    /* the alert reaches the peer before the connection goes: end the
     * transport (its queued writes go first) and let destroy follow */
    if (!(st->flags & ASY__TLS_SECURE) && st->opts.on_secure) st->opts.on_secure(tls, err);
    asy_stream_destroy(&tls->stream, err);
}

ASY__INTERNAL void asy__tls_timeout(void *arg) {
    asy__tls_state *st = (asy__tls_state *)arg;
    st->timer.id = 0;
    asy__tls_fail(st, ASY_ETLS_HANDSHAKE_TIMEOUT, 0);
}

/* ---- handshake ------------------------------------------------------------ */

/* The peer's verification, as soon as its Certificate was processed (so
 * a rejected server never sees our Finished, as with OpenSSL's verify
 * callback), or at the end of a resumed handshake.  0 to go on, else the
 * code the connection failed with. */
ASY__INTERNAL int asy__tls_verify(asy__tls_state *st) {
    asy_tls_context_t *ctx = st->ctx;
    int code, reject;
    if (st->flags & ASY__TLS_VERIFIED) return 0;
    st->flags |= ASY__TLS_VERIFIED;
    if ((st->flags & ASY__TLS_SERVER) && !ctx->request_cert) return 0; /* nothing asked */
    code = asy__tls_verify_code(st, mbedtls_ssl_get_verify_result(&st->ssl));
    if (code == 0 && (st->flags & ASY__TLS_SNI_IP))
        code = asy__tls_check_ip(asy__tls_peer(st), st->servername);
    reject = (st->flags & ASY__TLS_SERVER) ? ctx->reject_unauthorized
                                           : !st->opts.reject_unauthorized_off;
    st->verify_err = code;
    if (code == 0) st->flags |= ASY__TLS_AUTHORIZED;
    if (code != 0 && reject) {
        asy__tls_fail(st, code, 1);
        return code;
    }
    return 0;
}

ASY__INTERNAL int asy__tls_handshake_done(asy__tls_state *st) {
    asy_tls_t *tls = st->tls;
    asy_tls_context_t *ctx = st->ctx;
    int r;
    asy__tls_timer_stop(st);
    if (!(st->flags & ASY__TLS_SAW_CERT)) st->flags |= ASY__TLS_RESUMED;
    if ((r = asy__tls_verify(st)) != 0) return r;
    st->flags |= ASY__TLS_SECURE;
    ctx->stats.handshakes++;
    if (st->flags & ASY__TLS_RESUMED) ctx->stats.resumed++;
    if (st->opts.on_secure) st->opts.on_secure(tls, 0);
    if ((st->flags & (ASY__TLS_FAILED | ASY__TLS_DESTROYING))) return ASY_ECANCELED;
    if (st->opts.on_session && !(st->flags & ASY__TLS_SERVER)) {
        asy_buf_t b = ASY_BUF_INIT;
        if (asy_tls_get_session(tls, &b) == 0) {
            st->opts.on_session(tls, &b);
            asy_buf_release(&b);
        }
        if ((st->flags & (ASY__TLS_FAILED | ASY__TLS_DESTROYING))) return ASY_ECANCELED;
    }
    return 0;
}

/* 1: done, 0: waiting for the peer, <0: failed (already reported) */
ASY__INTERNAL int asy__tls_handshake(asy__tls_state *st) {
    while (st->ssl.state != MBEDTLS_SSL_HANDSHAKE_OVER) {
        int r, before = st->ssl.state;
        if (before == MBEDTLS_SSL_SERVER_CERTIFICATE) st->flags |= ASY__TLS_SAW_CERT;
        r = mbedtls_ssl_handshake_step(&st->ssl);
        asy__tls_flush(st);
        if (r == MBEDTLS_ERR_SSL_WANT_READ || r == MBEDTLS_ERR_SSL_WANT_WRITE) return 0;
        if (r != 0) {
            int err = asy__tls_map_error(r);
            if (r == MBEDTLS_ERR_SSL_CONN_EOF || (st->flags & ASY__TLS_T_EOF)) err = ASY_ETLS_CLOSED;
            asy__tls_fail(st, err, 1);
            return err;
        }
        if (st->ssl.state != before &&
            ((!(st->flags & ASY__TLS_SERVER) && before == MBEDTLS_SSL_SERVER_CERTIFICATE) ||
             ((st->flags & ASY__TLS_SERVER) && before == MBEDTLS_SSL_CERTIFICATE_VERIFY)) &&
            asy__tls_verify(st) != 0)
            return -1;
    }
    return asy__tls_handshake_done(st) == 0 ? 1 : -1;
}

/* ---- the data phase ------------------------------------------------------- */

ASY__INTERNAL void asy__tls_do_writes(asy__tls_state *st) {
    asy_stream_t *s = &st->tls->stream;
    while ((st->flags & ASY__TLS_WPENDING) && !(st->flags & ASY__TLS_NEED_DRAIN)) {
        if (st->woff < st->wchunk.len) {
            int r = mbedtls_ssl_write(&st->ssl, st->wchunk.data + st->woff,
                                      st->wchunk.len - st->woff);
            asy__tls_flush(st);
            if (r == MBEDTLS_ERR_SSL_WANT_READ || r == MBEDTLS_ERR_SSL_WANT_WRITE) return;
            if (r < 0) {
                asy__tls_fail(st, asy__tls_map_error(r), 1);
                return;
            }
            st->woff += (size_t)r;
            continue;
        }
        /* all of it is encrypted and handed to the transport */
        st->flags &= ~(unsigned)ASY__TLS_WPENDING;
        asy_buf_release(&st->wchunk);
        st->woff = 0;
        asy_stream_write_done(s, 0);
        if (st->flags & (ASY__TLS_FAILED | ASY__TLS_DESTROYING)) return;
    }
}

ASY__INTERNAL void asy__tls_transport_final(asy_stream_t *t, int status, void *arg) {
    asy__tls_state *st = (asy__tls_state *)arg;
    (void)t;
    if (st->flags & ASY__TLS_DESTROYING) return;
    asy_stream_final_done(&st->tls->stream, status);
}

ASY__INTERNAL void asy__tls_do_final(asy__tls_state *st) {
    asy_stream_t *t = st->tls->transport;
    int r;
    if (!(st->flags & ASY__TLS_FINAL) || (st->flags & ASY__TLS_NOTIFY_SENT)) return;
    st->flags |= ASY__TLS_NOTIFY_SENT;
    mbedtls_ssl_close_notify(&st->ssl);
    asy__tls_flush(st);
    if (asy_stream_writable_ended(t)) {
        asy_stream_final_done(&st->tls->stream, 0);
        return;
    }
    r = asy_stream_end(t, asy__tls_transport_final, st);
    if (r != 0) asy_stream_final_done(&st->tls->stream, r);
}

ASY__INTERNAL void asy__tls_do_reads(asy__tls_state *st) {
    asy_stream_t *s = &st->tls->stream;
    while (!(st->flags & (ASY__TLS_R_BLOCKED | ASY__TLS_PEER_DONE | ASY__TLS_FAILED |
                          ASY__TLS_DESTROYING))) {
        int r = mbedtls_ssl_read(&st->ssl, st->scratch, sizeof(st->scratch));
        asy__tls_flush(st);
        if (r > 0) {
            int p = asy_stream_push_bytes(s, st->scratch, (size_t)r);
            if (p == 0) st->flags |= ASY__TLS_R_BLOCKED;
            else if (p < 0) {
                if (p != ASY_EPUSH_AFTER_EOF) asy__tls_fail(st, p, 0);
                return;
            }
            continue;
        }
        if (r == MBEDTLS_ERR_SSL_WANT_READ || r == MBEDTLS_ERR_SSL_WANT_WRITE) return;
        if (r == 0 || r == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || r == MBEDTLS_ERR_SSL_CONN_EOF) {
            /* close_notify, or a bare FIN after the handshake (Node
             * accepts a truncated stream too) */
            st->flags |= ASY__TLS_PEER_DONE;
            asy_stream_push_end(s);
            asy_stream_read(s, 0, NULL);
            return;
        }
        asy__tls_fail(st, asy__tls_map_error(r), 1);
        return;
    }
}

ASY__INTERNAL void asy__tls_finish_destroy(asy__tls_state *st);

ASY__INTERNAL void asy__tls_drive(asy__tls_state *st) {
    asy_stream_t *t;
    if (st->in_drive) {
        st->again = 1;
        return;
    }
    st->in_drive = 1;
    do {
        st->again = 0;
        if (st->flags & (ASY__TLS_FAILED | ASY__TLS_DESTROYING)) break;
        if (!(st->flags & ASY__TLS_SECURE)) {
            if (asy__tls_handshake(st) <= 0) continue;
        }
        asy__tls_do_writes(st);
        if (st->flags & (ASY__TLS_FAILED | ASY__TLS_DESTROYING)) break;
        if (!(st->flags & ASY__TLS_WPENDING)) asy__tls_do_final(st);
        asy__tls_do_reads(st);
    } while (st->again);
    st->in_drive = 0;
    if (st->flags & ASY__TLS_FREE_LATER) {
        asy__tls_finish_destroy(st);
        return;
    }
    /* read the transport only while its bytes can go somewhere */
    t = st->tls->transport;
    if (!(st->flags & (ASY__TLS_DESTROYING | ASY__TLS_T_EOF | ASY__TLS_T_CLOSED))) {
        int want = !(st->flags & ASY__TLS_R_BLOCKED) || !(st->flags & ASY__TLS_SECURE);
        if (asy_bufchain_len(&st->in) >= ASY__TLS_IN_MAX) want = 0;
        if (!want && !(st->flags & ASY__TLS_T_PAUSED)) {
            st->flags |= ASY__TLS_T_PAUSED;
            asy_stream_pause(t);
        } else if (want && (st->flags & ASY__TLS_T_PAUSED)) {
            st->flags &= ~(unsigned)ASY__TLS_T_PAUSED;
            asy_stream_resume(t);
        }
    }
}

/* ---- the transport's events ----------------------------------------------- */

ASY__INTERNAL void asy__tls_t_data(asy_stream_t *t, const asy_buf_t *chunk) {
    asy__tls_state *st = (asy__tls_state *)t->data;
    if (st->flags & (ASY__TLS_FAILED | ASY__TLS_DESTROYING)) return;
    if (asy_bufchain_append(&st->in, chunk) != 0) {
        asy__tls_fail(st, ASY_ENOMEM, 0);
        return;
    }
    asy__tls_drive(st);
}

ASY__INTERNAL void asy__tls_t_end(asy_stream_t *t) {
    asy__tls_state *st = (asy__tls_state *)t->data;
    st->flags |= ASY__TLS_T_EOF;
    if (st->flags & (ASY__TLS_FAILED | ASY__TLS_DESTROYING)) return;
    st->flags &= ~(unsigned)ASY__TLS_R_BLOCKED; /* let the EOF be seen */
    asy__tls_drive(st);
}

ASY__INTERNAL void asy__tls_t_drain(asy_stream_t *t) {
    asy__tls_state *st = (asy__tls_state *)t->data;
    st->flags &= ~(unsigned)ASY__TLS_NEED_DRAIN;
    if (st->flags & (ASY__TLS_FAILED | ASY__TLS_DESTROYING)) return;
    asy__tls_drive(st);
}

ASY__INTERNAL void asy__tls_t_error(asy_stream_t *t, int err) {
    asy__tls_state *st = (asy__tls_state *)t->data;
    if (st->flags & (ASY__TLS_FAILED | ASY__TLS_DESTROYING)) return;
    /* a reset during the handshake is the handshake's failure */
    asy__tls_fail(st, err, 0);
}

ASY__INTERNAL void asy__tls_t_close(asy_stream_t *t) {
    asy__tls_state *st = (asy__tls_state *)t->data;
    st->flags |= ASY__TLS_T_CLOSED;
    if (st->flags & ASY__TLS_DESTROYING) {
        if (st->in_drive)
            st->flags |= ASY__TLS_FREE_LATER;
        else
            asy__tls_finish_destroy(st);
        return;
    }
    if (!(st->flags & ASY__TLS_SECURE)) {
        asy__tls_fail(st, ASY_ETLS_CLOSED, 0);
        return;
    }
    if (!asy_stream_is_destroyed(&st->tls->stream))
        asy_stream_destroy(&st->tls->stream, (st->flags & ASY__TLS_PEER_DONE) ? 0 : ASY_ECONNRESET);
}

static const asy_stream_events_t asy__tls_transport_events = {
    asy__tls_t_data, NULL, asy__tls_t_end, asy__tls_t_error, asy__tls_t_drain,
    NULL,            asy__tls_t_close, NULL, NULL};

/* ---- the cleartext stream's implementation -------------------------------- */

ASY__INTERNAL void asy__tls_read(asy_stream_t *s, size_t size) {
    asy__tls_state *st = asy__tls_of(s);
    (void)size;
    st->flags &= ~(unsigned)ASY__TLS_R_BLOCKED;
    asy__tls_drive(st);
}

ASY__INTERNAL void asy__tls_write(asy_stream_t *s, const asy_buf_t *chunk) {
    asy__tls_state *st = asy__tls_of(s);
    if (asy_buf_retain(&st->wchunk, chunk) != 0) {
        asy_stream_write_done(s, ASY_ENOMEM);
        return;
    }
    st->woff = 0;
    st->flags |= ASY__TLS_WPENDING;
    asy__tls_drive(st);
}

ASY__INTERNAL void asy__tls_final(asy_stream_t *s) {
    asy__tls_state *st = asy__tls_of(s);
    st->flags |= ASY__TLS_FINAL;
    asy__tls_drive(st);
}

ASY__INTERNAL void asy__tls_free_state(asy__tls_state *st) {
    mbedtls_ssl_free(&st->ssl);
    asy_bufchain_reset(&st->in);
    asy_buf_release(&st->out);
    asy_buf_release(&st->wchunk);
    if (st->sni_ctx) asy_tls_context_unref(st->sni_ctx);
    asy_tls_context_unref(st->ctx);
    asy__free(st->own_sock);
    asy__free(st);
}

ASY__INTERNAL void asy__tls_finish_destroy(asy__tls_state *st) {
    asy_tls_t *tls = st->tls;
    int err = st->destroy_err;
    int wpending = (st->flags & ASY__TLS_WPENDING) != 0;
    int final_wait = (st->flags & ASY__TLS_FINAL) && !(st->flags & ASY__TLS_NOTIFY_SENT);
    tls->st_ = NULL;
    asy__tls_free_state(st);
    tls->transport = NULL;
    if (wpending) asy_stream_write_done(&tls->stream, err ? err : ASY_ESTREAM_DESTROYED);
    if (final_wait) asy_stream_final_done(&tls->stream, err ? err : ASY_ESTREAM_DESTROYED);
    asy_stream_destroy_done(&tls->stream, err);
}

ASY__INTERNAL void asy__tls_t_sent_destroy(asy_stream_t *t, int status, void *arg) {
    (void)status;
    (void)arg;
    if (!asy_stream_is_destroyed(t)) asy_stream_destroy(t, 0);
}

ASY__INTERNAL void asy__tls_destroy(asy_stream_t *s, int err) {
    asy__tls_state *st = asy__tls_of(s);
    asy_stream_t *t = st->tls->transport;
    st->flags |= ASY__TLS_DESTROYING;
    st->destroy_err = err;
    asy__tls_timer_stop(st);
    if (st->flags & ASY__TLS_T_CLOSED) {
        if (st->in_drive)
            st->flags |= ASY__TLS_FREE_LATER;
        else
            asy__tls_finish_destroy(st);
        return;
    }
    if (st->flags & ASY__TLS_T_PAUSED) asy_stream_resume(t);
    if ((st->flags & ASY__TLS_FAILED) && !asy_stream_writable_ended(t) &&
        asy_stream_writable_length(t) > 0) {
        /* an alert is queued: send it, then close */
        if (asy_stream_end(t, asy__tls_t_sent_destroy, NULL) == 0) return;
    }
    if (!asy_stream_is_destroyed(t)) asy_stream_destroy(t, 0);
}

static const asy_stream_impl_t asy__tls_impl = {
    NULL, asy__tls_read, asy__tls_write, NULL, asy__tls_final, asy__tls_destroy, NULL, NULL};

/* ---- creating ------------------------------------------------------------- */

ASY__INTERNAL int asy__tls_is_ip(const char *s) {
    unsigned char b[16];
    return inet_pton(AF_INET, s, b) == 1 || inet_pton(AF_INET6, s, b) == 1;
}

ASY__INTERNAL int asy__tls_setup(asy_loop_t *loop, asy_tls_t *tls, asy_stream_t *transport,
                                 const asy_tls_opts_t *opts, asy_socket_t *own) {
    asy_tls_opts_t o;
    asy_tls_context_t *ctx;
    asy__tls_state *st;
    asy_stream_opts_t so;
    int r;
    if (opts)
        o = *opts;
    else
        memset(&o, 0, sizeof(o));
    if (o.servername && strlen(o.servername) >= sizeof(st->servername)) return ASY_EINVAL;
    ctx = o.context;
    if (ctx) {
        asy_tls_context_ref(ctx);
    } else if ((r = asy_tls_context_new(&ctx, ASY_TLS_CLIENT, NULL)) != 0) {
        return r;
    }
    st = ASY__NEW(asy__tls_state);
    if (!st) {
        asy_tls_context_unref(ctx);
        return ASY_ENOMEM;
    }
    memset(st, 0, sizeof(*st));
    mbedtls_ssl_init(&st->ssl);
    asy_bufchain_init(&st->in);
    st->tls = tls;
    st->loop = loop;
    st->ctx = ctx;
    st->opts = o;
    st->opts.session = NULL;
    if (ctx->role == ASY_TLS_SERVER) st->flags |= ASY__TLS_SERVER;
    r = mbedtls_ssl_setup(&st->ssl, &ctx->conf) == 0 ? 0 : ASY_ENOMEM;
    if (r == 0 && o.servername && !(st->flags & ASY__TLS_SERVER)) {
        strcpy(st->servername, o.servername);
        if (asy__tls_is_ip(o.servername))
            st->flags |= ASY__TLS_SNI_IP; /* no SNI for an address (RFC 6066) */
        else if (mbedtls_ssl_set_hostname(&st->ssl, o.servername) != 0)
            r = ASY_EINVAL;
    }
    if (r == 0 && o.session && !(st->flags & ASY__TLS_SERVER)) {
        mbedtls_ssl_session sess;
        mbedtls_ssl_session_init(&sess);
        if (mbedtls_ssl_session_load(&sess, o.session->data, o.session->len) != 0 ||
            mbedtls_ssl_set_session(&st->ssl, &sess) != 0)
            r = ASY_EINVAL;
        mbedtls_ssl_session_free(&sess);
    }
    memset(&so, 0, sizeof(so));
    so.high_water_mark = o.high_water_mark;
    so.no_half_open = !o.allow_half_open;
    if (r == 0) r = asy_duplex_init(loop, &tls->stream, &asy__tls_impl, &so);
    if (r != 0) {
        mbedtls_ssl_free(&st->ssl);
        asy_tls_context_unref(ctx);
        asy__free(st);
        return r;
    }
    tls->stream.impl_data = tls;
    tls->st_ = st;
    tls->transport = transport;
    st->own_sock = own;
    mbedtls_ssl_set_bio(&st->ssl, st, asy__tls_send, asy__tls_recv, NULL);
    transport->data = st;
    asy_stream_set_events(transport, &asy__tls_transport_events);
    if (o.handshake_timeout_ms != ASY_TLS_NO_TIMEOUT)
        st->timer = asy_set_timeout(loop, asy__tls_timeout, st,
                                    o.handshake_timeout_ms ? o.handshake_timeout_ms : 120000);
    asy__tls_drive(st); /* a client's hello goes out at once */
    return 0;
}

/* A socket of ours that never got wrapped: destroyed, freed at its close. */
ASY__INTERNAL void asy__tls_orphan_closed(asy_stream_t *s) { asy__free(s->data); }

static const asy_stream_events_t asy__tls_orphan_events = {
    NULL, NULL, NULL, NULL, NULL, NULL, asy__tls_orphan_closed, NULL, NULL};

ASY__INTERNAL void asy__tls_orphan(asy_socket_t *sock, int err) {
    sock->stream.data = sock;
    asy_stream_set_events(&sock->stream, &asy__tls_orphan_events);
    asy_stream_destroy(&sock->stream, err);
}

ASYNCRT_API int asy_tls_wrap(asy_loop_t *loop, asy_tls_t *tls, asy_stream_t *transport,
                             const asy_tls_opts_t *opts) {
    if (!loop || !tls || !transport) return ASY_EINVAL;
    if (asy_stream_is_destroyed(transport)) return ASY_ESTREAM_DESTROYED;
    return asy__tls_setup(loop, tls, transport, opts, NULL);
}

ASYNCRT_API int asy_tls_connect(asy_loop_t *loop, asy_tls_t *tls, const char *ip, int port,
                                const asy_tls_opts_t *opts, asy_tls_secure_cb cb) {
    asy_tls_opts_t o;
    asy_socket_t *sock;
    asy_socket_opts_t so;
    int r;
    if (!loop || !tls || !ip) return ASY_EINVAL;
    if (opts)
        o = *opts;
    else
        memset(&o, 0, sizeof(o));
    if (o.context && o.context->role != ASY_TLS_CLIENT) return ASY_EINVAL;
    if (cb) o.on_secure = cb;
    /* as Node: the host is what the certificate must name */
    if (!o.servername) o.servername = ip;
    sock = ASY__NEW(asy_socket_t);
    if (!sock) return ASY_ENOMEM;
    memset(&so, 0, sizeof(so));
    so.allow_half_open = 1; /* our close_notify, then our FIN */
    so.no_delay = 1;
    /* four full records in flight before the writer waits for a drain */
    so.high_water_mark = 64 * 1024;
    if ((r = asy_socket_init(loop, sock, &so)) != 0) {
        asy__free(sock);
        return r;
    }
    r = asy_socket_connect(sock, ip, port, NULL);
    if (r == 0) r = asy__tls_setup(loop, tls, &sock->stream, &o, sock);
    if (r != 0) asy__tls_orphan(sock, 0);
    return r;
}

/* ---- getters -------------------------------------------------------------- */

ASYNCRT_API int asy_tls_authorized(const asy_tls_t *tls) {
    return tls && tls->st_ && (tls->st_->flags & ASY__TLS_AUTHORIZED) ? 1 : 0;
}

ASYNCRT_API int asy_tls_authorization_error(const asy_tls_t *tls) {
    return tls && tls->st_ ? tls->st_->verify_err : 0;
}

ASYNCRT_API const char *asy_tls_alpn_protocol(const asy_tls_t *tls) {
    if (!tls || !tls->st_ || !(tls->st_->flags & ASY__TLS_SECURE)) return NULL;
    return mbedtls_ssl_get_alpn_protocol(&tls->st_->ssl);
}

ASYNCRT_API const char *asy_tls_servername(const asy_tls_t *tls) {
    if (!tls || !tls->st_ || !tls->st_->servername[0]) return NULL;
    return tls->st_->servername;
}

ASYNCRT_API const char *asy_tls_protocol(const asy_tls_t *tls) {
    if (!tls || !tls->st_ || !(tls->st_->flags & ASY__TLS_SECURE)) return NULL;
    return "TLSv1.2";
}

ASYNCRT_API const char *asy_tls_cipher(const asy_tls_t *tls) {
    if (!tls || !tls->st_ || !(tls->st_->flags & ASY__TLS_SECURE)) return NULL;
    return mbedtls_ssl_get_ciphersuite(&tls->st_->ssl);
}

ASYNCRT_API int asy_tls_is_session_reused(const asy_tls_t *tls) {
    return tls && tls->st_ && (tls->st_->flags & ASY__TLS_SECURE) &&
                   (tls->st_->flags & ASY__TLS_RESUMED)
               ? 1
               : 0;
}

ASYNCRT_API int asy_tls_get_session(const asy_tls_t *tls, asy_buf_t *out) {
    mbedtls_ssl_session sess;
    size_t len = 0;
    int r;
    if (out) asy_buf_init(out);
    if (!tls || !out || !tls->st_ || !(tls->st_->flags & ASY__TLS_SECURE) ||
        (tls->st_->flags & ASY__TLS_SERVER))
        return ASY_EINVAL;
    mbedtls_ssl_session_init(&sess);
    if (mbedtls_ssl_get_session(&tls->st_->ssl, &sess) != 0) {
        mbedtls_ssl_session_free(&sess);
        return ASY_EINVAL;
    }
    r = mbedtls_ssl_session_save(&sess, NULL, 0, &len);
    if (r == MBEDTLS_ERR_SSL_BUFFER_TOO_SMALL && len > 0 && asy_buf_alloc(out, len) == 0) {
        r = mbedtls_ssl_session_save(&sess, out->data, out->len, &len);
        if (r != 0) asy_buf_release(out);
    } else {
        r = ASY_ENOMEM;
    }
    mbedtls_ssl_session_free(&sess);
    return r == 0 ? 0 : (r == ASY_ENOMEM ? r : ASY_ETLS);
}

#endif
