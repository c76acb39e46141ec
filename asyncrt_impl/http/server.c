/* http.Server over TCP handles (server.h, docs/http.md).
 *
 * A connection reads into the loop's buffer and parses straight out of
 * it; only bytes that cannot be used yet (a partial head, the next
 * pipelined request while a response is pending) are copied into the
 * connection's own buffer.  One request/response pair (an "exchange") is
 * served at a time, so responses leave in request order; its head is
 * copied into the exchange so that it outlives the read buffer.
 * Exchanges are recycled through a free list on the server: steady state
 * allocates nothing per request.
 *
 * Output: every response byte is appended to the connection's output
 * buffer and the buffer is written from the check phase, once per loop
 * iteration, so all responses produced by one read batch leave in one
 * write.  Two buffers alternate: one in the kernel's hands, one filling.
 * A response's write completes (for backpressure) only while the bytes
 * not yet taken by the kernel stay below the highWaterMark. */
#include "server.h"
#include "parser.internal.h"
#include "../base/queue.h"
#include "../buf/buf.h"
#include "../loop/timer.h"
#include "../loop/loop.h"
#include "../stream/stream.internal.h"
#include "../net/tcp.h"
#if ASYNCRT_OS_POSIX

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* conn->flags */
enum {
    ASY__HC_CLOSING = 1u << 0,      /* asy_close called */
    ASY__HC_READING = 1u << 1,
    ASY__HC_WRITING = 1u << 2,      /* a write is in the kernel's hands */
    ASY__HC_NO_MORE = 1u << 3,      /* no request after the current one */
    ASY__HC_CLOSE_AFTER = 1u << 4,  /* close once the output is out */
    ASY__HC_LINGER = 1u << 5,       /* write side shut: drain until EOF */
    ASY__HC_BODY_PAUSED = 1u << 6,  /* the request stream wants no more */
    ASY__HC_IN_CONSUME = 1u << 7,   /* consume() is on the stack */
    ASY__HC_DIRTY = 1u << 8,        /* on the server's dirty list */
    ASY__HC_PEER_ENDED = 1u << 9,
    ASY__HC_REJECTED = 1u << 10,
    ASY__HC_IO_CLOSED = 1u << 11    /* stream transport: its on_close ran */
};

/* conn->state: where the parser is */
enum { ASY__HS_HEAD, ASY__HS_BODY_CL, ASY__HS_BODY_CHUNKED, ASY__HS_TRAILERS, ASY__HS_WAIT };

/* exch->rflags */
enum {
    ASY__HX_HEADERS_SENT = 1u << 0,
    ASY__HX_CHUNKED = 1u << 1,
    ASY__HX_NO_BODY = 1u << 2,      /* HEAD, 1xx, 204, 304 */
    ASY__HX_KEEP_ALIVE = 1u << 3,
    ASY__HX_WRITE_WAIT = 1u << 4,   /* a stream write waits for the output */
    ASY__HX_FINISHED = 1u << 5,     /* the response is complete */
    ASY__HX_REQ_CLOSED = 1u << 6,
    ASY__HX_RES_CLOSED = 1u << 7,
    ASY__HX_BODY_DONE = 1u << 8,    /* the request body was all read */
    ASY__HX_CONTINUE_SENT = 1u << 9,
    ASY__HX_HEAD_REQ = 1u << 10,
    ASY__HX_HTTP10 = 1u << 11,
    ASY__HX_DEAD = 1u << 12         /* its connection is gone */
};

/* srv->state_ */
enum {
    ASY__HSRV_LISTENING = 1,
    ASY__HSRV_CLOSING = 2,
    ASY__HSRV_HANDLES = 4,
    ASY__HSRV_DONE = 8,
    /* out of memory for a connection: it waits in the backlog and the
     * timeout timer takes it on its next tick (at most a second) */
    ASY__HSRV_ACCEPT_WAIT = 16
};

#define ASY__HTTP_LINGER_MS 2000
#define ASY__HTTP_FREE_EXCH_MAX 1024
#define ASY__HTTP_CLOSE_GRACE_MS 500

typedef struct {
    size_t off, nlen, vlen; /* name at off, value at off + nlen; nlen 0: removed */
} asy__http_rh;

struct asy__http_conn {
    asy_tcp_t tcp; /* the transport, unless io is set */
    /* The transport seam: a connection reads and writes either its TCP
     * handle (the loop's buffer, no copy: plain http) or any Duplex the
     * caller hands to asy_http_server_serve (a TLS stream for https).
     * The branches on io below are the only places that differ. */
    asy_stream_t *io;
    asy__stream_listener io_l;
    asy__queue link, dirty_link;
    asy_http_server_t *srv;
    char *in;
    size_t in_len, in_cap;
    char *out[2];
    size_t out_len[2], out_cap[2];
    int out_cur;
    size_t inflight;
    asy_write_t wreq;
    asy_shutdown_t sreq;
    asy__http_exch *cur;   /* the exchange being served */
    asy__http_exch *bodyx; /* the exchange whose body is being read (or NULL: discard) */
    asy_http_chunked_t ck;
    uint64_t body_left, body_total;
    uint64_t t_head, t_req, t_idle, t_linger;
    unsigned flags, state, nreq;
};

struct asy__http_exch {
    asy_http_req_t req;
    asy_http_res_t res;
    asy__queue link;
    asy__http_conn *conn;
    asy__stream_listener req_l, res_l;
    unsigned rflags;
    char *hb; /* the request head, then its trailers */
    size_t hb_cap;
    asy_http_header_t *hdrs;
    size_t hdrs_cap;
    char *tb; /* the request's trailer section */
    size_t tb_cap;
    asy_http_header_t *thdrs;
    size_t thdrs_cap;
    char *rs; /* response header storage */
    size_t rs_len, rs_cap;
    asy__http_rh *rh;
    size_t nrh, rh_cap;
    char *tr; /* trailers to send: "Name: value\r\n"... */
    size_t tr_len, tr_cap;
    size_t reason_off, reason_len; /* in rs; reason_len 0: the standard text */
    int64_t end_len; /* end() with no earlier write: its length; else -1 */
};

ASY__INTERNAL int asy__http_grow(char **p, size_t *cap, size_t need) {
    size_t n = *cap ? *cap : 256;
    char *q;
    if (need <= *cap) return 0;
    while (n < need) n *= 2;
    q = (char *)asy__realloc(*p, n);
    if (!q) return ASY_ENOMEM;
    *p = q;
    *cap = n;
    return 0;
}

/* Case-insensitive equality of n bytes (ASCII). */
ASY__INTERNAL int asy__http_ieq(const char *a, const char *b, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (x >= 'A' && x <= 'Z') x = (unsigned char)(x + 32);
        if (y >= 'A' && y <= 'Z') y = (unsigned char)(y + 32);
        if (x != y) return 0;
    }
    return 1;
}

/* ---- output -------------------------------------------------------------- */

ASY__INTERNAL size_t asy__http_pending(const asy__http_conn *c) {
    return c->out_len[c->out_cur] + c->inflight;
}

ASY__INTERNAL int asy__http_out(asy__http_conn *c, const void *data, size_t n) {
    int k = c->out_cur;
    if (asy__http_grow(&c->out[k], &c->out_cap[k], c->out_len[k] + n) != 0) return ASY_ENOMEM;
    memcpy(c->out[k] + c->out_len[k], data, n);
    c->out_len[k] += n;
    return 0;
}

ASY__INTERNAL int asy__http_outs(asy__http_conn *c, const char *s) {
    return asy__http_out(c, s, strlen(s));
}

ASY__INTERNAL void asy__http_flush_cb(asy_phase_t *h);

ASY__INTERNAL void asy__http_mark_dirty(asy__http_conn *c) {
    asy_http_server_t *srv = c->srv;
    if (c->flags & (ASY__HC_DIRTY | ASY__HC_CLOSING)) return;
    c->flags |= ASY__HC_DIRTY;
    asy__queue_insert_tail(&srv->dirty_, &c->dirty_link);
    /* The check phase flushes what a poll-phase read produced in the same
     * iteration; the idle handle covers output made elsewhere (a timer,
     * the pending phase) and keeps the poll from blocking before it. */
    if (!asy_is_active((asy_handle_t *)&srv->flush_)) {
        asy_check_start(&srv->flush_, asy__http_flush_cb);
        asy_idle_start(&srv->idle_, asy__http_flush_cb);
    }
}

ASY__INTERNAL void asy__http_close_conn(asy__http_conn *c, int err);
ASY__INTERNAL void asy__http_write_cb(asy_write_t *req, int status);
ASY__INTERNAL int asy__http_io_write(asy__http_conn *c, const asy_iov_t *iov);
ASY__INTERNAL void asy__http_read_cb(asy_sock_t *s, ptrdiff_t nread, const asy_iov_t *buf);
ASY__INTERNAL void asy__http_update_reading(asy__http_conn *c);

ASY__INTERNAL void asy__http_shutdown_cb(asy_shutdown_t *req, int status) {
    asy__http_conn *c = (asy__http_conn *)req->data;
    if (status < 0 && !(c->flags & ASY__HC_CLOSING)) asy__http_close_conn(c, 0);
}

