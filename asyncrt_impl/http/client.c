/* http.request: the request object (client.h, docs/http.md).
 *
 * The request owns its head (built once, at creation), the body when it
 * is given whole (so a retry can send it again), and the response parser
 * state.  The connection (conn.c) feeds it socket chunks; body bytes go
 * into res.stream as views of those chunks (no copy), and a full
 * res.stream pauses the socket.  The head of the response is copied into
 * hbuf_, which never moves once the head is parsed, so res.head's
 * pointers stay valid as long as the request.
 *
 * refs_ counts what keeps the request alive: its own stream until it
 * closes, res.stream once it exists, the exchange (from creation until
 * the connection is done with it), every socket write carrying a
 * callback, and a pending error tick.  At zero, on_close, then free. */
#include "client.internal.h"
#include "../base/queue.h"
#include "../buf/buf.h"
#include "../loop/timer.h"
#include "../loop/loop.h"
#include "../stream/stream.internal.h"
#include "../url/url.h"
#if ASYNCRT_OS_POSIX

#include <string.h>

enum { ASY__CRT_NONE = 0, ASY__CRT_HEADERS, ASY__CRT_BODY };

#define ASY__CR_DEFAULT_HEADERS_TIMEOUT 300000u
#define ASY__CR_DEFAULT_BODY_TIMEOUT 300000u
#define ASY__CR_DEFAULT_MAX_HEADER 16384u
#define ASY__CR_DEFAULT_HWM 65536u

ASY__INTERNAL void asy__cr_free(asy_http_client_req_t *req) {
    asy_free(req->key_);
    asy_free(req->host_);
    asy_free(req->head_);
    asy_free(req->hbuf_);
    asy_free(req->hdrs_);
    asy_free(req->tbuf_);
    asy_free(req->res.trailers);
    asy_buf_release(&req->body_);
    asy_buf_release(&req->wchunk_);
    asy_free(req);
}

ASY__INTERNAL void asy__cr_unref(asy_http_client_req_t *req) {
    if (--req->refs_ > 0) return;
    req->flags_ |= ASY__CR_CLOSED;
    if (req->ev_ && req->ev_->on_close) {
        req->ev_->on_close(req);
    }
    asy__cr_free(req);
}

/* ---- timers --------------------------------------------------------------- */

ASY__INTERNAL void asy__cr_timer_stop(asy_http_client_req_t *req) {
    if (req->timer_.id) asy_clear_timer(req->loop, req->timer_);
    req->timer_.id = 0;
    req->timer_kind_ = ASY__CRT_NONE;
}

ASY__INTERNAL void asy__cr_timer_fire(void *arg) {
    asy_http_client_req_t *req = (asy_http_client_req_t *)arg;
    unsigned kind = req->timer_kind_;
    req->timer_.id = 0;
    req->timer_kind_ = ASY__CRT_NONE;
    asy__cr_fail(req, kind == ASY__CRT_HEADERS ? ASY_EHTTP_HEADERS_TIMEOUT
                                               : ASY_EHTTP_BODY_TIMEOUT);
}

ASY__INTERNAL void asy__cr_timer_start(asy_http_client_req_t *req, unsigned kind) {
    uint64_t ms = kind == ASY__CRT_HEADERS ? req->opts_.headers_timeout_ms
                                           : req->opts_.body_timeout_ms;
    if (req->timer_kind_ == kind && req->timer_.id) {
        asy_timer_refresh(req->loop, req->timer_);
        return;
    }
    asy__cr_timer_stop(req);
    if (ms == ASY_HTTP_NO_TIMEOUT) return;
    req->timer_ = asy_set_timeout(req->loop, asy__cr_timer_fire, req, ms);
    if (req->timer_.id) req->timer_kind_ = kind;
}

/* ---- sending -------------------------------------------------------------- */

/* A socket write whose completion the request waits for (refs_ keeps the
 * request alive until it comes, even if the exchange is over by then). */
ASY__INTERNAL void asy__cr_written(asy_stream_t *s, int status, void *arg) {
    asy_http_client_req_t *req = (asy_http_client_req_t *)arg;
    (void)s;
    if (status == 0 && !(req->flags_ & (ASY__CR_ERRORED | ASY__CR_CLOSED))) {
        if (req->flags_ & ASY__CR_WRITE_WAIT) {
            req->flags_ &= ~(unsigned)ASY__CR_WRITE_WAIT;
            asy_stream_write_done(&req->stream, 0);
        } else if (req->flags_ & ASY__CR_FINAL_WAIT) {
            req->flags_ &= ~(unsigned)ASY__CR_FINAL_WAIT;
            asy_stream_final_done(&req->stream, 0);
        }
    }
    asy__cr_unref(req);
}

ASY__INTERNAL int asy__cr_sock_write(asy_http_client_req_t *req, const asy_buf_t *b, int track) {
    asy_stream_t *s = req->conn_->io;
    int r;
    if (track) req->refs_++;
    r = asy_stream_write(s, b, track ? asy__cr_written : NULL, req);
    if (r < 0 && track) req->refs_--;
    return r < 0 ? r : 0;
}

ASY__INTERNAL int asy__cr_sock_write_bytes(asy_http_client_req_t *req, const char *p, size_t n) {
    int r = asy_stream_write_bytes(req->conn_->io, p, n, NULL, NULL);
    return r < 0 ? r : 0;
}

ASY__INTERNAL void asy__cr_mark_sent(asy_http_client_req_t *req) {
    req->flags_ |= ASY__CR_SENT;
    if (req->rstate_ == ASY__CRS_HEAD) asy__cr_timer_start(req, ASY__CRT_HEADERS);
}

