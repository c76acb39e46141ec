/* fetch over asy_http_request (fetch.h).
 *
 * One asy__fetch per call holds the request as it evolves through
 * redirects (URL, method, headers, body), the result promise (retained
 * until settled, so a caller dropping it early is harmless) and the
 * response handed out as the promise's owned value.  refs counts: the
 * value (released with the promise), the client request in flight (until
 * its on_close), a data: body stream (until it closes) and each body
 * reader (text/bytes) until it settles. */
#include "fetch.h"
#include "../base/queue.h"
#include "../buf/buf.h"
#include "../loop/timer.h"
#include "../loop/loop.h"
#include "../promise/promise.h"
#include "../stream/pipeline.h"
#include "../stream/stream.internal.h"
#include "../url/url.h"
#include "client.internal.h"
#include "../zlib/zstream.h"
#if ASYNCRT_OS_POSIX

#include <string.h>

#define ASY__FETCH_MAX_REDIRECTS 20

struct asy__fetch {
    asy_loop_t *loop;
    asy_promise_t *p;
    asy_fetch_response_t res;
    unsigned refs;
    int settled, value_gone, body_used, aborted;
    char *url;
    char *method;
    char *reason;
    asy_headers_t hdrs;
    asy_buf_t body;
    int has_body;
    asy_stream_t *body_stream;
    asy_fetch_opts_t opts;
    unsigned nredirects;
    asy__abort_waiter waiter;
    int waiting_signal;
    asy_timer_id_t timer;
    asy_http_client_req_t *creq;
    asy_stream_t data_stream;
    asy__stream_listener ds_l;
    int has_data_stream;
    /* the body reader */
    asy__stream_listener body_l;
    asy_promise_t *reader;
    char *acc;
    size_t acc_len, acc_cap;
    /* Content-Encoding: the decoders the body runs through (fetch.c's
     * decoding section); the body is the last one's readable side */
    struct asy__fetch_dec *dec;
    unsigned ndec;
    int body_err; /* the decoded body's error, kept past its close */
};

ASY__INTERNAL void asy__fetch_unref(asy__fetch *f) {
    if (--f->refs > 0) return;
    if (f->waiting_signal) asy__queue_remove(&f->waiter.link);
    if (f->timer.id) asy_clear_timer(f->loop, f->timer);
    if (f->p) asy_promise_release(f->p);
    asy_free(f->url);
    asy_free(f->method);
    asy_free(f->reason);
    asy_free(f->acc);
    asy_headers_free(&f->hdrs);
    asy_headers_free(&f->res.headers);
    asy_buf_release(&f->body);
    asy_free(f->dec);
    asy_free(f);
}

ASY__INTERNAL void asy__fetch_dec_destroy(asy__fetch *f);

/* The request ended for good (body read, or failed): timers and the
 * signal are no longer needed. */
ASY__INTERNAL void asy__fetch_quiet(asy__fetch *f) {
    if (f->timer.id) asy_clear_timer(f->loop, f->timer);
    f->timer.id = 0;
    if (f->waiting_signal) {
        asy__queue_remove(&f->waiter.link);
        f->waiting_signal = 0;
    }
}

ASY__INTERNAL void asy__fetch_reject(asy__fetch *f, int err, const char *what) {
    char msg[256];
    if (f->settled) return;
    f->settled = 1;
    snprintf(msg, sizeof(msg), "fetch %s: %s (%s)", f->url ? f->url : "", what ? what : asy_strerror(err),
             asy_err_name(err));
    asy_promise_reject(f->p, err, msg);
    asy_promise_release(f->p);
    f->p = NULL;
    asy__fetch_quiet(f);
}

ASY__INTERNAL void asy__fetch_value_free(void *v) {
    asy_fetch_response_t *res = (asy_fetch_response_t *)v;
    asy__fetch *f = res->f_;
    f->value_gone = 1;
    /* nobody can read the body any more: stop the transfer */
    if (f->creq) asy_http_request_abort(f->creq, ASY_EHTTP_ABORTED);
    if (f->has_data_stream && !asy_stream_is_destroyed(&f->data_stream))
        asy_stream_destroy(&f->data_stream, 0);
    asy__fetch_dec_destroy(f);
    asy__fetch_unref(f);
}