ASY__INTERNAL void asy__http_io_ended(asy_stream_t *s, int status, void *arg) {
    asy__http_conn *c = (asy__http_conn *)arg;
    (void)s;
    if (status < 0 && !(c->flags & ASY__HC_CLOSING)) asy__http_close_conn(c, 0);
}

/* Nothing more will be sent: shut the write side and read until the peer
 * closes (or ASY__HTTP_LINGER_MS), so the client reads our last response
 * instead of a reset caused by unread bytes (nginx's lingering close). */
ASY__INTERNAL void asy__http_linger(asy__http_conn *c) {
    if (c->flags & (ASY__HC_LINGER | ASY__HC_CLOSING)) return;
    if (c->flags & ASY__HC_PEER_ENDED) {
        asy__http_close_conn(c, 0);
        return;
    }
    c->flags |= ASY__HC_LINGER;
    c->t_linger = asy_now(c->srv->loop);
    c->sreq.data = c;
    if (c->io ? asy_stream_end(c->io, asy__http_io_ended, c) != 0
              : asy_sock_shutdown(&c->sreq, (asy_sock_t *)&c->tcp, asy__http_shutdown_cb) != 0) {
        asy__http_close_conn(c, 0);
        return;
    }
    asy__http_update_reading(c);
}

ASY__INTERNAL void asy__http_flush(asy__http_conn *c) {
    asy_iov_t iov;
    int k = c->out_cur;
    if (c->flags & (ASY__HC_WRITING | ASY__HC_CLOSING)) return;
    if (c->out_len[k] == 0) {
        if ((c->flags & ASY__HC_CLOSE_AFTER) && !c->cur) asy__http_linger(c);
        return;
    }
    iov.base = c->out[k];
    iov.len = c->out_len[k];
    c->wreq.data = c;
    if (c->io ? asy__http_io_write(c, &iov) != 0
              : asy_sock_write(&c->wreq, (asy_sock_t *)&c->tcp, &iov, 1, asy__http_write_cb) != 0) {
        asy__http_close_conn(c, ASY_EPIPE);
        return;
    }
    c->flags |= ASY__HC_WRITING;
    c->inflight = c->out_len[k];
    c->out_cur = k ^ 1;
}

ASY__INTERNAL void asy__http_flush_cb(asy_phase_t *h) {
    asy_http_server_t *srv = (asy_http_server_t *)h->data;
    while (!asy__queue_empty(&srv->dirty_)) {
        asy__queue *q = asy__queue_head(&srv->dirty_);
        asy__http_conn *c = ASY_CONTAINER_OF(q, asy__http_conn, dirty_link);
        asy__queue_remove(q);
        c->flags &= ~(unsigned)ASY__HC_DIRTY;
        asy__http_flush(c);
    }
    asy_check_stop(&srv->flush_);
    asy_idle_stop(&srv->idle_);
}

ASY__INTERNAL void asy__http_consume_buffered(asy__http_conn *c);

/* The output went below the highWaterMark: a waiting response write is
 * done, and reading may go on. */
ASY__INTERNAL void asy__http_output_drained(asy__http_conn *c) {
    asy__http_exch *x = c->cur;
    size_t hwm = c->srv->opts_.high_water_mark;
    if (asy__http_pending(c) >= hwm) return;
    if (x && (x->rflags & ASY__HX_WRITE_WAIT)) {
        x->rflags &= ~(unsigned)ASY__HX_WRITE_WAIT;
        asy_stream_write_done(&x->res.stream, 0);
    }
}

ASY__INTERNAL void asy__http_write_done(asy__http_conn *c, int status);

ASY__INTERNAL void asy__http_write_cb(asy_write_t *req, int status) {
    asy__http_write_done((asy__http_conn *)req->data, status);
}

ASY__INTERNAL void asy__http_io_written(asy_stream_t *s, int status, void *arg) {
    (void)s;
    asy__http_write_done((asy__http_conn *)arg, status);
}

/* The stream keeps a view of the output buffer until the write's callback
 * (the buffer stays put until then, as for the socket write). */
ASY__INTERNAL int asy__http_io_write(asy__http_conn *c, const asy_iov_t *iov) {
    asy_buf_t b;
    int r = asy_buf_from_external(&b, iov->base, iov->len, NULL, NULL);
    if (r != 0) return r;
    r = asy_stream_write(c->io, &b, asy__http_io_written, c);
    asy_buf_release(&b);
    return r < 0 ? r : 0;
}

ASY__INTERNAL void asy__http_write_done(asy__http_conn *c, int status) {
    c->flags &= ~(unsigned)ASY__HC_WRITING;
    c->out_len[c->out_cur ^ 1] = 0;
    c->inflight = 0;
    if (c->flags & ASY__HC_CLOSING) return;
    if (status < 0) {
        asy__http_close_conn(c, status);
        return;
    }
    asy__http_output_drained(c);
    if (c->flags & ASY__HC_CLOSING) return;
    if (c->out_len[c->out_cur]) {
        asy__http_flush(c);
    } else if ((c->flags & ASY__HC_CLOSE_AFTER) && !c->cur) {
        asy__http_linger(c);
    } else if (!c->cur) {
        /* idle: give back big buffers */
        int k;
        for (k = 0; k < 2; k++)
            if (c->out_cap[k] > 65536) {
                asy__free(c->out[k]);
                c->out[k] = NULL;
                c->out_cap[k] = 0;
            }
    }
    asy__http_update_reading(c);
}

/* ---- Date ---------------------------------------------------------------- */

ASY__INTERNAL const char *asy__http_date(asy_http_server_t *srv) {
    static const char days[] = "SunMonTueWedThuFriSat";
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    time_t now = time(NULL);
    if ((long long)now != srv->date_sec_) {
        struct tm tm;
        gmtime_r(&now, &tm);
        snprintf(srv->date_, sizeof(srv->date_), "Date: %.3s, %02d %.3s %04d %02d:%02d:%02d GMT\r\n",
                 days + 3 * tm.tm_wday, tm.tm_mday, months + 3 * tm.tm_mon, tm.tm_year + 1900,
                 tm.tm_hour, tm.tm_min, tm.tm_sec);
        srv->date_sec_ = (long long)now;
    }
    return srv->date_;
}

/* ---- the response head --------------------------------------------------- */

ASY__INTERNAL ptrdiff_t asy__http_rh_find(const asy__http_exch *x, const char *name) {
    size_t i, n = strlen(name);
    for (i = 0; i < x->nrh; i++)
        if (x->rh[i].nlen == n && asy__http_ieq(x->rs + x->rh[i].off, name, n)) return (ptrdiff_t)i;
    return -1;
}

ASY__INTERNAL int asy__http_u64(char *out, uint64_t v) {
    char tmp[24];
    int n = 0, i;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (i = 0; i < n; i++) out[i] = tmp[n - 1 - i];
    return n;
}

/* Writes the status line and headers; final: end() was called (the whole
 * body is known: end_len, or 0). */
ASY__INTERNAL int asy__http_emit_head(asy__http_exch *x, int final) {
    asy__http_conn *c = x->conn;
    asy_http_server_t *srv = c->srv;
    int status = x->res.status_code, has_cl = 0, has_te = 0, has_date = 0, conn_close = 0;
    char line[64];
    size_t i;
    int n, r = 0;
    x->rflags |= ASY__HX_HEADERS_SENT;
    if (status / 100 == 1 || status == 204 || status == 304 || (x->rflags & ASY__HX_HEAD_REQ))
        x->rflags |= ASY__HX_NO_BODY;
    memcpy(line, "HTTP/1.1 ", 9);
    line[9] = (char)('0' + status / 100 % 10);
    line[10] = (char)('0' + status / 10 % 10);
    line[11] = (char)('0' + status % 10);
    line[12] = ' ';
    r |= asy__http_out(c, line, 13);
    if (x->reason_len)
        r |= asy__http_out(c, x->rs + x->reason_off, x->reason_len);
    else
        r |= asy__http_outs(c, asy_http_status_text(status));
    r |= asy__http_out(c, "\r\n", 2);
    for (i = 0; i < x->nrh; i++) {
        const asy__http_rh *h = &x->rh[i];
        const char *name = x->rs + h->off, *val = name + h->nlen;
        if (!h->nlen) continue;
        if (h->nlen == 14 && asy__http_ieq(name, "content-length", 14)) has_cl = 1;
        if (h->nlen == 17 && asy__http_ieq(name, "transfer-encoding", 17)) {
            has_te = 1;
            if (h->vlen >= 7 && asy__http_ieq(val + h->vlen - 7, "chunked", 7))
                x->rflags |= ASY__HX_CHUNKED;
        }
        if (h->nlen == 4 && asy__http_ieq(name, "date", 4)) has_date = 1;
        if (h->nlen == 10 && asy__http_ieq(name, "connection", 10) &&
            asy_http_name_eq(val, h->vlen, "close"))
            conn_close = 1;
        r |= asy__http_out(c, name, h->nlen);
        r |= asy__http_out(c, ": ", 2);
        r |= asy__http_out(c, val, h->vlen);
        r |= asy__http_out(c, "\r\n", 2);
    }
    if (!has_date && !srv->opts_.no_date) r |= asy__http_outs(c, asy__http_date(srv));
    if (status / 100 == 1 || status == 204 || status == 304) {
        x->rflags &= ~(unsigned)ASY__HX_CHUNKED;
    } else if (!has_cl && !has_te) {
        if (final) {
            memcpy(line, "Content-Length: ", 16);
            n = 16 + asy__http_u64(line + 16, (uint64_t)(x->end_len > 0 ? x->end_len : 0));
            line[n++] = '\r';
            line[n++] = '\n';
            r |= asy__http_out(c, line, (size_t)n);
        } else if (!(x->rflags & ASY__HX_HTTP10)) {
            r |= asy__http_outs(c, "Transfer-Encoding: chunked\r\n");
            x->rflags |= ASY__HX_CHUNKED;
        } else {
            /* HTTP/1.0 without a length: the close ends the body */
            x->rflags &= ~(unsigned)ASY__HX_KEEP_ALIVE;
        }
    }
    if (conn_close) x->rflags &= ~(unsigned)ASY__HX_KEEP_ALIVE;
    if (!(x->rflags & ASY__HX_KEEP_ALIVE)) {
        if (!conn_close) r |= asy__http_outs(c, "Connection: close\r\n");
        c->flags |= ASY__HC_NO_MORE;
    } else if (x->rflags & ASY__HX_HTTP10) {
        r |= asy__http_outs(c, "Connection: keep-alive\r\n");
    }
    r |= asy__http_out(c, "\r\n", 2);
    asy__http_mark_dirty(c);
    return r ? ASY_ENOMEM : 0;
}

