/* asy_fetch undoing Content-Encoding as undici does (fetch.h): against
 * the project's server sending bodies made with the one-shot zlib calls,
 * and against Node's http server compressing with node:zlib. */
#include "../asyncrt.h"
#include "test.h"
#include "http_util.h"

#ifdef ASYNCRT_WITH_ZLIB

#include <stdio.h>

/* The text every route compresses (a few KiB) and a big one. */
static char text[6000];
static size_t text_len;
static char *big;
static size_t big_len;

static void make_texts(void) {
    size_t i;
    unsigned x = 7;
    text_len = 0;
    while (text_len + 40 < sizeof(text))
        text_len += (size_t)snprintf(text + text_len, sizeof(text) - text_len,
                                     "line %zu of the encoded body\n", text_len / 29);
    big_len = 1u << 20;
    big = (char *)malloc(big_len + 1);
    for (i = 0; i < big_len; i++) {
        x = x * 1103515245u + 12345u;
        big[i] = (char)('a' + (x >> 16) % 7); /* compressible, not trivially */
    }
    big[big_len] = 0;
}

static void send_buf(asy_http_res_t *res, int code, const char *ce, const asy_buf_t *b) {
    if (ce) asy_http_res_set_header(res, "Content-Encoding", ce);
    asy_http_res_write_head(res, code, NULL);
    asy_http_res_end(res, b ? b->data : NULL, b ? b->len : 0);
}

/* Routes: /gzip /xgzip /deflate /raw /list (gzip, deflate) /upper /br
 * /identity-list /corrupt /truncated /toomany /empty /204 /304 /rgz
 * (a followed redirect whose body is not gzip) /big (chunked) /ae (the
 * Accept-Encoding the request sent). */
static void route_cb(asy_http_server_t *srv, asy_http_req_t *req, asy_http_res_t *res) {
    char path[128];
    size_t n = req->head.target_len < 127 ? req->head.target_len : 127;
    asy_buf_t a = ASY_BUF_INIT, b = ASY_BUF_INIT;
    (void)srv;
    memcpy(path, req->head.target, n);
    path[n] = 0;
    if (strcmp(path, "/ae") == 0) {
        size_t vl = 0;
        const char *v = asy_http_req_header(req, "accept-encoding", &vl);
        asy_http_res_end(res, v ? v : "-", v ? vl : 1);
        return;
    }
    if (strcmp(path, "/gzip") == 0 || strcmp(path, "/xgzip") == 0 || strcmp(path, "/upper") == 0 ||
        strcmp(path, "/br") == 0 || strcmp(path, "/identity-list") == 0) {
        ASSERT_EQ(asy_zlib_gzip_sync(text, text_len, NULL, &a), 0);
        send_buf(res, 200,
                 path[1] == 'x'   ? "x-gzip"
                 : path[1] == 'u' ? " GZip "
                 : path[1] == 'b' ? "br"
                 : path[1] == 'i' ? "gzip, identity"
                                  : "gzip",
                 &a);
    } else if (strcmp(path, "/deflate") == 0) {
        ASSERT_EQ(asy_zlib_deflate_sync(text, text_len, NULL, &a), 0);
        send_buf(res, 200, "deflate", &a);
    } else if (strcmp(path, "/raw") == 0) {
        ASSERT_EQ(asy_zlib_deflate_raw_sync(text, text_len, NULL, &a), 0);
        send_buf(res, 200, "deflate", &a);
    } else if (strcmp(path, "/list") == 0) {
        /* applied in the order listed: gzip first, then deflate */
        ASSERT_EQ(asy_zlib_gzip_sync(text, text_len, NULL, &a), 0);
        ASSERT_EQ(asy_zlib_deflate_sync(a.data, a.len, NULL, &b), 0);
        send_buf(res, 200, "gzip,deflate", &b);
    } else if (strcmp(path, "/toomany") == 0) {
        send_buf(res, 200, "gzip, gzip, gzip, gzip, gzip, gzip", NULL);
    } else if (strcmp(path, "/corrupt") == 0) {
        ASSERT_EQ(asy_zlib_gzip_sync(text, text_len, NULL, &a), 0);
        memset(a.data + 10, 0xff, 16); /* the deflate data after the header */
        send_buf(res, 200, "gzip", &a);
    } else if (strcmp(path, "/truncated") == 0) {
        ASSERT_EQ(asy_zlib_gzip_sync(text, text_len, &(asy_zlib_opts_t){.mem_level = 8}, &a), 0);
        a.len /= 2;
        send_buf(res, 200, "gzip", &a);
    } else if (strcmp(path, "/empty") == 0) {
        send_buf(res, 200, "gzip", NULL);
    } else if (strcmp(path, "/204") == 0 || strcmp(path, "/304") == 0) {
        send_buf(res, atoi(path + 1), "gzip", NULL);
    } else if (strcmp(path, "/rgz") == 0) {
        asy_http_res_set_header(res, "Location", "/gzip");
        send_buf(res, 302, "gzip", NULL);
        return;
    } else if (strcmp(path, "/big") == 0) {
        size_t off;
        ASSERT_EQ(asy_zlib_gzip_sync(big, big_len, NULL, &a), 0);
        asy_http_res_set_header(res, "Content-Encoding", "gzip");
        for (off = 0; off < a.len; off += 7001) /* chunked, odd pieces */
            asy_http_res_write(res, a.data + off, a.len - off < 7001 ? a.len - off : 7001, NULL,
                               NULL);
        asy_http_res_end(res, NULL, 0);
    } else {
        asy_http_res_write_head(res, 404, NULL);
        asy_http_res_end(res, "no route", 8);
    }
    asy_buf_release(&a);
    asy_buf_release(&b);
}