ASY__INTERNAL void asy__fetch_resolve(asy__fetch *f) {
    if (f->settled) return;
    f->settled = 1;
    f->res.f_ = f;
    f->res.url = f->url;
    f->res.ok = f->res.status >= 200 && f->res.status <= 299;
    f->res.redirected = f->nredirects > 0;
    f->refs++;
    asy_promise_settle(f->p, asy_ok_owned(&f->res, asy__fetch_value_free));
    asy_promise_release(f->p);
    f->p = NULL;
}

ASY__INTERNAL void asy__fetch_abort(asy__fetch *f, int reason) {
    f->aborted = reason;
    if (f->creq) asy_http_request_abort(f->creq, reason);
    if (f->has_data_stream && !asy_stream_is_destroyed(&f->data_stream))
        asy_stream_destroy(&f->data_stream, reason);
    asy__fetch_dec_destroy(f);
    asy__fetch_reject(f, reason, NULL);
    asy__fetch_quiet(f);
}

ASY__INTERNAL void asy__fetch_on_signal(asy__abort_waiter *w, int reason) {
    asy__fetch *f = ASY_CONTAINER_OF(w, asy__fetch, waiter);
    f->waiting_signal = 0; /* the signal unlinked us */
    asy__fetch_abort(f, reason);
}

ASY__INTERNAL void asy__fetch_on_timeout(void *arg) {
    asy__fetch *f = (asy__fetch *)arg;
    f->timer.id = 0;
    asy__fetch_abort(f, ASY_EFETCH_TIMEOUT);
}

ASY__INTERNAL int asy__fetch_start(asy__fetch *f);
ASY__INTERNAL int asy__fetch_decode(asy__fetch *f, asy_http_client_res_t *res);

/* ---- the client request's events ----------------------------------------------- */

ASY__INTERNAL void asy__fetch_drain_data(asy_stream_t *s, const asy_buf_t *b) {
    (void)s;
    (void)b;
}
static const asy_stream_events_t asy__fetch_drain_events = {asy__fetch_drain_data, NULL, NULL, NULL,
                                                          NULL, NULL, NULL, NULL, NULL};

ASY__INTERNAL int asy__fetch_is_redirect(int st) {
    return st == 301 || st == 302 || st == 303 || st == 307 || st == 308;
}

ASY__INTERNAL int asy__fetch_same_origin(const asy_url_t *a, const asy_url_t *b) {
    asy_url_view_t sa = asy_url_scheme(a), sb = asy_url_scheme(b);
    asy_url_view_t ha = asy_url_hostname(a), hb = asy_url_hostname(b);
    return sa.len == sb.len && memcmp(sa.ptr, sb.ptr, sa.len) == 0 && ha.len == hb.len &&
           memcmp(ha.ptr, hb.ptr, ha.len) == 0 &&
           asy_url_port_or_default(a) == asy_url_port_or_default(b);
}

/* 1: a redirect is being followed (this response is drained); 0: this
 * response is the result; <0: the fetch failed with that. */