/* The head with its framing lines, in one buffer. */
ASY__INTERNAL int asy__cr_send_head(asy_http_client_req_t *req) {
    char extra[96];
    size_t n = 0, total;
    asy_buf_t b = ASY_BUF_INIT;
    int r;
    unsigned f = req->flags_;
    if (!(f & ASY__CR_USER_CL) && !(f & ASY__CR_USER_TE)) {
        if (f & ASY__CR_BODY_WHOLE) {
            if (req->body_.len > 0 || !(f & ASY__CR_NO_BODY_METHOD))
                n += (size_t)snprintf(extra + n, sizeof(extra) - n, "Content-Length: %lu\r\n",
                                      (unsigned long)req->body_.len);
        } else {
            memcpy(extra + n, "Transfer-Encoding: chunked\r\n", 28);
            n += 28;
            req->flags_ |= ASY__CR_CHUNKED;
        }
    }
    if (!(f & ASY__CR_USER_CONN)) {
        const char *c = (req->flags_ & ASY__CR_CONN_CLOSE) ? "Connection: close\r\n"
                                                            : "Connection: keep-alive\r\n";
        size_t cl = strlen(c);
        memcpy(extra + n, c, cl);
        n += cl;
    }
    memcpy(extra + n, "\r\n", 2);
    n += 2;
    total = req->head_len_ + n;
    if ((r = asy_buf_alloc_unsafe(&b, total)) != 0) return r;
    memcpy(b.data, req->head_, req->head_len_);
    memcpy(b.data + req->head_len_, extra, n);
    req->flags_ |= ASY__CR_HEAD_SENT;
    r = asy__cr_sock_write(req, &b, 0);
    asy_buf_release(&b);
    return r;
}

/* One streamed chunk, framed; its write_done comes from the socket. */
ASY__INTERNAL int asy__cr_send_chunk(asy_http_client_req_t *req, const asy_buf_t *chunk) {
    asy_stream_t *s = req->conn_->io;
    int r = 0;
    asy_stream_cork(s);
    if (req->flags_ & ASY__CR_CHUNKED) {
        int n = snprintf(req->lenbuf_, sizeof(req->lenbuf_), "%lx\r\n", (unsigned long)chunk->len);
        r = asy__cr_sock_write_bytes(req, req->lenbuf_, (size_t)n);
        if (r == 0) r = asy__cr_sock_write(req, chunk, 0);
        if (r == 0) {
            asy_buf_t crlf = ASY_BUF_INIT;
            r = asy_buf_from_bytes(&crlf, "\r\n", 2);
            if (r == 0) r = asy__cr_sock_write(req, &crlf, 1);
            asy_buf_release(&crlf);
        }
    } else {
        r = asy__cr_sock_write(req, chunk, 1);
    }
    asy_stream_uncork(s);
    return r;
}

ASY__INTERNAL int asy__cr_send_final(asy_http_client_req_t *req) {
    if (req->flags_ & ASY__CR_CHUNKED) {
        asy_buf_t z = ASY_BUF_INIT;
        int r = asy_buf_from_bytes(&z, "0\r\n\r\n", 5);
        if (r == 0) r = asy__cr_sock_write(req, &z, 1);
        asy_buf_release(&z);
        if (r == 0) asy__cr_mark_sent(req);
        return r;
    }
    req->flags_ &= ~(unsigned)ASY__CR_FINAL_WAIT;
    asy_stream_final_done(&req->stream, 0);
    asy__cr_mark_sent(req);
    return 0;
}

/* Sends whatever is ready now that a connection exists. */
ASY__INTERNAL void asy__cr_pump(asy_http_client_req_t *req) {
    int r = 0;
    if (!req->conn_ || (req->flags_ & (ASY__CR_ERRORED | ASY__CR_DONE))) return;
    if (!(req->conn_->flags & ASY__CC_CONNECTED)) return; /* asy__cr_on_assigned follows */
    if (!(req->flags_ & ASY__CR_HEAD_SENT)) {
        if (req->flags_ & ASY__CR_BODY_WHOLE) {
            r = asy__cr_send_head(req);
            if (r == 0 && req->body_.len) r = asy__cr_sock_write(req, &req->body_, 0);
            if (r == 0) asy__cr_mark_sent(req);
        } else if (req->flags_ & ASY__CR_WRITE_WAIT) {
            r = asy__cr_send_head(req);
            if (r == 0) r = asy__cr_send_chunk(req, &req->wchunk_);
            asy_buf_release(&req->wchunk_);
        }
    }
    if (r == 0 && (req->flags_ & ASY__CR_HEAD_SENT) && (req->flags_ & ASY__CR_FINAL_WAIT) &&
        !(req->flags_ & ASY__CR_WRITE_WAIT) && !(req->flags_ & ASY__CR_SENT))
        r = asy__cr_send_final(req);
    if (r < 0) asy__cr_fail(req, r);
}

ASY__INTERNAL void asy__cr_on_assigned(asy_http_client_req_t *req) {
    req->rstate_ = ASY__CRS_HEAD;
    req->hlen_ = 0;
    asy__cr_pump(req);
}

/* ---- the request stream (a Writable) --------------------------------------- */

