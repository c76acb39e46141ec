/* asy_fetch against the project's server: redirects of every kind,
 * headers, bodies, data: URLs, abort and timeout. */
#include "../asyncrt.h"
#include "test.h"
#include "http_util.h"

#include <stdio.h>

/* ---- the server: routes by path ------------------------------------------------ */

typedef struct fin {
    asy_http_res_t *res;
    char method[16];
    char auth[64];
    char cookie[64];
    char ctype[64];
    char body[256];
    size_t len;
} fin;

static void fin_data(asy_stream_t *s, const asy_buf_t *b) {
    fin *f = (fin *)s->data;
    size_t n = b->len;
    if (f->len + n > sizeof(f->body) - 1) n = sizeof(f->body) - 1 - f->len;
    memcpy(f->body + f->len, b->data, n);
    f->len += n;
}
static void fin_end(asy_stream_t *s) {
    fin *f = (fin *)s->data;
    char out[512];
    int n = snprintf(out, sizeof(out), "method=%s body=%.*s auth=%s cookie=%s ctype=%s", f->method,
                     (int)f->len, f->body, f->auth, f->cookie, f->ctype);
    asy_http_res_end(f->res, out, (size_t)n);
}
static void fin_close(asy_stream_t *s) { free(s->data); }
static const asy_stream_events_t fin_events = {fin_data, NULL, fin_end, NULL, NULL,
                                             NULL,     fin_close, NULL, NULL};

static void copy_hdr(const asy_http_req_t *req, const char *name, char *out, size_t cap) {
    size_t n = 0;
    const char *v = asy_http_req_header(req, name, &n);
    if (!v) {
        snprintf(out, cap, "-");
        return;
    }
    if (n >= cap) n = cap - 1;
    memcpy(out, v, n);
    out[n] = 0;
}

static int other_port; /* a second server: another origin */

static void route_cb(asy_http_server_t *srv, asy_http_req_t *req, asy_http_res_t *res) {
    char path[256];
    size_t n = req->head.target_len < 255 ? req->head.target_len : 255;
    (void)srv;
    memcpy(path, req->head.target, n);
    path[n] = 0;
    if (strncmp(path, "/r/", 3) == 0) { /* /r/<code>/<location...> */
        int code = atoi(path + 3);
        const char *loc = strchr(path + 3, '/');
        char abs[300];
        if (loc && strncmp(loc, "/other", 6) == 0) {
            snprintf(abs, sizeof(abs), "http://127.0.0.1:%d%s", other_port, loc + 6);
            loc = abs;
        }
        asy_http_res_set_header(res, "Location", loc ? loc : "/final");
        asy_http_res_write_head(res, code, NULL);
        asy_http_res_end(res, "redirect body", 13);
        return;
    }
    if (strcmp(path, "/loop") == 0) {
        asy_http_res_set_header(res, "Location", "/loop");
        asy_http_res_write_head(res, 302, NULL);
        asy_http_res_end(res, NULL, 0);
        return;
    }
    if (strcmp(path, "/cookies") == 0) {
        asy_http_res_append_header(res, "Set-Cookie", "a=1");
        asy_http_res_append_header(res, "Set-Cookie", "b=2");
        asy_http_res_append_header(res, "X-Multi", "x");
        asy_http_res_append_header(res, "x-multi", "y");
        asy_http_res_end(res, "c", 1);
        return;
    }
    if (strcmp(path, "/stall") == 0) return; /* never answers */
    if (strcmp(path, "/status404") == 0) {
        asy_http_res_write_head(res, 404, NULL);
        asy_http_res_end(res, "nope", 4);
        return;
    }
    {
        fin *f = (fin *)calloc(1, sizeof(*f));
        f->res = res;
        snprintf(f->method, sizeof(f->method), "%.*s", (int)req->head.method_len, req->head.method);
        copy_hdr(req, "authorization", f->auth, sizeof(f->auth));
        copy_hdr(req, "cookie", f->cookie, sizeof(f->cookie));
        copy_hdr(req, "content-type", f->ctype, sizeof(f->ctype));
        req->stream.data = f;
        asy_stream_set_events(&req->stream, &fin_events);
    }
}

/* ---- fetching -------------------------------------------------------------------- */

typedef struct got {
    int state, err, status, redirected;
    char text[1024];
    char url[256];
    char msg[256];
    asy_headers_t h;
    asy_promise_t *textp;
} got;

static void text_done(void *arg, const asy_settled_t *in) {
    got *g = (got *)arg;
    if (in->state == ASY_PROMISE_FULFILLED) {
        asy_fetch_bytes_t *b = (asy_fetch_bytes_t *)in->value;
        snprintf(g->text, sizeof(g->text), "%s", b->data);
    } else {
        g->err = in->error;
    }
    g->state = 2;
}