ASY__INTERNAL int asy__fetch_redirect(asy__fetch *f, asy_http_client_res_t *res) {
    size_t ll = 0;
    const char *loc = asy_http_client_res_header(res, "location", &ll);
    asy_url_t cur, next;
    char *lz;
    int r, st = res->status;
    if (!asy__fetch_is_redirect(st) || !loc || f->opts.redirect == ASY_FETCH_MANUAL) return 0;
    if (f->opts.redirect == ASY_FETCH_ERROR) return ASY_EHTTP_REDIRECT;
    if (f->nredirects >= ASY__FETCH_MAX_REDIRECTS) return ASY_EHTTP_MAX_REDIRECTS;
    if ((r = asy_url_parse(&cur, f->url, NULL)) != 0) return r;
    lz = (char *)asy__malloc(ll + 1);
    if (!lz) {
        asy_url_free(&cur);
        return ASY_ENOMEM;
    }
    memcpy(lz, loc, ll);
    lz[ll] = 0;
    r = asy_url_parse(&next, lz, &cur);
    asy_free(lz);
    if (r != 0) {
        asy_url_free(&cur);
        return r;
    }
    if (!asy__http_scheme_ok(&next)) {
        asy_url_free(&cur);
        asy_url_free(&next);
        return ASY_EPROTONOSUPPORT;
    }
    if ((st == 303 && strcmp(f->method, "HEAD") != 0) ||
        ((st == 301 || st == 302) && strcmp(f->method, "POST") == 0)) {
        static const char *const content[] = {"content-encoding", "content-language",
                                              "content-location", "content-type",
                                              "content-length", NULL};
        const char *const *c;
        char *m = asy__strdup("GET");
        if (!m) r = ASY_ENOMEM;
        asy_free(f->method);
        f->method = m;
        asy_buf_release(&f->body);
        f->has_body = 0;
        f->body_stream = NULL;
        for (c = content; *c; c++) asy_headers_delete(&f->hdrs, *c);
    } else if (f->body_stream) {
        r = ASY_EHTTP_REDIRECT_BODY; /* a stream cannot be sent twice */
    }
    if (r == 0 && !asy__fetch_same_origin(&cur, &next)) {
        asy_headers_delete(&f->hdrs, "authorization");
        asy_headers_delete(&f->hdrs, "proxy-authorization");
        asy_headers_delete(&f->hdrs, "cookie");
    }
    if (r == 0) {
        char *nu = asy__strdup(asy_url_href(&next));
        if (!nu) r = ASY_ENOMEM;
        else {
            asy_free(f->url);
            f->url = nu;
        }
    }
    asy_url_free(&cur);
    asy_url_free(&next);
    if (r != 0) return r;
    f->nredirects++;
    /* let the old response run to its end so that its socket is reused */
    asy_stream_set_events(&res->stream, &asy__fetch_drain_events);
    return 1;
}

ASY__INTERNAL void asy__fetch_on_response(asy_http_client_req_t *req, asy_http_client_res_t *res) {
    asy__fetch *f = (asy__fetch *)req->data;
    size_t i;
    int r;
    if (f->creq != req || f->settled) return;
    r = asy__fetch_redirect(f, res);
    if (r < 0) {
        asy_http_request_abort(req, r);
        asy__fetch_reject(f, r, NULL);
        return;
    }
    if (r == 1) {
        f->creq = NULL; /* its on_close still comes (and drops its ref) */
        if ((r = asy__fetch_start(f)) != 0) asy__fetch_reject(f, r, NULL);
        return;
    }
    f->res.status = res->status;
    f->reason = (char *)asy__malloc(res->head.reason_len + 1);
    if (f->reason) {
        memcpy(f->reason, res->head.reason, res->head.reason_len);
        f->reason[res->head.reason_len] = 0;
    }
    f->res.status_text = f->reason ? f->reason : "";
    for (i = 0; i < res->head.num_headers; i++) {
        const asy_http_header_t *h = &res->head.headers[i];
        if (h->name_len == 0) continue; /* a lenient obs-fold continuation */
        asy_headers_appendn(&f->res.headers, h->name, h->name_len, h->value, h->value_len);
    }
    r = asy__fetch_decode(f, res); /* sets res.body */
    if (r < 0) {
        asy_http_request_abort(req, r);
        asy__fetch_reject(f, r, NULL);
        return;
    }
    asy__fetch_resolve(f);
}

ASY__INTERNAL void asy__fetch_on_error(asy_http_client_req_t *req, int err) {
    asy__fetch *f = (asy__fetch *)req->data;
    if (f->creq != req) return;
    asy__fetch_reject(f, f->aborted ? f->aborted : err, NULL);
}

ASY__INTERNAL void asy__fetch_on_close(asy_http_client_req_t *req) {
    asy__fetch *f = (asy__fetch *)req->data;
    if (f->creq == req) {
        f->creq = NULL;
        if (!f->ndec) f->res.body = NULL; /* else the last decoder's close does */
        asy__fetch_quiet(f);
    }
    asy__fetch_unref(f);
}