ASY__INTERNAL int asy__http_body(asy__http_exch *x, const void *data, size_t n) {
    asy__http_conn *c = x->conn;
    char hex[24];
    int k = 0, r = 0;
    if ((x->rflags & ASY__HX_NO_BODY) || n == 0) return 0;
    if (x->rflags & ASY__HX_CHUNKED) {
        size_t v = n;
        char tmp[20];
        int m = 0;
        do {
            tmp[m++] = "0123456789abcdef"[v & 15];
            v >>= 4;
        } while (v);
        while (m) hex[k++] = tmp[--m];
        hex[k++] = '\r';
        hex[k++] = '\n';
        r |= asy__http_out(c, hex, (size_t)k);
        r |= asy__http_out(c, data, n);
        r |= asy__http_out(c, "\r\n", 2);
    } else {
        r = asy__http_out(c, data, n);
    }
    asy__http_mark_dirty(c);
    return r ? ASY_ENOMEM : 0;
}

/* ---- the response stream ------------------------------------------------- */

ASY__INTERNAL void asy__http_res_write(asy_stream_t *s, const asy_buf_t *chunk) {
    asy_http_res_t *res = (asy_http_res_t *)s;
    asy__http_exch *x = res->exch_;
    int r = 0;
    if (x->rflags & ASY__HX_DEAD) {
        asy_stream_write_done(s, ASY_ECONNRESET);
        return;
    }
    x->end_len = -1;
    if (!(x->rflags & ASY__HX_HEADERS_SENT)) r = asy__http_emit_head(x, 0);
    if (r == 0) r = asy__http_body(x, chunk->data, chunk->len);
    if (r != 0 || asy__http_pending(x->conn) < x->conn->srv->opts_.high_water_mark)
        asy_stream_write_done(s, r);
    else
        x->rflags |= ASY__HX_WRITE_WAIT;
}

ASY__INTERNAL void asy__http_response_done(asy__http_exch *x);

ASY__INTERNAL void asy__http_res_final(asy_stream_t *s) {
    asy_http_res_t *res = (asy_http_res_t *)s;
    asy__http_exch *x = res->exch_;
    int r = 0;
    if (x->rflags & ASY__HX_DEAD) {
        asy_stream_final_done(s, ASY_ECONNRESET);
        return;
    }
    if (!(x->rflags & ASY__HX_HEADERS_SENT)) r = asy__http_emit_head(x, 1);
    if (r == 0 && (x->rflags & ASY__HX_CHUNKED)) {
        asy__http_conn *c = x->conn;
        r |= asy__http_out(c, "0\r\n", 3);
        if (x->tr_len) r |= asy__http_out(c, x->tr, x->tr_len);
        r |= asy__http_out(c, "\r\n", 2);
        asy__http_mark_dirty(c);
    }
    asy__http_response_done(x);
    asy_stream_final_done(s, r ? ASY_ENOMEM : 0);
}

ASY__INTERNAL void asy__http_res_destroy(asy_stream_t *s, int err) {
    asy_http_res_t *res = (asy_http_res_t *)s;
    asy__http_exch *x = res->exch_;
    if (x->rflags & ASY__HX_WRITE_WAIT) {
        x->rflags &= ~(unsigned)ASY__HX_WRITE_WAIT;
        asy_stream_write_done(s, err ? err : ASY_ESTREAM_DESTROYED);
    }
    /* a response destroyed before it ended cannot be completed: the
     * connection goes (Node destroys the socket) */
    if (!(x->rflags & (ASY__HX_FINISHED | ASY__HX_DEAD)) && x->conn) asy__http_close_conn(x->conn, 0);
    asy_stream_destroy_done(s, err);
}

static const asy_stream_impl_t asy__http_res_impl = {
    NULL, NULL, asy__http_res_write, NULL, asy__http_res_final, asy__http_res_destroy, NULL, NULL};

/* ---- the request stream -------------------------------------------------- */

ASY__INTERNAL void asy__http_req_read(asy_stream_t *s, size_t size) {
    asy_http_req_t *req = (asy_http_req_t *)s;
    asy__http_exch *x = req->exch_;
    asy__http_conn *c = x->conn;
    (void)size;
    if (!c || (x->rflags & ASY__HX_DEAD) || c->bodyx != x) return;
    if (!(c->flags & ASY__HC_BODY_PAUSED)) return;
    c->flags &= ~(unsigned)ASY__HC_BODY_PAUSED;
    if (!(c->flags & ASY__HC_IN_CONSUME)) asy__http_consume_buffered(c);
}

static const asy_stream_impl_t asy__http_req_impl = {NULL, asy__http_req_read, NULL, NULL,
                                                   NULL, NULL, NULL, NULL};

/* ---- exchanges ----------------------------------------------------------- */

ASY__INTERNAL void asy__http_exch_free(asy__http_exch *x) {
    asy__free(x->hb);
    asy__free(x->hdrs);
    asy__free(x->tb);
    asy__free(x->thdrs);
    asy__free(x->rs);
    asy__free(x->rh);
    asy__free(x->tr);
    asy__free(x);
}

ASY__INTERNAL void asy__http_exch_maybe_recycle(asy__http_exch *x) {
    asy_http_server_t *srv = x->req.server;
    if ((x->rflags & (ASY__HX_REQ_CLOSED | ASY__HX_RES_CLOSED)) !=
        (ASY__HX_REQ_CLOSED | ASY__HX_RES_CLOSED))
        return;
    if ((srv->state_ & ASY__HSRV_DONE) || srv->nfree_exch_ >= ASY__HTTP_FREE_EXCH_MAX ||
        x->hb_cap > 65536) {
        asy__http_exch_free(x);
        return;
    }
    asy__queue_insert_head(&srv->free_exch_, &x->link);
    srv->nfree_exch_++;
}

ASY__INTERNAL void asy__http_req_closed(asy__stream_listener *l, asy_stream_t *s) {
    asy__http_exch *x = ASY_CONTAINER_OF(l, asy__http_exch, req_l);
    (void)s;
    x->rflags |= ASY__HX_REQ_CLOSED;
    if (x->conn && x->conn->bodyx == x) x->conn->bodyx = NULL;
    asy__http_exch_maybe_recycle(x);
}

ASY__INTERNAL void asy__http_res_closed(asy__stream_listener *l, asy_stream_t *s) {
    asy__http_exch *x = ASY_CONTAINER_OF(l, asy__http_exch, res_l);
    (void)s;
    x->rflags |= ASY__HX_RES_CLOSED;
    asy__http_exch_maybe_recycle(x);
}

static const asy__stream_listener_vt asy__http_req_lvt = {NULL, NULL, NULL, NULL,
                                                          NULL, NULL, asy__http_req_closed};
static const asy__stream_listener_vt asy__http_res_lvt = {NULL, NULL, NULL, NULL,
                                                          NULL, NULL, asy__http_res_closed};