ASY__INTERNAL void asy__cr_impl_write(asy_stream_t *s, const asy_buf_t *chunk) {
    asy_http_client_req_t *req = (asy_http_client_req_t *)s->impl_data;
    int r;
    req->flags_ |= ASY__CR_STREAMED | ASY__CR_WRITE_WAIT;
    if (req->flags_ & (ASY__CR_ERRORED | ASY__CR_DONE)) {
        req->flags_ &= ~(unsigned)ASY__CR_WRITE_WAIT;
        asy_stream_write_done(s, req->err_ ? req->err_ : ASY_ESTREAM_DESTROYED);
        return;
    }
    if (!req->conn_ || !(req->flags_ & ASY__CR_HEAD_SENT)) {
        /* wait for the connection (or for the head to leave with it) */
        asy_buf_release(&req->wchunk_);
        if ((r = asy_buf_retain(&req->wchunk_, chunk)) != 0) {
            req->flags_ &= ~(unsigned)ASY__CR_WRITE_WAIT;
            asy_stream_write_done(s, r);
            return;
        }
        asy__cr_pump(req);
        return;
    }
    if ((r = asy__cr_send_chunk(req, chunk)) != 0) asy__cr_fail(req, r);
}

ASY__INTERNAL void asy__cr_impl_final(asy_stream_t *s) {
    asy_http_client_req_t *req = (asy_http_client_req_t *)s->impl_data;
    req->flags_ |= ASY__CR_ENDED;
    if (!(req->flags_ & ASY__CR_STREAMED)) {
        /* ended without a streamed byte: the body (maybe empty) is whole */
        req->flags_ |= ASY__CR_BODY_WHOLE;
        asy_stream_final_done(s, 0);
        asy__cr_pump(req);
        return;
    }
    req->flags_ |= ASY__CR_FINAL_WAIT;
    asy__cr_pump(req);
}

ASY__INTERNAL void asy__cr_impl_destroy(asy_stream_t *s, int err) {
    asy_http_client_req_t *req = (asy_http_client_req_t *)s->impl_data;
    req->flags_ &= ~(unsigned)(ASY__CR_WRITE_WAIT | ASY__CR_FINAL_WAIT);
    /* the user destroyed the request before its end: an abort (after
     * 'finish', autoDestroy comes here too: nothing to do) */
    if (!asy_stream_writable_finished(s) && !(req->flags_ & (ASY__CR_DONE | ASY__CR_ERRORED)))
        asy__cr_fail(req, err ? err : ASY_EHTTP_ABORTED);
    asy_stream_destroy_done(s, err);
}

static const asy_stream_impl_t asy__cr_req_impl = {NULL, NULL, asy__cr_impl_write, NULL,
                                                 asy__cr_impl_final, asy__cr_impl_destroy,
                                                 NULL, NULL};

/* ---- the response stream (a Readable) -------------------------------------- */

ASY__INTERNAL void asy__cr_res_read(asy_stream_t *s, size_t size) {
    asy_http_client_req_t *req = (asy_http_client_req_t *)s->impl_data;
    (void)size;
    if ((req->flags_ & ASY__CR_PAUSED) && req->conn_) {
        req->flags_ &= ~(unsigned)ASY__CR_PAUSED;
        asy_stream_resume(req->conn_->io);
        if (req->rstate_ != ASY__CRS_DONE) asy__cr_timer_start(req, ASY__CRT_BODY);
    }
}

ASY__INTERNAL void asy__cr_res_destroy(asy_stream_t *s, int err) {
    asy_http_client_req_t *req = (asy_http_client_req_t *)s->impl_data;
    /* the body is thrown away before its end: the connection goes too */
    if (req->rstate_ != ASY__CRS_DONE && !(req->flags_ & (ASY__CR_ERRORED | ASY__CR_DONE)))
        asy__cr_fail(req, err ? err : ASY_EHTTP_ABORTED);
    asy_stream_destroy_done(s, err);
}

static const asy_stream_impl_t asy__cr_res_impl = {NULL, asy__cr_res_read, NULL, NULL,
                                                 NULL, asy__cr_res_destroy, NULL, NULL};

/* A stream of the request closed.  The stream layer still touches the
 * stream after its listeners ran (buffers, the user's on_close), and both
 * streams live inside req: the reference goes on the next tick. */
ASY__INTERNAL void asy__cr_unref_tick(void *arg) { asy__cr_unref((asy_http_client_req_t *)arg); }

ASY__INTERNAL void asy__cr_req_closed(asy__stream_listener *l, asy_stream_t *s) {
    asy_http_client_req_t *req = ASY_CONTAINER_OF(l, asy_http_client_req_t, req_l_);
    (void)s;
    if (asy_next_tick(req->loop, asy__cr_unref_tick, req) != 0) return; /* leak, not a crash */
}

ASY__INTERNAL void asy__cr_res_closed(asy__stream_listener *l, asy_stream_t *s) {
    asy_http_client_req_t *req = ASY_CONTAINER_OF(l, asy_http_client_req_t, res_l_);
    (void)s;
    if (asy_next_tick(req->loop, asy__cr_unref_tick, req) != 0) return;
}

static const asy__stream_listener_vt asy__cr_req_lvt = {NULL, NULL, NULL, NULL,
                                                        NULL, NULL, asy__cr_req_closed};
static const asy__stream_listener_vt asy__cr_res_lvt = {NULL, NULL, NULL, NULL,
                                                        NULL, NULL, asy__cr_res_closed};

/* ---- ending the exchange ----------------------------------------------------- */

/* The response is complete: the connection goes back (or away). */
ASY__INTERNAL void asy__cr_complete(asy_http_client_req_t *req) {
    asy__http_cconn *c = req->conn_;
    req->rstate_ = ASY__CRS_DONE;
    req->flags_ |= ASY__CR_DONE;
    asy__cr_timer_stop(req);
    if (c) {
        if (!(req->flags_ & ASY__CR_SENT)) c->flags |= ASY__CC_NO_REUSE;
        if (req->flags_ & ASY__CR_PAUSED) {
            req->flags_ &= ~(unsigned)ASY__CR_PAUSED;
            asy_stream_resume(c->io);
        }
        req->conn_ = NULL;
        c->req = NULL;
        asy__cc_release(c);
    }
    /* the request body will never go out now: end its stream quietly */
    if (!(req->flags_ & ASY__CR_SENT) && !asy_stream_is_destroyed(&req->stream))
        asy_stream_destroy(&req->stream, 0);
    asy_stream_push_end(&req->res.stream);
    asy__cr_unref(req); /* the exchange */
}