static const asy_http_client_events_t asy__fetch_events = {asy__fetch_on_response,
                                                         asy__fetch_on_error,
                                                         asy__fetch_on_close};

/* Sends the request as it stands now (first, or after a redirect). */
ASY__INTERNAL int asy__fetch_start(asy__fetch *f) {
    asy_http_request_opts_t o;
    asy_http_header_t *hv;
    asy_http_client_req_t *req;
    size_t n = asy_headers_count(&f->hdrs), i;
    int r;
    hv = ASY__NEW_ARRAY(asy_http_header_t, n + 1);
    if (!hv) return ASY_ENOMEM;
    for (i = 0; i < n; i++) {
        const char *name = "", *value = ""; /* set by asy_headers_at for i < n */
        asy_headers_at(&f->hdrs, i, &name, &value);
        hv[i].name = name;
        hv[i].name_len = strlen(name);
        hv[i].value = value;
        hv[i].value_len = strlen(value);
    }
    memset(&o, 0, sizeof(o));
    o.url = f->url;
    o.method = f->method;
    o.headers = hv;
    o.num_headers = n;
    o.agent = f->opts.agent;
    o.tls_context = f->opts.tls_context;
    o.reject_unauthorized_off = f->opts.reject_unauthorized_off;
    o.connect_timeout_ms = f->opts.connect_timeout_ms;
    o.headers_timeout_ms = f->opts.headers_timeout_ms;
    o.body_timeout_ms = f->opts.body_timeout_ms;
    r = asy_http_request(f->loop, &o, &asy__fetch_events, &req);
    asy_free(hv);
    if (r != 0) return r;
    req->data = f;
    f->creq = req;
    f->refs++;
    if (f->body_stream) {
        r = asy_stream_pipe(f->body_stream, &req->stream, NULL);
        if (r < 0) asy_http_request_abort(req, r);
        return 0;
    }
    r = asy_http_request_end(req, f->has_body ? f->body.data : NULL, f->has_body ? f->body.len : 0);
    if (r != 0) asy_http_request_abort(req, r);
    return 0;
}

/* ---- data: URLs ------------------------------------------------------------------- */

ASY__INTERNAL int asy__data_url_decode(const asy_url_t *u, asy_buf_t *body, char **mime);

/* The data: body stream closed: the response no longer has a body.  The
 * stream (inside f) is still in use until its close is over: the
 * reference goes on the next tick. */
ASY__INTERNAL void asy__fetch_unref_tick(void *arg) { asy__fetch_unref((asy__fetch *)arg); }

ASY__INTERNAL void asy__fetch_ds_closed(asy__stream_listener *l, asy_stream_t *s) {
    asy__fetch *f = ASY_CONTAINER_OF(l, asy__fetch, ds_l);
    (void)s;
    f->res.body = NULL;
    asy__fetch_quiet(f);
    if (asy_next_tick(f->loop, asy__fetch_unref_tick, f) != 0) return; /* leak, not a crash */
}
static const asy__stream_listener_vt asy__fetch_ds_lvt = {NULL, NULL, NULL, NULL,
                                                          NULL, NULL, asy__fetch_ds_closed};

ASY__INTERNAL int asy__fetch_data(asy__fetch *f, const asy_url_t *u) {
    asy_buf_t body = ASY_BUF_INIT;
    char *mime = NULL;
    int r = asy__data_url_decode(u, &body, &mime);
    if (r != 0) return r;
    r = asy_headers_append(&f->res.headers, "content-type", mime);
    asy_free(mime);
    if (r == 0) r = asy_readable_init(f->loop, &f->data_stream, NULL, NULL);
    if (r != 0) {
        asy_buf_release(&body);
        return r;
    }
    f->data_stream.impl_data = f;
    f->has_data_stream = 1;
    f->refs++;
    asy__stream_listen(&f->data_stream, &f->ds_l, &asy__fetch_ds_lvt);
    if (body.len) asy_stream_push_move(&f->data_stream, &body);
    asy_buf_release(&body);
    asy_stream_push_end(&f->data_stream);
    f->res.status = 200;
    f->res.status_text = "OK";
    f->res.body = &f->data_stream;
    asy__fetch_resolve(f);
    return 0;
}

