/* Helpers for the HTTP client tests: a collector of one response, and
 * raw servers on a thread that misbehave on purpose. */
#ifndef ASYRT_CLIENT_UTIL_H
#define ASYRT_CLIENT_UTIL_H
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

/* What one request saw. */
typedef struct cres {
    int status, err, body_err, ended, closed, responses;
    char *body;
    size_t len, cap;
    char ctype[64];
    size_t max_len;          /* stop collecting past this (count only) */
    uint64_t total;
    asy_http_client_req_t *req;
    int done;                /* on_close ran */
    int *pending;            /* decremented at on_close */
} cres;

__attribute__((unused)) static void cres_data(asy_stream_t *s, const asy_buf_t *b) {
    cres *c = (cres *)s->data;
    c->total += b->len;
    if (c->max_len && c->len + b->len > c->max_len) return;
    if (c->len + b->len + 1 > c->cap) {
        c->cap = (c->len + b->len + 1) * 2;
        c->body = (char *)realloc(c->body, c->cap);
    }
    memcpy(c->body + c->len, b->data, b->len);
    c->len += b->len;
    c->body[c->len] = 0;
}
__attribute__((unused)) static void cres_end(asy_stream_t *s) { ((cres *)s->data)->ended = 1; }
__attribute__((unused)) static void cres_err(asy_stream_t *s, int e) { ((cres *)s->data)->body_err = e; }

static const asy_stream_events_t cres_body_events = {cres_data, NULL, cres_end, cres_err, NULL,
                                                   NULL,      NULL, NULL,     NULL};

__attribute__((unused)) static void cres_on_response(asy_http_client_req_t *req,
                                                     asy_http_client_res_t *res) {
    cres *c = (cres *)req->data;
    size_t n = 0;
    const char *ct = asy_http_client_res_header(res, "content-type", &n);
    c->status = res->status;
    c->responses++;
    if (ct && n < sizeof(c->ctype)) {
        memcpy(c->ctype, ct, n);
        c->ctype[n] = 0;
    }
    res->stream.data = c;
    asy_stream_set_events(&res->stream, &cres_body_events);
}
__attribute__((unused)) static void cres_on_error(asy_http_client_req_t *req, int err) {
    ((cres *)req->data)->err = err;
}
__attribute__((unused)) static void cres_on_close(asy_http_client_req_t *req) {
    cres *c = (cres *)req->data;
    c->done = 1;
    c->req = NULL;
    if (c->pending) --*c->pending;
}

static const asy_http_client_events_t cres_events = {cres_on_response, cres_on_error,
                                                   cres_on_close};

/* A request to url with the collector c. */
__attribute__((unused)) static void cres_get(asy_loop_t *loop, asy_http_agent_t *agent,
                                             const char *url, cres *c) {
    asy_http_request_opts_t o;
    memset(&o, 0, sizeof(o));
    o.url = url;
    o.agent = agent;
    ASSERT_EQ(asy_http_request(loop, &o, &cres_events, &c->req), 0);
    c->req->data = c;
    ASSERT_EQ(asy_http_request_end(c->req, NULL, 0), 0);
}

/* ---- raw servers ----------------------------------------------------------- */

typedef struct rawsrv {
    int lfd, port, stop;
    int mode;
    int backlog;
    pthread_t th;
    int conns; /* accepted */
    int requests;
} rawsrv;

/* Reads one request head (through \r\n\r\n) and its Content-Length body;
 * returns 0 on EOF or error. */
__attribute__((unused)) static int raw_read_request(int fd) {
    char buf[8192];
    size_t n = 0;
    char *e;
    while (!(n >= 4 && (e = (char *)memmem(buf, n, "\r\n\r\n", 4)) != NULL)) {
        ssize_t r = recv(fd, buf + n, sizeof(buf) - 1 - n, 0);
        if (r <= 0) return 0;
        n += (size_t)r;
        buf[n] = 0;
        if (n >= sizeof(buf) - 1) return 0;
    }
    {
        char *cl = strstr(buf, "Content-Length: ");
        size_t want = cl ? (size_t)atol(cl + 16) : 0;
        size_t have = n - (size_t)(e + 4 - buf);
        while (have < want) {
            ssize_t r = recv(fd, buf, sizeof(buf), 0);
            if (r <= 0) return 0;
            have += (size_t)r;
        }
    }
    return 1;
}

__attribute__((unused)) static int rawsrv_listen(rawsrv *s, int backlog) {
    struct sockaddr_in sin;
    socklen_t sl = sizeof(sin);
    int one = 1;
    s->lfd = socket(AF_INET, SOCK_STREAM, 0);
    setsockopt(s->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(s->lfd, (struct sockaddr *)&sin, sizeof(sin)) != 0) FAIL("bind");
    if (listen(s->lfd, backlog) != 0) FAIL("listen");
    getsockname(s->lfd, (struct sockaddr *)&sin, &sl);
    s->port = ntohs(sin.sin_port);
    return s->port;
}

#endif
