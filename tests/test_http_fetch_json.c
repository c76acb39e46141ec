/* res.json() (asy_fetch_json) on data: URLs and on a 127.0.0.1 server:
 * a parsed tree, a rejection with the parser's code and offset, a body
 * read twice. */
#include "../asyncrt.h"
#include "test.h"
#include "http_util.h"

typedef struct jgot {
    int state, err;
    char msg[256];
    char out[512];
    asy_promise_t *second;
} jgot;

static void json_done(void *arg, const asy_settled_t *in) {
    jgot *g = (jgot *)arg;
    if (in->state == ASY_PROMISE_FULFILLED) {
        asy_json_doc_t *doc = (asy_json_doc_t *)in->value;
        char *s;
        size_t n;
        ASSERT_OK(asy_json_stringify(doc->root, 0, &s, &n));
        snprintf(g->out, sizeof(g->out), "%s", s);
        asy_free(s);
    } else {
        g->err = in->error;
        snprintf(g->msg, sizeof(g->msg), "%s", in->message ? in->message : "");
    }
    g->state = 2;
}

static void fetched(void *arg, const asy_settled_t *in) {
    jgot *g = (jgot *)arg;
    asy_promise_t *j;
    if (in->state == ASY_PROMISE_REJECTED) {
        g->err = in->error;
        g->state = 2;
        return;
    }
    j = asy_fetch_json((asy_fetch_response_t *)in->value);
    ASSERT_NOT_NULL(j);
    asy_promise_on_settled(j, json_done, g);
    asy_promise_release(j);
    /* the body is taken: a second read rejects */
    g->second = asy_fetch_json((asy_fetch_response_t *)in->value);
    ASSERT_NOT_NULL(g->second);
    asy_promise_mark_handled(g->second);
}

static void run_fetch(asy_loop_t *loop, const char *url, jgot *g) {
    asy_promise_t *p = asy_fetch(loop, url, NULL);
    memset(g, 0, sizeof(*g));
    ASSERT_NOT_NULL(p);
    asy_promise_on_settled(p, fetched, g);
    while (g->state != 2) asy_run(loop, ASY_RUN_ONCE);
    asy_run(loop, ASY_RUN_NOWAIT);
    if (g->second) {
        const asy_settled_t *s = asy_promise_result(g->second);
        ASSERT_NOT_NULL(s);
        ASSERT_EQ(s->error, ASY_EFETCH_BODY_USED);
        asy_promise_release(g->second);
    }
    asy_promise_release(p);
}

TEST(fetch_json_data_url) {
    asy_loop_t loop;
    jgot g;
    asy_loop_init(&loop, NULL);
    run_fetch(&loop, "data:application/json,%7B%22b%22:1,%22a%22:%5B1.50,true,null%5D,%220%22:%22x%22%7D", &g);
    ASSERT_EQ(g.err, 0);
    ASSERT_STR_EQ(g.out, "{\"0\":\"x\",\"b\":1,\"a\":[1.5,true,null]}");
    run_fetch(&loop, "data:application/json,%7B%22a%22:%0A%20tru%7D", &g);
    ASSERT_EQ(g.err, ASY_EJSON_SYNTAX);
    ASSERT_STR_EQ(g.msg, "JSON: unexpected character at position 10 (line 2 column 5)");
    run_fetch(&loop, "data:,", &g);
    ASSERT_EQ(g.err, ASY_EJSON_EOF);
    ASSERT_OK(asy_loop_close(&loop));
}

static void json_route(asy_http_server_t *srv, asy_http_req_t *req, asy_http_res_t *res) {
    static const char body[] = "{\"users\":[{\"id\":1,\"name\":\"Ada\"},{\"id\":2,\"name\":\"Linus\"}]}";
    (void)srv;
    (void)req;
    asy_http_res_set_header(res, "Content-Type", "application/json");
    asy_http_res_end(res, body, sizeof(body) - 1);
}

TEST(fetch_json_from_server) {
    tsrv s;
    asy_loop_t loop;
    jgot g;
    char url[128];
    int port = tsrv_start(&s, NULL, json_route);
    asy_loop_init(&loop, NULL);
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/users", port);
    run_fetch(&loop, url, &g);
    ASSERT_EQ(g.err, 0);
    ASSERT_STR_EQ(g.out, "{\"users\":[{\"id\":1,\"name\":\"Ada\"},{\"id\":2,\"name\":\"Linus\"}]}");
    while (asy_run(&loop, ASY_RUN_ONCE)) {}
    ASSERT_OK(asy_loop_close(&loop));
    tsrv_stop(&s);
}