/* ---- Content-Encoding ------------------------------------------------------------------ */

#ifdef ASYNCRT_WITH_ZLIB
/* undici refuses a response with more codings than this */
#define ASY__FETCH_MAX_CODINGS 5

struct asy__fetch_dec {
    asy_zlib_t z;
    asy__stream_listener l; /* its close */
    asy__fetch *f;
    int open;
};

ASY__INTERNAL void asy__fetch_dec_closed(asy__stream_listener *l, asy_stream_t *s) {
    struct asy__fetch_dec *d = ASY_CONTAINER_OF(l, struct asy__fetch_dec, l);
    asy__fetch *f = d->f;
    d->open = 0;
    if (f->res.body == s) {
        /* a corrupt body can fail before anyone reads it: a later read
         * still gets the error */
        if (!f->body_err) f->body_err = asy_stream_errored(s);
        f->res.body = NULL;
        asy__fetch_quiet(f);
    }
    if (asy_next_tick(f->loop, asy__fetch_unref_tick, f) != 0) return; /* leak, not a crash */
}
static const asy__stream_listener_vt asy__fetch_dec_lvt = {NULL, NULL, NULL, NULL,
                                                           NULL, NULL, asy__fetch_dec_closed};

ASY__INTERNAL void asy__fetch_dec_destroy(asy__fetch *f) {
    unsigned i;
    for (i = 0; i < f->ndec; i++)
        if (f->dec[i].open && !asy_stream_is_destroyed(&f->dec[i].z.stream))
            asy_stream_destroy(&f->dec[i].z.stream, ASY_EHTTP_ABORTED);
}

ASY__INTERNAL void asy__fetch_dec_done(asy_stream_t *last, int status, void *arg) {
    (void)last;
    /* the pipeline destroyed every stream on an error: the body (the
     * last decoder) reports it; nothing else to do */
    (void)status;
    (void)arg;
}

/* One coding of the list, trimmed and lowercased, against a name. */
ASY__INTERNAL int asy__fetch_coding_is(const char *p, size_t n, const char *name) {
    size_t k;
    if (n != strlen(name)) return 0;
    for (k = 0; k < n; k++) {
        char c = p[k];
        if ((c >= 'A' && c <= 'Z' ? (char)(c + 32) : c) != name[k]) return 0;
    }
    return 1;
}

/* undici's onHeaders: the codings of Content-Encoding are undone from
 * the last to the first, each gzip / x-gzip by a gunzip and each deflate
 * by an inflate that also takes raw deflate, all with Z_SYNC_FLUSH as
 * flush and finishFlush (curl's leniency: a truncated body is not an
 * error, bad data is).  Any other coding leaves the body as sent.  No
 * decoding for HEAD and CONNECT, the null-body statuses, and a redirect
 * being followed (handled before this).  0, or the error. */
