/* Helpers for the HTTP tests: a server running its own loop on a thread,
 * and blocking raw-socket clients that send exact bytes. */
#ifndef ASYRT_HTTP_UTIL_H
#define ASYRT_HTTP_UTIL_H
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

typedef struct tsrv {
    asy_http_server_opts_t opts;
    asy_http_request_cb cb;
    int port;
    int ready_fd[2];
    pthread_t th;
    asy_loop_t loop;
    asy_http_server_t srv;
    asy_async_t stop, query;
    int query_fd[2];
    int sent_fd[2]; /* the stopping thread's "my send is over" */
    size_t query_result;
    void *data;
} tsrv;

/* Runs on the loop thread: the connection count, handed back by a pipe
 * (so the reading thread never touches the server's memory). */
__attribute__((unused)) static void tsrv_query_cb(asy_async_t *a) {
    tsrv *t = (tsrv *)a->data;
    size_t n = asy_http_server_connections(&t->srv);
    if (write(t->query_fd[1], &n, sizeof(n)) != (ssize_t)sizeof(n)) abort();
}

__attribute__((unused)) static size_t tsrv_connections(tsrv *t) {
    size_t n = 0;
    asy_async_send(&t->query);
    if (read(t->query_fd[0], &n, sizeof(n)) != (ssize_t)sizeof(n)) FAIL("query");
    return n;
}

__attribute__((unused)) static void tsrv_stop_cb(asy_async_t *a) {
    tsrv *t = (tsrv *)a->data;
    asy_http_server_close(&t->srv, NULL);
    asy_http_server_close_all_connections(&t->srv);
    asy_close((asy_handle_t *)a, NULL);
    asy_close((asy_handle_t *)&t->query, NULL);
}

__attribute__((unused)) static void *tsrv_main(void *arg) {
    tsrv *t = (tsrv *)arg;
    char ok = 1;
    if (asy_loop_init(&t->loop, NULL) != 0) abort();
    if (asy_http_server_init(&t->loop, &t->srv, &t->opts, t->cb) != 0) abort();
    t->srv.data = t;
    if (asy_http_server_listen(&t->srv, "127.0.0.1", 0, 4096) != 0) abort();
    t->port = asy_http_server_port(&t->srv);
    asy_async_init(&t->loop, &t->stop, tsrv_stop_cb);
    t->stop.data = t;
    asy_async_init(&t->loop, &t->query, tsrv_query_cb);
    t->query.data = t;
    if (write(t->ready_fd[1], &ok, 1) != 1) abort();
    asy_run(&t->loop, ASY_RUN_DEFAULT);
    /* the loop may close its wake-up fd only once asy_async_send has
     * returned in the stopping thread (libuv's rule too) */
    if (read(t->sent_fd[0], &ok, 1) != 1) abort();
    if (asy_loop_close(&t->loop) != 0) {
        asy_loop_print_handles(&t->loop, stderr);
        abort();
    }
    return NULL;
}

/* Starts a server with opts (NULL: defaults) and cb; returns its port. */
__attribute__((unused)) static int tsrv_start(tsrv *t, const asy_http_server_opts_t *opts,
                                              asy_http_request_cb cb) {
    char ok;
    /* the caller's tsrv is on its stack: no option may be left unset */
    if (opts)
        t->opts = *opts;
    else
        memset(&t->opts, 0, sizeof(t->opts));
    t->cb = cb;
    if (pipe(t->ready_fd) != 0 || pipe(t->query_fd) != 0 || pipe(t->sent_fd) != 0) FAIL("pipe");
    if (pthread_create(&t->th, NULL, tsrv_main, t) != 0) FAIL("pthread_create");
    if (read(t->ready_fd[0], &ok, 1) != 1) FAIL("server did not start");
    close(t->ready_fd[0]);
    close(t->ready_fd[1]);
    return t->port;
}

__attribute__((unused)) static void tsrv_stop(tsrv *t) {
    char ok = 1;
    asy_async_send(&t->stop);
    if (write(t->sent_fd[1], &ok, 1) != 1) FAIL("write");
    pthread_join(t->th, NULL);
    close(t->query_fd[0]);
    close(t->query_fd[1]);
    close(t->sent_fd[0]);
    close(t->sent_fd[1]);
}

__attribute__((unused)) static double now_ms(void) {
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return tv.tv_sec * 1000.0 + tv.tv_usec / 1000.0;
}

__attribute__((unused)) static int http_connect(int port) {
    struct sockaddr_in sin;
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    if (fd < 0) FAIL("socket: %s", strerror(errno));
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_port = htons((uint16_t)port);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0) FAIL("connect: %s", strerror(errno));
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return fd;
}

__attribute__((unused)) static void send_all(int fd, const char *p, size_t n) {
    while (n) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EINTR) continue;
            return; /* the server may have closed: reading tells */
        }
        p += w;
        n -= (size_t)w;
    }
}