static void fetched(void *arg, const asy_settled_t *in) {
    got *g = (got *)arg;
    if (in->state == ASY_PROMISE_REJECTED) {
        g->err = in->error;
        snprintf(g->msg, sizeof(g->msg), "%s", in->message ? in->message : "");
        g->state = 2;
        return;
    }
    {
        asy_fetch_response_t *r = (asy_fetch_response_t *)in->value;
        asy_promise_t *t;
        g->status = r->status;
        g->redirected = r->redirected;
        snprintf(g->url, sizeof(g->url), "%s", r->url);
        asy_headers_copy(&g->h, &r->headers);
        g->state = 1;
        t = asy_fetch_text(r);
        ASSERT(t != NULL);
        asy_promise_on_settled(t, text_done, g);
        asy_promise_release(t);
    }
}

static void do_fetch(asy_loop_t *loop, const char *url, const asy_fetch_opts_t *o, got *g) {
    asy_promise_t *p;
    memset(g, 0, sizeof(*g));
    asy_headers_init(&g->h);
    p = asy_fetch(loop, url, o);
    ASSERT(p != NULL);
    asy_promise_on_settled(p, fetched, g);
    while (g->state != 2) asy_run(loop, ASY_RUN_ONCE);
    asy_promise_release(p);
}

typedef struct env {
    tsrv a, b;
    int port;
    asy_loop_t loop;
    asy_http_agent_t agent;
} env;

static void env_start(env *e) {
    memset(e, 0, sizeof(*e));
    other_port = tsrv_start(&e->b, NULL, route_cb);
    e->port = tsrv_start(&e->a, NULL, route_cb);
    asy_loop_init(&e->loop, NULL);
    asy_http_agent_init(&e->loop, &e->agent, NULL);
}
static int agent_done;
static void agent_closed(asy_http_agent_t *a) {
    (void)a;
    agent_done = 1;
}
static void env_stop(env *e) {
    agent_done = 0;
    asy_http_agent_close(&e->agent, agent_closed);
    asy_run(&e->loop, ASY_RUN_DEFAULT);
    ASSERT(agent_done);
    if (asy_loop_close(&e->loop) != 0) {
        asy_loop_print_handles(&e->loop, stderr);
        FAIL("handles left");
    }
    tsrv_stop(&e->a);
    tsrv_stop(&e->b);
}

static void url(char *buf, size_t n, int port, const char *path) {
    snprintf(buf, n, "http://127.0.0.1:%d%s", port, path);
}

TEST(http_fetch_get_text) {
    env e;
    got g;
    char u[256];
    asy_fetch_opts_t o;
    env_start(&e);
    memset(&o, 0, sizeof(o));
    o.agent = &e.agent;
    url(u, sizeof(u), e.port, "/final");
    do_fetch(&e.loop, u, &o, &g);
    ASSERT_EQ(g.err, 0);
    ASSERT_EQ(g.status, 200);
    ASSERT_EQ(g.redirected, 0);
    ASSERT_STR_EQ(g.text, "method=GET body= auth=- cookie=- ctype=-");
    ASSERT_STR_EQ(g.url, u);
    asy_headers_free(&g.h);
    url(u, sizeof(u), e.port, "/status404");
    do_fetch(&e.loop, u, &o, &g);
    ASSERT_EQ(g.status, 404);
    ASSERT_STR_EQ(g.text, "nope");
    asy_headers_free(&g.h);
    env_stop(&e);
}

TEST(http_fetch_post_buffer_and_headers) {
    env e;
    got g;
    char u[256];
    asy_fetch_opts_t o;
    asy_headers_t h;
    env_start(&e);
    asy_headers_init(&h);
    ASSERT_EQ(asy_headers_append(&h, "Content-Type", "application/json"), 0);
    ASSERT_EQ(asy_headers_append(&h, "authorization", "Bearer t"), 0);
    memset(&o, 0, sizeof(o));
    o.agent = &e.agent;
    o.method = "post"; /* normalized to POST */
    o.headers = &h;
    o.body = "{\"x\":1}";
    o.body_len = 7;
    url(u, sizeof(u), e.port, "/final");
    do_fetch(&e.loop, u, &o, &g);
    ASSERT_EQ(g.err, 0);
    ASSERT_STR_EQ(g.text, "method=POST body={\"x\":1} auth=Bearer t cookie=- ctype=application/json");
    asy_headers_free(&g.h);
    asy_headers_free(&h);
    env_stop(&e);
}