ASY__INTERNAL asy__http_exch *asy__http_exch_get(asy_http_server_t *srv) {
    asy__http_exch *x;
    asy_stream_opts_t so;
    if (!asy__queue_empty(&srv->free_exch_)) {
        asy__queue *q = asy__queue_head(&srv->free_exch_);
        asy__queue_remove(q);
        srv->nfree_exch_--;
        x = ASY_CONTAINER_OF(q, asy__http_exch, link);
    } else {
        x = ASY__NEW(asy__http_exch);
        if (!x) return NULL;
        memset(x, 0, sizeof(*x));
    }
    asy__queue_init(&x->link);
    memset(&so, 0, sizeof(so));
    so.high_water_mark = srv->opts_.high_water_mark;
    if (asy_readable_init(srv->loop, &x->req.stream, &asy__http_req_impl, &so) != 0 ||
        asy_writable_init(srv->loop, &x->res.stream, &asy__http_res_impl, &so) != 0) {
        asy__http_exch_free(x);
        return NULL;
    }
    /* Node's IncomingMessage drops an error nobody listens to, and a
     * ServerResponse never emits the connection's: the server reports
     * those through its own events, so neither is uncaught */
    asy__stream_errors_optional(&x->req.stream);
    asy__stream_errors_optional(&x->res.stream);
    x->req.data = x->res.data = NULL;
    x->req.server = srv;
    x->req.exch_ = x->res.exch_ = x;
    x->req.trailers = NULL;
    x->req.num_trailers = 0;
    x->res.status_code = 200;
    x->rflags = 0;
    x->rs_len = x->nrh = x->tr_len = 0;
    x->reason_len = 0;
    x->end_len = -1;
    asy__stream_listen(&x->req.stream, &x->req_l, &asy__http_req_lvt);
    asy__stream_listen(&x->res.stream, &x->res_l, &asy__http_res_lvt);
    return x;
}

/* Copies the head (and its header array) into the exchange, so it lives
 * as long as the request does. */
ASY__INTERNAL int asy__http_exch_head(asy__http_exch *x, const char *p, size_t n,
                                      const asy_http_head_t *h) {
    size_t i;
    if (asy__http_grow(&x->hb, &x->hb_cap, n) != 0) return ASY_ENOMEM;
    if (h->num_headers > x->hdrs_cap) {
        size_t cap = x->hdrs_cap ? x->hdrs_cap : 16;
        asy_http_header_t *nh;
        while (cap < h->num_headers) cap *= 2;
        nh = (asy_http_header_t *)asy__realloc(x->hdrs, cap * sizeof(*nh));
        if (!nh) return ASY_ENOMEM;
        x->hdrs = nh;
        x->hdrs_cap = cap;
    }
    memcpy(x->hb, p, n);
    x->req.head = *h;
    x->req.head.method = x->hb + (h->method - p);
    x->req.head.target = x->hb + (h->target - p);
    x->req.head.headers = x->hdrs;
    x->req.head.max_headers = h->num_headers;
    for (i = 0; i < h->num_headers; i++) {
        x->hdrs[i].name = x->hb + (h->headers[i].name - p);
        x->hdrs[i].name_len = h->headers[i].name_len;
        x->hdrs[i].value = x->hb + (h->headers[i].value - p);
        x->hdrs[i].value_len = h->headers[i].value_len;
    }
    return 0;
}

/* Copies the trailer section (fields parsed at p) into the exchange. */
ASY__INTERNAL int asy__http_exch_trailers(asy__http_exch *x, const char *p,
                                          const asy_http_header_t *f, size_t nf) {
    const char *lo = f[0].name, *hi = f[nf - 1].value + f[nf - 1].value_len;
    size_t i, n;
    (void)p;
    for (i = 0; i < nf; i++) {
        if (f[i].name < lo) lo = f[i].name;
        if (f[i].value + f[i].value_len > hi) hi = f[i].value + f[i].value_len;
    }
    n = (size_t)(hi - lo);
    if (asy__http_grow(&x->tb, &x->tb_cap, n) != 0) return ASY_ENOMEM;
    if (nf > x->thdrs_cap) {
        asy_http_header_t *nh = (asy_http_header_t *)asy__realloc(x->thdrs, nf * sizeof(*nh));
        if (!nh) return ASY_ENOMEM;
        x->thdrs = nh;
        x->thdrs_cap = nf;
    }
    memcpy(x->tb, lo, n);
    for (i = 0; i < nf; i++) {
        x->thdrs[i] = f[i];
        x->thdrs[i].name = x->tb + (f[i].name - lo);
        x->thdrs[i].value = x->tb + (f[i].value - lo);
    }
    x->req.trailers = x->thdrs;
    x->req.num_trailers = nf;
    return 0;
}

/* ---- connections --------------------------------------------------------- */

ASY__INTERNAL void asy__http_maybe_closed(asy_http_server_t *srv);

ASY__INTERNAL void asy__http_conn_free(asy__http_conn *c) {
    asy_http_server_t *srv = c->srv;
    asy__free(c->in);
    asy__free(c->out[0]);
    asy__free(c->out[1]);
    asy__free(c);
    srv->nconns_--;
    asy__http_maybe_closed(srv);
}

ASY__INTERNAL void asy__http_conn_closed(asy_handle_t *h) {
    asy__http_conn_free((asy__http_conn *)(void *)h);
}

/* Detaches the exchanges from a dying connection; their streams end with
 * err (ECONNRESET when the peer went away mid-request). */
ASY__INTERNAL void asy__http_close_conn(asy__http_conn *c, int err) {
    asy__http_exch *x = c->cur, *b = c->bodyx;
    if (c->flags & ASY__HC_CLOSING) return;
    c->flags |= ASY__HC_CLOSING;
    asy__queue_remove(&c->link);
    if (c->flags & ASY__HC_DIRTY) {
        asy__queue_remove(&c->dirty_link);
        c->flags &= ~(unsigned)ASY__HC_DIRTY;
    }
    c->cur = c->bodyx = NULL;
    if (b && b != x) {
        b->rflags |= ASY__HX_DEAD;
        b->conn = NULL;
        if (!(b->rflags & ASY__HX_BODY_DONE)) asy_stream_destroy(&b->req.stream, ASY_ECONNRESET);
    }
    if (x) {
        x->rflags |= ASY__HX_DEAD;
        x->conn = NULL;
        if (!(x->rflags & ASY__HX_BODY_DONE)) asy_stream_destroy(&x->req.stream, ASY_ECONNRESET);
        if (x->rflags & ASY__HX_WRITE_WAIT) {
            x->rflags &= ~(unsigned)ASY__HX_WRITE_WAIT;
            asy_stream_write_done(&x->res.stream, ASY_ECONNRESET);
        }
        if (!(x->rflags & ASY__HX_FINISHED))
            asy_stream_destroy(&x->res.stream, err ? err : ASY_ECONNRESET);
    }
    if (!c->io)
        asy_close((asy_handle_t *)&c->tcp, asy__http_conn_closed);
    else if (c->flags & ASY__HC_IO_CLOSED)
        asy__http_conn_free(c);
    else /* its on_close frees the connection */
        asy_stream_destroy(c->io, 0);
}

/* Answers a rejected request (status from the error) and closes; never a
 * second response: when the current response has begun, just close. */
ASY__INTERNAL void asy__http_reject(asy__http_conn *c, int err) {
    asy_http_server_t *srv = c->srv;
    asy__http_exch *x = c->cur;
    int status = asy_http_error_status(err);
    char line[128];
    if (c->flags & (ASY__HC_CLOSING | ASY__HC_REJECTED)) return;
    c->flags |= ASY__HC_REJECTED | ASY__HC_NO_MORE | ASY__HC_CLOSE_AFTER;
    if (srv->opts_.on_client_error) srv->opts_.on_client_error(srv, err);
    if (c->flags & ASY__HC_CLOSING) return;
    if (x && (x->rflags & ASY__HX_HEADERS_SENT)) {
        asy__http_close_conn(c, err);
        return;
    }
    if (x) {
        /* the handler has the request but has not answered: it loses it */
        c->cur = NULL;
        if (c->bodyx == x) c->bodyx = NULL;
        x->rflags |= ASY__HX_DEAD;
        x->conn = NULL;
        if (!(x->rflags & ASY__HX_BODY_DONE)) asy_stream_destroy(&x->req.stream, err);
        asy_stream_destroy(&x->res.stream, err);
    }
    snprintf(line, sizeof(line), "HTTP/1.1 %d %s\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
             status, asy_http_status_text(status));
    if (asy__http_outs(c, line) != 0) {
        asy__http_close_conn(c, ASY_ENOMEM);
        return;
    }
    c->in_len = 0;
    asy__http_update_reading(c);
    asy__http_mark_dirty(c);
}

ASY__INTERNAL void asy__http_body_end(asy__http_conn *c) {
    asy__http_exch *x = c->bodyx;
    c->state = ASY__HS_WAIT;
    c->bodyx = NULL;
    if (x) {
        x->rflags |= ASY__HX_BODY_DONE;
        asy_stream_push_end(&x->req.stream);
    }
}

/* Body bytes for the request stream (or discarded when nobody is left). */
ASY__INTERNAL void asy__http_body_data(asy__http_conn *c, const char *p, size_t n) {
    asy__http_exch *x = c->bodyx;
    if (!x || !n) return;
    if (asy_stream_is_destroyed(&x->req.stream)) return;
    if (asy_stream_push_bytes(&x->req.stream, p, n) == 0) c->flags |= ASY__HC_BODY_PAUSED;
}