/* Reads until EOF (returns the length; out is NUL-terminated) or until
 * ms passed (returns -1 - length). */
__attribute__((unused)) static ptrdiff_t read_until_eof(int fd, char *out, size_t cap, int ms) {
    size_t n = 0;
    double end = now_ms() + ms;
    for (;;) {
        struct pollfd p;
        int left = (int)(end - now_ms());
        ssize_t r;
        if (left <= 0) {
            out[n < cap ? n : cap - 1] = 0;
            return -1 - (ptrdiff_t)n;
        }
        p.fd = fd;
        p.events = POLLIN;
        if (poll(&p, 1, left) <= 0) continue;
        r = recv(fd, out + n, cap - 1 - n, 0);
        if (r < 0 && errno == ECONNRESET) r = 0; /* counts as the close */
        if (r <= 0) break;
        n += (size_t)r;
        if (n == cap - 1) break;
    }
    out[n] = 0;
    return (ptrdiff_t)n;
}

/* Reads until the buffer holds `want` occurrences of "HTTP/1.1 " with a
 * complete head and body each; simple: until `needle` appears. */
__attribute__((unused)) static ptrdiff_t read_until(int fd, char *out, size_t cap, const char *needle,
                                                    int ms) {
    size_t n = 0;
    double end = now_ms() + ms;
    out[0] = 0;
    while (!strstr(out, needle)) {
        struct pollfd p;
        int left = (int)(end - now_ms());
        ssize_t r;
        if (left <= 0) return -1;
        p.fd = fd;
        p.events = POLLIN;
        if (poll(&p, 1, left) <= 0) continue;
        r = recv(fd, out + n, cap - 1 - n, 0);
        if (r <= 0) return -1;
        n += (size_t)r;
        out[n] = 0;
    }
    return (ptrdiff_t)n;
}

__attribute__((unused)) static int count_str(const char *hay, const char *needle) {
    int n = 0;
    size_t l = strlen(needle);
    while ((hay = strstr(hay, needle)) != NULL) {
        n++;
        hay += l;
    }
    return n;
}

/* GET answers "Hello World"; POST answers the body it got. */
typedef struct {
    asy_http_res_t *res;
    char *data;
    size_t len, cap;
} echo_body;

__attribute__((unused)) static void echo_data(asy_stream_t *s, const asy_buf_t *chunk) {
    echo_body *b = (echo_body *)s->data;
    if (b->len + chunk->len > b->cap) {
        b->cap = (b->len + chunk->len) * 2;
        b->data = (char *)realloc(b->data, b->cap);
    }
    memcpy(b->data + b->len, chunk->data, chunk->len);
    b->len += chunk->len;
}

__attribute__((unused)) static void echo_end(asy_stream_t *s) {
    echo_body *b = (echo_body *)s->data;
    asy_http_res_set_header(b->res, "Content-Type", "application/octet-stream");
    asy_http_res_end(b->res, b->data ? b->data : "", b->len);
}

__attribute__((unused)) static void echo_close(asy_stream_t *s) {
    echo_body *b = (echo_body *)s->data;
    free(b->data);
    free(b);
}

static const asy_stream_events_t echo_events = {echo_data, NULL, echo_end, NULL, NULL,
                                              NULL,      echo_close, NULL, NULL};

__attribute__((unused)) static void hello_cb(asy_http_server_t *srv, asy_http_req_t *req,
                                             asy_http_res_t *res) {
    (void)srv;
    if (req->head.method_len == 4 && memcmp(req->head.method, "POST", 4) == 0) {
        echo_body *b = (echo_body *)calloc(1, sizeof(*b));
        b->res = res;
        req->stream.data = b;
        asy_stream_set_events(&req->stream, &echo_events);
        return;
    }
    asy_http_res_set_header(res, "Content-Type", "text/plain");
    asy_http_res_end(res, "Hello World", 11);
}

/* Answers "Hello World" later: t->data points to an int, the delay in ms
 * (0: from asy_set_immediate, > 0: from asy_set_timeout). */
__attribute__((unused)) static void later_fire(void *arg) {
    asy_http_res_t *res = (asy_http_res_t *)arg;
    asy_http_res_set_header(res, "Content-Type", "text/plain");
    asy_http_res_end(res, "Hello World", 11);
}

__attribute__((unused)) static void later_cb(asy_http_server_t *srv, asy_http_req_t *req,
                                             asy_http_res_t *res) {
    tsrv *t = (tsrv *)srv->data;
    int ms = *(const int *)t->data;
    (void)req;
    if (ms > 0)
        asy_set_timeout(srv->loop, later_fire, res, (uint64_t)ms);
    else
        asy_set_immediate(srv->loop, later_fire, res);
}

#endif