ASY__INTERNAL int asy__fetch_decode(asy__fetch *f, asy_http_client_res_t *res) {
    const char *ce, *p;
    size_t len[ASY__FETCH_MAX_CODINGS], n = 0, i;
    const char *at[ASY__FETCH_MAX_CODINGS];
    asy_stream_t *chain[ASY__FETCH_MAX_CODINGS + 1];
    int gz[ASY__FETCH_MAX_CODINGS];
    int r, st = f->res.status;
    f->res.body = &res->stream;
    if (strcmp(f->method, "HEAD") == 0 || strcmp(f->method, "CONNECT") == 0) return 0;
    if (st == 101 || st == 204 || st == 205 || st == 304) return 0;
    if (!(ce = asy_headers_get(&f->res.headers, "content-encoding"))) return 0;
    for (p = ce;; n++) {
        const char *c = strchr(p, ',');
        const char *e = c ? c : p + strlen(p);
        if (n == ASY__FETCH_MAX_CODINGS) return ASY_EFETCH_CODINGS;
        while (p < e && (*p == ' ' || *p == '\t')) p++;
        while (e > p && (e[-1] == ' ' || e[-1] == '\t')) e--;
        at[n] = p;
        len[n] = (size_t)(e - p);
        if (!c) {
            n++;
            break;
        }
        p = c + 1;
    }
    for (i = 0; i < n; i++) {
        if (asy__fetch_coding_is(at[i], len[i], "gzip") || asy__fetch_coding_is(at[i], len[i], "x-gzip"))
            gz[i] = 1;
        else if (asy__fetch_coding_is(at[i], len[i], "deflate"))
            gz[i] = 0;
        else
            return 0; /* a coding we cannot undo: the body as it came */
    }
    if (!(f->dec = ASY__NEW_ARRAY(struct asy__fetch_dec, n))) return ASY_ENOMEM;
    memset(f->dec, 0, n * sizeof(*f->dec));
    chain[0] = &res->stream;
    for (i = 0; i < n; i++) {
        struct asy__fetch_dec *d = &f->dec[i];
        asy_zlib_opts_t zo;
        memset(&zo, 0, sizeof(zo));
        zo.flush = ASY_Z_SYNC_FLUSH;
        zo.finish_flush = ASY_Z_SYNC_FLUSH;
        zo.raw_fallback = !gz[n - 1 - i];
        r = asy_zlib_create(f->loop, &d->z, gz[n - 1 - i] ? ASY_ZLIB_GUNZIP : ASY_ZLIB_INFLATE, &zo);
        if (r < 0) {
            asy__fetch_dec_destroy(f); /* the ones made so far */
            return r;
        }
        d->f = f;
        d->open = 1;
        f->ndec++;
        f->refs++; /* until its close */
        asy__stream_listen(&d->z.stream, &d->l, &asy__fetch_dec_lvt);
        chain[i + 1] = &d->z.stream;
    }
    if ((r = asy_pipeline(chain, n + 1, asy__fetch_dec_done, NULL)) < 0) {
        asy__fetch_dec_destroy(f);
        return r;
    }
    f->res.body = chain[n];
    return 0;
}
#else
ASY__INTERNAL void asy__fetch_dec_destroy(asy__fetch *f) { (void)f; }
ASY__INTERNAL int asy__fetch_decode(asy__fetch *f, asy_http_client_res_t *res) {
    f->res.body = &res->stream; /* no zlib: the body as the server sent it */
    return 0;
}
#endif

/* ---- the entry point ----------------------------------------------------------------- */