ASY__INTERNAL void asy__http_upgrade(asy__http_conn *c, asy__http_exch *x, const char *rest,
                                     size_t n) {
    asy_http_server_t *srv = c->srv;
    asy_os_sock_t fd;
    int nfd = asy_sock_fileno((asy_sock_t *)&c->tcp, &fd) == 0 ? dup(fd) : -1;
    c->cur = NULL;
    x->rflags |= ASY__HX_DEAD | ASY__HX_BODY_DONE | ASY__HX_FINISHED;
    x->conn = NULL;
    if (nfd >= 0) srv->opts_.on_upgrade(srv, &x->req, nfd, rest, n);
    asy_stream_destroy(&x->req.stream, 0);
    asy_stream_destroy(&x->res.stream, 0);
    c->flags |= ASY__HC_NO_MORE;
    asy__http_close_conn(c, 0);
}

/* A complete head of n bytes at p: start the exchange. */
ASY__INTERNAL int asy__http_dispatch(asy__http_conn *c, const char *p, size_t n,
                                     asy_http_head_t *h, const char *rest, size_t rest_len) {
    asy_http_server_t *srv = c->srv;
    const asy_http_server_opts_t *o = &srv->opts_;
    asy__http_exch *x;
    int upgrade;
    if (h->content_length >= 0 && o->max_body_size && (uint64_t)h->content_length > o->max_body_size)
        return ASY_EHTTP_BODY_TOO_LARGE;
    x = asy__http_exch_get(srv);
    if (!x) return ASY_ENOMEM;
    if (asy__http_exch_head(x, p, n, h) != 0) {
        x->rflags |= ASY__HX_DEAD;
        asy_stream_destroy(&x->req.stream, 0);
        asy_stream_destroy(&x->res.stream, 0);
        return ASY_ENOMEM;
    }
    x->conn = c;
    c->cur = x;
    c->nreq++;
    c->t_head = 0;
    c->t_req = asy_now(srv->loop);
    if (h->version_minor == 0) x->rflags |= ASY__HX_HTTP10;
    if (h->method_len == 4 && memcmp(h->method, "HEAD", 4) == 0) x->rflags |= ASY__HX_HEAD_REQ;
    if ((h->flags & ASY_HTTP_F_KEEP_ALIVE) && !(c->flags & ASY__HC_NO_MORE) &&
        !(srv->state_ & ASY__HSRV_CLOSING) &&
        !(o->max_requests_per_socket && c->nreq >= o->max_requests_per_socket))
        x->rflags |= ASY__HX_KEEP_ALIVE;
    else
        c->flags |= ASY__HC_NO_MORE;
    /* an upgrade hands over a socket fd: not over a stream transport,
     * where it stays a plain request */
    upgrade = o->on_upgrade && !c->io && (((h->flags & ASY_HTTP_F_UPGRADE) && (h->flags & ASY_HTTP_F_CONN_UPGRADE)) ||
                                (h->method_len == 7 && memcmp(h->method, "CONNECT", 7) == 0));
    if (upgrade) {
        asy__http_upgrade(c, x, rest, rest_len);
        return 1;
    }
    c->body_total = 0;
    if (h->flags & ASY_HTTP_F_CHUNKED) {
        c->state = ASY__HS_BODY_CHUNKED;
        asy_http_chunked_init(&c->ck, o->insecure_http_parser ? ASY_HTTP_LENIENT : 0);
        c->bodyx = x;
    } else if (h->content_length > 0) {
        c->state = ASY__HS_BODY_CL;
        c->body_left = (uint64_t)h->content_length;
        c->bodyx = x;
    } else {
        c->state = ASY__HS_WAIT;
        x->rflags |= ASY__HX_BODY_DONE;
        asy_stream_push_end(&x->req.stream);
    }
    if ((h->flags & ASY_HTTP_F_EXPECT_CONTINUE) && h->version_minor >= 1) {
        if (o->check_continue) {
            o->check_continue(srv, &x->req, &x->res);
            return 0;
        }
        asy_http_res_write_continue(&x->res);
    }
    srv->cb_(srv, &x->req, &x->res);
    return 0;
}

/* Runs the parser over p[0..len): returns the bytes used.  Stops when it
 * needs more, when a request waits for its response, when the request
 * stream pushes back, or when the connection is done. */
ASY__INTERNAL size_t asy__http_consume(asy__http_conn *c, const char *p, size_t len) {
    asy_http_server_t *srv = c->srv;
    const asy_http_server_opts_t *o = &srv->opts_;
    size_t used = 0;
    while (!(c->flags & (ASY__HC_CLOSING | ASY__HC_REJECTED))) {
        const char *q = p + used;
        size_t avail = len - used;
        switch (c->state) {
        case ASY__HS_HEAD: {
            asy_http_head_t h;
            asy_http_parse_opts_t po;
            ptrdiff_t r;
            if (c->cur || avail == 0) return used;
            if (c->flags & ASY__HC_NO_MORE) {
                /* data after Connection: close (or past the last request):
                 * never answered */
                if (o->on_client_error && !(c->flags & ASY__HC_LINGER))
                    o->on_client_error(srv, ASY_EHTTP_AFTER_CLOSE);
                return len;
            }
            if (!c->t_head) c->t_head = asy_now(srv->loop);
            memset(&po, 0, sizeof(po));
            po.flags = o->insecure_http_parser ? ASY_HTTP_LENIENT : 0;
            po.max_target_len = o->max_target_len;
            h.headers = srv->scratch_;
            h.max_headers = o->max_headers_count;
            r = asy_http_parse_request(q, avail, &h, &po);
            if (r == 0 && avail > o->max_header_size) r = ASY_EHTTP_HEADERS_TOO_LARGE;
            if (r > 0 && (size_t)r > o->max_header_size) r = ASY_EHTTP_HEADERS_TOO_LARGE;
            if (r == 0) return used;
            if (r < 0) {
                asy__http_reject(c, (int)r);
                return len;
            }
            used += (size_t)r;
            r = asy__http_dispatch(c, q, (size_t)r, &h, p + used, len - used);
            if (r < 0) {
                asy__http_reject(c, (int)r);
                return len;
            }
            if (r == 1) return len; /* upgraded: the rest went with it */
            break;
        }
        case ASY__HS_BODY_CL: {
            size_t n = avail < c->body_left ? avail : (size_t)c->body_left;
            if (c->flags & ASY__HC_BODY_PAUSED) return used;
            if (n == 0) return used;
            c->body_left -= n;
            used += n;
            asy__http_body_data(c, q, n);
            if (c->body_left == 0) asy__http_body_end(c);
            break;
        }
        case ASY__HS_BODY_CHUNKED: {
            const char *d;
            size_t dl;
            ptrdiff_t r;
            if (c->flags & ASY__HC_BODY_PAUSED) return used;
            if (avail == 0) return used;
            r = asy_http_chunked_parse(&c->ck, q, avail, &d, &dl);
            if (r < 0) {
                asy__http_reject(c, (int)r);
                return len;
            }
            used += (size_t)r;
            c->body_total += dl;
            if (o->max_body_size && c->body_total > o->max_body_size) {
                asy__http_reject(c, ASY_EHTTP_BODY_TOO_LARGE);
                return len;
            }
            asy__http_body_data(c, d, dl);
            if (asy_http_chunked_in_trailers(&c->ck)) c->state = ASY__HS_TRAILERS;
            if (r == 0) return used;
            break;
        }
        case ASY__HS_TRAILERS: {
            size_t nf = 0;
            ptrdiff_t r = asy_http_parse_fields(q, avail, srv->scratch_, o->max_headers_count, &nf,
                                                o->insecure_http_parser ? ASY_HTTP_LENIENT : 0);
            if (r == 0 && avail > o->max_header_size) r = ASY_EHTTP_HEADERS_TOO_LARGE;
            if (r == 0) return used;
            if (r < 0) {
                asy__http_reject(c, (int)r);
                return len;
            }
            if (c->bodyx && nf && asy__http_exch_trailers(c->bodyx, q, srv->scratch_, nf) != 0) {
                asy__http_reject(c, ASY_ENOMEM);
                return len;
            }
            used += (size_t)r;
            asy__http_body_end(c);
            break;
        }
        default: /* ASY__HS_WAIT */
            if (c->cur) return used;
            c->state = ASY__HS_HEAD;
            break;
        }
    }
    return len;
}

/* Reads while the connection can use the bytes: not while a request body
 * pushes back, the next pipelined request waits for the current response,
 * or responses pile up past the highWaterMark. */
