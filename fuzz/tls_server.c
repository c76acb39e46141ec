/* libFuzzer target: a TLS server fed arbitrary bytes as records.  The
 * transport is an in-memory duplex: the input goes in as its readable
 * data (split at the first byte's value, so record boundaries move), what
 * the server writes is thrown away.  Checks, for any input: no crash, no
 * leak, and the connection ends -- it closes with an error or waits for
 * more, never anything else -- with every stream closed once the loop
 * is done.  The certificate is mbedTLS's own test certificate. */
#define ASYNCRT_STATIC
#define ASYNCRT_IMPLEMENTATION
#include "../asyncrt.h"

#include <mbedtls/certs.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fz_write(asy_stream_t *s, const asy_buf_t *chunk) {
    (void)chunk;
    asy_stream_write_done(s, 0);
}
static void fz_final(asy_stream_t *s) { asy_stream_final_done(s, 0); }
static const asy_stream_impl_t fz_impl = {NULL, NULL, fz_write, NULL, fz_final, NULL, NULL, NULL};

static int closed;
static void fz_close(asy_stream_t *s) {
    (void)s;
    closed++;
}
static const asy_stream_events_t fz_events = {NULL, NULL, NULL, NULL, NULL,
                                            NULL, fz_close, NULL, NULL};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static asy_tls_context_t *ctx;
    asy_loop_t loop;
    asy_stream_t t;
    asy_tls_t tls;
    asy_tls_opts_t o;
    size_t off = 0, step;
    if (!ctx) {
        asy_tls_context_opts_t co;
        memset(&co, 0, sizeof(co));
        co.cert_pem = mbedtls_test_srv_crt;
        co.key_pem = mbedtls_test_srv_key;
        if (asy_tls_context_new(&ctx, ASY_TLS_SERVER, &co) != 0) abort();
    }
    if (asy_loop_init(&loop, NULL) != 0) abort();
    if (asy_duplex_init(&loop, &t, &fz_impl, NULL) != 0) abort();
    memset(&o, 0, sizeof(o));
    o.context = ctx;
    o.handshake_timeout_ms = ASY_TLS_NO_TIMEOUT;
    closed = 0;
    if (asy_tls_wrap(&loop, &tls, &t, &o) != 0) abort();
    asy_stream_set_events(&tls.stream, &fz_events);
    step = size ? (size_t)data[0] + 1 : 1;
    while (off < size && !asy_stream_is_destroyed(&t)) {
        size_t n = size - off < step ? size - off : step;
        asy_stream_push_bytes(&t, data + off, n);
        off += n;
        asy_run(&loop, ASY_RUN_NOWAIT);
    }
    if (!asy_stream_is_destroyed(&t)) asy_stream_push_end(&t);
    asy_run(&loop, ASY_RUN_DEFAULT);
    if (!asy_stream_is_destroyed(&tls.stream)) asy_stream_destroy(&tls.stream, 0);
    asy_run(&loop, ASY_RUN_DEFAULT);
    if (closed != 1) abort();
    if (asy_loop_close(&loop) != 0) abort();
    return 0;
}
