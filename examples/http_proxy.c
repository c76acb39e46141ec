/* A streaming reverse proxy: the HTTP server, the client and pipeline
 * together, backpressure end to end.
 *
 *   PORT=8080 UPSTREAM=http://127.0.0.1:3000 http_proxy
 *
 * Every request goes to UPSTREAM with the same method, path and headers
 * (minus the hop-by-hop ones) over a keep-alive agent.  The request body
 * is piped into the upstream request, and the upstream response body into
 * the response: a slow downstream reader pauses the upstream socket, a
 * slow upstream pauses the client's upload, so memory stays bounded
 * whatever the sizes.  An upstream failure before the head answers 502;
 * after it, the connection is cut.  Prints "Listening on :PORT"; SIGINT /
 * SIGTERM close gracefully. */
#define ASYNCRT_IMPLEMENTATION
#include "asyncrt.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static asy_loop_t loop;
static asy_http_server_t server;
static asy_http_agent_t agent;
static asy_signal_t sigint_h, sigterm_h;
static char upstream[512];

/* One proxied exchange. */
typedef struct px {
    asy_http_req_t *req;
    asy_http_res_t *res;
    asy_http_client_req_t *up;
    int answered;
} px;

static int hop_by_hop(const char *n, size_t len) {
    static const char *const hop[] = {"connection", "keep-alive", "proxy-connection",
                                      "transfer-encoding", "te", "trailer", "upgrade",
                                      "host", NULL};
    const char *const *h;
    for (h = hop; *h; h++)
        if (asy_http_name_eq(n, len, *h)) return 1;
    return 0;
}

static void response_piped(asy_stream_t *last, int status, void *arg) {
    (void)last;
    (void)status;
    (void)arg; /* pipeline destroyed whatever was left on an error */
}

static void on_up_response(asy_http_client_req_t *up, asy_http_client_res_t *ures) {
    px *p = (px *)up->data;
    asy_stream_t *chain[2];
    size_t i;
    char name[256], value[8192];
    p->answered = 1;
    for (i = 0; i < ures->head.num_headers; i++) {
        const asy_http_header_t *h = &ures->head.headers[i];
        if (hop_by_hop(h->name, h->name_len) || h->name_len >= sizeof(name) ||
            h->value_len >= sizeof(value))
            continue;
        memcpy(name, h->name, h->name_len);
        name[h->name_len] = 0;
        memcpy(value, h->value, h->value_len);
        value[h->value_len] = 0;
        asy_http_res_append_header(p->res, name, value);
    }
    asy_http_res_write_head(p->res, ures->status, NULL);
    chain[0] = &ures->stream;
    chain[1] = &p->res->stream;
    asy_pipeline(chain, 2, response_piped, p);
}

static void on_up_error(asy_http_client_req_t *up, int err) {
    px *p = (px *)up->data;
    if (p->answered) return; /* the pipeline cut the response */
    p->answered = 1;
    fprintf(stderr, "http_proxy: upstream: %s (%s)\n", asy_strerror(err), asy_err_name(err));
    asy_http_res_set_header(p->res, "Content-Type", "text/plain");
    asy_http_res_write_head(p->res, 502, NULL);
    asy_http_res_end(p->res, "Bad Gateway\n", 12);
    /* the rest of the request body is not wanted */
    if (!asy_stream_is_destroyed(&p->req->stream)) asy_stream_destroy(&p->req->stream, 0);
}

static void on_up_close(asy_http_client_req_t *up) { free(up->data); }

static const asy_http_client_events_t up_events = {on_up_response, on_up_error, on_up_close};

static void request_piped(asy_stream_t *last, int status, void *arg) {
    (void)last;
    (void)status;
    (void)arg;
}

static void on_request(asy_http_server_t *srv, asy_http_req_t *req, asy_http_res_t *res) {
    char url[1024 + 8192], method[32];
    asy_http_header_t hv[128];
    asy_http_request_opts_t o;
    asy_stream_t *chain[2];
    size_t i, n = 0;
    px *p;
    (void)srv;
    if (req->head.target_len > 8192 || req->head.method_len >= sizeof(method)) {
        asy_http_res_write_head(res, 414, NULL);
        asy_http_res_end(res, NULL, 0);
        return;
    }
    snprintf(url, sizeof(url), "%s%.*s", upstream, (int)req->head.target_len, req->head.target);
    memcpy(method, req->head.method, req->head.method_len);
    method[req->head.method_len] = 0;
    for (i = 0; i < req->head.num_headers && n < 128; i++) {
        const asy_http_header_t *h = &req->head.headers[i];
        if (!hop_by_hop(h->name, h->name_len)) hv[n++] = *h;
    }
    memset(&o, 0, sizeof(o));
    o.url = url;
    o.method = method;
    o.headers = hv;
    o.num_headers = n;
    o.agent = &agent;
    p = (px *)calloc(1, sizeof(*p));
    if (!p) return;
    p->req = req;
    p->res = res;
    if (asy_http_request(&loop, &o, &up_events, &p->up) != 0) {
        free(p);
        asy_http_res_write_head(res, 502, NULL);
        asy_http_res_end(res, "Bad Gateway\n", 12);
        return;
    }
    p->up->data = p;
    /* the request body streams up as it arrives */
    chain[0] = &req->stream;
    chain[1] = &p->up->stream;
    asy_pipeline(chain, 2, request_piped, p);
}

static void on_signal(asy_signal_t *h, int signum) {
    (void)h;
    (void)signum;
    asy_http_server_close(&server, NULL);
    asy_http_agent_close(&agent, NULL);
    asy_close((asy_handle_t *)&sigint_h, NULL);
    asy_close((asy_handle_t *)&sigterm_h, NULL);
}

int main(void) {
    const char *ps = getenv("PORT"), *up = getenv("UPSTREAM");
    int port = ps ? atoi(ps) : 8080, r;
    size_t ul;
    if (!up || strncmp(up, "http://", 7) != 0) {
        fprintf(stderr, "http_proxy: set UPSTREAM=http://host:port\n");
        return 1;
    }
    ul = strlen(up);
    while (ul && up[ul - 1] == '/') ul--;
    if (ul >= sizeof(upstream)) return 1;
    memcpy(upstream, up, ul);
    upstream[ul] = 0;
    signal(SIGPIPE, SIG_IGN);
    asy_loop_init(&loop, NULL);
    asy_http_agent_init(&loop, &agent, NULL);
    asy_http_server_init(&loop, &server, NULL, on_request);
    if ((r = asy_http_server_listen(&server, "127.0.0.1", port, 511)) != 0) {
        fprintf(stderr, "http_proxy: listen: %s\n", asy_strerror(r));
        return 1;
    }
    asy_signal_init(&loop, &sigint_h);
    asy_signal_init(&loop, &sigterm_h);
    asy_signal_start(&sigint_h, on_signal, SIGINT);
    asy_signal_start(&sigterm_h, on_signal, SIGTERM);
    printf("Listening on :%d\n", asy_http_server_port(&server));
    fflush(stdout);
    asy_run(&loop, ASY_RUN_DEFAULT);
    asy_loop_close(&loop);
    return 0;
}