/* ---- fetching ---------------------------------------------------------------------- */

typedef struct got {
    int state, err, body_err, status;
    char *body;
    size_t len;
    int has_ce, had_body;
} got;

static void body_done(void *arg, const asy_settled_t *in) {
    got *g = (got *)arg;
    if (in->state == ASY_PROMISE_FULFILLED) {
        asy_fetch_bytes_t *b = (asy_fetch_bytes_t *)in->value;
        g->body = (char *)malloc(b->len + 1);
        memcpy(g->body, b->data, b->len + 1);
        g->len = b->len;
    } else if (in->error == ASY_EFETCH_BODY_USED && !g->had_body) {
        g->len = 0; /* the (empty) body had closed before the read */
    } else {
        g->body_err = in->error;
    }
    g->state = 2;
}

static void fetched(void *arg, const asy_settled_t *in) {
    got *g = (got *)arg;
    asy_fetch_response_t *r;
    asy_promise_t *t;
    if (in->state == ASY_PROMISE_REJECTED) {
        g->err = in->error;
        g->state = 2;
        return;
    }
    r = (asy_fetch_response_t *)in->value;
    g->status = r->status;
    g->has_ce = asy_headers_has(&r->headers, "content-encoding");
    g->state = 1;
    g->had_body = r->body != NULL;
    t = asy_fetch_bytes(r);
    ASSERT(t != NULL);
    asy_promise_on_settled(t, body_done, g);
    asy_promise_release(t);
}

static void do_fetch(asy_loop_t *loop, const char *url, const asy_fetch_opts_t *o, got *g) {
    asy_promise_t *p;
    memset(g, 0, sizeof(*g));
    p = asy_fetch(loop, url, o);
    ASSERT(p != NULL);
    asy_promise_on_settled(p, fetched, g);
    while (g->state != 2) asy_run(loop, ASY_RUN_ONCE);
    asy_promise_release(p);
}

static void got_free(got *g) {
    free(g->body);
    g->body = NULL;
}

typedef struct env {
    tsrv srv;
    int port;
    asy_loop_t loop;
    asy_http_agent_t agent;
    asy_fetch_opts_t o;
} env;