ASYNCRT_API asy_promise_t *asy_fetch(asy_loop_t *loop, const char *url, const asy_fetch_opts_t *opts) {
    asy__fetch *f;
    asy_promise_t *p;
    asy_url_t u;
    int r;
    if (!loop || !url) return NULL;
    p = asy_promise_new(loop);
    if (!p) return NULL;
    f = ASY__NEW(asy__fetch);
    if (!f) {
        asy_promise_release(p);
        return NULL;
    }
    memset(f, 0, sizeof(*f));
    f->loop = loop;
    f->p = asy_promise_retain(p);
    f->refs = 1; /* this call, dropped at the end */
    asy_headers_init(&f->hdrs);
    asy_headers_init(&f->res.headers);
    asy_buf_init(&f->body);
    if (opts) f->opts = *opts;
    f->url = asy__strdup(url);
    f->method = asy__strdup(f->opts.method ? f->opts.method : "GET");
    if (!f->url || !f->method) {
        asy__fetch_reject(f, ASY_ENOMEM, NULL);
        asy__fetch_unref(f);
        return p;
    }
    {
        /* method names are case-sensitive, but the standard's normalized
         * ones go uppercase (undici does the same) */
        static const char *const norm[] = {"DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT", NULL};
        const char *const *m;
        for (m = norm; *m; m++) {
            size_t k, n = strlen(*m);
            if (n != strlen(f->method)) continue;
            for (k = 0; k < n; k++) {
                char c = f->method[k];
                if ((c >= 'a' && c <= 'z' ? (char)(c - 32) : c) != (*m)[k]) break;
            }
            if (k == n) memcpy(f->method, *m, n);
        }
    }
    if (f->opts.signal && f->opts.signal->aborted) {
        asy__fetch_reject(f, f->opts.signal->reason, NULL);
        asy__fetch_unref(f);
        return p;
    }
    if ((r = asy_url_parse(&u, url, NULL)) != 0) {
        asy__fetch_reject(f, r, NULL);
        asy__fetch_unref(f);
        return p;
    }
    asy_free(f->url);
    f->url = asy__strdup(asy_url_href(&u)); /* the serialized form */
    if (!f->url) r = ASY_ENOMEM;
    if (r == 0 && f->opts.headers) r = asy_headers_copy(&f->hdrs, f->opts.headers);
    if (r == 0 && !asy_headers_has(&f->hdrs, "accept")) r = asy_headers_append(&f->hdrs, "accept", "*/*");
#ifdef ASYNCRT_WITH_ZLIB
    /* undici: a Range request asks for identity; otherwise what it can
     * decode (br is not built here) */
    if (r == 0 && asy_headers_has(&f->hdrs, "range"))
        r = asy_headers_append(&f->hdrs, "accept-encoding", "identity");
    if (r == 0 && !asy_headers_has(&f->hdrs, "accept-encoding"))
        r = asy_headers_append(&f->hdrs, "accept-encoding", "gzip, deflate");
#endif
    if (r == 0 && f->opts.body && f->opts.body_len) {
        r = asy_buf_from_bytes(&f->body, f->opts.body, f->opts.body_len);
        f->has_body = r == 0;
    }
    if (r == 0 && (f->has_body || f->opts.body_stream) &&
        (strcmp(f->method, "GET") == 0 || strcmp(f->method, "HEAD") == 0))
        r = ASY_EINVAL; /* "Request with GET/HEAD method cannot have body" */
    f->body_stream = f->opts.body_stream;
    if (r == 0) {
        asy_url_view_t sch = asy_url_scheme(&u);
        if (sch.len == 4 && memcmp(sch.ptr, "data", 4) == 0)
            r = asy__fetch_data(f, &u);
        else if (!asy__http_scheme_ok(&u))
            r = ASY_EPROTONOSUPPORT;
        else
            r = asy__fetch_start(f);
    }
    asy_url_free(&u);
    if (r != 0) {
        asy__fetch_reject(f, r, NULL);
    } else if (!f->settled || f->creq || f->has_data_stream) {
        if (f->opts.signal) {
            f->waiter.fn = asy__fetch_on_signal;
            asy__queue_insert_tail(&f->opts.signal->waiters_, &f->waiter.link);
            f->waiting_signal = 1;
        }
        if (f->opts.timeout_ms)
            f->timer = asy_set_timeout(loop, asy__fetch_on_timeout, f, f->opts.timeout_ms);
    }
    asy__fetch_unref(f);
    return p;
}

/* ---- text() / arrayBuffer() ------------------------------------------------------------ */

ASY__INTERNAL void asy__fetch_bytes_free(void *v) {
    asy_fetch_bytes_t *b = (asy_fetch_bytes_t *)v;
    asy_free(b->data);
    asy_free(b);
}

ASY__INTERNAL void asy__fetch_reader_settle(asy__fetch *f, int err) {
    asy_promise_t *q = f->reader;
    if (!q) return;
    f->reader = NULL;
    if (err) {
        asy_promise_reject(q, err, asy_strerror(err));
    } else {
        asy_fetch_bytes_t *b = ASY__NEW(asy_fetch_bytes_t);
        if (!b) {
            asy_promise_reject(q, ASY_ENOMEM, NULL);
        } else {
            if (!f->acc) f->acc = (char *)asy__malloc(1);
            b->data = f->acc;
            b->len = f->acc_len;
            if (b->data) b->data[b->len] = 0;
            f->acc = NULL;
            f->acc_len = f->acc_cap = 0;
            if (!b->data) {
                asy_free(b);
                asy_promise_reject(q, ASY_ENOMEM, NULL);
            } else {
                asy_promise_settle(q, asy_ok_owned(b, asy__fetch_bytes_free));
            }
        }
    }
    asy_promise_release(q);
    asy__fetch_unref(f);
}

