/* The seed's fetch:
 *
 *   const res = await fetch(url);
 *   const data = await res.text();
 *
 * in C.  Usage: fetch_url URL.  Prints the status code on the first line,
 * then the body's bytes exactly as they arrive (streamed, not buffered);
 * exits 0 on a 2xx status, 1 otherwise.  A failure (a refused connection,
 * a bad URL, a timeout) prints its message on stderr and exits 1.
 * Redirects are followed (at most 20); http:, https: and data: URLs.
 * https: verifies the server against the system CAs and the host name;
 * CA_FILE in the environment names a PEM file of more CAs to trust
 * (Node's NODE_EXTRA_CA_CERTS).  A certificate that does not verify
 * fails the fetch with its code (DEPTH_ZERO_SELF_SIGNED_CERT...). */
#define ASYNCRT_IMPLEMENTATION
#include "asyncrt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int exit_code = 1;
static int status_ok;

static void on_data(asy_stream_t *s, const asy_buf_t *chunk) {
    (void)s;
    if (chunk->len && fwrite(chunk->data, 1, chunk->len, stdout) != chunk->len) {
        perror("fetch_url: stdout");
        exit(1);
    }
}

static void on_end(asy_stream_t *s) {
    (void)s;
    exit_code = status_ok ? 0 : 1;
}

static void on_error(asy_stream_t *s, int err) {
    (void)s;
    fflush(stdout);
    fprintf(stderr, "fetch_url: body: %s (%s)\n", asy_strerror(err), asy_err_name(err));
    exit_code = 1;
}

static const asy_stream_events_t body_events = {on_data, NULL, on_end, on_error, NULL,
                                              NULL,    NULL, NULL,   NULL};

static void on_settled(void *arg, const asy_settled_t *in) {
    asy_fetch_response_t *res;
    (void)arg;
    if (in->state == ASY_PROMISE_REJECTED) {
        fprintf(stderr, "fetch_url: %s (%s)\n", in->message ? in->message : asy_strerror(in->error),
                asy_err_name(in->error));
        exit_code = 1;
        return;
    }
    res = (asy_fetch_response_t *)in->value;
    printf("%d\n", res->status);
    status_ok = res->ok;
    if (res->body)
        asy_stream_set_events(res->body, &body_events);
    else
        exit_code = status_ok ? 0 : 1;
}

int main(int argc, char **argv) {
    asy_loop_t loop;
    asy_promise_t *p;
    asy_fetch_opts_t fo;
#ifdef ASYNCRT_WITH_MBEDTLS
    asy_tls_context_t *ctx = NULL;
    const char *ca = getenv("CA_FILE");
#endif
    if (argc != 2) {
        fprintf(stderr, "usage: fetch_url URL\n");
        return 2;
    }
    if (asy_loop_init(&loop, NULL) != 0) return 1;
    memset(&fo, 0, sizeof(fo));
#ifdef ASYNCRT_WITH_MBEDTLS
    if (ca && *ca) {
        asy_tls_context_opts_t co;
        int r;
        memset(&co, 0, sizeof(co));
        co.ca_file = ca;
        co.add_system_ca = 1;
        if ((r = asy_tls_context_new(&ctx, ASY_TLS_CLIENT, &co)) != 0) {
            fprintf(stderr, "fetch_url: CA_FILE %s: %s\n", ca, asy_strerror(r));
            return 1;
        }
        fo.tls_context = ctx;
    }
#endif
    p = asy_fetch(&loop, argv[1], &fo);
    if (!p) {
        fprintf(stderr, "fetch_url: out of memory\n");
        return 1;
    }
    asy_promise_on_settled(p, on_settled, NULL);
    asy_run(&loop, ASY_RUN_DEFAULT);
    /* the response (and its body stream) lives as long as the promise */
    asy_promise_release(p);
    asy_run(&loop, ASY_RUN_DEFAULT);
    fflush(stdout);
#ifdef ASYNCRT_WITH_MBEDTLS
    asy_tls_context_unref(ctx);
#endif
    asy_loop_close(&loop);
    return exit_code;
}