ASY__INTERNAL void asy__cr_error_tick(void *arg) {
    asy_http_client_req_t *req = (asy_http_client_req_t *)arg;
    if (req->ev_ && req->ev_->on_error) req->ev_->on_error(req, req->err_);
    asy__cr_unref(req);
}

ASY__INTERNAL void asy__cr_fail(asy_http_client_req_t *req, int err) {
    asy__http_cconn *c;
    if (req->flags_ & (ASY__CR_ERRORED | ASY__CR_DONE)) return;
    req->flags_ |= ASY__CR_ERRORED | ASY__CR_DONE;
    req->err_ = err;
    asy__cr_timer_stop(req);
    if (req->flags_ & ASY__CR_QUEUED) asy__agent_unqueue(req);
    c = req->conn_;
    if (c) {
        req->conn_ = NULL;
        c->req = NULL;
        asy__cc_kill(c, err);
    }
    /* on_error on a nextTick, as Node emits it; refs_ holds req */
    req->refs_++;
    if (asy_next_tick(req->loop, asy__cr_error_tick, req) != 0) req->refs_--;
    if ((req->flags_ & ASY__CR_RES_INIT) && !asy_stream_is_destroyed(&req->res.stream))
        asy_stream_destroy(&req->res.stream, err);
    if (!asy_stream_is_destroyed(&req->stream)) asy_stream_destroy(&req->stream, 0);
    asy__cr_unref(req); /* the exchange */
}

ASY__INTERNAL int asy__cr_retryable(const asy_http_client_req_t *req, const asy__http_cconn *c,
                                    int err) {
    if (c->nreqs < 2 || (req->flags_ & (ASY__CR_GOT_BYTES | ASY__CR_RETRIED))) return 0;
    if (!(req->flags_ & ASY__CR_IDEMPOTENT)) return 0;
    if ((req->flags_ & ASY__CR_HEAD_SENT) && !(req->flags_ & ASY__CR_BODY_WHOLE)) return 0;
    return err == ASY_ECONNRESET || err == ASY_EPIPE || err == ASY_EOF ||
           err == ASY_EHTTP_HANG_UP || err == ASY_ECONNABORTED;
}

/* The connection died under the request (conn.c calls this once, after
 * detaching nothing: req->conn_ is still c). */
ASY__INTERNAL void asy__cr_conn_lost(asy_http_client_req_t *req, int err) {
    asy__http_cconn *c = req->conn_;
    if (req->rstate_ == ASY__CRS_EOF && err == ASY_EOF) {
        c->flags |= ASY__CC_NO_REUSE;
        asy__cr_complete(req);
        return;
    }
    if (asy__cr_retryable(req, c, err) && req->agent_) {
        req->conn_ = NULL;
        c->req = NULL;
        req->flags_ |= ASY__CR_RETRIED;
        req->flags_ &= ~(unsigned)(ASY__CR_HEAD_SENT | ASY__CR_SENT);
        asy__cr_timer_stop(req);
        req->agent_->stats_.retried++;
        if (asy__agent_dispatch(req->agent_, req, 1) == 0) return;
        err = ASY_ENOMEM;
    }
    if (err == ASY_EOF) err = ASY_EHTTP_HANG_UP;
    asy__cr_fail(req, err);
}

/* ---- parsing the response ---------------------------------------------------- */

/* Pushes body bytes [p, p+n) of chunk, a view: 0, or an error. */
ASY__INTERNAL int asy__cr_push(asy_http_client_req_t *req, const asy_buf_t *chunk, const char *p,
                               size_t n) {
    asy_buf_t v = ASY_BUF_INIT;
    int r;
    if (!n) return 0;
    r = asy_buf_subarray(&v, chunk, (ptrdiff_t)(p - (const char *)chunk->data),
                         (ptrdiff_t)(p - (const char *)chunk->data + (ptrdiff_t)n));
    if (r != 0) return r;
    r = asy_stream_push_move(&req->res.stream, &v);
    asy_buf_release(&v);
    if (r < 0) return r;
    if (r == 0 && req->conn_ && !(req->flags_ & ASY__CR_PAUSED)) {
        req->flags_ |= ASY__CR_PAUSED;
        asy_stream_pause(req->conn_->io);
        asy__cr_timer_stop(req); /* the reader is slow, not the server */
    }
    return 0;
}

ASY__INTERNAL uint64_t asy__cr_keep_alive_hint(const asy_http_head_t *h) {
    size_t i;
    for (i = 0; i < h->num_headers; i++) {
        const asy_http_header_t *f = &h->headers[i];
        size_t j;
        if (!asy_http_name_eq(f->name, f->name_len, "keep-alive")) continue;
        for (j = 0; j + 8 <= f->value_len; j++) {
            if (asy_http_name_eq(f->value + j, 8, "timeout=")) {
                uint64_t v = 0;
                size_t k = j + 8;
                int any = 0;
                while (k < f->value_len && f->value[k] >= '0' && f->value[k] <= '9' &&
                       v < 100000000u) {
                    v = v * 10 + (uint64_t)(f->value[k] - '0');
                    k++;
                    any = 1;
                }
                if (any) return v * 1000u;
            }
        }
    }
    return 0;
}