ASY__INTERNAL void asy__fetch_rd_data(asy__stream_listener *l, asy_stream_t *s, const asy_buf_t *b) {
    asy__fetch *f = ASY_CONTAINER_OF(l, asy__fetch, body_l);
    (void)s;
    if (!f->reader) return;
    if (f->acc_len + b->len + 1 > f->acc_cap) {
        size_t nc = f->acc_cap ? f->acc_cap : 4096;
        char *na;
        while (nc < f->acc_len + b->len + 1) nc *= 2;
        na = (char *)asy__realloc(f->acc, nc);
        if (!na) {
            asy__fetch_reader_settle(f, ASY_ENOMEM);
            return;
        }
        f->acc = na;
        f->acc_cap = nc;
    }
    memcpy(f->acc + f->acc_len, b->data, b->len);
    f->acc_len += b->len;
}
ASY__INTERNAL void asy__fetch_rd_end(asy__stream_listener *l, asy_stream_t *s) {
    (void)s;
    asy__fetch_reader_settle(ASY_CONTAINER_OF(l, asy__fetch, body_l), 0);
}
ASY__INTERNAL void asy__fetch_rd_error(asy__stream_listener *l, asy_stream_t *s, int err) {
    (void)s;
    asy__fetch_reader_settle(ASY_CONTAINER_OF(l, asy__fetch, body_l), err);
}
ASY__INTERNAL void asy__fetch_rd_close(asy__stream_listener *l, asy_stream_t *s) {
    (void)s;
    /* closed without 'end' or 'error' (destroyed quietly) */
    asy__fetch_reader_settle(ASY_CONTAINER_OF(l, asy__fetch, body_l), ASY_EPREMATURE_CLOSE);
}
static const asy__stream_listener_vt asy__fetch_rd_lvt = {asy__fetch_rd_data, NULL,
                                                          asy__fetch_rd_end,  asy__fetch_rd_error,
                                                          NULL,               NULL,
                                                          asy__fetch_rd_close};

ASYNCRT_API asy_promise_t *asy_fetch_bytes(asy_fetch_response_t *res) {
    asy__fetch *f;
    asy_promise_t *q;
    if (!res || !res->f_) return NULL;
    f = res->f_;
    if (!f->body_used && (res->body ? asy_stream_errored(res->body) : f->body_err)) {
        int err = res->body ? asy_stream_errored(res->body) : f->body_err;
        f->body_used = 1;
        return asy_promise_rejected(f->loop, err, asy_strerror(err));
    }
    if (f->body_used || !res->body || asy_stream_readable_flowing(res->body) != -1)
        return asy_promise_rejected(f->loop, ASY_EFETCH_BODY_USED, "body already used");
    q = asy_promise_new(f->loop);
    if (!q) return NULL;
    f->body_used = 1;
    f->reader = asy_promise_retain(q);
    f->refs++;
    asy__stream_listen(res->body, &f->body_l, &asy__fetch_rd_lvt);
    return q;
}

ASYNCRT_API asy_promise_t *asy_fetch_text(asy_fetch_response_t *res) { return asy_fetch_bytes(res); }

/* ---- the abort signal -------------------------------------------------------------------- */

ASYNCRT_API void asy_abort_signal_init(asy_abort_signal_t *s) {
    if (!s) return;
    memset(s, 0, sizeof(*s));
    asy__queue_init(&s->waiters_);
}

ASYNCRT_API void asy_abort_signal_abort(asy_abort_signal_t *s, int reason) {
    if (!s || s->aborted) return;
    s->aborted = 1;
    s->reason = reason ? reason : ASY_EHTTP_ABORTED;
    while (!asy__queue_empty(&s->waiters_)) {
        asy__queue *q = asy__queue_head(&s->waiters_);
        asy__abort_waiter *w = ASY_CONTAINER_OF(q, asy__abort_waiter, link);
        asy__queue_remove(q);
        w->fn(w, s->reason);
    }
}

#endif /* ASYNCRT_OS_POSIX */