TEST(http_fetch_body_from_readable) {
    env e;
    got g;
    char u[256];
    asy_fetch_opts_t o;
    asy_stream_t src;
    env_start(&e);
    ASSERT_EQ(asy_readable_init(&e.loop, &src, NULL, NULL), 0);
    asy_stream_push_bytes(&src, "streamed ", 9);
    asy_stream_push_bytes(&src, "body", 4);
    asy_stream_push_end(&src);
    memset(&o, 0, sizeof(o));
    o.agent = &e.agent;
    o.method = "PUT";
    o.body_stream = &src;
    url(u, sizeof(u), e.port, "/final");
    do_fetch(&e.loop, u, &o, &g);
    ASSERT_EQ(g.err, 0);
    ASSERT_STR_EQ(g.text, "method=PUT body=streamed body auth=- cookie=- ctype=-");
    asy_headers_free(&g.h);
    env_stop(&e);
}

TEST(http_fetch_response_headers) {
    env e;
    got g;
    char u[256];
    asy_fetch_opts_t o;
    env_start(&e);
    memset(&o, 0, sizeof(o));
    o.agent = &e.agent;
    url(u, sizeof(u), e.port, "/cookies");
    do_fetch(&e.loop, u, &o, &g);
    ASSERT_EQ(g.err, 0);
    ASSERT_STR_EQ(asy_headers_get(&g.h, "X-MULTI"), "x, y");
    ASSERT_EQ(asy_headers_set_cookie_count(&g.h), 2);
    ASSERT_STR_EQ(asy_headers_set_cookie(&g.h, 0), "a=1");
    ASSERT_STR_EQ(asy_headers_set_cookie(&g.h, 1), "b=2");
    ASSERT_STR_EQ(asy_headers_get(&g.h, "set-cookie"), "a=1, b=2");
    ASSERT_STR_EQ(asy_headers_get(&g.h, "content-length"), "1");
    ASSERT(asy_headers_get(&g.h, "nope") == NULL);
    asy_headers_free(&g.h);
    env_stop(&e);
}

TEST(http_fetch_headers_api) {
    asy_headers_t h;
    const char *n, *v;
    asy_headers_init(&h);
    ASSERT_EQ(asy_headers_append(&h, "B", " 2 "), 0);
    ASSERT_EQ(asy_headers_append(&h, "a", "1"), 0);
    ASSERT_EQ(asy_headers_append(&h, "b", "3"), 0);
    ASSERT_EQ(asy_headers_append(&h, "bad name", "x"), ASY_EINVAL);
    ASSERT_EQ(asy_headers_append(&h, "x", "a\r\nb"), ASY_EINVAL);
    ASSERT_EQ(asy_headers_count(&h), 2);
    ASSERT_EQ(asy_headers_at(&h, 0, &n, &v), 0);
    ASSERT_STR_EQ(n, "a");
    ASSERT_EQ(asy_headers_at(&h, 1, &n, &v), 0);
    ASSERT_STR_EQ(n, "b");
    ASSERT_STR_EQ(v, "2, 3");
    ASSERT_EQ(asy_headers_set(&h, "B", "9"), 0);
    ASSERT_STR_EQ(asy_headers_get(&h, "b"), "9");
    ASSERT_EQ(asy_headers_delete(&h, "A"), 0);
    ASSERT(!asy_headers_has(&h, "a"));
    ASSERT_EQ(asy_headers_count(&h), 1);
    asy_headers_free(&h);
}

static void check_redirect(env *e, const char *method, int code, const char *want_method,
                           const char *want_body) {
    got g;
    char u[256], w[512];
    asy_fetch_opts_t o;
    asy_headers_t h;
    asy_headers_init(&h);
    asy_headers_append(&h, "content-type", "text/plain");
    memset(&o, 0, sizeof(o));
    o.agent = &e->agent;
    o.method = method;
    o.headers = &h;
    if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
        o.body = "payload";
        o.body_len = 7;
    }
    snprintf(u, sizeof(u), "http://127.0.0.1:%d/r/%d/final", e->port, code);
    do_fetch(&e->loop, u, &o, &g);
    ASSERT_EQ(g.err, 0);
    ASSERT_EQ(g.status, 200);
    ASSERT_EQ(g.redirected, 1);
    snprintf(w, sizeof(w), "method=%s body=%s auth=- cookie=- ctype=%s", want_method, want_body,
             strcmp(method, want_method) == 0 ? "text/plain" : "-");
    ASSERT_STR_EQ(g.text, w);
    snprintf(w, sizeof(w), "http://127.0.0.1:%d/final", e->port);
    ASSERT_STR_EQ(g.url, w);
    asy_headers_free(&g.h);
    asy_headers_free(&h);
}