ASY__INTERNAL void asy__http_update_reading(asy__http_conn *c) {
    int want;
    if (c->flags & ASY__HC_CLOSING) return;
    if (c->flags & ASY__HC_LINGER)
        want = !(c->flags & ASY__HC_PEER_ENDED);
    else
        want = !(c->flags & (ASY__HC_REJECTED | ASY__HC_BODY_PAUSED | ASY__HC_PEER_ENDED)) &&
               !(c->in_len && c->state == ASY__HS_WAIT) &&
               asy__http_pending(c) < c->srv->opts_.high_water_mark;
    if (want && !(c->flags & ASY__HC_READING)) {
        if (c->io ? asy_stream_resume(c->io) == 0
                  : asy_sock_read_start((asy_sock_t *)&c->tcp, NULL, asy__http_read_cb) == 0)
            c->flags |= ASY__HC_READING;
    } else if (!want && (c->flags & ASY__HC_READING)) {
        if (c->io)
            asy_stream_pause(c->io);
        else
            asy_sock_read_stop((asy_sock_t *)&c->tcp);
        c->flags &= ~(unsigned)ASY__HC_READING;
    }
}

/* Consumes the connection's buffered bytes and keeps what is left. */
ASY__INTERNAL void asy__http_consume_buffered(asy__http_conn *c) {
    size_t used;
    if (c->flags & ASY__HC_IN_CONSUME) return;
    c->flags |= ASY__HC_IN_CONSUME;
    used = asy__http_consume(c, c->in, c->in_len);
    c->flags &= ~(unsigned)ASY__HC_IN_CONSUME;
    if (c->flags & ASY__HC_CLOSING) return;
    if (used < c->in_len) memmove(c->in, c->in + used, c->in_len - used);
    c->in_len -= used;
    asy__http_update_reading(c);
}

/* The response ended: the connection moves on to the next request. */
ASY__INTERNAL void asy__http_response_done(asy__http_exch *x) {
    asy__http_conn *c = x->conn;
    x->rflags |= ASY__HX_FINISHED;
    if (!c || c->cur != x) return;
    c->cur = NULL;
    /* the exchange is done with the connection (which may go away during
     * the next request): nothing of x may reach it from now on */
    x->conn = NULL;
    if (!(x->rflags & ASY__HX_BODY_DONE)) {
        /* the rest of the body is read and dropped (Node's dump) */
        if (c->bodyx == x) c->bodyx = NULL;
        c->flags &= ~(unsigned)ASY__HC_BODY_PAUSED;
    }
    /* a request nobody read to its end is let go, so it closes */
    if (!asy_stream_readable_ended(&x->req.stream) && !asy_stream_is_destroyed(&x->req.stream))
        asy_stream_destroy(&x->req.stream, 0);
    if (!(x->rflags & ASY__HX_KEEP_ALIVE)) c->flags |= ASY__HC_NO_MORE | ASY__HC_CLOSE_AFTER;
    c->t_idle = asy_now(c->srv->loop);
    if (c->flags & ASY__HC_CLOSE_AFTER) {
        asy__http_mark_dirty(c);
        return;
    }
    if (c->in_len && !(c->flags & ASY__HC_IN_CONSUME))
        asy__http_consume_buffered(c);
    else
        asy__http_update_reading(c);
}

/* The peer ended its side (err ASY_EOF) or the transport failed. */
ASY__INTERNAL void asy__http_input_end(asy__http_conn *c, int err) {
    c->flags |= ASY__HC_PEER_ENDED;
    if (c->flags & ASY__HC_READING) {
        if (!c->io) asy_sock_read_stop((asy_sock_t *)&c->tcp);
        c->flags &= ~(unsigned)ASY__HC_READING;
    }
    if (err != ASY_EOF || (c->flags & ASY__HC_LINGER) || !c->cur) {
        asy__http_close_conn(c, err == ASY_EOF ? 0 : err);
        return;
    }
        /* the peer ended its side mid-request: a body not all read is
         * aborted; a response under way is still sent, then we close */
    c->flags |= ASY__HC_NO_MORE | ASY__HC_CLOSE_AFTER;
    if (c->bodyx) {
        asy__http_exch *b = c->bodyx;
        c->bodyx = NULL;
        asy_stream_destroy(&b->req.stream, ASY_ECONNRESET);
    }
}

/* Bytes from the transport: parsed in place when nothing is buffered. */
ASY__INTERNAL void asy__http_input(asy__http_conn *c, const char *src, size_t len) {
    size_t used;
    if (len == 0) return;
    if (c->flags & (ASY__HC_LINGER | ASY__HC_REJECTED)) return; /* drained and dropped */
    if (c->in_len) {
        if (asy__http_grow(&c->in, &c->in_cap, c->in_len + len) != 0) {
            asy__http_close_conn(c, ASY_ENOMEM);
            return;
        }
        memcpy(c->in + c->in_len, src, len);
        c->in_len += len;
        asy__http_consume_buffered(c);
    } else {
        c->flags |= ASY__HC_IN_CONSUME;
        used = asy__http_consume(c, src, len);
        c->flags &= ~(unsigned)ASY__HC_IN_CONSUME;
        if (c->flags & ASY__HC_CLOSING) return;
        if (used < len) {
            if (asy__http_grow(&c->in, &c->in_cap, len - used) != 0) {
                asy__http_close_conn(c, ASY_ENOMEM);
                return;
            }
            memcpy(c->in, src + used, len - used);
            c->in_len = len - used;
        }
    }
    asy__http_update_reading(c);
}

ASY__INTERNAL void asy__http_read_cb(asy_sock_t *s, ptrdiff_t nread, const asy_iov_t *buf) {
    asy__http_conn *c = (asy__http_conn *)(void *)s;
    if (nread < 0)
        asy__http_input_end(c, (int)nread);
    else
        asy__http_input(c, (const char *)buf->base, (size_t)nread);
}

/* ---- a Duplex as the transport (server.emit('connection', duplex)) ---- */

ASY__INTERNAL asy__http_conn *asy__http_conn_of_io(asy__stream_listener *l) {
    return ASY_CONTAINER_OF(l, asy__http_conn, io_l);
}

ASY__INTERNAL void asy__http_io_data(asy__stream_listener *l, asy_stream_t *s, const asy_buf_t *chunk) {
    asy__http_conn *c = asy__http_conn_of_io(l);
    (void)s;
    if (c->flags & ASY__HC_CLOSING) return;
    asy__http_input(c, (const char *)chunk->data, chunk->len);
}

ASY__INTERNAL void asy__http_io_end(asy__stream_listener *l, asy_stream_t *s) {
    asy__http_conn *c = asy__http_conn_of_io(l);
    (void)s;
    if (!(c->flags & ASY__HC_CLOSING)) asy__http_input_end(c, ASY_EOF);
}

ASY__INTERNAL void asy__http_io_error(asy__stream_listener *l, asy_stream_t *s, int err) {
    asy__http_conn *c = asy__http_conn_of_io(l);
    (void)s;
    if (!(c->flags & ASY__HC_CLOSING)) asy__http_input_end(c, err < 0 ? err : ASY_ECONNRESET);
}

ASY__INTERNAL void asy__http_io_close(asy__stream_listener *l, asy_stream_t *s) {
    asy__http_conn *c = asy__http_conn_of_io(l);
    (void)s;
    c->flags |= ASY__HC_IO_CLOSED;
    if (c->flags & ASY__HC_CLOSING)
        asy__http_conn_free(c); /* close_conn destroyed it and waits for this */
    else
        asy__http_close_conn(c, ASY_ECONNRESET); /* frees c: IO_CLOSED is set */
}

static const asy__stream_listener_vt asy__http_io_lvt = {
    asy__http_io_data, NULL, asy__http_io_end, asy__http_io_error, NULL, NULL, asy__http_io_close};

ASYNCRT_API asy_stream_t *asy_http_req_io(const asy_http_req_t *req) {
    const asy__http_exch *x = req ? req->exch_ : NULL;
    return x && x->conn ? x->conn->io : NULL;
}

ASYNCRT_API int asy_http_server_serve(asy_http_server_t *srv, asy_stream_t *io) {
    asy__http_conn *c;
    if (!srv || !io || !asy_stream_is_readable(io) || !asy_stream_is_writable(io) ||
        (srv->state_ & ASY__HSRV_CLOSING))
        return ASY_EINVAL;
    c = ASY__NEW(asy__http_conn);
    if (!c) return ASY_ENOMEM;
    memset(c, 0, sizeof(*c));
    c->srv = srv;
    c->io = io;
    asy__queue_init(&c->dirty_link);
    asy__queue_init(&c->io_l.link);
    asy__queue_insert_tail(&srv->conns_, &c->link);
    srv->nconns_++;
    c->t_head = asy_now(srv->loop);
    c->state = ASY__HS_HEAD;
    asy__stream_listen(io, &c->io_l, &asy__http_io_lvt); /* flowing from now on */
    c->flags |= ASY__HC_READING;
    return 0;
}

ASY__INTERNAL void asy__http_conn_dropped(asy_handle_t *h) { asy__free(h); }