/* A complete head in hbuf_[0..len): 1 when it was the final one. */
ASY__INTERNAL int asy__cr_got_head(asy_http_client_req_t *req, size_t len) {
    asy_http_head_t *h = &req->res.head;
    asy__http_cconn *c = req->conn_;
    asy_stream_opts_t so;
    uint64_t hint;
    int r;
    if (h->status >= 100 && h->status < 200) {
        if (h->status == 101) return ASY_EPROTONOSUPPORT; /* no upgrades here */
        req->hlen_ = 0; /* 100 Continue, 103 Early Hints: the real one follows */
        return 0;
    }
    req->hlen_ = len;
    req->res.status = h->status;
    if (!(h->flags & ASY_HTTP_F_KEEP_ALIVE) || (h->flags & ASY_HTTP_F_LENIENT_CLOSE) ||
        (req->flags_ & ASY__CR_CONN_CLOSE))
        c->flags |= ASY__CC_NO_REUSE;
    hint = asy__cr_keep_alive_hint(h);
    if (hint) c->keep_alive_ms = hint;
    memset(&so, 0, sizeof(so));
    so.high_water_mark = req->opts_.high_water_mark;
    if ((r = asy_readable_init(req->loop, &req->res.stream, &asy__cr_res_impl, &so)) != 0)
        return r;
    /* an IncomingMessage: its errors are the request's, reported there */
    asy__stream_errors_optional(&req->res.stream);
    req->res.stream.impl_data = req;
    req->res.req = req;
    req->flags_ |= ASY__CR_RES_INIT;
    req->refs_++;
    asy__stream_listen(&req->res.stream, &req->res_l_, &asy__cr_res_lvt);
    if (!asy_http_response_has_body(h->status, (req->flags_ & ASY__CR_HEAD) != 0)) {
        req->rstate_ = ASY__CRS_DONE;
    } else if (h->flags & ASY_HTTP_F_CHUNKED) {
        req->rstate_ = ASY__CRS_CHUNKED;
        asy_http_chunked_init(&req->chunked_, req->opts_.insecure_http_parser ? ASY_HTTP_LENIENT : 0);
    } else if (h->content_length >= 0) {
        req->rstate_ = h->content_length ? ASY__CRS_CL : ASY__CRS_DONE;
        req->remaining_ = (uint64_t)h->content_length;
    } else {
        req->rstate_ = ASY__CRS_EOF;
        c->flags |= ASY__CC_NO_REUSE;
    }
    if (req->rstate_ == ASY__CRS_DONE)
        asy__cr_timer_stop(req);
    else
        asy__cr_timer_start(req, ASY__CRT_BODY);
    return 1;
}

/* Appends to hbuf_ and parses: the bytes of p it used (up to the head's
 * end, whose length goes in *head_len; everything when incomplete, with
 * *head_len left 0), or an error. */
ASY__INTERNAL ptrdiff_t asy__cr_parse_head(asy_http_client_req_t *req, const char *p, size_t n,
                                           size_t *head_len) {
    size_t max = req->opts_.max_header_size, prev = req->hlen_, take;
    asy_http_parse_opts_t po;
    ptrdiff_t r;
    take = n;
    if (prev + take > max + 4) take = max + 4 - prev;
    if (prev + take > req->hcap_) {
        size_t cap = req->hcap_ ? req->hcap_ : 1024;
        char *nb;
        while (cap < prev + take) cap *= 2;
        nb = (char *)asy__realloc(req->hbuf_, cap);
        if (!nb) return ASY_ENOMEM;
        req->hbuf_ = nb;
        req->hcap_ = cap;
    }
    memcpy(req->hbuf_ + prev, p, take);
    req->hlen_ = prev + take;
    memset(&po, 0, sizeof(po));
    po.flags = req->opts_.insecure_http_parser ? ASY_HTTP_LENIENT : 0;
    for (;;) {
        memset(&req->res.head, 0, sizeof(req->res.head));
        req->res.head.headers = req->hdrs_;
        req->res.head.max_headers = req->nhdrs_cap_;
        r = asy_http_parse_response(req->hbuf_, req->hlen_, &req->res.head, &po);
        if (r > 0 && req->res.head.dropped_headers > 0 && req->nhdrs_cap_ < 2000) {
            size_t want = req->res.head.num_headers + req->res.head.dropped_headers;
            asy_http_header_t *nh;
            if (want > 2000) want = 2000;
            nh = (asy_http_header_t *)asy__realloc(req->hdrs_, want * sizeof(*nh));
            if (!nh) return ASY_ENOMEM;
            req->hdrs_ = nh;
            req->nhdrs_cap_ = want;
            continue;
        }
        break;
    }
    if (r < 0) return r;
    if (r == 0) {
        if (req->hlen_ > max) return ASY_EHTTP_HEADERS_TOO_LARGE;
        return (ptrdiff_t)n;
    }
    if ((size_t)r > max) return ASY_EHTTP_HEADERS_TOO_LARGE;
    *head_len = (size_t)r;
    return r - (ptrdiff_t)prev;
}

