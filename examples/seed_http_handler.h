/* The seed's request handler, shared by examples/http_server.c and
 * examples/https_server.c (the same server over TCP and over TLS):
 * GET (any path) answers "Hello World", POST echoes the body as
 * {"received":"<body>"}, JSON-escaped. */
#pragma once
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A POST's body, collected as it arrives. */
typedef struct {
    asy_http_res_t *res;
    char *data;
    size_t len, cap;
} post_body;

/* JSON.stringify for a string: quotes, backslash and control characters
 * escaped, every other byte (UTF-8 included) kept as it is. */
static char *json_received(const char *s, size_t n, size_t *outlen) {
    static const char pre[] = "{\"received\":\"", post[] = "\"}";
    char *out = (char *)malloc(sizeof(pre) + 6 * n + sizeof(post)), *o = out;
    size_t i;
    if (!out) return NULL;
    memcpy(o, pre, sizeof(pre) - 1);
    o += sizeof(pre) - 1;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            *o++ = '\\';
            *o++ = (char)c;
        } else if (c < 0x20) {
            switch (c) {
            case '\n': *o++ = '\\'; *o++ = 'n'; break;
            case '\r': *o++ = '\\'; *o++ = 'r'; break;
            case '\t': *o++ = '\\'; *o++ = 't'; break;
            case '\b': *o++ = '\\'; *o++ = 'b'; break;
            case '\f': *o++ = '\\'; *o++ = 'f'; break;
            default: o += sprintf(o, "\\u%04x", c); break;
            }
        } else {
            *o++ = (char)c;
        }
    }
    memcpy(o, post, sizeof(post) - 1);
    o += sizeof(post) - 1;
    *outlen = (size_t)(o - out);
    return out;
}

static void on_body_data(asy_stream_t *s, const asy_buf_t *chunk) {
    post_body *b = (post_body *)s->data;
    if (b->len + chunk->len > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        char *d;
        while (cap < b->len + chunk->len) cap *= 2;
        d = (char *)realloc(b->data, cap);
        if (!d) {
            asy_stream_destroy(s, ASY_ENOMEM);
            return;
        }
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, chunk->data, chunk->len);
    b->len += chunk->len;
}

static void on_body_end(asy_stream_t *s) {
    post_body *b = (post_body *)s->data;
    size_t n;
    char *json = json_received(b->data, b->len, &n);
    if (!json) {
        asy_http_res_write_head(b->res, 500, NULL);
        asy_http_res_end(b->res, NULL, 0);
        return;
    }
    asy_http_res_set_header(b->res, "Content-Type", "application/json");
    asy_http_res_end(b->res, json, n); /* copied into the output: free at once */
    free(json);
}

static void on_body_close(asy_stream_t *s) {
    post_body *b = (post_body *)s->data;
    free(b->data);
    free(b);
}

static const asy_stream_events_t body_events = {on_body_data, NULL, on_body_end, NULL, NULL,
                                              NULL,         on_body_close, NULL, NULL};

static void on_request(asy_http_server_t *srv, asy_http_req_t *req, asy_http_res_t *res) {
    (void)srv;
    if (req->head.method_len == 4 && memcmp(req->head.method, "POST", 4) == 0) {
        post_body *b = (post_body *)calloc(1, sizeof(*b));
        if (!b) {
            asy_http_res_write_head(res, 500, NULL);
            asy_http_res_end(res, NULL, 0);
            return;
        }
        b->res = res;
        req->stream.data = b;
        asy_stream_set_events(&req->stream, &body_events);
        return;
    }
    asy_http_res_set_header(res, "Content-Type", "text/plain");
    asy_http_res_end(res, "Hello World", 11);
}