static void env_start(env *e) {
    memset(e, 0, sizeof(*e));
    make_texts();
    e->port = tsrv_start(&e->srv, NULL, route_cb);
    ASSERT_EQ(asy_loop_init(&e->loop, NULL), 0);
    ASSERT_EQ(asy_http_agent_init(&e->loop, &e->agent, NULL), 0);
    e->o.agent = &e->agent;
}

static void agent_closed(asy_http_agent_t *a) { (void)a; }

static void env_stop(env *e) {
    asy_http_agent_close(&e->agent, agent_closed);
    asy_run(&e->loop, ASY_RUN_DEFAULT);
    if (asy_loop_close(&e->loop) != 0) {
        asy_loop_print_handles(&e->loop, stderr);
        FAIL("handles left");
    }
    tsrv_stop(&e->srv);
    free(big);
    big = NULL;
}

static void get(env *e, const char *path, const asy_fetch_opts_t *o, got *g) {
    char u[256];
    snprintf(u, sizeof(u), "http://127.0.0.1:%d%s", e->port, path);
    do_fetch(&e->loop, u, o ? o : &e->o, g);
}

TEST_T(http_fetch_decodes_gzip_and_deflate, 15000) {
    static const char *const decoded[] = {"/gzip", "/xgzip", "/upper", "/deflate",
                                          "/raw",  "/list",  "/rgz",   NULL};
    const char *const *p;
    env e;
    got g;
    env_start(&e);
    for (p = decoded; *p; p++) {
        get(&e, *p, NULL, &g);
        if (g.err || g.body_err) FAIL("%s: %s / %s", *p, asy_err_name(g.err), asy_err_name(g.body_err));
        ASSERT_EQ(g.status, 200);
        ASSERT_EQ(g.len, text_len);
        ASSERT(memcmp(g.body, text, text_len) == 0);
        ASSERT(g.has_ce); /* the headers stay as sent, as in undici */
        got_free(&g);
    }
    /* a coding fetch cannot undo anywhere in the list: the body as sent */
    get(&e, "/br", NULL, &g);
    ASSERT_EQ(g.err, 0);
    ASSERT_EQ(g.body_err, 0);
    ASSERT(g.len > 10 && (uint8_t)g.body[0] == 0x1f && (uint8_t)g.body[1] == 0x8b);
    got_free(&g);
    get(&e, "/identity-list", NULL, &g);
    ASSERT_EQ(g.body_err, 0);
    ASSERT(g.len > 10 && (uint8_t)g.body[0] == 0x1f && (uint8_t)g.body[1] == 0x8b);
    got_free(&g);
    /* 1 MiB, chunked in odd pieces, through the pool */
    get(&e, "/big", NULL, &g);
    ASSERT_EQ(g.body_err, 0);
    ASSERT_EQ(g.len, big_len);
    ASSERT(memcmp(g.body, big, big_len) == 0);
    got_free(&g);
    env_stop(&e);
}

TEST_T(http_fetch_sends_accept_encoding, 10000) {
    env e;
    got g;
    asy_headers_t h;
    asy_fetch_opts_t o;
    env_start(&e);
    get(&e, "/ae", NULL, &g);
    ASSERT_STR_EQ(g.body, "gzip, deflate");
    got_free(&g);
    o = e.o;
    asy_headers_init(&h);
    ASSERT_EQ(asy_headers_append(&h, "Range", "bytes=0-3"), 0);
    o.headers = &h;
    get(&e, "/ae", &o, &g);
    ASSERT_STR_EQ(g.body, "identity");
    got_free(&g);
    asy_headers_free(&h);
    asy_headers_init(&h);
    ASSERT_EQ(asy_headers_append(&h, "Accept-Encoding", "deflate"), 0);
    get(&e, "/ae", &o, &g);
    ASSERT_STR_EQ(g.body, "deflate");
    got_free(&g);
    asy_headers_free(&h);
    env_stop(&e);
}