/* Takes the connection waiting on the listener. */
ASY__INTERNAL void asy__http_take(asy_http_server_t *srv) {
    asy__http_conn *c = ASY__NEW(asy__http_conn);
    if (!c) {
        srv->state_ |= ASY__HSRV_ACCEPT_WAIT; /* nothing is dropped */
        return;
    }
    srv->state_ &= ~(unsigned)ASY__HSRV_ACCEPT_WAIT;
    memset(c, 0, sizeof(*c));
    if (asy_tcp_init(srv->loop, &c->tcp) != 0) {
        asy__free(c);
        return;
    }
    if (asy_tcp_accept(&srv->tcp_, &c->tcp) != 0) {
        /* the handle is the loop's now: it goes through the close phase */
        asy_close((asy_handle_t *)&c->tcp, asy__http_conn_dropped);
        return;
    }
    c->srv = srv;
    asy__queue_init(&c->dirty_link);
    asy__queue_insert_tail(&srv->conns_, &c->link);
    srv->nconns_++;
    c->t_head = asy_now(srv->loop);
    c->t_idle = 0;
    c->state = ASY__HS_HEAD;
    if (!srv->opts_.no_delay_off) asy_tcp_nodelay(&c->tcp, 1);
    if (asy_sock_read_start((asy_sock_t *)&c->tcp, NULL, asy__http_read_cb) != 0) {
        asy__http_close_conn(c, 0);
        return;
    }
    c->flags |= ASY__HC_READING;
}

ASY__INTERNAL void asy__http_on_connection(asy_sock_t *server, int status) {
    asy_http_server_t *srv = ASY_CONTAINER_OF((asy_tcp_t *)(void *)server, asy_http_server_t, tcp_);
    if (status < 0) return; /* EMFILE...: the net layer retries */
    asy__http_take(srv);
}

/* ---- timeouts ------------------------------------------------------------ */

ASY__INTERNAL void asy__http_timer_cb(asy_timer_t *t) {
    asy_http_server_t *srv = ASY_CONTAINER_OF(t, asy_http_server_t, timer_);
    const asy_http_server_opts_t *o = &srv->opts_;
    uint64_t now = asy_now(srv->loop);
    asy__queue *q = asy__queue_head(&srv->conns_);
    if ((srv->state_ & (ASY__HSRV_ACCEPT_WAIT | ASY__HSRV_CLOSING)) == ASY__HSRV_ACCEPT_WAIT)
        asy__http_take(srv);
    while (q != &srv->conns_) {
        asy__http_conn *c = ASY_CONTAINER_OF(q, asy__http_conn, link);
        q = q->next; /* c may leave the list below */
        if (c->flags & ASY__HC_CLOSING) continue;
        if (c->flags & ASY__HC_LINGER) {
            if (now - c->t_linger >= ASY__HTTP_LINGER_MS) asy__http_close_conn(c, 0);
            continue;
        }
        if (c->flags & ASY__HC_REJECTED) continue;
        if (!c->cur && c->state == ASY__HS_HEAD) {
            if (c->t_head && now - c->t_head >= o->headers_timeout_ms)
                asy__http_reject(c, ASY_EHTTP_TIMEOUT);
            else if (!c->t_head && c->t_idle && c->in_len == 0 &&
                     !(c->flags & ASY__HC_WRITING) &&
                     (now - c->t_idle >= o->keep_alive_timeout_ms ||
                      ((srv->state_ & ASY__HSRV_CLOSING) && now - c->t_idle >= ASY__HTTP_CLOSE_GRACE_MS)))
                asy__http_close_conn(c, 0);
        } else if (c->bodyx && o->request_timeout_ms && now - c->t_req >= o->request_timeout_ms) {
            asy__http_reject(c, ASY_EHTTP_TIMEOUT);
        }
    }
}

/* ---- the server ---------------------------------------------------------- */

ASYNCRT_API int asy_http_server_init(asy_loop_t *loop, asy_http_server_t *srv,
                                     const asy_http_server_opts_t *opts, asy_http_request_cb cb) {
    asy_http_server_opts_t *o;
    uint64_t tick;
    if (!loop || !srv || !cb) return ASY_EINVAL;
    memset(srv, 0, sizeof(*srv));
    srv->loop = loop;
    srv->cb_ = cb;
    o = &srv->opts_;
    if (opts) *o = *opts;
    if (!o->max_header_size) o->max_header_size = 16384;
    if (!o->max_headers_count) o->max_headers_count = 2000;
    if (!o->headers_timeout_ms) o->headers_timeout_ms = 60000;
    if (!o->request_timeout_ms) o->request_timeout_ms = 300000;
    if (!o->keep_alive_timeout_ms) o->keep_alive_timeout_ms = 5000;
    if (!o->high_water_mark) o->high_water_mark = 16384;
    if (!o->max_target_len) o->max_target_len = 8192;
    srv->scratch_ = ASY__NEW_ARRAY(asy_http_header_t, o->max_headers_count);
    if (!srv->scratch_) return ASY_ENOMEM;
    asy__queue_init(&srv->conns_);
    asy__queue_init(&srv->dirty_);
    asy__queue_init(&srv->free_exch_);
    srv->date_sec_ = -1;
    asy_tcp_init(loop, &srv->tcp_);
    asy_timer_init(loop, &srv->timer_);
    asy_check_init(loop, &srv->flush_);
    asy_idle_init(loop, &srv->idle_);
    srv->flush_.data = srv->idle_.data = srv;
    /* the checks run 4 times per shortest timeout, at most once per 50 ms */
    tick = o->headers_timeout_ms < o->keep_alive_timeout_ms ? o->headers_timeout_ms
                                                            : o->keep_alive_timeout_ms;
    tick /= 4;
    if (tick > 1000) tick = 1000;
    if (tick < 50) tick = 50;
    asy_timer_start(&srv->timer_, asy__http_timer_cb, tick, tick);
    asy_unref((asy_handle_t *)&srv->timer_);
    srv->handles_ = 4;
    return 0;
}

ASYNCRT_API int asy_http_server_listen(asy_http_server_t *srv, const char *host, int port,
                                       int backlog) {
    asy_addr_t a;
    int r;
    if (srv->state_) return ASY_EINVAL;
    r = host ? asy_ip_addr(host, port, &a) : asy_ip4_addr("0.0.0.0", port, &a);
    if (r < 0) return r;
    r = asy_tcp_bind(&srv->tcp_, &a, 0);
    if (r < 0) return r;
    r = asy_tcp_listen(&srv->tcp_, backlog > 0 ? backlog : 511, asy__http_on_connection);
    if (r < 0) return r;
    srv->state_ = ASY__HSRV_LISTENING;
    return 0;
}

ASYNCRT_API int asy_http_server_port(const asy_http_server_t *srv) {
    asy_addr_t a;
    if (asy_tcp_getsockname(&srv->tcp_, &a) != 0) return ASY_EBADF;
    return asy_addr_port(&a);
}

ASYNCRT_API size_t asy_http_server_connections(const asy_http_server_t *srv) {
    return srv->nconns_;
}

ASY__INTERNAL void asy__http_handle_closed(asy_handle_t *h) {
    asy_http_server_t *srv = (asy_http_server_t *)h->data;
    if (--srv->handles_ > 0) return;
    while (!asy__queue_empty(&srv->free_exch_)) {
        asy__queue *q = asy__queue_head(&srv->free_exch_);
        asy__queue_remove(q);
        asy__http_exch_free(ASY_CONTAINER_OF(q, asy__http_exch, link));
    }
    srv->nfree_exch_ = 0;
    asy__free(srv->scratch_);
    srv->scratch_ = NULL;
    srv->state_ |= ASY__HSRV_DONE;
    if (srv->close_cb_) srv->close_cb_((asy_handle_t *)&srv->tcp_);
}

ASY__INTERNAL void asy__http_maybe_closed(asy_http_server_t *srv) {
    if (!(srv->state_ & ASY__HSRV_CLOSING) || srv->nconns_ || (srv->state_ & ASY__HSRV_HANDLES)) return;
    srv->state_ |= ASY__HSRV_HANDLES;
    srv->tcp_.data = srv->timer_.data = srv;
    asy_close((asy_handle_t *)&srv->timer_, asy__http_handle_closed);
    asy_close((asy_handle_t *)&srv->flush_, asy__http_handle_closed);
    asy_close((asy_handle_t *)&srv->idle_, asy__http_handle_closed);
    if (!asy_is_closing((asy_handle_t *)&srv->tcp_))
        asy_close((asy_handle_t *)&srv->tcp_, asy__http_handle_closed);
}

ASYNCRT_API void asy_http_server_close(asy_http_server_t *srv, asy_close_cb close_cb) {
    if (srv->state_ & ASY__HSRV_CLOSING) return;
    srv->state_ |= ASY__HSRV_CLOSING;
    srv->close_cb_ = close_cb;
    srv->tcp_.data = srv;
    asy_close((asy_handle_t *)&srv->tcp_, asy__http_handle_closed);
    /* Busy connections finish their request (its response says
     * Connection: close).  Idle ones get a grace period: a request already
     * on its way is still answered (with Connection: close) instead of
     * meeting a reset; the timer closes them after ASY__HTTP_CLOSE_GRACE_MS
     * of silence. */
    {
        asy__queue *q;
        uint64_t now = asy_now(srv->loop);
        for (q = asy__queue_head(&srv->conns_); q != &srv->conns_; q = q->next) {
            asy__http_conn *c = ASY_CONTAINER_OF(q, asy__http_conn, link);
            if (!c->cur && c->in_len == 0) {
                c->t_idle = now;
                c->t_head = 0;
            }
        }
    }
    asy_timer_start(&srv->timer_, asy__http_timer_cb, 50, 50);
    asy__http_maybe_closed(srv);
}