ASY__INTERNAL int asy__cr_trailers(asy_http_client_req_t *req, const char *p, size_t n,
                                   size_t *used) {
    size_t prev = req->tlen_, nf = 0;
    char *nb;
    ptrdiff_t r;
    asy_http_header_t *fields;
    if (prev + n > req->opts_.max_header_size + 4) n = req->opts_.max_header_size + 4 - prev;
    nb = (char *)asy__realloc(req->tbuf_, prev + n + 1);
    if (!nb) return ASY_ENOMEM;
    req->tbuf_ = nb;
    memcpy(nb + prev, p, n);
    req->tlen_ = prev + n;
    if (!req->res.trailers) {
        req->res.trailers = ASY__NEW_ARRAY(asy_http_header_t, 32);
        if (!req->res.trailers) return ASY_ENOMEM;
    }
    fields = req->res.trailers;
    r = asy_http_parse_fields(req->tbuf_, req->tlen_, fields, 32, &nf,
                              req->opts_.insecure_http_parser ? ASY_HTTP_LENIENT : 0);
    if (r < 0) return (int)r;
    if (r == 0) {
        if (req->tlen_ > req->opts_.max_header_size) return ASY_EHTTP_HEADERS_TOO_LARGE;
        *used = n;
        return 0;
    }
    req->res.num_trailers = nf;
    *used = (size_t)r - prev;
    return 1;
}

/* Socket bytes for this request: 0, or an error (the caller fails it). */
ASY__INTERNAL int asy__cr_feed(asy_http_client_req_t *req, const asy_buf_t *chunk) {
    const char *p = (const char *)chunk->data;
    size_t n = chunk->len, off = 0;
    asy__http_cconn *c = req->conn_;
    if (n) req->flags_ |= ASY__CR_GOT_BYTES;
    while (off < n || req->rstate_ == ASY__CRS_DONE) {
        int r;
        if (req->conn_ != c || (req->flags_ & ASY__CR_DONE)) return 0; /* aborted meanwhile */
        switch (req->rstate_) {
        case ASY__CRS_HEAD: {
            size_t head_len = 0;
            ptrdiff_t used = asy__cr_parse_head(req, p + off, n - off, &head_len);
            int g;
            if (used < 0) return (int)used;
            off += (size_t)used;
            if (!head_len) continue; /* incomplete: everything was taken */
            if ((g = asy__cr_got_head(req, head_len)) < 0) return g;
            if (g == 0) continue; /* a 1xx: the next head follows */
            if (req->ev_ && req->ev_->on_response) req->ev_->on_response(req, &req->res);
            continue;
        }
        case ASY__CRS_CL: {
            size_t k = n - off;
            int r2;
            if ((uint64_t)k > req->remaining_) k = (size_t)req->remaining_;
            req->remaining_ -= k;
            if (req->remaining_ == 0) req->rstate_ = ASY__CRS_DONE;
            else if (!(req->flags_ & ASY__CR_PAUSED)) asy__cr_timer_start(req, ASY__CRT_BODY);
            r2 = asy__cr_push(req, chunk, p + off, k);
            off += k;
            if (r2 < 0) return r2;
            continue;
        }
        case ASY__CRS_CHUNKED: {
            if (asy_http_chunked_in_trailers(&req->chunked_)) {
                size_t used = 0;
                r = asy__cr_trailers(req, p + off, n - off, &used);
                if (r < 0) return r;
                off += used;
                if (r == 1) req->rstate_ = ASY__CRS_DONE;
                continue;
            } else {
                const char *d = NULL;
                size_t dl = 0;
                ptrdiff_t u = asy_http_chunked_parse(&req->chunked_, p + off, n - off, &d, &dl);
                if (u < 0) return (int)u;
                off += (size_t)u;
                if (dl) {
                    if (!(req->flags_ & ASY__CR_PAUSED)) asy__cr_timer_start(req, ASY__CRT_BODY);
                    if ((r = asy__cr_push(req, chunk, d, dl)) < 0) return r;
                }
                if (u == 0 && !dl) return ASY_EHTTP_CHUNK_SIZE; /* cannot progress */
                continue;
            }
        }
        case ASY__CRS_EOF:
            if (!(req->flags_ & ASY__CR_PAUSED)) asy__cr_timer_start(req, ASY__CRT_BODY);
            r = asy__cr_push(req, chunk, p + off, n - off);
            off = n;
            if (r < 0) return r;
            continue;
        case ASY__CRS_DONE:
        default:
            /* bytes after the response: nothing was asked, so no reuse */
            if (off < n) c->flags |= ASY__CC_NO_REUSE;
            asy__cr_complete(req);
            return 0;
        }
    }
    return 0;
}

/* ---- creating ------------------------------------------------------------------ */

ASY__INTERNAL int asy__cr_is_token(const char *s, size_t n) {
    size_t i;
    if (!n) return 0;
    for (i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9'))
            continue;
        if (!strchr("!#$%&'*+-.^_`|~", ch) || ch == 0) return 0;
    }
    return 1;
}

ASY__INTERNAL int asy__cr_value_ok(const char *s, size_t n) {
    size_t i;
    for (i = 0; i < n; i++)
        if (s[i] == '\r' || s[i] == '\n' || s[i] == 0) return 0;
    return 1;
}

/* Appends to a growing string; 0 or ASY_ENOMEM. */
ASY__INTERNAL int asy__cr_cat(char **buf, size_t *len, size_t *cap, const char *p, size_t n) {
    if (*len + n + 1 > *cap) {
        size_t nc = *cap ? *cap : 256;
        char *nb;
        while (nc < *len + n + 1) nc *= 2;
        nb = (char *)asy__realloc(*buf, nc);
        if (!nb) return ASY_ENOMEM;
        *buf = nb;
        *cap = nc;
    }
    memcpy(*buf + *len, p, n);
    *len += n;
    (*buf)[*len] = 0;
    return 0;
}

ASY__INTERNAL int asy__cr_method_in(const char *m, const char *const *list) {
    for (; *list; list++)
        if (strcmp(m, *list) == 0) return 1;
    return 0;
}