TEST(http_fetch_redirect_method_rewrites) {
    env e;
    env_start(&e);
    check_redirect(&e, "GET", 301, "GET", "");
    check_redirect(&e, "POST", 301, "GET", "");
    check_redirect(&e, "POST", 302, "GET", "");
    check_redirect(&e, "POST", 303, "GET", "");
    check_redirect(&e, "PUT", 303, "GET", "");
    check_redirect(&e, "PUT", 302, "PUT", "payload");
    check_redirect(&e, "POST", 307, "POST", "payload");
    check_redirect(&e, "POST", 308, "POST", "payload");
    env_stop(&e);
}

TEST(http_fetch_redirect_modes_and_limit) {
    env e;
    got g;
    char u[256];
    asy_fetch_opts_t o;
    env_start(&e);
    memset(&o, 0, sizeof(o));
    o.agent = &e.agent;
    url(u, sizeof(u), e.port, "/loop");
    do_fetch(&e.loop, u, &o, &g);
    ASSERT_EQ(g.err, ASY_EHTTP_MAX_REDIRECTS);
    ASSERT(strstr(g.msg, "redirect count exceeded") != NULL);
    o.redirect = ASY_FETCH_ERROR;
    url(u, sizeof(u), e.port, "/r/302/final");
    do_fetch(&e.loop, u, &o, &g);
    ASSERT_EQ(g.err, ASY_EHTTP_REDIRECT);
    o.redirect = ASY_FETCH_MANUAL;
    do_fetch(&e.loop, u, &o, &g);
    ASSERT_EQ(g.err, 0);
    ASSERT_EQ(g.status, 302);
    ASSERT_STR_EQ(asy_headers_get(&g.h, "location"), "/final");
    ASSERT_STR_EQ(g.text, "redirect body");
    asy_headers_free(&g.h);
    /* 20 hops are fine, the 21st is not: /loop above made 20 and failed */
    env_stop(&e);
}

TEST(http_fetch_redirect_cross_origin_drops_credentials) {
    env e;
    got g;
    char u[256];
    asy_fetch_opts_t o;
    asy_headers_t h;
    env_start(&e);
    asy_headers_init(&h);
    asy_headers_append(&h, "Authorization", "Basic x");
    asy_headers_append(&h, "Cookie", "s=1");
    memset(&o, 0, sizeof(o));
    o.agent = &e.agent;
    o.headers = &h;
    url(u, sizeof(u), e.port, "/r/302/final"); /* same origin: kept */
    do_fetch(&e.loop, u, &o, &g);
    ASSERT_STR_EQ(g.text, "method=GET body= auth=Basic x cookie=s=1 ctype=-");
    asy_headers_free(&g.h);
    url(u, sizeof(u), e.port, "/r/302/other/final"); /* the other server: dropped */
    do_fetch(&e.loop, u, &o, &g);
    ASSERT_EQ(g.err, 0);
    ASSERT_STR_EQ(g.text, "method=GET body= auth=- cookie=- ctype=-");
    asy_headers_free(&g.h);
    asy_headers_free(&h);
    env_stop(&e);
}

TEST(http_fetch_stream_body_cannot_follow_307) {
    env e;
    got g;
    char u[256];
    asy_fetch_opts_t o;
    asy_stream_t src;
    env_start(&e);
    asy_readable_init(&e.loop, &src, NULL, NULL);
    asy_stream_push_bytes(&src, "x", 1);
    asy_stream_push_end(&src);
    memset(&o, 0, sizeof(o));
    o.agent = &e.agent;
    o.method = "POST";
    o.body_stream = &src;
    url(u, sizeof(u), e.port, "/r/307/final");
    do_fetch(&e.loop, u, &o, &g);
    ASSERT_EQ(g.err, ASY_EHTTP_REDIRECT_BODY);
    env_stop(&e);
}