ASYNCRT_API void asy_http_server_close_idle_connections(asy_http_server_t *srv) {
    asy__queue *q = asy__queue_head(&srv->conns_);
    while (q != &srv->conns_) {
        asy__http_conn *c = ASY_CONTAINER_OF(q, asy__http_conn, link);
        q = q->next;
        if (!c->cur && c->in_len == 0 && c->state == ASY__HS_HEAD && !(c->flags & ASY__HC_WRITING) &&
            asy__http_pending(c) == 0)
            asy__http_close_conn(c, 0);
    }
}

ASYNCRT_API void asy_http_server_close_all_connections(asy_http_server_t *srv) {
    while (!asy__queue_empty(&srv->conns_)) {
        asy__http_conn *c = ASY_CONTAINER_OF(asy__queue_head(&srv->conns_), asy__http_conn, link);
        asy__http_close_conn(c, ASY_ECONNRESET);
    }
}

/* ---- request accessors --------------------------------------------------- */

ASY__INTERNAL const char *asy__http_find(const asy_http_header_t *h, size_t n, const char *name,
                                         size_t *len) {
    size_t i, nl = strlen(name);
    for (i = 0; i < n; i++)
        if (h[i].name_len == nl && asy__http_ieq(h[i].name, name, nl)) {
            if (len) *len = h[i].value_len;
            return h[i].value;
        }
    return NULL;
}

ASYNCRT_API const char *asy_http_req_header(const asy_http_req_t *req, const char *name,
                                            size_t *len) {
    return asy__http_find(req->head.headers, req->head.num_headers, name, len);
}

ASYNCRT_API const char *asy_http_req_trailer(const asy_http_req_t *req, const char *name,
                                             size_t *len) {
    return asy__http_find(req->trailers, req->num_trailers, name, len);
}

/* ---- response accessors -------------------------------------------------- */

ASY__INTERNAL int asy__http_valid_value(const char *v) {
    for (; *v; v++) {
        unsigned char ch = (unsigned char)*v;
        if ((ch < 0x20 && ch != '\t') || ch == 0x7f) return 0;
    }
    return 1;
}

ASY__INTERNAL int asy__http_valid_name(const char *n) {
    if (!*n) return 0;
    for (; *n; n++)
        if (!ASY__HTTP_TCHAR(*n)) return 0;
    return 1;
}

ASYNCRT_API int asy_http_res_append_header(asy_http_res_t *res, const char *name,
                                           const char *value) {
    asy__http_exch *x = res->exch_;
    size_t nl, vl;
    asy__http_rh *e;
    if (x->rflags & ASY__HX_HEADERS_SENT) return ASY_EBUSY;
    if (!name || !value || !asy__http_valid_name(name) || !asy__http_valid_value(value))
        return ASY_EINVAL;
    nl = strlen(name);
    vl = strlen(value);
    /* name, value, NUL: get_header hands out the value as a C string */
    if (asy__http_grow(&x->rs, &x->rs_cap, x->rs_len + nl + vl + 1) != 0) return ASY_ENOMEM;
    if (x->nrh == x->rh_cap) {
        size_t cap = x->rh_cap ? x->rh_cap * 2 : 8;
        asy__http_rh *n = (asy__http_rh *)asy__realloc(x->rh, cap * sizeof(*n));
        if (!n) return ASY_ENOMEM;
        x->rh = n;
        x->rh_cap = cap;
    }
    e = &x->rh[x->nrh++];
    e->off = x->rs_len;
    e->nlen = nl;
    e->vlen = vl;
    memcpy(x->rs + x->rs_len, name, nl);
    memcpy(x->rs + x->rs_len + nl, value, vl + 1);
    x->rs_len += nl + vl + 1;
    return 0;
}

ASYNCRT_API int asy_http_res_set_header(asy_http_res_t *res, const char *name, const char *value) {
    int r;
    if (res->exch_->rflags & ASY__HX_HEADERS_SENT) return ASY_EBUSY;
    if (!name || !value || !asy__http_valid_name(name) || !asy__http_valid_value(value))
        return ASY_EINVAL;
    r = asy_http_res_remove_header(res, name);
    (void)r;
    return asy_http_res_append_header(res, name, value);
}

ASYNCRT_API const char *asy_http_res_get_header(const asy_http_res_t *res, const char *name) {
    const asy__http_exch *x = res->exch_;
    ptrdiff_t i = asy__http_rh_find(x, name);
    if (i < 0) return NULL;
    return x->rs + x->rh[i].off + x->rh[i].nlen;
}

ASYNCRT_API int asy_http_res_remove_header(asy_http_res_t *res, const char *name) {
    asy__http_exch *x = res->exch_;
    ptrdiff_t i;
    int found = 0;
    if (x->rflags & ASY__HX_HEADERS_SENT) return ASY_EBUSY;
    while ((i = asy__http_rh_find(x, name)) >= 0) {
        x->rh[i].nlen = 0;
        found = 1;
    }
    return found ? 0 : ASY_ENOENT;
}

ASYNCRT_API int asy_http_res_headers_sent(const asy_http_res_t *res) {
    return (res->exch_->rflags & ASY__HX_HEADERS_SENT) != 0;
}

ASYNCRT_API int asy_http_res_write_head(asy_http_res_t *res, int status, const char *reason) {
    asy__http_exch *x = res->exch_;
    if (x->rflags & ASY__HX_HEADERS_SENT) return ASY_EBUSY;
    if (status < 100 || status > 999) return ASY_EINVAL;
    res->status_code = status;
    x->reason_len = 0;
    if (reason && *reason) {
        size_t n = strlen(reason);
        if (!asy__http_valid_value(reason)) return ASY_EINVAL;
        if (asy__http_grow(&x->rs, &x->rs_cap, x->rs_len + n) != 0) return ASY_ENOMEM;
        memcpy(x->rs + x->rs_len, reason, n);
        x->reason_off = x->rs_len;
        x->reason_len = n;
        x->rs_len += n;
    }
    return 0;
}

ASYNCRT_API int asy_http_res_write(asy_http_res_t *res, const void *data, size_t len,
                                   asy_stream_cb cb, void *arg) {
    return asy_stream_write_bytes(&res->stream, data, len, cb, arg);
}

ASYNCRT_API int asy_http_res_end(asy_http_res_t *res, const void *data, size_t len) {
    asy__http_exch *x = res->exch_;
    int r;
    if (asy_stream_writable_ended(&res->stream)) return ASY_EWRITE_AFTER_END;
    if (!(x->rflags & (ASY__HX_HEADERS_SENT | ASY__HX_DEAD)) &&
        asy_stream_writable_length(&res->stream) == 0 && !asy_stream_writable_corked(&res->stream) &&
        !asy_stream_is_destroyed(&res->stream)) {
        /* nothing queued in the stream: the whole response goes straight
         * to the output, with its Content-Length (no copy into a buffer) */
        x->end_len = (int64_t)len;
        r = asy__http_emit_head(x, 1);
        if (r == 0) r = asy__http_body(x, data, len);
        if (r != 0) return r;
        return asy_stream_end(&res->stream, NULL, NULL);
    }
    if (len) {
        r = asy_stream_write_bytes(&res->stream, data, len, NULL, NULL);
        if (r < 0) return r;
    }
    return asy_stream_end(&res->stream, NULL, NULL);
}

ASYNCRT_API int asy_http_res_add_trailer(asy_http_res_t *res, const char *name,
                                         const char *value) {
    asy__http_exch *x = res->exch_;
    size_t nl, vl;
    if (!name || !value || !asy__http_valid_name(name) || !asy__http_valid_value(value))
        return ASY_EINVAL;
    nl = strlen(name);
    vl = strlen(value);
    if (asy__http_grow(&x->tr, &x->tr_cap, x->tr_len + nl + vl + 4) != 0) return ASY_ENOMEM;
    memcpy(x->tr + x->tr_len, name, nl);
    memcpy(x->tr + x->tr_len + nl, ": ", 2);
    memcpy(x->tr + x->tr_len + nl + 2, value, vl);
    memcpy(x->tr + x->tr_len + nl + 2 + vl, "\r\n", 2);
    x->tr_len += nl + vl + 4;
    return 0;
}

ASYNCRT_API int asy_http_res_write_continue(asy_http_res_t *res) {
    asy__http_exch *x = res->exch_;
    if (!x->conn || (x->rflags & (ASY__HX_HEADERS_SENT | ASY__HX_CONTINUE_SENT))) return ASY_EBUSY;
    x->rflags |= ASY__HX_CONTINUE_SENT;
    if (asy__http_outs(x->conn, "HTTP/1.1 100 Continue\r\n\r\n") != 0) return ASY_ENOMEM;
    asy__http_mark_dirty(x->conn);
    return 0;
}

#endif /* ASYNCRT_OS_POSIX */