ASY__INTERNAL int asy__cr_build(asy_http_client_req_t *req, const asy_url_t *u) {
    const asy_http_request_opts_t *o = &req->opts_;
    static const char *const idem[] = {"GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE", NULL};
    static const char *const nobody[] = {"GET", "HEAD", "DELETE", "OPTIONS", "TRACE", "CONNECT",
                                         NULL};
    const char *method = o->method ? o->method : "GET";
    asy_url_view_t pq = asy_url_path_and_query(u), host = asy_url_host(u);
    asy_url_view_t bare = asy_url_hostname_bare(u), hn = asy_url_hostname(u);
    size_t len = 0, cap = 0, i;
    char *h = NULL, port[16];
    int has_host = 0, r = 0, n;
    if (!asy__cr_is_token(method, strlen(method))) return ASY_EINVAL;
    for (i = 0; i < o->num_headers; i++) {
        const asy_http_header_t *f = &o->headers[i];
        if (!f->name || !asy__cr_is_token(f->name, f->name_len)) return ASY_EINVAL;
        if (f->value_len && !f->value) return ASY_EINVAL;
        if (!asy__cr_value_ok(f->value, f->value_len)) return ASY_EINVAL;
        if (asy_http_name_eq(f->name, f->name_len, "host")) has_host = 1;
        if (asy_http_name_eq(f->name, f->name_len, "content-length"))
            req->flags_ |= ASY__CR_USER_CL;
        if (asy_http_name_eq(f->name, f->name_len, "transfer-encoding")) {
            req->flags_ |= ASY__CR_USER_TE;
            if (f->value_len >= 7 &&
                asy_http_name_eq(f->value + f->value_len - 7, 7, "chunked"))
                req->flags_ |= ASY__CR_CHUNKED;
        }
        if (asy_http_name_eq(f->name, f->name_len, "connection")) {
            req->flags_ |= ASY__CR_USER_CONN;
            if (f->value_len == 5 && asy_http_name_eq(f->value, 5, "close"))
                req->flags_ |= ASY__CR_CONN_CLOSE;
        }
    }
    if (strcmp(method, "HEAD") == 0) req->flags_ |= ASY__CR_HEAD;
    if (asy__cr_method_in(method, idem)) req->flags_ |= ASY__CR_IDEMPOTENT;
    if (asy__cr_method_in(method, nobody)) req->flags_ |= ASY__CR_NO_BODY_METHOD;
    if (!req->agent_ || req->agent_->opts_.no_keep_alive) req->flags_ |= ASY__CR_CONN_CLOSE;

    r |= asy__cr_cat(&h, &len, &cap, method, strlen(method));
    r |= asy__cr_cat(&h, &len, &cap, " ", 1);
    r |= asy__cr_cat(&h, &len, &cap, pq.ptr, pq.len);
    r |= asy__cr_cat(&h, &len, &cap, " HTTP/1.1\r\n", 11);
    if (!has_host) {
        r |= asy__cr_cat(&h, &len, &cap, "Host: ", 6);
        r |= asy__cr_cat(&h, &len, &cap, host.ptr, host.len);
        r |= asy__cr_cat(&h, &len, &cap, "\r\n", 2);
    }
    for (i = 0; i < o->num_headers; i++) {
        const asy_http_header_t *f = &o->headers[i];
        r |= asy__cr_cat(&h, &len, &cap, f->name, f->name_len);
        r |= asy__cr_cat(&h, &len, &cap, ": ", 2);
        if (f->value_len) r |= asy__cr_cat(&h, &len, &cap, f->value, f->value_len);
        r |= asy__cr_cat(&h, &len, &cap, "\r\n", 2);
    }
    if (r) {
        asy_free(h);
        return ASY_ENOMEM;
    }
    req->head_ = h;
    req->head_len_ = len;
    req->port_ = asy_url_port_or_default(u);
    req->host_ = (char *)asy__malloc(bare.len + 1);
    n = snprintf(port, sizeof(port), ":%d", req->port_);
    /* https origins pool apart from http ones: "s:" before the key */
    req->https_ = asy_url_scheme_type(u) == ASY_URL_SCHEME_HTTPS;
    req->key_ = (char *)asy__malloc(hn.len + (size_t)n + 3);
    if (!req->host_ || !req->key_) return ASY_ENOMEM;
    memcpy(req->host_, bare.ptr, bare.len);
    req->host_[bare.len] = 0;
    memcpy(req->key_, "s:", req->https_ ? 2 : 0);
    memcpy(req->key_ + (req->https_ ? 2 : 0), hn.ptr, hn.len);
    memcpy(req->key_ + (req->https_ ? 2 : 0) + hn.len, port, (size_t)n + 1);
    req->host_is_ip_ = asy_url_host_type(u) == ASY_URL_HOST_IPV4 ||
                       asy_url_host_type(u) == ASY_URL_HOST_IPV6;
    return 0;
}