TEST_T(http_fetch_encoding_errors_and_null_bodies, 10000) {
    env e;
    got g;
    asy_fetch_opts_t o;
    env_start(&e);
    /* corrupt data errors the body, with zlib's code */
    get(&e, "/corrupt", NULL, &g);
    ASSERT_EQ(g.err, 0);
    ASSERT_EQ(g.status, 200);
    ASSERT_EQ(g.body_err, ASY_Z_DATA_ERROR);
    got_free(&g);
    /* truncated: Z_SYNC_FLUSH at the end, as undici and curl: what
     * decoded is the body, no error */
    get(&e, "/truncated", NULL, &g);
    ASSERT_EQ(g.body_err, 0);
    ASSERT(g.len > 0 && g.len < text_len);
    ASSERT(memcmp(g.body, text, g.len) == 0);
    got_free(&g);
    get(&e, "/toomany", NULL, &g);
    ASSERT_EQ(g.err, ASY_EFETCH_CODINGS);
    /* nothing to decode: an empty gzip body, 204, 304, HEAD */
    get(&e, "/empty", NULL, &g);
    ASSERT_EQ(g.body_err, 0);
    ASSERT_EQ(g.len, 0);
    got_free(&g);
    get(&e, "/204", NULL, &g);
    ASSERT_EQ(g.status, 204);
    ASSERT_EQ(g.body_err, 0);
    ASSERT_EQ(g.len, 0);
    got_free(&g);
    get(&e, "/304", NULL, &g);
    ASSERT_EQ(g.status, 304);
    ASSERT_EQ(g.body_err, 0);
    got_free(&g);
    o = e.o;
    o.method = "HEAD";
    get(&e, "/gzip", &o, &g);
    ASSERT_EQ(g.status, 200);
    ASSERT_EQ(g.body_err, 0);
    ASSERT_EQ(g.len, 0);
    got_free(&g);
    /* the connection is still good after all of that */
    get(&e, "/gzip", NULL, &g);
    ASSERT_EQ(g.len, text_len);
    got_free(&g);
    env_stop(&e);
}

/* The response is dropped before its body is read: the decoders go with
 * it (no leak, the loop closes). */
static void drop_unread(void *arg, const asy_settled_t *in) {
    int *st = (int *)arg;
    *st = in->state == ASY_PROMISE_FULFILLED ? 1 : -1;
}

TEST_T(http_fetch_encoded_body_dropped_unread, 10000) {
    env e;
    char u[256];
    int st = 0;
    asy_promise_t *p;
    env_start(&e);
    snprintf(u, sizeof(u), "http://127.0.0.1:%d/big", e.port);
    p = asy_fetch(&e.loop, u, &e.o);
    ASSERT(p != NULL);
    asy_promise_on_settled(p, drop_unread, &st);
    while (!st) asy_run(&e.loop, ASY_RUN_ONCE);
    ASSERT_EQ(st, 1);
    asy_promise_release(p);
    env_stop(&e);
}

/* Node's http server compressing with node:zlib: a createGzip stream
 * piped into the response (chunked), deflateSync, deflateRawSync, and
 * the list "deflate, gzip".  It prints its port, and exits on /quit. */
static const char *node_js =
    "const http=require('http'),z=require('zlib');"
    "const t=Buffer.from('node says '.repeat(5000));"
    "const s=http.createServer((q,r)=>{"
    "if(q.url==='/quit'){r.end();s.close();return;}"
    "if(q.url==='/stream'){r.setHeader('Content-Encoding','gzip');const g=z.createGzip();g.pipe(r);"
    "let i=0;(function w(){while(i<40){i++;if(!g.write(t.subarray(0,1234)))return g.once('drain',w);}g.end();})();return;}"
    "if(q.url==='/deflate'){r.setHeader('Content-Encoding','deflate');r.end(z.deflateSync(t));return;}"
    "if(q.url==='/raw'){r.setHeader('Content-Encoding','deflate');r.end(z.deflateRawSync(t));return;}"
    "if(q.url==='/list'){r.setHeader('Content-Encoding','deflate, gzip');r.end(z.gzipSync(z.deflateSync(t)));return;}"
    "r.statusCode=404;r.end();});"
    "s.listen(0,'127.0.0.1',()=>console.log(s.address().port));";

