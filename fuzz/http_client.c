/* libFuzzer target for the HTTP client's response path end to end, not
 * only the parser (fuzz/http_response.c): a server on 127.0.0.1 (this
 * process, the same loop) answers one asy_fetch with the fuzzer's bytes,
 * written in pieces one loop turn apart, then ends the connection.  The
 * fetch runs through asy_http_request, the connection code, the agent's
 * pool when the first byte says so, the chunked decoder and, built with
 * ASYNCRT_WITH_ZLIB, the Content-Encoding decoders.
 *
 * First byte: bit 0 HEAD instead of GET, bit 1 through an agent, bits
 * 2-4 the number of pieces (1..8), bits 5-7 where the cuts fall.
 * Checked: the fetch and the body read each settle exactly once, every
 * error is a negative code the library names (asy_http_error_name is
 * not "UNKNOWN"), and
 * afterwards the loop closes with no handle left (ASan/LSan: no leak).
 * Redirects are 'manual', so a Location never leaves this process. */
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct fz {
    asy_loop_t loop;
    asy_server_t srv;
    asy_socket_t conn;
    int accepted, conn_closed;
    const uint8_t *data;
    size_t size, off, pieces, cut;
    unsigned piece;
    int fetch_settled, body_settled, agent_closed;
    asy_promise_t *body;
} fz;

static void check_err(int err) {
    /* the parser's codes are named by asy_http_error_name, the rest by
     * asy_err_name (which it falls back to) */
    if (err >= 0 || strcmp(asy_http_error_name(err), "UNKNOWN") == 0) {
        fprintf(stderr, "http_client fuzz: unclear error %d\n", err);
        abort();
    }
}

/* The server side: the response bytes, piece by piece. */
static void write_piece(void *arg) {
    fz *z = (fz *)arg;
    size_t left = z->size - z->off, n;
    if (z->conn_closed || asy_stream_is_destroyed(&z->conn.stream)) return;
    if (left == 0 || z->piece + 1 >= z->pieces) {
        n = left;
    } else {
        n = (left * (z->cut + 1)) / 9 + 1;
        if (n > left) n = left;
    }
    if (n) asy_stream_write_bytes(&z->conn.stream, z->data + z->off, n, NULL, NULL);
    z->off += n;
    z->piece++;
    if (z->off == z->size)
        asy_stream_end(&z->conn.stream, NULL, NULL);
    else
        asy_set_immediate(&z->loop, write_piece, z);
}

static void conn_data(asy_stream_t *s, const asy_buf_t *b) {
    (void)s;
    (void)b; /* the request: not looked at */
}
static void conn_close(asy_stream_t *s) { ((fz *)s->data)->conn_closed = 1; }
static const asy_stream_events_t conn_events = {conn_data, NULL, NULL, NULL, NULL,
                                              NULL,      conn_close, NULL, NULL};

static void on_conn(asy_server_t *srv, int status) {
    fz *z = (fz *)srv->data;
    if (status < 0 || z->accepted) return;
    if (asy_socket_init(&z->loop, &z->conn, NULL) != 0) abort();
    if (asy_server_accept(srv, &z->conn) != 0) abort();
    z->accepted = 1;
    z->conn.stream.data = z;
    asy_stream_set_events(&z->conn.stream, &conn_events);
    write_piece(z);
    asy_server_close(srv, NULL); /* one connection per input */
}

/* The client side. */
static void body_done(void *arg, const asy_settled_t *in) {
    fz *z = (fz *)arg;
    if (z->body_settled++) abort();
    if (in->state == ASY_PROMISE_REJECTED) check_err(in->error);
}

static void fetched(void *arg, const asy_settled_t *in) {
    fz *z = (fz *)arg;
    asy_fetch_response_t *r;
    if (z->fetch_settled++) abort();
    if (in->state == ASY_PROMISE_REJECTED) {
        check_err(in->error);
        return;
    }
    r = (asy_fetch_response_t *)in->value;
    if (r->status < 100 || r->status > 999) abort();
    z->body = asy_fetch_bytes(r);
    if (!z->body) abort();
    asy_promise_on_settled(z->body, body_done, z);
}

static void agent_closed(asy_http_agent_t *a) { ((fz *)a->data)->agent_closed = 1; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static fz z;
    asy_http_agent_t agent;
    asy_fetch_opts_t o;
    asy_addr_t addr;
    asy_promise_t *p;
    char url[64];
    if (size < 1) return 0;
    memset(&z, 0, sizeof(z));
    z.data = data + 1;
    z.size = size - 1;
    z.pieces = ((data[0] >> 2) & 7) + 1;
    z.cut = (data[0] >> 5) & 7;
    if (asy_loop_init(&z.loop, NULL) != 0) abort();
    if (asy_server_listen(&z.loop, &z.srv, "127.0.0.1", 0, 8, 0, on_conn) != 0) abort();
    z.srv.data = &z;
    if (asy_server_address(&z.srv, &addr) != 0) abort();
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/f", asy_addr_port(&addr));
    memset(&o, 0, sizeof(o));
    o.method = data[0] & 1 ? "HEAD" : "GET";
    o.redirect = ASY_FETCH_MANUAL;
    o.timeout_ms = 5000; /* bounded even if something waits for ever */
    if (data[0] & 2) {
        if (asy_http_agent_init(&z.loop, &agent, NULL) != 0) abort();
        agent.data = &z;
        o.agent = &agent;
    }
    if (!(p = asy_fetch(&z.loop, url, &o))) abort();
    asy_promise_on_settled(p, fetched, &z);
    asy_promise_release(p);
    while (!z.fetch_settled || (z.body && !z.body_settled)) asy_run(&z.loop, ASY_RUN_ONCE);
    if (z.body) asy_promise_release(z.body);
    if (!z.accepted) asy_server_close(&z.srv, NULL);
    else if (!z.conn_closed && !asy_stream_is_destroyed(&z.conn.stream))
        asy_stream_destroy(&z.conn.stream, 0);
    if (data[0] & 2) asy_http_agent_close(&agent, agent_closed);
    asy_run(&z.loop, ASY_RUN_DEFAULT);
    if ((data[0] & 2) && !z.agent_closed) abort();
    if (asy_loop_close(&z.loop) != 0) {
        asy_loop_print_handles(&z.loop, stderr);
        abort();
    }
    return 0;
}