ASYNCRT_API int asy_http_request(asy_loop_t *loop, const asy_http_request_opts_t *opts,
                                 const asy_http_client_events_t *events,
                                 asy_http_client_req_t **out) {
    asy_http_client_req_t *req;
    asy_url_t u;
    asy_stream_opts_t so;
    int r;
    if (!loop || !opts || !opts->url || !out) return ASY_EINVAL;
    *out = NULL;
    if ((r = asy_url_parse(&u, opts->url, NULL)) != 0) return r;
    if (!asy__http_scheme_ok(&u)) {
        asy_url_free(&u);
        return ASY_EPROTONOSUPPORT;
    }
    req = ASY__NEW(asy_http_client_req_t);
    if (!req) {
        asy_url_free(&u);
        return ASY_ENOMEM;
    }
    memset(req, 0, sizeof(*req));
    req->loop = loop;
    req->ev_ = events;
    req->opts_ = *opts;
    req->opts_.url = NULL;
    req->opts_.headers = NULL;
    req->opts_.num_headers = 0;
    req->opts_.method = NULL;
    req->agent_ = opts->agent;
    if (!req->opts_.connect_timeout_ms) req->opts_.connect_timeout_ms = 10000;
    if (!req->opts_.headers_timeout_ms)
        req->opts_.headers_timeout_ms = ASY__CR_DEFAULT_HEADERS_TIMEOUT;
    if (!req->opts_.body_timeout_ms) req->opts_.body_timeout_ms = ASY__CR_DEFAULT_BODY_TIMEOUT;
    if (!req->opts_.max_header_size) req->opts_.max_header_size = ASY__CR_DEFAULT_MAX_HEADER;
    if (!req->opts_.high_water_mark) req->opts_.high_water_mark = ASY__CR_DEFAULT_HWM;
    asy__queue_init(&req->link_);
    asy_buf_init(&req->body_);
    asy_buf_init(&req->wchunk_);
    req->content_length_ = -1;
    req->opts_.url = NULL;
    {
        asy_http_request_opts_t tmp = *opts; /* headers are read while building */
        req->opts_.headers = tmp.headers;
        req->opts_.num_headers = tmp.num_headers;
        req->opts_.method = tmp.method;
        r = asy__cr_build(req, &u);
        req->opts_.headers = NULL;
        req->opts_.num_headers = 0;
        req->opts_.method = NULL;
    }
    asy_url_free(&u);
    if (r == 0) {
        req->nhdrs_cap_ = 32;
        req->hdrs_ = ASY__NEW_ARRAY(asy_http_header_t, req->nhdrs_cap_);
        if (!req->hdrs_) r = ASY_ENOMEM;
    }
    if (r != 0) {
        asy__cr_free(req);
        return r;
    }
    memset(&so, 0, sizeof(so));
    if ((r = asy_writable_init(loop, &req->stream, &asy__cr_req_impl, &so)) != 0) {
        asy__cr_free(req);
        return r;
    }
    req->stream.impl_data = req;
    req->refs_ = 2; /* the request stream, the exchange */
    asy__stream_listen(&req->stream, &req->req_l_, &asy__cr_req_lvt);
    if (req->agent_) {
        r = asy__agent_dispatch(req->agent_, req, 0);
    } else {
        r = asy__cc_new(loop, NULL, NULL, req);
    }
    if (r != 0) {
        /* nothing was called back: take the request apart quietly */
        req->ev_ = NULL;
        req->flags_ |= ASY__CR_DONE | ASY__CR_ERRORED;
        asy_stream_destroy(&req->stream, 0);
        asy__cr_unref(req);
        return r;
    }
    *out = req;
    return 0;
}

ASYNCRT_API int asy_http_get(asy_loop_t *loop, const char *url, asy_http_agent_t *agent,
                             const asy_http_client_events_t *events, asy_http_client_req_t **out) {
    asy_http_request_opts_t o;
    int r;
    memset(&o, 0, sizeof(o));
    o.url = url;
    o.agent = agent;
    if ((r = asy_http_request(loop, &o, events, out)) != 0) return r;
    return asy_http_request_end(*out, NULL, 0);
}

ASYNCRT_API int asy_http_request_end(asy_http_client_req_t *req, const void *data, size_t len) {
    int r;
    if (!req || (len && !data)) return ASY_EINVAL;
    if (req->flags_ & ASY__CR_ENDED) return ASY_EWRITE_AFTER_END;
    if (req->flags_ & (ASY__CR_STREAMED | ASY__CR_ERRORED | ASY__CR_DONE) ||
        asy_stream_writable_length(&req->stream) > 0) {
        if (len && (r = asy_stream_write_bytes(&req->stream, data, len, NULL, NULL)) < 0)
            return r;
        r = asy_stream_end(&req->stream, NULL, NULL);
        return r < 0 ? r : 0;
    }
    if (len && (r = asy_buf_from_bytes(&req->body_, data, len)) != 0) return r;
    req->flags_ |= ASY__CR_BODY_WHOLE | ASY__CR_ENDED;
    r = asy_stream_end(&req->stream, NULL, NULL);
    asy__cr_pump(req);
    return r < 0 ? r : 0;
}

ASYNCRT_API void asy_http_request_abort(asy_http_client_req_t *req, int err) {
    if (!req || (req->flags_ & (ASY__CR_DONE | ASY__CR_CLOSED))) {
        /* after the exchange, an unread body may still be dropped */
        if (req && !(req->flags_ & ASY__CR_CLOSED) && (req->flags_ & ASY__CR_RES_INIT) &&
            !asy_stream_is_destroyed(&req->res.stream) &&
            !asy_stream_readable_ended(&req->res.stream))
            asy_stream_destroy(&req->res.stream, 0);
        return;
    }
    asy__cr_fail(req, err ? err : ASY_EHTTP_ABORTED);
}

ASYNCRT_API const char *asy_http_client_res_header(const asy_http_client_res_t *res,
                                                   const char *name, size_t *len) {
    size_t i;
    if (!res || !name) return NULL;
    for (i = 0; i < res->head.num_headers; i++) {
        const asy_http_header_t *f = &res->head.headers[i];
        if (asy_http_name_eq(f->name, f->name_len, name)) {
            if (len) *len = f->value_len;
            return f->value;
        }
    }
    return NULL;
}

ASYNCRT_API int asy_http_request_reused(const asy_http_client_req_t *req) {
    return req && (req->flags_ & ASY__CR_REUSED) ? 1 : 0;
}

#endif /* ASYNCRT_OS_POSIX */