TEST(http_fetch_data_urls) {
    asy_loop_t loop;
    got g;
    asy_loop_init(&loop, NULL);
    do_fetch(&loop, "data:,Hello%2C%20World%21", NULL, &g);
    ASSERT_EQ(g.status, 200);
    ASSERT_STR_EQ(g.text, "Hello, World!");
    ASSERT_STR_EQ(asy_headers_get(&g.h, "content-type"), "text/plain;charset=US-ASCII");
    asy_headers_free(&g.h);
    do_fetch(&loop, "data:text/html;base64,PGI+aGk8L2I+#frag", NULL, &g);
    ASSERT_STR_EQ(g.text, "<b>hi</b>");
    ASSERT_STR_EQ(asy_headers_get(&g.h, "content-type"), "text/html");
    asy_headers_free(&g.h);
    do_fetch(&loop, "data:;base64,aGk", NULL, &g); /* no padding: forgiving */
    ASSERT_STR_EQ(g.text, "hi");
    /* the type left after ";base64" is empty: the standard's default */
    ASSERT_STR_EQ(asy_headers_get(&g.h, "content-type"), "text/plain;charset=US-ASCII");
    asy_headers_free(&g.h);
    do_fetch(&loop, "data:;base64,a", NULL, &g);
    ASSERT_EQ(g.err, ASY_EBAD_DATA_URL);
    do_fetch(&loop, "data:nocomma", NULL, &g);
    ASSERT_EQ(g.err, ASY_EBAD_DATA_URL);
    do_fetch(&loop, "ftp://x/", NULL, &g);
    ASSERT_EQ(g.err, ASY_EPROTONOSUPPORT);
    do_fetch(&loop, "::nope", NULL, &g);
    ASSERT_EQ(g.err, ASY_EINVALID_URL);
    ASSERT_EQ(asy_run(&loop, ASY_RUN_DEFAULT), 0);
    ASSERT_EQ(asy_loop_close(&loop), 0);
}

static asy_abort_signal_t sig;
static void do_abort(void *arg) {
    (void)arg;
    asy_abort_signal_abort(&sig, 0);
}

TEST(http_fetch_signal_and_timeout) {
    env e;
    got g;
    char u[256];
    asy_fetch_opts_t o;
    double t0;
    env_start(&e);
    memset(&o, 0, sizeof(o));
    o.agent = &e.agent;
    asy_abort_signal_init(&sig);
    o.signal = &sig;
    url(u, sizeof(u), e.port, "/stall");
    asy_set_timeout(&e.loop, do_abort, NULL, 50);
    do_fetch(&e.loop, u, &o, &g);
    ASSERT_EQ(g.err, ASY_EHTTP_ABORTED);
    do_fetch(&e.loop, u, &o, &g); /* already aborted: rejects at once */
    ASSERT_EQ(g.err, ASY_EHTTP_ABORTED);
    o.signal = NULL;
    o.timeout_ms = 150;
    t0 = now_ms();
    do_fetch(&e.loop, u, &o, &g);
    ASSERT_EQ(g.err, ASY_EFETCH_TIMEOUT);
    ASSERT_GE(now_ms() - t0, 120);
    ASSERT_LT(now_ms() - t0, 2000);
    env_stop(&e);
}

static void used_twice(void *arg, const asy_settled_t *in) {
    int *state = (int *)arg;
    asy_fetch_response_t *r = (asy_fetch_response_t *)in->value;
    asy_promise_t *a = asy_fetch_text(r), *b = asy_fetch_text(r);
    ASSERT(asy_promise_state_of(b) == ASY_PROMISE_REJECTED);
    ASSERT_EQ(asy_promise_result(b)->error, ASY_EFETCH_BODY_USED);
    asy_promise_mark_handled(b);
    asy_promise_release(a);
    asy_promise_release(b);
    *state = 1;
}

TEST(http_fetch_body_used_twice) {
    env e;
    char u[256];
    asy_fetch_opts_t o;
    asy_promise_t *p;
    int state = 0;
    env_start(&e);
    memset(&o, 0, sizeof(o));
    o.agent = &e.agent;
    url(u, sizeof(u), e.port, "/final");
    p = asy_fetch(&e.loop, u, &o);
    asy_promise_on_settled(p, used_twice, &state);
    while (!state) asy_run(&e.loop, ASY_RUN_ONCE);
    asy_promise_release(p); /* the body is dropped with the response */
    env_stop(&e);
}

/* Sequential fetches over one agent reuse one connection. */
TEST(http_fetch_keep_alive_pool) {
    env e;
    got g;
    char u[256];
    asy_fetch_opts_t o;
    asy_http_agent_stats_t st;
    int i;
    env_start(&e);
    memset(&o, 0, sizeof(o));
    o.agent = &e.agent;
    url(u, sizeof(u), e.port, "/final");
    for (i = 0; i < 10; i++) {
        do_fetch(&e.loop, u, &o, &g);
        ASSERT_EQ(g.err, 0);
        asy_headers_free(&g.h);
    }
    asy_http_agent_get_stats(&e.agent, &st);
    ASSERT_EQ(st.created, 1);
    ASSERT_EQ(st.reused, 9);
    env_stop(&e);
}