TEST_T(http_fetch_decodes_node_zlib_bodies, 20000) {
    static const char *const paths[] = {"/deflate", "/raw", "/list", NULL};
    const char *const *p;
    char cmd[4096], line[32], u[256], *expect;
    asy_loop_t loop;
    FILE *node;
    got g;
    int port, i;
    if (system("command -v node >/dev/null 2>&1") != 0) SKIP("node is not installed");
    snprintf(cmd, sizeof(cmd), "exec node -e \"%s\"", node_js);
    node = popen(cmd, "r");
    ASSERT(node != NULL);
    if (!fgets(line, sizeof(line), node)) FAIL("node did not start");
    port = atoi(line);
    ASSERT(port > 0);
    expect = (char *)malloc(50001);
    for (i = 0; i < 5000; i++) memcpy(expect + i * 10, "node says ", 10);
    expect[50000] = 0;
    ASSERT_EQ(asy_loop_init(&loop, NULL), 0);
    for (p = paths; *p; p++) {
        snprintf(u, sizeof(u), "http://127.0.0.1:%d%s", port, *p);
        do_fetch(&loop, u, NULL, &g);
        if (g.err || g.body_err) FAIL("%s: %s / %s", *p, asy_err_name(g.err), asy_err_name(g.body_err));
        ASSERT_EQ(g.len, 50000);
        ASSERT(memcmp(g.body, expect, 50000) == 0);
        got_free(&g);
    }
    snprintf(u, sizeof(u), "http://127.0.0.1:%d/stream", port);
    do_fetch(&loop, u, NULL, &g);
    ASSERT_EQ(g.body_err, 0);
    ASSERT_EQ(g.len, 40 * 1234);
    for (i = 0; i < 40; i++) ASSERT(memcmp(g.body + i * 1234, expect, 1234) == 0);
    got_free(&g);
    snprintf(u, sizeof(u), "http://127.0.0.1:%d/quit", port);
    do_fetch(&loop, u, NULL, &g);
    got_free(&g);
    asy_run(&loop, ASY_RUN_DEFAULT);
    ASSERT_EQ(asy_loop_close(&loop), 0);
    free(expect);
    ASSERT_EQ(pclose(node), 0);
}

#endif /* ASYNCRT_WITH_ZLIB */

#ifdef ASYNCRT_WITH_ZLIB
/* The inflate option fetch uses for Content-Encoding: deflate. */
TEST(zlib_inflate_raw_fallback_option) {
    static const char msg[] = "raw or zlib, the first byte tells";
    asy_zlib_opts_t o;
    asy_buf_t raw, zl, out;
    memset(&o, 0, sizeof(o));
    ASSERT_EQ(asy_zlib_deflate_raw_sync(msg, sizeof(msg), NULL, &raw), 0);
    ASSERT_EQ(asy_zlib_deflate_sync(msg, sizeof(msg), NULL, &zl), 0);
    /* without it raw deflate is not a zlib stream */
    ASSERT_EQ(asy_zlib_inflate_sync(raw.data, raw.len, NULL, &out), ASY_Z_DATA_ERROR);
    o.raw_fallback = 1;
    ASSERT_EQ(asy_zlib_inflate_sync(raw.data, raw.len, &o, &out), 0);
    ASSERT_EQ(out.len, sizeof(msg));
    ASSERT(memcmp(out.data, msg, sizeof(msg)) == 0);
    asy_buf_release(&out);
    ASSERT_EQ(asy_zlib_inflate_sync(zl.data, zl.len, &o, &out), 0);
    ASSERT_EQ(out.len, sizeof(msg));
    asy_buf_release(&out);
    /* inflate only */
    ASSERT_EQ(asy_zlib_gunzip_sync(zl.data, zl.len, &o, &out), ASY_EINVAL);
    ASSERT_EQ(asy_zlib_deflate_sync(msg, sizeof(msg), &o, &out), ASY_EINVAL);
    asy_buf_release(&raw);
    asy_buf_release(&zl);
}
#endif
